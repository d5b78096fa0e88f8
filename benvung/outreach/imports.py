"""Outreach activities and SCP models as Excel tables: one row per activity or model.

The rows become the same `ActivityData` and `SCPModelData` the forms fill, and are saved by the
same services, so a row from a workbook meets the same rules as one typed in a form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benvung.core import tableimport as ti
from benvung.core import years
from benvung.core.xlsx import as_text, norm
from benvung.directory import selectors as directory_selectors
from benvung.directory.models import (
    AdministrativeUnit,
    Agency,
    Enterprise,
    IndustrialArea,
    Organisation,
    Site,
)
from benvung.directory.validators import clean_tax_code
from benvung.plans.models import ContentArea

from . import permissions, services
from .models import OutreachActivity, SCPModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

SEPARATOR_HINT = gettext_lazy("Several may be written, separated by semicolons (;).")


def _tax_code(text: str) -> str | None:
    """The compact tax code `text` stands for, or None when it is not one (then it is a name)."""
    digits = text.replace("-", "").replace(" ", "").replace(".", "")
    if not digits.isdigit() or len(digits) not in (9, 10, 12, 13):
        return None
    if len(digits) in (9, 12):
        digits = "0" + digits  # typed as a number, the leading 0 was lost
    try:
        return str(clean_tax_code(digits))
    except ValidationError:
        return None


class OrganisationFinder:
    """Organisations by tax code, key, name or short name."""

    def __init__(self) -> None:
        self.by_name: ti.Lookup[Organisation] = ti.Lookup()
        self.by_tax_code: dict[str, Enterprise] = {}
        for organisation in Organisation.objects.all():
            self.by_name.add(organisation, organisation.name, organisation.short_name)
            if organisation.key:
                self.by_name.add(organisation, organisation.key)
        for enterprise in Enterprise.objects.all():
            self.by_tax_code[enterprise.tax_code] = enterprise

    def find(self, text: str, day: dt.date | None) -> tuple[Organisation | None, str]:
        code = _tax_code(text)
        if code is not None:
            enterprise = self.by_tax_code.get(code)
            if enterprise is None:
                return None, _("No enterprise with the tax code %(code)s is registered.") % {
                    "code": text
                }
            return enterprise, ""
        matches = ti.valid_on(self.by_name.find(text), day)
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("Several organisations are called “%(name)s”; write the tax code.") % {
                "name": text
            }
        return None, _("No organisation called “%(name)s” is registered.") % {"name": text}


def _names_problem(
    problems: dict[str, list[str]], field: str, message: str, unknown: list[str]
) -> None:
    if unknown:
        problems.setdefault(field, []).append(message % {"names": "; ".join(unknown)})


# --- Activities --------------------------------------------------------------------------------


class ActivityImporter(ti.Importer):
    kind = "outreach_activity"
    title = gettext_lazy("Outreach activities")
    sheet_title = gettext_lazy("Activities")
    list_url_name = "outreach:activity_list"
    columns = (
        ti.Column("title", gettext_lazy("Title"), required=True, width=40, max_length=300),
        ti.Column(
            "kind",
            gettext_lazy("Type of activity"),
            ti.CHOICE,
            required=True,
            width=24,
            choices=lambda: OutreachActivity.Kind.choices,
            list_name="kinds",
        ),
        ti.Column("start_date", gettext_lazy("Start date"), ti.DATE, required=True, width=13),
        ti.Column("end_date", gettext_lazy("End date"), ti.DATE, width=13),
        ti.Column(
            "organiser",
            gettext_lazy("Organiser (name or tax code)"),
            width=30,
            hint=gettext_lazy("Empty: your own organisation."),
            list_name="agencies",
            list_is_strict=False,
        ),
        ti.Column(
            "topics",
            gettext_lazy("Topics (content areas of the plan)"),
            ti.NAMES,
            width=22,
            hint=gettext_lazy("The numbers of the plan's content areas, for example 9; 11."),
        ),
        ti.Column(
            "industrial_areas",
            gettext_lazy("Industrial parks, clusters and craft villages reached"),
            ti.NAMES,
            width=34,
            hint=SEPARATOR_HINT,
        ),
        ti.Column(
            "administrative_units",
            gettext_lazy("Administrative units reached (name or code)"),
            ti.NAMES,
            width=34,
            hint=gettext_lazy(
                "Districts or communes as they were on the start date, by name or code. "
                "Several may be written, separated by semicolons (;)."
            ),
        ),
        ti.Column(
            "organisations_reached",
            gettext_lazy("Organisations reached (tax code or name)"),
            ti.NAMES,
            width=34,
            hint=SEPARATOR_HINT,
        ),
        ti.Column(
            "participants",
            gettext_lazy("Participants"),
            ti.INTEGER,
            width=12,
            minimum=0,
            maximum=services.MAX_PARTICIPANTS,
        ),
        ti.Column("description", gettext_lazy("Description"), width=40),
        ti.Column(
            "evidence_url", gettext_lazy("Evidence (link)"), width=30, max_length=services.MAX_URL
        ),
    )

    @classmethod
    def can_use(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_record_activities(user)

    @classmethod
    def can_oversee(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_view_every_record(user)

    def instructions(self) -> list[str]:
        return [
            _(
                "One row per activity. Places and organisations reached are written in one "
                "cell, separated by semicolons (;): industrial parks, clusters and craft "
                "villages by name; administrative units by code or name; organisations by tax "
                "code or name."
            ),
            _(
                "A place must exist on the start date of the activity: before 01/07/2025 the "
                "districts and communes of the former map, from then on the new communes."
            ),
        ]

    def lists(self) -> dict[str, tuple[Any, list[str]]]:
        lists = super().lists()
        lists["agencies"] = (
            self.column("organiser").header,
            [a.name for a in Agency.objects.current().order_by("name")],
        )
        return lists

    def prepare(self) -> None:
        self.organisations = OrganisationFinder()
        self.areas: ti.Lookup[IndustrialArea] = ti.Lookup()
        for area in IndustrialArea.objects.all():
            self.areas.add(area, area.name, str(area))
        self.units: ti.Lookup[AdministrativeUnit] = ti.Lookup()
        for unit in directory_selectors.province_units():
            self.units.add(unit, unit.code, unit.name)
        self.topics: ti.Lookup[ContentArea] = ti.Lookup()
        for topic in ContentArea.objects.filter(retired_at__isnull=True):
            self.topics.add(topic, topic.number, topic.title, str(topic))

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, list[str]]]:
        problems: dict[str, list[str]] = {}
        day: dt.date | None = values["start_date"]
        organiser: Organisation | None = getattr(self.actor, "organisation", None)
        if values["organiser"]:
            organiser, message = self.organisations.find(values["organiser"], day)
            if organiser is None:
                problems["organiser"] = [message]
        owner = getattr(self.actor, "organisation", None)
        if owner is None or not permissions.can_record_activity(self.actor, owner):
            problems.setdefault("", []).append(_("You are not allowed to do this."))

        def many(field: str, lookup: ti.Lookup[Any], message: str) -> list[Any]:
            found, unknown = [], []
            for text in values[field]:
                matches = ti.valid_on(lookup.find(text), day)
                if len(matches) == 1:
                    found.append(matches[0])
                else:
                    unknown.append(text)
            _names_problem(problems, field, message, unknown)
            return list(dict.fromkeys(found))

        topics = many("topics", self.topics, _("Not a content area of the plan: %(names)s."))
        areas = many(
            "industrial_areas",
            self.areas,
            _("No industrial park, cluster or craft village of this name: %(names)s."),
        )
        units = many(
            "administrative_units",
            self.units,
            _("No single administrative unit has this name or code: %(names)s."),
        )
        reached: list[Organisation] = []
        for text in values["organisations_reached"]:
            organisation, message = self.organisations.find(text, day)
            if organisation is None:
                problems.setdefault("organisations_reached", []).append(message)
            elif organisation not in reached:
                reached.append(organisation)
        if organiser is None or day is None or not values["kind"]:
            return None, problems
        # The names found are checked by the service even when others were not found, so
        # that one reading of the preview lists every problem of the row.
        data = services.ActivityData(
            organiser=organiser,
            kind=values["kind"],
            title=values["title"],
            start_date=day,
            end_date=values["end_date"],
            topics=topics,
            industrial_areas=areas,
            administrative_units=units,
            organisations_reached=reached,
            participants=values["participants"],
            description=values["description"] or "",
            evidence_url=values["evidence_url"] or "",
        )
        for name, messages in services.activity_problems(data).items():
            problems.setdefault(name, []).extend(messages)
        return (None, problems) if problems else (data, {})

    def label(self, data: services.ActivityData) -> str:
        return f"{data.title} ({date_format(data.start_date, 'd/m/Y')})"

    def key(self, data: services.ActivityData) -> Hashable:
        return (norm(data.title), data.start_date, data.organiser.pk)

    def save_row(self, data: services.ActivityData) -> OutreachActivity:
        return services.activity_create(actor=self.actor, data=data)


# --- SCP models --------------------------------------------------------------------------------


RESULT_COLUMNS = (
    ("energy_saved_toe", gettext_lazy("Energy saved (TOE/year)")),
    ("materials_saved_t", gettext_lazy("Materials saved (t/year)")),
    ("water_saved_m3", gettext_lazy("Water saved (m³/year)")),
    ("waste_reduced_t", gettext_lazy("Waste reduced (t/year)")),
    ("co2_reduced_t", gettext_lazy("CO₂ avoided (t/year)")),
    ("money_saved_mvnd", gettext_lazy("Money saved (million VND/year)")),
)


class SCPModelImporter(ti.Importer):
    kind = "scp_model"
    title = gettext_lazy("SCP models")
    sheet_title = gettext_lazy("Models")
    list_url_name = "outreach:scp_model_list"
    columns = (
        ti.Column(
            "organisation",
            gettext_lazy("Tax code of the enterprise"),
            required=True,
            width=16,
            hint=gettext_lazy("10 digits, or 10-3 for a branch."),
        ),
        ti.Column(
            "site",
            gettext_lazy("Site"),
            width=26,
            hint=gettext_lazy("Optional: the site's name as registered in the system."),
        ),
        ti.Column(
            "kind",
            gettext_lazy("Type of model"),
            ti.CHOICE,
            required=True,
            width=26,
            choices=lambda: SCPModel.Kind.choices,
            list_name="kinds",
        ),
        ti.Column("title", gettext_lazy("Title"), required=True, width=40, max_length=300),
        ti.Column(
            "year",
            gettext_lazy("Year put in place"),
            ti.YEAR,
            required=True,
            width=10,
            minimum=years.FIRST_YEAR,
            maximum=years.LAST_YEAR,
        ),
        ti.Column("description", gettext_lazy("Description"), width=40),
        *(
            ti.Column(name, header, ti.DECIMAL, width=16, minimum=0)
            for name, header in RESULT_COLUMNS
        ),
        ti.Column(
            "evidence_url", gettext_lazy("Evidence (link)"), width=30, max_length=services.MAX_URL
        ),
    )

    @classmethod
    def can_use(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_record_scp_models(user)

    @classmethod
    def can_oversee(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_view_every_record(user)

    def instructions(self) -> list[str]:
        return [
            _(
                "One row per model. Name the enterprise by its tax code. The energy saved "
                "cannot exceed the energy the enterprise reported consuming that year."
            ),
            _("Every model is proposed to the coordinator, who verifies it."),
        ]

    def prepare(self) -> None:
        self.enterprises = {e.tax_code: e for e in Enterprise.objects.all()}
        self.sites: dict[int, ti.Lookup[Site]] = {}

    def enterprise(self, value: str) -> tuple[Enterprise | None, str]:
        text = as_text(value)
        code = _tax_code(text)
        if code is None:
            return None, _("Write the enterprise's tax code: 10 digits, or 10-3 for a branch.")
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            return None, _("No enterprise with this tax code is registered in the system.")
        return enterprise, ""

    def site(self, enterprise: Enterprise, text: str, year: int | None) -> tuple[Site | None, str]:
        if enterprise.pk not in self.sites:
            lookup: ti.Lookup[Site] = ti.Lookup()
            for site in Site.objects.filter(enterprise=enterprise):
                lookup.add(site, site.name)
            self.sites[enterprise.pk] = lookup
        day = dt.date(year, 12, 31) if year else None
        matches = ti.valid_on(self.sites[enterprise.pk].find(text), day)
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("Several sites of the enterprise have this name.")
        return None, _("The enterprise has no site of this name.")

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, list[str]]]:
        problems: dict[str, list[str]] = {}
        enterprise: Enterprise | None = None
        site: Site | None = None
        if values["organisation"]:
            enterprise, message = self.enterprise(values["organisation"])
            if enterprise is None:
                problems["organisation"] = [message]
            elif not permissions.can_record_scp_model(
                self.actor,
                owner=getattr(self.actor, "organisation", None) or enterprise,
                organisation=enterprise,
            ):
                # What the user wrote, never the name found by a tax code they may not use.
                problems["organisation"] = [
                    _("You may not record models of the organisation “%(typed)s”.")
                    % {"typed": values["organisation"]}
                ]
        if enterprise is not None and values["site"] and not problems:
            site, message = self.site(enterprise, values["site"], values["year"])
            if site is None:
                problems["site"] = [message]
        if problems or enterprise is None or values["year"] is None or not values["kind"]:
            return None, problems
        data = services.SCPModelData(
            organisation=enterprise,
            kind=values["kind"],
            title=values["title"],
            year=values["year"],
            site=site,
            description=values["description"] or "",
            evidence_url=values["evidence_url"] or "",
            **{name: values[name] for name, _header in RESULT_COLUMNS},
        )
        problems, _flags = services.scp_model_problems(data)
        return (None, problems) if problems else (data, {})

    def label(self, data: services.SCPModelData) -> str:
        return f"{data.organisation.name} – {data.title} ({data.year})"

    def key(self, data: services.SCPModelData) -> Hashable:
        return (data.organisation.pk, norm(data.title), data.year)

    def save_row(self, data: services.SCPModelData) -> SCPModel:
        return services.scp_model_create(actor=self.actor, data=data)
