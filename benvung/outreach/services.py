"""Writes of outreach activities and SCP models: checked whole, saved all or nothing, audited.

The Excel import calls these same functions with the same dataclasses, so a row typed in a form
and a row read from a workbook meet the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from benvung.core import audit, energy, uploads, years
from benvung.core.concurrency import lock_for_edit, mark_saved
from benvung.directory.models import AdministrativeUnit, IndustrialArea, Organisation, Site
from benvung.plans.models import ContentArea

from . import permissions
from .models import OutreachActivity, SCPModel

if TYPE_CHECKING:
    from benvung.accounts.models import User

MAX_TITLE = 300
MAX_URL = 500
MAX_PARTICIPANTS = 10_000_000
# DecimalField(max_digits=14, decimal_places=3): at most 11 digits before the point.
MAX_RESULT = Decimal(10) ** 11
EVIDENCE_MAX_BYTES: int = getattr(settings, "REPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
RESULT_FIELDS = (
    "energy_saved_toe",
    "materials_saved_t",
    "water_saved_m3",
    "waste_reduced_t",
    "co2_reduced_t",
    "money_saved_mvnd",
)
ACTIVITY_M2M = ("topics", "industrial_areas", "administrative_units", "organisations_reached")


@dataclass
class ActivityData:
    organiser: Organisation
    kind: str  # OutreachActivity.Kind value
    title: str
    start_date: dt.date
    end_date: dt.date | None = None
    topics: list[ContentArea] = field(default_factory=list)
    industrial_areas: list[IndustrialArea] = field(default_factory=list)
    administrative_units: list[AdministrativeUnit] = field(default_factory=list)
    organisations_reached: list[Organisation] = field(default_factory=list)
    participants: int | None = None
    description: str = ""
    evidence_url: str = ""


@dataclass
class SCPModelData:
    organisation: Organisation
    kind: str  # SCPModel.Kind value
    title: str
    year: int
    site: Site | None = None
    description: str = ""
    energy_saved_toe: Decimal | None = None
    materials_saved_t: Decimal | None = None
    water_saved_m3: Decimal | None = None
    waste_reduced_t: Decimal | None = None
    co2_reduced_t: Decimal | None = None
    money_saved_mvnd: Decimal | None = None
    evidence_url: str = ""


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded evidence file: its name (for its type) and its bytes."""

    name: str
    data: bytes


