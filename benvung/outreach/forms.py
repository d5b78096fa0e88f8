"""Forms of outreach activities and SCP models. They only parse what was typed; the services
check the rules and name the field of every problem."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import DateField, amount_field, version_field
from benvung.core.numbers import NumberProblem, for_input, parse_decimal, read_decimal
from benvung.directory import selectors as directory_selectors
from benvung.directory.models import (
    AdministrativeUnit,
    Agency,
    Enterprise,
    IndustrialArea,
    Organisation,
    Site,
)
from benvung.plans.models import ContentArea

from . import services
from .models import OutreachActivity, SCPModel

EVIDENCE_HINT = _(
    "PDF, DOCX, XLSX, PNG or JPEG. After an error, choose the file again: browsers do not keep it."
)
Choices = list[tuple[Any, Any]]

# SCPModel keeps its results with 3 decimals: a smaller figure would be stored as 0.
RESULT_PLACES = 3


def _grouped(items: Iterable[Any], group_of: Any, label_of: Any = str) -> Choices:
    """(group label, [(pk, label), …]) choices, in the order the items come."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        groups.setdefault(str(group_of(item)), []).append((str(item.pk), label_of(item)))
    return list(groups.items())


def _objects(model: type[models.Model], ids: Iterable[str]) -> list[Any]:
    """The rows behind the chosen ids, in the order they were chosen."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    found = model._default_manager.in_bulk(wanted)
    return [found[i] for i in wanted if i in found]


def _organisation_choices(queryset: Any) -> Choices:
    return _grouped(
        queryset.order_by("kind", "name"),
        lambda o: Organisation.Kind(o.kind).label,
        lambda o: f"{o.name}{' †' if o.valid_to else ''}",
    )


def _unit_choices() -> Choices:
    """Districts and communes of both map editions, grouped by edition and level: an activity
    of 2023 names the units of that time, one of 2026 the units of the new map."""
    level_order: dict[str, int] = {"district": 0, "commune": 1}
    # The new map first (where new activities are), then the old districts and communes.
    units = sorted(
        directory_selectors.province_units().select_related("parent"),
        key=lambda u: (u.edition != AdministrativeUnit.Edition.Y2025, level_order[u.level], u.name),
    )

    def group(unit: AdministrativeUnit) -> str:
        return f"{unit.get_edition_display()} — {unit.get_level_display()}"

    def label(unit: AdministrativeUnit) -> str:
        parent = unit.parent
        if parent is not None and parent.level != AdministrativeUnit.Level.PROVINCE:
            return f"{unit.name} ({parent.name})"
        return unit.name

    return _grouped(units, group, label)


def _area_choices() -> Choices:
    areas = IndustrialArea.objects.order_by("kind", "name")
    return _grouped(
        areas,
        lambda a: IndustrialArea.Kind(a.kind).label,
        lambda a: f"{a.name}{' †' if a.valid_to else ''}",
    )


def _multi(label: Any, size: int = 10, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": size}),
        help_text=help_text
        or _("Hold Ctrl (⌘ on a Mac) to choose several. † marks those no longer in force."),
    )


class ActivityForm(forms.Form):
    owner = forms.ChoiceField(
        label=_("Recorded for (agency)"),
        required=False,
        help_text=_("The agency whose yearly report lists the activity."),
    )
    kind = forms.ChoiceField(label=_("Type"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    start_date = DateField(label=_("Start date"), required=False)
    end_date = DateField(label=_("End date"), required=False)
    organiser = forms.ChoiceField(label=_("Organiser"), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics (content areas of the plan)"),
        queryset=ContentArea.objects.order_by("plan", "number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industrial_areas = _multi(_("Industrial parks, clusters and craft villages reached"))
    administrative_units = _multi(
        _("Administrative units reached"),
        size=12,
        help_text=_(
            "Choose the units as they were on the start date: before 01/07/2025 the districts "
            "and communes of the old map, from then on the communes of the new map. Hold Ctrl "
            "(⌘ on a Mac) to choose several."
        ),
    )
    organisations_reached = _multi(_("Organisations reached"))
    participants = amount_field(_("Participants"), max_value=services.MAX_PARTICIPANTS)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    evidence_url = forms.CharField(
        label=_("Evidence (link)"), required=False, help_text=_("A web address, https://…")
    )
    evidence_file = forms.FileField(
        label=_("Evidence (file)"), required=False, help_text=EVIDENCE_HINT
    )
    remove_evidence_file = forms.BooleanField(
        label=_("Remove the stored evidence file"), required=False
    )
    # The record's version when the form was read (empty on a new record).
    version = version_field()

    def __init__(
        self,
        *args: Any,
        choose_owner: bool = False,
        has_file: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kind"].choices = [("", _("— choose —")), *OutreachActivity.Kind.choices]  # type: ignore[attr-defined]
        organisations = _organisation_choices(Organisation.objects.all())
        fields["organiser"].choices = [("", _("— choose —")), *organisations]  # type: ignore[attr-defined]
        fields["organisations_reached"].choices = organisations  # type: ignore[attr-defined]
        fields["industrial_areas"].choices = _area_choices()  # type: ignore[attr-defined]
        fields["administrative_units"].choices = _unit_choices()  # type: ignore[attr-defined]
        if choose_owner:
            fields["owner"].choices = [  # type: ignore[attr-defined]
                ("", _("— my organisation —")),
                *[(str(a.pk), a.name) for a in Agency.objects.order_by("name")],
            ]
        else:
            del fields["owner"]
        if not has_file:
            del fields["remove_evidence_file"]
        for name in ("kind", "title", "start_date", "organiser"):
            fields[name].show_required = True  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, activity: OutreachActivity) -> dict[str, Any]:
        return {
            "version": activity.version,
            "kind": activity.kind,
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "organiser": str(activity.organiser_id),
            "topics": list(activity.topics.all()),
            "industrial_areas": [
                str(pk) for pk in activity.industrial_areas.values_list("pk", flat=True)
            ],
            "administrative_units": [
                str(pk) for pk in activity.administrative_units.values_list("pk", flat=True)
            ],
            "organisations_reached": [
                str(pk) for pk in activity.organisations_reached.values_list("pk", flat=True)
            ],
            "participants": activity.participants,
            "description": activity.description,
            "evidence_url": activity.evidence_url,
        }

    def data_for_service(self) -> services.ActivityData:
        data = self.cleaned_data
        organiser = _objects(Organisation, [data.get("organiser") or ""])
        return services.ActivityData(
            organiser=organiser[0] if organiser else None,  # type: ignore[arg-type]
            kind=data.get("kind") or "",
            title=data.get("title") or "",
            start_date=data.get("start_date"),  # type: ignore[arg-type]
            end_date=data.get("end_date"),
            topics=list(data.get("topics") or []),
            industrial_areas=_objects(IndustrialArea, data.get("industrial_areas") or []),
            administrative_units=_objects(
                AdministrativeUnit, data.get("administrative_units") or []
            ),
            organisations_reached=_objects(Organisation, data.get("organisations_reached") or []),
            participants=data.get("participants"),
            description=data.get("description") or "",
            evidence_url=data.get("evidence_url") or "",
        )

    def chosen_owner(self) -> Organisation | None:
        ids = [self.cleaned_data.get("owner") or ""] if "owner" in self.fields else []
        found = _objects(Organisation, ids)
        return found[0] if found else None


class SCPModelForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Enterprise applying the model"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    year = forms.IntegerField(
        label=_("Year put in place"),
        required=False,
        error_messages={"invalid": _("Enter a year such as 2024.")},
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    energy_saved_toe = forms.CharField(label=_("Energy saved (TOE/year)"), required=False)
    materials_saved_t = forms.CharField(label=_("Materials saved (t/year)"), required=False)
    water_saved_m3 = forms.CharField(label=_("Water saved (m³/year)"), required=False)
    waste_reduced_t = forms.CharField(label=_("Waste reduced (t/year)"), required=False)
    co2_reduced_t = forms.CharField(label=_("CO₂ avoided (t/year)"), required=False)
    money_saved_mvnd = forms.CharField(label=_("Money saved (million VND/year)"), required=False)
    evidence_url = forms.CharField(
        label=_("Evidence (link)"), required=False, help_text=_("A web address, https://…")
    )
    evidence_file = forms.FileField(
        label=_("Evidence (file)"), required=False, help_text=EVIDENCE_HINT
    )
    remove_evidence_file = forms.BooleanField(
        label=_("Remove the stored evidence file"), required=False
    )
    # The record's version when the form was read (empty on a new record).
    version = version_field()

    def __init__(
        self,
        *args: Any,
        enterprise: Organisation | None = None,
        has_file: bool = False,
        **kwargs: Any,
    ) -> None:
        """`enterprise`: the enterprise user's own, which is then not chosen."""
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        fields = self.fields
        fields["kind"].choices = [("", _("— choose —")), *SCPModel.Kind.choices]  # type: ignore[attr-defined]
        sites = Site.objects.select_related("enterprise")
        if enterprise is not None:
            del fields["organisation"]
            sites = sites.filter(enterprise_id=enterprise.pk)
            fields["site"].choices = [  # type: ignore[attr-defined]
                ("", _("— the whole enterprise —")),
                *[(str(s.pk), s.name) for s in sites.order_by("name")],
            ]
        else:
            fields["organisation"].choices = [  # type: ignore[attr-defined]
                ("", _("— choose —")),
                *[
                    (str(e.pk), f"{e.name}{' †' if e.valid_to else ''}")
                    for e in Enterprise.objects.order_by("name")
                ],
            ]
            fields["site"].choices = [  # type: ignore[attr-defined]
                ("", _("— the whole enterprise —")),
                *_grouped(
                    sites.order_by("enterprise__name", "name"),
                    lambda s: s.enterprise.name,
                    lambda s: s.name,
                ),
            ]
            fields["organisation"].show_required = True  # type: ignore[attr-defined]
        if not has_file:
            del fields["remove_evidence_file"]
        for name in ("kind", "title", "year"):
            fields[name].show_required = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in services.RESULT_FIELDS:
            text = (cleaned.get(name) or "").strip()
            if text:
                try:
                    read_decimal(text, places=RESULT_PLACES)
                except NumberProblem as problem:
                    self.add_error(name, problem.message)
        return cleaned

    @classmethod
    def initial_of(cls, model: SCPModel) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": model.version,
            "organisation": str(model.organisation_id),
            "site": str(model.site_id or ""),
            "kind": model.kind,
            "title": model.title,
            "year": model.year,
            "description": model.description,
            "evidence_url": model.evidence_url,
        }
        for name in services.RESULT_FIELDS:
            initial[name] = for_input(getattr(model, name))
        return initial

    def data_for_service(self) -> services.SCPModelData:
        data = self.cleaned_data
        if self.enterprise is not None:
            organisation: Organisation | None = self.enterprise
        else:
            found = _objects(Organisation, [data.get("organisation") or ""])
            organisation = found[0] if found else None
        sites = _objects(Site, [data.get("site") or ""])
        results: dict[str, Decimal | None] = {
            name: parse_decimal(data.get(name) or "") for name in services.RESULT_FIELDS
        }
        return services.SCPModelData(
            organisation=organisation,  # type: ignore[arg-type]
            kind=data.get("kind") or "",
            title=data.get("title") or "",
            year=data.get("year"),  # type: ignore[arg-type]
            site=sites[0] if sites else None,
            description=data.get("description") or "",
            evidence_url=data.get("evidence_url") or "",
            **results,
        )


class ReviewForm(forms.Form):
    version = version_field()  # the verdict is on the figures the coordinator read
    state = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SCPModel.State.VERIFIED, _("Verified")),
            (SCPModel.State.REJECTED, _("Not accepted")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the model is not accepted: say why."),
    )


class ActivityFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    organiser = forms.TypedChoiceField(
        label=_("Organiser"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, years: list[int], organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All types")), *OutreachActivity.Kind.choices]  # type: ignore[attr-defined]
        self.fields["organiser"].choices = [  # type: ignore[attr-defined]
            ("", _("All organisers")),
            *[(o.pk, o.name) for o in organisers],
        ]


class SCPModelFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    state = forms.ChoiceField(label=_("Review state"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All types")), *SCPModel.Kind.choices]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All states")), *SCPModel.State.choices]  # type: ignore[attr-defined]
