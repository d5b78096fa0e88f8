"""The packaging surveys as an Excel table: one row per outlet and year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benvung.core import tableimport as ti
from benvung.core import years
from benvung.core.text import search_key
from benvung.core.xlsx import norm
from benvung.directory.models import RetailOutlet

from . import permissions, selectors, services
from .models import PackagingSurvey

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

# The answers as Vietnamese surveys write them, whatever the language of the template.
PRACTICE_ALIASES = {
    "có": PackagingSurvey.Practice.YES,
    "một phần": PackagingSurvey.Practice.PARTLY,
    "không": PackagingSurvey.Practice.NO,
}


class OutletFinder:
    """Outlets by ID, key, name or short name; of two of the same name, the one open in the
    year."""

    def __init__(self, outlets: Any) -> None:
        self.by_id: dict[str, RetailOutlet] = {}
        self.by_name: dict[str, list[RetailOutlet]] = defaultdict(list)
        for outlet in outlets:
            self.by_id[str(outlet.pk)] = outlet
            if outlet.key:
                self.by_id[norm(outlet.key)] = outlet
            for name in {outlet.name, outlet.short_name} - {""}:
                self.by_name[norm(name)].append(outlet)
                key = search_key(name)
                if key != norm(name):
                    self.by_name[key].append(outlet)

    def find(self, text: str, year: int | None) -> tuple[RetailOutlet | None, str]:
        text = text.strip()
        if text in self.by_id or norm(text) in self.by_id:
            return self.by_id.get(text) or self.by_id[norm(text)], ""
        matches = list(
            dict.fromkeys(self.by_name.get(norm(text)) or self.by_name.get(search_key(text), []))
        )
        if len(matches) > 1 and year is not None:
            open_ = [o for o in matches if services._in_operation(o, year)]
            matches = open_ if len(open_) == 1 else matches
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("Several retail outlets have this name; write the outlet's ID.")
        return None, _("No retail outlet with this name or ID is registered in the system.")


class SurveyImporter(ti.Importer):
    kind = "retail_survey"
    title = gettext_lazy("Packaging surveys of retail outlets")
    sheet_title = gettext_lazy("Surveys")
    list_url_name = "retail:survey_list"
    columns = (
        ti.Column(
            "outlet",
            gettext_lazy("Retail outlet (name or ID)"),
            required=True,
            width=36,
            hint=gettext_lazy(
                "The outlet's name as registered in the system (choose it from the list), "
                "or its ID."
            ),
            list_name="outlets",
            list_is_strict=False,
        ),
        ti.Column(
            "year",
            gettext_lazy("Year"),
            ti.YEAR,
            required=True,
            width=8,
            minimum=years.FIRST_YEAR,
            maximum=years.LAST_YEAR,
        ),
        ti.Column(
            "eco_packaging",
            gettext_lazy("Eco-friendly packaging instead of single-use plastic"),
            ti.CHOICE,
            required=True,
            width=22,
            choices=lambda: PackagingSurvey.Practice.choices,
            aliases=PRACTICE_ALIASES,
            list_name="practice",
        ),
        ti.Column(
            "biodegradable_bag_share",
            gettext_lazy("Biodegradable bags (per cent of bags)"),
            ti.DECIMAL,
            width=16,
            hint=gettext_lazy("From 0 to 100, for example 12,5."),
            minimum=0,
            maximum=100,
        ),
        ti.Column(
            "ecolabelled_products",
            gettext_lazy("Eco-labelled products"),
            ti.INTEGER,
            width=14,
            minimum=0,
            maximum=services.MAX_ECOLABELLED,
        ),
        ti.Column(
            "surveyed_on",
            gettext_lazy("Surveyed on"),
            ti.DATE,
            width=14,
            hint=gettext_lazy("dd/mm/yyyy"),
        ),
        ti.Column("note", gettext_lazy("Note"), width=30),
        ti.Column("evidence_url", gettext_lazy("Evidence (link)"), width=30, max_length=500),
    )

    @classmethod
    def can_use(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_use_retail(user)

    @classmethod
    def can_oversee(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_view_every_survey(user)

    def instructions(self) -> list[str]:
        return [
            _(
                "One row per retail outlet and year. A year already recorded for an outlet is "
                "replaced by the row of the file."
            ),
            _("Answer the packaging question with Có, Một phần or Không (yes, partly, no)."),
        ]

    def lists(self) -> dict[str, tuple[Any, list[str]]]:
        lists = super().lists()
        lists["outlets"] = (
            self.column("outlet").header,
            [o.name for o in selectors.outlets_for(viewer=self.actor)],
        )
        return lists

    def prepare(self) -> None:
        # Every outlet, so that one the user may not record is named as such, not as unknown.
        self.outlets = OutletFinder(RetailOutlet.objects.all())
        self.existing_surveys = {
            (s.outlet_id, s.year): s for s in PackagingSurvey.objects.select_related("owner")
        }

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, list[str]]]:
        problems: dict[str, list[str]] = {}
        outlet: RetailOutlet | None = None
        if values["outlet"]:
            outlet, message = self.outlets.find(values["outlet"], values["year"])
            if outlet is None:
                problems["outlet"] = [message]
            elif not permissions.can_record_survey(self.actor, outlet):
                problems["outlet"] = [_("You may only record the survey of your own outlet.")]
        if outlet is None or problems or values["year"] is None or not values["eco_packaging"]:
            return None, problems
        data = services.SurveyData(
            outlet=outlet,
            year=values["year"],
            eco_packaging=values["eco_packaging"],
            biodegradable_bag_share=values["biodegradable_bag_share"],
            ecolabelled_products=values["ecolabelled_products"],
            surveyed_on=values["surveyed_on"],
            note=values["note"] or "",
            evidence_url=values["evidence_url"] or "",
        )
        problems = services.survey_problems(data)
        existing = self.existing_surveys.get((outlet.pk, data.year))
        if existing is not None and not permissions.can_edit_survey(self.actor, existing):
            problems.setdefault("outlet", []).append(
                # Never the other organisation's name (issue 12): the coordinator can say who.
                _(
                    "The survey of %(outlet)s for %(year)s was recorded by another "
                    "organisation; ask the coordinator to change it."
                )
                % {"outlet": outlet.name, "year": data.year}
            )
        return (None, problems) if problems else (data, {})

    def label(self, data: services.SurveyData) -> str:
        return f"{data.outlet.name} – {data.year}"

    def key(self, data: services.SurveyData) -> Hashable:
        return (data.outlet.pk, data.year)

    def save_row(self, data: services.SurveyData) -> PackagingSurvey:
        return services.survey_save(actor=self.actor, data=data)

    # A row replaces the survey recorded for its outlet and year: the preview shows it, old
    # value and new, and the uploader confirms it. Only the fields the row writes are compared.

    def existing(self, data: services.SurveyData) -> ti.Existing | None:
        survey = self.existing_surveys.get((data.outlet.pk, data.year))
        if survey is None:
            return None
        return ti.Existing(
            _survey_values(
                survey.eco_packaging,
                survey.biodegradable_bag_share,
                survey.ecolabelled_products,
                survey.surveyed_on,
                survey.note,
                survey.evidence_url,
            ),
            survey.updated_at.isoformat(),
        )

    def values(self, data: services.SurveyData) -> dict[str, str]:
        return _survey_values(
            data.eco_packaging,
            data.biodegradable_bag_share,
            data.ecolabelled_products,
            data.surveyed_on,
            data.note,
            data.evidence_url,
        )


def _survey_values(
    eco_packaging: str,
    share: Decimal | None,
    ecolabelled: int | None,
    surveyed_on: dt.date | None,
    note: str,
    evidence_url: str,
) -> dict[str, str]:
    """A survey's fields as stored: the share to the hundredth its column keeps."""
    return {
        "eco_packaging": ti.canonical(eco_packaging),
        "biodegradable_bag_share": ti.canonical(
            None if share is None else Decimal(share).quantize(Decimal("0.01"), ROUND_HALF_UP)
        ),
        "ecolabelled_products": ti.canonical(ecolabelled),
        "surveyed_on": ti.canonical(surveyed_on),
        "note": ti.canonical(note),
        "evidence_url": ti.canonical(evidence_url),
    }