def _day(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _add(problems: dict[str, list[str]], name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _not_valid_on(item: Any, day: dt.date) -> str:
    """Why `item` (effective-dated) did not exist on `day`, naming it and its dates."""
    if item.valid_from is not None and day < item.valid_from:
        return _("“%(name)s” did not exist yet on %(day)s (it exists from %(from)s).") % {
            "name": item,
            "day": _day(day),
            "from": _day(item.valid_from),
        }
    return _("“%(name)s” no longer existed on %(day)s (it ended on %(to)s).") % {
        "name": item,
        "day": _day(day),
        "to": _day(item.valid_to),
    }


def _check_title(problems: dict[str, list[str]], title: str) -> None:
    text = (title or "").strip()
    if not text:
        _add(problems, "title", _("Give a title."))
    elif len(text) > MAX_TITLE:
        _add(problems, "title", _("At most %(count)s characters.") % {"count": MAX_TITLE})


def _check_url(problems: dict[str, list[str]], url: str) -> None:
    text = (url or "").strip()
    if not text:
        return
    if len(text) > MAX_URL:
        _add(problems, "evidence_url", _("At most %(count)s characters.") % {"count": MAX_URL})
        return
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        _add(
            problems,
            "evidence_url",
            _("“%(value)s” is not a web address (it should start with https://).")
            % {"value": text},
        )


def evidence_problems(evidence: EvidenceFile | None) -> list[str]:
    """Why an uploaded evidence file is refused: too large, or not what its name says."""
    if evidence is None:
        return []
    if len(evidence.data) > EVIDENCE_MAX_BYTES:
        return [
            _("%(name)s is %(size)s MB; evidence files may be at most %(limit)s MB.")
            % {
                "name": evidence.name,
                "size": round(len(evidence.data) / 1024 / 1024, 1),
                "limit": EVIDENCE_MAX_BYTES // 1024 // 1024,
            }
        ]
    verdict = uploads.judge(evidence.name, evidence.data)
    if verdict.claimed is None:
        return [
            _("%(name)s: only PDF, DOCX, XLSX, PNG and JPEG files are accepted.")
            % {"name": evidence.name}
        ]
    if not verdict.acceptable:
        return [
            _(
                "%(name)s is not really a %(kind)s file (its content does not match its name), "
                "so it was refused."
            )
            % {"name": evidence.name, "kind": (verdict.claimed or "").upper()}
        ]
    return []


def _store_evidence(instance: OutreachActivity | SCPModel, evidence: EvidenceFile) -> str:
    """Save the file under a random name; returns the old file's name, to delete on commit."""
    old = instance.evidence_file.name or ""
    verdict = uploads.judge(evidence.name, evidence.data)
    suffix = "jpg" if verdict.kind == "jpeg" else (verdict.kind or "bin")
    instance.evidence_file.save(f"evidence.{suffix}", ContentFile(evidence.data), save=False)
    return old


def _delete_file_on_commit(instance: OutreachActivity | SCPModel, name: str) -> None:
    # Only once the row no longer needs it, and not if the transaction rolls back.
    if name:
        storage = instance.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Outreach activities ----------------------------------------------------------------------


def activity_problems(data: ActivityData) -> dict[str, list[str]]:
    """Every problem of the activity, by field name; {} when it may be saved."""
    problems: dict[str, list[str]] = {}
    if data.organiser is None:
        _add(problems, "organiser", _("Choose the organiser."))
    if data.kind not in OutreachActivity.Kind.values:
        _add(problems, "kind", _("Choose the type of activity."))
    _check_title(problems, data.title)
    start: dt.date | None = data.start_date
    if start is None:
        _add(problems, "start_date", _("Give the start date."))
    elif (year_problem := years.year_problem(start.year)) is not None:
        # An activity may be planned ahead: only the years of data apply, not "not yet come".
        _add(problems, "start_date", year_problem)
        start = None
    if start is not None and data.end_date is not None and data.end_date < start:
        _add(
            problems,
            "end_date",
            _("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": _day(data.end_date), "start": _day(start)},
        )
    if data.participants is not None and not 0 <= data.participants <= MAX_PARTICIPANTS:
        _add(
            problems,
            "participants",
            _("Give a number from 0 to %(max)s.")
            % {"max": number_format(MAX_PARTICIPANTS, force_grouping=True)},
        )
    _check_url(problems, data.evidence_url)
    if data.administrative_units:
        from benvung.directory.selectors import province_units

        ours = set(
            province_units()
            .filter(pk__in=[u.pk for u in data.administrative_units])
            .values_list("pk", flat=True)
        )
        for unit in data.administrative_units:
            if unit.pk not in ours:
                _add(
                    problems,
                    "administrative_units",
                    _("“%(name)s” is not a unit of the province.") % {"name": unit},
                )
    if start is not None:
        # The places reached must be on the map of the day: a 2025 commune cannot have been
        # reached in 2023, nor a district abolished on 30/06/2025 in 2026.
        # The organiser is not checked: a merged department answers for its predecessors'
        # activities, recorded under its own name.
        checks: tuple[tuple[str, Iterable[Any]], ...] = (
            ("administrative_units", data.administrative_units),
            ("industrial_areas", data.industrial_areas),
        )
        for name, items in checks:
            for item in items:
                if not item.is_valid_on(start):
                    _add(problems, name, _not_valid_on(item, start))
    return problems


def activity_snapshot(activity: OutreachActivity) -> dict[str, Any] | None:
    return audit.snapshot(activity, many_to_many=ACTIVITY_M2M)


def _write_activity(activity: OutreachActivity, data: ActivityData) -> None:
    activity.organiser = data.organiser
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.start_date = data.start_date
    activity.end_date = data.end_date
    activity.participants = data.participants
    activity.description = (data.description or "").strip()
    activity.evidence_url = (data.evidence_url or "").strip()


def _set_activity_links(activity: OutreachActivity, data: ActivityData) -> None:
    activity.topics.set(data.topics)
    activity.industrial_areas.set(data.industrial_areas)
    activity.administrative_units.set(data.administrative_units)
    activity.organisations_reached.set(data.organisations_reached)


def _raise_if(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


def activity_create(
    *,
    actor: User,
    data: ActivityData,
    owner: Organisation | None = None,
    evidence_file: EvidenceFile | None = None,
    is_demo: bool = False,
) -> OutreachActivity:
    """Record an activity for `owner` (the actor's organisation unless a coordinator says)."""
    owner = _owner(actor, owner)
    if not permissions.can_record_activity(actor, owner):
        raise PermissionDenied(_("You are not allowed to do this."))
    problems = activity_problems(data)
    for message in evidence_problems(evidence_file):
        _add(problems, "evidence_file", message)
    _raise_if(problems)
    with transaction.atomic():
        activity = OutreachActivity(
            owner=owner, recorded_by=_user(actor), updated_by=_user(actor), is_demo=is_demo
        )
        _write_activity(activity, data)
        if evidence_file is not None:
            _store_evidence(activity, evidence_file)
        activity.save()
        _set_activity_links(activity, data)
        audit.record(
            actor=actor,
            action="outreach_activity.create",
            target=activity,
            after=activity_snapshot(activity),
        )
    return activity


def activity_update(
    *,
    actor: User,
    activity: OutreachActivity,
    data: ActivityData,
    evidence_file: EvidenceFile | None = None,
    remove_evidence_file: bool = False,
    expected_version: int | None = None,
) -> OutreachActivity:
    """Change an activity; refused (StaleEdit) if it was saved since `expected_version`."""
    if not permissions.can_edit_activity(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    problems = activity_problems(data)
    for message in evidence_problems(evidence_file):
        _add(problems, "evidence_file", message)
    _raise_if(problems)
    with transaction.atomic():
        locked = lock_for_edit(
            OutreachActivity.objects.all(),
            activity.pk,
            expected_version,
            what=_("the activity “%(title)s”") % {"title": activity.title},
        )
        before = activity_snapshot(locked)
        _write_activity(locked, data)
        mark_saved(locked, actor)
        old_file = ""
        if evidence_file is not None:
            old_file = _store_evidence(locked, evidence_file)
        elif remove_evidence_file and locked.evidence_file:
            old_file = locked.evidence_file.name or ""
            locked.evidence_file = ""
        locked.save()
        _set_activity_links(locked, data)
        _delete_file_on_commit(locked, old_file)
        audit.record(
            actor=actor,
            action="outreach_activity.update",
            target=locked,
            before=before,
            after=activity_snapshot(locked),
        )
    return locked


def activity_delete(*, actor: User, activity: OutreachActivity) -> None:
    if not permissions.can_edit_activity(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="outreach_activity.delete",
            target=activity,
            before=activity_snapshot(activity),
        )
        name = activity.evidence_file.name or ""
        # Through the model (not QuerySet.delete) so the indicator signals see it.
        activity.delete()
        _delete_file_on_commit(activity, name)


# --- SCP models -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consumption:
    """An organisation's reported energy consumption in a year, in TOE."""

    toe: Decimal | None  # None when some of it could not be converted
    site_years: int


def energy_consumption_toe(organisation: Organisation, year: int) -> Consumption | None:
    """The energy the organisation reported for `year` in the resource data (all its sites,
    drafts too: the claim is checked against what it reported, submitted or not), or None when
    it reported none. Through benvung.core.energy: outreach does not read the resource data."""
    total = energy.enterprise_energy(organisation.pk, year, include_drafts=True)
    if total is None:
        return None
    return Consumption(toe=total.rounded_toe(), site_years=sum(1 for p in total.parts if p.rows))


def scp_model_problems(data: SCPModelData) -> tuple[dict[str, list[str]], list[str]]:
    """(refusals by field name, flags for the coordinator). Flags do not stop the save."""
    problems: dict[str, list[str]] = {}
    flags: list[str] = []
    if data.organisation is None:
        _add(problems, "organisation", _("Choose the organisation applying the model."))
    if data.kind not in SCPModel.Kind.values:
        _add(problems, "kind", _("Choose the type of model."))
    _check_title(problems, data.title)
    year_ok = years.in_range(data.year)
    if (year_problem := years.year_problem(data.year)) is not None:
        _add(problems, "year", year_problem)
    for name in RESULT_FIELDS:
        value = getattr(data, name)
        if value is None:
            continue
        if value < 0:
            _add(problems, name, _("Must be zero or more."))
        elif value >= MAX_RESULT:
            _add(problems, name, _("The number is too large."))
    _check_url(problems, data.evidence_url)
    if data.organisation is not None and year_ok:
        first, last = dt.date(data.year, 1, 1), dt.date(data.year, 12, 31)
        organisation = data.organisation
        if (organisation.valid_from and organisation.valid_from > last) or (
            organisation.valid_to and organisation.valid_to < first
        ):
            _add(
                problems,
                "organisation",
                _("“%(name)s” was not in operation in %(year)s.")
                % {"name": organisation, "year": data.year},
            )
        if data.site is not None:
            if data.site.enterprise_id != organisation.pk:
                _add(
                    problems,
                    "site",
                    _("The site “%(site)s” is not one of %(name)s's sites.")
                    % {"site": data.site.name, "name": organisation},
                )
            elif (data.site.valid_from and data.site.valid_from > last) or (
                data.site.valid_to and data.site.valid_to < first
            ):
                _add(
                    problems,
                    "site",
                    _("The site “%(site)s” was not in operation in %(year)s.")
                    % {"site": data.site.name, "year": data.year},
                )
        saved = data.energy_saved_toe
        if saved is not None and saved > 0 and "energy_saved_toe" not in problems:
            consumption = energy_consumption_toe(organisation, data.year)
            # A saving is measured against the use before the model: halving 200 TOE to 80
            # saves 120, more than the 80 still used. The larger of the year and the year
            # before is the ceiling; only a claim above both is impossible.
            before = energy_consumption_toe(organisation, data.year - 1)
            used_year = data.year
            if (
                before is not None
                and before.toe is not None
                and (consumption is None or consumption.toe is None or before.toe > consumption.toe)
            ):
                consumption, used_year = before, data.year - 1
            if consumption is None:
                flags.append(
                    _(
                        "%(name)s reported no energy consumption for %(year)s: the %(saved)s TOE "
                        "saved could not be compared with it."
                    )
                    % {
                        "name": organisation,
                        "year": data.year,
                        "saved": number_format(saved, force_grouping=True),
                    }
                )
            elif consumption.toe is None:
                flags.append(
                    _(
                        "The energy %(name)s reported for %(year)s could not all be converted to "
                        "TOE: the energy saved could not be compared with it."
                    )
                    % {"name": organisation, "year": data.year}
                )
            elif saved > consumption.toe:
                _add(
                    problems,
                    "energy_saved_toe",
                    _(
                        "%(saved)s TOE saved is more than the %(used)s TOE %(name)s reported "
                        "consuming in %(year)s, its larger use of %(model_year)s and the year "
                        "before."
                    )
                    % {
                        "saved": number_format(saved, force_grouping=True),
                        "used": number_format(consumption.toe, 3, force_grouping=True),
                        "name": organisation,
                        "year": used_year,
                        "model_year": data.year,
                    },
                )
    if not problems and all(getattr(data, name) is None for name in RESULT_FIELDS):
        flags.append(_("No result (savings or reductions) is given."))
    return problems, flags


def scp_model_snapshot(model: SCPModel) -> dict[str, Any] | None:
    return audit.snapshot(model)


def _write_model(model: SCPModel, data: SCPModelData, flags: list[str]) -> None:
    model.organisation = data.organisation
    model.site = data.site
    model.kind = data.kind
    model.title = data.title.strip()
    model.year = data.year
    model.description = (data.description or "").strip()
    for name in RESULT_FIELDS:
        setattr(model, name, getattr(data, name))
    model.evidence_url = (data.evidence_url or "").strip()
    model.flags = flags


def scp_model_create(
    *,
    actor: User,
    data: SCPModelData,
    owner: Organisation | None = None,
    evidence_file: EvidenceFile | None = None,
    is_demo: bool = False,
) -> SCPModel:
    """Record a model, proposed for the coordinator's review."""
    owner = _owner(actor, owner)
    if data.organisation is not None and not permissions.can_record_scp_model(
        actor, owner=owner, organisation=data.organisation
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    if data.organisation is None and not permissions.can_record_scp_models(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    problems, flags = scp_model_problems(data)
    for message in evidence_problems(evidence_file):
        _add(problems, "evidence_file", message)
    _raise_if(problems)
    with transaction.atomic():
        model = SCPModel(
            owner=owner, recorded_by=_user(actor), updated_by=_user(actor), is_demo=is_demo
        )
        _write_model(model, data, flags)
        if evidence_file is not None:
            _store_evidence(model, evidence_file)
        model.save()
        audit.record(
            actor=actor,
            action="scp_model.create",
            target=model,
            after=scp_model_snapshot(model),
        )
    return model


def scp_model_update(
    *,
    actor: User,
    model: SCPModel,
    data: SCPModelData,
    evidence_file: EvidenceFile | None = None,
    remove_evidence_file: bool = False,
    expected_version: int | None = None,
) -> SCPModel:
    """Change a model. A reviewed model changed by anyone but a coordinator goes back to
    "proposed": the coordinator verified other figures. Refused (StaleEdit) if the model was
    saved or reviewed since `expected_version`."""
    if not permissions.can_edit_scp_model(actor, model):
        raise PermissionDenied(_("You are not allowed to do this."))
    if data.organisation is not None and not permissions.can_record_scp_model(
        actor, owner=model.owner, organisation=data.organisation
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    problems, flags = scp_model_problems(data)
    for message in evidence_problems(evidence_file):
        _add(problems, "evidence_file", message)
    _raise_if(problems)
    with transaction.atomic():
        locked = lock_for_edit(
            SCPModel.objects.all(),
            model.pk,
            expected_version,
            what=_("the model “%(title)s”") % {"title": model.title},
        )
        before = scp_model_snapshot(locked)
        _write_model(locked, data, flags)
        mark_saved(locked, actor)
        old_file = ""
        if evidence_file is not None:
            old_file = _store_evidence(locked, evidence_file)
        elif remove_evidence_file and locked.evidence_file:
            old_file = locked.evidence_file.name or ""
            locked.evidence_file = ""
        if locked.state != SCPModel.State.PROPOSED and not permissions.can_review_scp_model(
            actor, locked
        ):
            locked.state = SCPModel.State.PROPOSED
        locked.save()
        _delete_file_on_commit(locked, old_file)
        audit.record(
            actor=actor,
            action="scp_model.update",
            target=locked,
            before=before,
            after=scp_model_snapshot(locked),
        )
    return locked


def scp_model_review(
    *, actor: User, model: SCPModel, state: str, note: str, expected_version: int | None = None
) -> SCPModel:
    """The coordinator verifies a model or does not accept it (with the reason); refused
    (StaleEdit) if the model was changed since `expected_version`: the verdict is on the
    figures the coordinator read."""
    if not permissions.can_review_scp_model(actor, model):
        raise PermissionDenied(_("You are not allowed to do this."))
    note = (note or "").strip()
    if state not in (SCPModel.State.VERIFIED, SCPModel.State.REJECTED):
        raise ValidationError({"state": [_("Choose “verified” or “not accepted”.")]})
    if state == SCPModel.State.REJECTED and not note:
        raise ValidationError({"note": [_("Say why the model is not accepted.")]})
    with transaction.atomic():
        locked = lock_for_edit(
            SCPModel.objects.all(),
            model.pk,
            expected_version,
            what=_("the model “%(title)s”") % {"title": model.title},
        )
        before = {"state": locked.state, "review_note": locked.review_note}
        mark_saved(locked, actor)
        locked.state = state
        locked.review_note = note
        locked.reviewed_by = _user(actor)
        locked.reviewed_at = timezone.now()
        locked.save()
        audit.record(
            actor=actor,
            action="scp_model.review",
            target=locked,
            before=before,
            after={"state": state, "review_note": note},
            summary=note,
        )
    return locked


def scp_model_delete(*, actor: User, model: SCPModel) -> None:
    if not permissions.can_edit_scp_model(actor, model):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="scp_model.delete",
            target=model,
            before=scp_model_snapshot(model),
        )
        name = model.evidence_file.name or ""
        model.delete()
        _delete_file_on_commit(model, name)


# --- Helpers ----------------------------------------------------------------------------------


def _user(actor: User) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _owner(actor: User, owner: Organisation | None) -> Organisation:
    """The organisation that answers for a new record: the actor's own, unless a coordinator
    records on another's behalf."""
    own = getattr(actor, "organisation", None)
    if owner is None or (own is not None and owner.pk == own.pk):
        if own is None:
            raise PermissionDenied(_("Your account belongs to no organisation."))
        return own
    if not permissions.can_record_for_another_organisation(actor):
        raise PermissionDenied(_("You may only record on behalf of your own organisation."))
    return owner
