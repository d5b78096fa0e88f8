"""Writes of the packaging surveys: one survey per outlet and year, created or replaced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.core import audit, uploads, years
from benvung.core.concurrency import check_version, mark_saved
from benvung.directory.models import Organisation, RetailOutlet

from . import permissions
from .models import PackagingSurvey

if TYPE_CHECKING:
    from benvung.accounts.models import User

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_ECOLABELLED = 2_147_483_647  # what the column holds
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "png", "jpeg")


@dataclass
class SurveyData:
    outlet: RetailOutlet
    year: int
    eco_packaging: str
    biodegradable_bag_share: Decimal | None = None
    ecolabelled_products: int | None = None
    surveyed_on: dt.date | None = None
    note: str = ""
    evidence_url: str = ""


def _in_operation(outlet: Organisation, year: int) -> bool:
    """Open at any time of the year: an outlet that closed in June was still surveyed."""
    return (outlet.valid_from is None or outlet.valid_from.year <= year) and (
        outlet.valid_to is None or outlet.valid_to.year >= year
    )


def survey_problems(data: SurveyData) -> dict[str, list[str]]:
    """Everything wrong with `data`, by field name; {} when it may be saved."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    year_ok = years.in_range(data.year)
    if data.year is None:
        add("year", _("Enter the year of the survey."))
    elif (year_problem := years.reporting_year_problem(data.year)) is not None:
        add("year", year_problem)
    if data.outlet is None:
        add("outlet", _("Choose the retail outlet."))
    elif year_ok and not _in_operation(data.outlet, data.year):
        add(
            "outlet",
            _("%(outlet)s was not in operation in %(year)s.")
            % {"outlet": data.outlet.name, "year": data.year},
        )
    if data.eco_packaging not in PackagingSurvey.Practice.values:
        add(
            "eco_packaging",
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in PackagingSurvey.Practice.labels)},
        )
    share = data.biodegradable_bag_share
    if share is not None and not Decimal(0) <= share <= Decimal(100):
        add("biodegradable_bag_share", _("A share is from 0 to 100 %."))
    elif share is not None and share != share.quantize(Decimal("0.01")):
        add("biodegradable_bag_share", _("At most two decimals."))
    count = data.ecolabelled_products
    if count is not None and not 0 <= count <= MAX_ECOLABELLED:
        add("ecolabelled_products", _("Enter a whole number, zero or more."))
    if data.surveyed_on is not None:
        if data.surveyed_on > timezone.localdate():
            add("surveyed_on", _("The date cannot be in the future."))
        elif year_ok and data.surveyed_on.year < data.year:
            add(
                "surveyed_on",
                _("A survey of %(year)s cannot have been made before the year began.")
                % {"year": data.year},
            )
    if data.evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(data.evidence_url)
        except ValidationError:
            add("evidence_url", _("Enter a web address starting with http:// or https://."))
    if len(data.evidence_url) > 500:
        add("evidence_url", _("At most %(count)s characters.") % {"count": 500})
    return problems


def _evidence_problem(upload: UploadedFile) -> str | None:
    name = upload.name or ""
    if (upload.size or 0) > MAX_EVIDENCE_BYTES:
        return _("%(name)s is larger than %(limit)s MB.") % {
            "name": name,
            "limit": MAX_EVIDENCE_BYTES // 2**20,
        }
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    verdict = uploads.judge(name, data)
    if verdict.claimed not in EVIDENCE_KINDS or not verdict.acceptable:
        return _(
            "%(name)s: only PDF, DOCX, XLSX, PNG and JPEG files whose content matches their "
            "name are accepted."
        ) % {"name": name}
    return None


def _owner(actor: User, owner: Organisation | None) -> Organisation:
    """The recording organisation: the actor's own, or (for a coordinator) the one named."""
    own = getattr(actor, "organisation", None)
    if owner is None or (own is not None and owner.pk == own.pk):
        if own is None:
            raise PermissionDenied(_("You are not allowed to do this."))
        return own
    if not permissions.can_record_for_another_organisation(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    return owner


def survey_save(
    *,
    actor: User,
    data: SurveyData,
    owner: Organisation | None = None,
    evidence_file: UploadedFile | None = None,
    remove_evidence: bool = False,
    expected_version: int | None = None,
) -> PackagingSurvey:
    """Record the outlet's survey for the year, or replace the one recorded before.

    `expected_version` is the version the form was read at (0: no survey was recorded); a
    survey saved since is not replaced (StaleEdit). None: no check (older callers).
    """
    if data.outlet is not None and not permissions.can_record_survey(actor, data.outlet):
        raise PermissionDenied(_("You may only record the survey of your own outlet."))
    problems = survey_problems(data)
    if evidence_file is not None:
        message = _evidence_problem(evidence_file)
        if message:
            problems.setdefault("evidence_file", []).append(message)
    if problems:
        raise ValidationError(problems)
    recorder = _owner(actor, owner)
    with transaction.atomic():
        survey = (
            PackagingSurvey.objects.select_for_update()
            .filter(outlet=data.outlet, year=data.year)
            .first()
        )
        before = audit.snapshot(survey)
        if survey is not None and not permissions.can_edit_survey(actor, survey):
            # Two agencies surveying the same outlet: the first one's figures stay until it
            # (or the coordinator) changes them.
            raise ValidationError(
                {
                    "outlet": [
                        # Never the other organisation's name (issue 12).
                        _(
                            "The survey of %(outlet)s for %(year)s was recorded by another "
                            "organisation; ask the coordinator to change it."
                        )
                        % {"outlet": data.outlet.name, "year": data.year}
                    ]
                }
            )
        if survey is not None:
            check_version(
                survey,
                expected_version,
                what=_("the survey of %(outlet)s for %(year)s")
                % {"outlet": data.outlet.name, "year": data.year},
            )
        created = survey is None
        if survey is None:
            survey = PackagingSurvey(outlet=data.outlet, year=data.year, owner=recorder)
            survey.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        else:
            mark_saved(survey, actor)
            if owner is not None:
                survey.owner = recorder
        survey.eco_packaging = data.eco_packaging
        survey.biodegradable_bag_share = data.biodegradable_bag_share
        survey.ecolabelled_products = data.ecolabelled_products
        survey.surveyed_on = data.surveyed_on
        survey.note = data.note.strip()
        survey.evidence_url = data.evidence_url.strip()
        survey.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        survey.is_demo = data.outlet.is_demo
        old_file = survey.evidence_file.name if survey.evidence_file else ""
        if evidence_file is not None:
            survey.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
        elif remove_evidence:
            survey.evidence_file = ""
        survey.save()
        new_file = survey.evidence_file.name if survey.evidence_file else ""
        if old_file and old_file != new_file:
            storage = survey.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
        audit.record(
            actor=actor,
            action="packaging_survey.create" if created else "packaging_survey.update",
            target=survey,
            before=before,
            after=audit.snapshot(survey),
        )
    return survey


def survey_delete(*, actor: User, survey: PackagingSurvey) -> None:
    if not permissions.can_edit_survey(actor, survey):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="packaging_survey.delete",
            target=survey,
            before=audit.snapshot(survey),
        )
        name = survey.evidence_file.name if survey.evidence_file else ""
        storage = survey.evidence_file.storage
        survey.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
