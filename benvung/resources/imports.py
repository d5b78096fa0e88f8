"""The enterprises' consumption workbook as an import (benvung.core.tableimport): upload, read
in the background, preview, confirm, through the pages and the job every import shares.

Nothing reaches the site-year data before the uploader has seen every problem and, for each
site-year, what saving it would do (new, changes a draft, changes submitted data, unchanged,
with the old and new values), and confirmed. A file with problems saves nothing unless they
choose to keep only the site-years without any; submitted data are replaced only when they
tick the box that says how many submitted years will go back to draft.

The workbook itself (its sheets, how it is read and saved) is benvung.resources.excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benvung.core import jobs, tableimport, units, years
from benvung.core.models import TableImportJob
from benvung.core.templatetags.benvung import number

from . import changes, excel, permissions
from .forms import ImportForm
from .models import AllocationRule, Carrier, ProductCategory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

KIND = "consumption"


class ConsumptionImporter(tableimport.BaseImporter):
    """The yearly energy, output and materials of enterprises' sites: four sheets, saved site-year
    by site-year (each replaces all the data stored for its site and year)."""

    kind = KIND
    title = gettext_lazy("Energy and materials")
    list_url_name = "resources:index"
    upload_form: ClassVar[type[forms.Form]] = ImportForm
    # Saving starts at 50 %: the file is read again (to 70 %), then saved.
    reading_from = 10
    saving_from = 50
    steps_template = "resources/import_steps.html"
    preview_template = "resources/import_preview.html"
    result_template = "resources/import_result.html"

    @classmethod
    def can_use(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_import_consumption(user)

    @classmethod
    def can_oversee(cls, user: User | AnonymousUser) -> bool:
        return permissions.can_view_every_import(user)

    @property
    def year(self) -> int | None:
        year = self.options.get("year")
        return int(year) if year is not None else None

    # -- the template --

    @classmethod
    def options_from_query(cls, query: Mapping[str, str]) -> dict[str, Any]:
        try:
            return {"year": int(query["year"])}
        except (KeyError, ValueError):
            return {}

    def template(self) -> bytes:
        # A template for any year, rather than one for a year no import would accept.
        return excel.template(self.year if years.in_range(self.year) else None)

    def template_filename(self) -> str:
        year = self.year if years.in_range(self.year) else None
        return f"mau-nhap-nang-luong-{year}.xlsx" if year else "mau-nhap-nang-luong.xlsx"

    # -- reading and saving --

    def preview(self, data: bytes, progress: Callable[[float], None]) -> dict[str, Any]:
        parsed = excel.parse(data, year=self.year, actor=self.actor, progress=progress)
        excel.classify(parsed, viewer=self.actor)
        return preview_of(parsed)

    def save(
        self, data: bytes, job: TableImportJob, reporter: tableimport.Reporter
    ) -> tuple[dict[str, Any], str]:
        """Only what the preview showed, submitted data only if the uploader confirmed
        replacing them."""
        parsed = excel.parse(data, year=self.year, actor=self.actor, progress=reporter(50, 70))
        result = excel.apply(
            parsed,
            actor=self.actor,
            keep_valid_only=job.keep_valid_only,
            replace_submitted=job.replace_confirmed,
            seen=_seen(job.preview),
            progress=reporter(70, 99),
        )

        def entry(s: excel.SavedSiteYear) -> dict[str, Any]:
            return {
                "label": _label(s.site, s.year),
                "site": s.site.pk,
                "year": s.year,
                "rows": s.rows,
                "status": s.status,
            }

        return {
            "saved": [entry(s) for s in result.saved],
            "resubmit": [entry(s) for s in result.to_resubmit],
            "unchanged": [entry(s) for s in result.unchanged],
            "skipped": [
                {"label": s.shown or _label(s.site, s.year), "reason": s.reason}
                for s in result.skipped
            ],
            "problems": [jobs.problem_dict(p) for p in result.problems[: excel.MAX_PROBLEMS]],
        }, TableImportJob.State.SAVED

    @classmethod
    def check(
        cls, preview: Mapping[str, Any], keep_valid_only: bool, replace_confirmed: bool
    ) -> None:
        _saveable(preview, keep_valid_only, replace_confirmed)

    # -- the pages --

    @classmethod
    def replaces(cls, preview: Mapping[str, Any]) -> int:
        return int(preview.get("replaces_submitted") or 0)

    def actions(self, preview: Mapping[str, Any]) -> dict[str, str]:
        to_save = int(preview.get("to_save") or 0)
        submitted = self.replaces(preview)
        return {
            "save": _("Save the data"),
            "keep_valid": ngettext(
                "Save only the %(n)s site-year without problems",
                "Save only the %(n)s site-years without problems",
                to_save,
            )
            % {"n": to_save},
            "keep_valid_hint": _(
                "Site-years with a problem in any row are not saved at all; the others are "
                "saved whole."
            ),
            "replace": ngettext(
                "Replace the data of the %(n)s submitted site-year shown above. It goes back "
                "to draft and must be submitted again.",
                "Replace the data of the %(n)s submitted site-years shown above. They go back"
                " to draft and must be submitted again.",
                submitted,
            )
            % {"n": submitted},
        }

    def page(self, job: TableImportJob) -> dict[str, Any]:
        return {
            "site_years": preview_site_years(job),
            "status_labels": status_labels(),
            "saved_labels": saved_labels(),
        }


def _site_year_dict(parsed: excel.ParsedWorkbook, sy: excel.SiteYearData) -> dict[str, Any]:
    status = "blocked" if sy.blocked or sy.change is None else sy.change.status
    return {
        "site": sy.site.pk,
        "year": sy.year,
        "label": sy.label(),
        "counts": sy.counts(),
        "blocked": sy.blocked,
        "status": status,
        "version": sy.version,
        "submitted_at": sy.submitted_at.isoformat() if sy.submitted_at else None,
        "change": sy.change.to_json() if sy.change is not None and not sy.blocked else None,
        "problems": len(parsed.problems_of(sy)) if sy.blocked else 0,
        "warnings": [jobs.problem_dict(p) for p in sy.warnings[:20]],
    }


def preview_of(parsed: excel.ParsedWorkbook) -> dict[str, Any]:
    """What the preview page shows (kept on the job as JSON): per site-year what saving it
    would do, with old → new values, and every problem."""
    site_years = [_site_year_dict(parsed, sy) for sy in parsed.site_years]
    statuses = dict.fromkeys((*changes.STATUSES, "blocked"), 0)
    for sy in site_years:
        statuses[sy["status"]] += 1
    valid = len(parsed.valid_site_years)
    return {
        "counts": parsed.counts(),
        "site_years": site_years,
        "statuses": statuses,
        "problems": [jobs.problem_dict(p) for p in parsed.problems],
        "problem_count": parsed.problem_count,
        "blocked_all": parsed.blocked_all,
        "valid": valid,
        "to_save": valid - statuses[changes.UNCHANGED],
        "replaces_submitted": statuses[changes.SUBMITTED],
        # Problems of rows that belong to no site-year (an unknown site or tax code).
        "strays": sum(
            1 for p in parsed.problems if p.row is not None and not p.records and not p.blocks_all
        ),
    }


def _seen(preview: Mapping[str, Any]) -> dict[tuple[int, int], excel.Seen]:
    """The site-years the uploader saw ready to save, as the preview showed them."""
    return {
        (sy["site"], sy["year"]): excel.Seen(sy["version"], sy["status"])
        for sy in preview.get("site_years", [])
        if sy.get("status") in changes.STATUSES
    }


def _label(site: Any, year: int) -> str:
    return f"{site.enterprise.name} – {site.name}, {year}"


def _saveable(preview: Mapping[str, Any], keep_valid_only: bool, replace_confirmed: bool) -> None:
    """A file with problems saves nothing unless the uploader keeps only the valid
    site-years; submitted data are replaced only when the uploader confirmed it."""
    if preview.get("problem_count") and not keep_valid_only:
        raise ValidationError(
            _("The file has problems: correct it, or keep only the valid site-years.")
        )
    if keep_valid_only and (preview.get("blocked_all") or not preview.get("valid")):
        raise ValidationError(
            _("No site-year of the file is free of problems: nothing can be saved.")
        )
    if not preview.get("to_save", preview.get("valid")):
        raise ValidationError(
            _("The file holds the same data as stored: there is nothing to save.")
        )
    submitted = preview.get("replaces_submitted") or 0
    if submitted and not replace_confirmed:
        raise ValidationError(
            ngettext(
                "The file replaces the data of %(count)s site-year that was submitted: tick the "
                "box to confirm it; the year must then be submitted again.",
                "The file replaces the data of %(count)s site-years that were submitted: tick "
                "the box to confirm it; the years must then be submitted again.",
                submitted,
            )
            % {"count": submitted}
        )


# --- The preview as the page shows it ----------------------------------------------------------


def status_labels() -> dict[str, str]:
    """What saving a site-year would do, as the preview says it."""
    return {
        changes.NEW: _("new"),
        changes.DRAFT: _("changes a draft"),
        changes.SUBMITTED: _("changes submitted data"),
        changes.UNCHANGED: _("unchanged"),
        "blocked": _("not importable"),
    }


def saved_labels() -> dict[str, str]:
    """What saving a site-year did, as the result says it."""
    return {
        changes.NEW: _("saved as a new draft"),
        changes.DRAFT: _("draft changed"),
        changes.SUBMITTED: _("submitted data replaced: back to draft, to be submitted again"),
    }


def _month(month: int | None) -> str:
    return _("whole year") if not month else _("month %(month)s") % {"month": month}


def _field_labels() -> dict[str, dict[str, str]]:
    return {
        changes.OUTPUTS: {
            "category": _("product category"),
            "quantity": _("quantity"),
            "unit": _("unit"),
            "capacity": _("capacity"),
            "value_vnd": _("production value (VND)"),
        },
        changes.ENERGY: {"quantity": _("quantity"), "unit": _("unit")},
        changes.MATERIALS: {"quantity": _("quantity"), "unit": _("unit")},
        changes.DRIVERS: {"value": _("value")},
    }


def _section_titles() -> dict[str, str]:
    return {
        changes.OUTPUTS: _("Outputs"),
        changes.ENERGY: _("Energy used"),
        changes.MATERIALS: _("Materials and water"),
        changes.DRIVERS: _("Energy drivers"),
    }


class _Names:
    """Carriers and categories by key, in the language of the page."""

    def __init__(self) -> None:
        english = (translation.get_language() or "vi").startswith("en")
        self.carriers = {
            c.key: (c.name_en if english and c.name_en else c.name) for c in Carrier.objects.all()
        }
        self.categories = {
            c.key: (c.name_en if english and c.name_en else c.name)
            for c in ProductCategory.objects.all()
        }
        self.rules = {value: str(label) for value, label in AllocationRule.choices}

    def value(self, name: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if name == "category":
            return self.categories.get(value, value)
        if name == "unit":
            return units.label(value)
        if name in changes.PLACES:
            return number(value)
        return value

    def item(self, section: str, item: list[str]) -> str:
        if section == changes.ENERGY:
            carrier, product = [*item, ""][:2]
            name = self.carriers.get(carrier, carrier)
            return (
                _("%(carrier)s, metered for %(product)s") % {"carrier": name, "product": product}
                if product
                else name
            )
        if section == changes.MATERIALS:
            product, material = [*item, ""][:2]
            return (
                _("%(material)s for %(product)s") % {"material": material, "product": product}
                if product
                else material
            )
        return item[0] if item else ""


def _total(total: Mapping[str, str]) -> str:
    if not total:
        return "—"
    return " + ".join(
        f"{number(value)} {units.label(unit)}".strip() for unit, value in total.items()
    )


def _months(item: Mapping[str, Any]) -> str:
    """The months whose rows change: "months 3, 7" when they all change the same way as the
    item, else "changed: months 3, 7; added: months 12"; empty for an item given for the year."""
    by_kind: dict[str, list[int]] = {"changed": [], "added": [], "removed": []}
    for row in item["rows"]:
        kind = "added" if row["old"] is None else "removed" if row["new"] is None else "changed"
        by_kind[kind].append(row["month"] or 0)
    if all(m == 0 for months in by_kind.values() for m in months):
        return ""

    def listed(months: list[int]) -> str:
        return ", ".join(str(m) if m else _("whole year") for m in sorted(set(months)))

    kinds = [kind for kind, months in by_kind.items() if months]
    if kinds == [item["kind"]]:
        return _("months %(months)s") % {"months": listed(by_kind[kinds[0]])}
    labels = {"changed": _("changed"), "added": _("added"), "removed": _("removed")}
    return "; ".join(
        _("%(what)s: months %(months)s") % {"what": labels[kind], "months": listed(by_kind[kind])}
        for kind in kinds
    )


def _rows(section: str, item: Mapping[str, Any], names: _Names) -> list[dict[str, Any]]:
    fields = changes.VALUE_FIELDS[section]
    labels = _field_labels()[section]
    shown = []
    for row in item["rows"]:
        old, new = row["old"], row["new"]
        pairs = []
        for index, name in enumerate(fields):
            before = old[index] if old is not None else None
            after = new[index] if new is not None else None
            if old is not None and new is not None and before == after:
                continue
            if (old is None and after in (None, "")) or (new is None and before in (None, "")):
                continue
            pairs.append(
                {
                    "label": labels[name],
                    "old": None if old is None else names.value(name, before),
                    "new": None if new is None else names.value(name, after),
                }
            )
        kind = "added" if old is None else "removed" if new is None else "changed"
        shown.append({"when": _month(row["month"]), "kind": kind, "fields": pairs})
    return shown


def preview_site_years(job: TableImportJob) -> list[dict[str, Any]]:
    """The preview's site-years with their changes named and numbers written for the page
    (in the page's language): per section the items added, removed and changed, with totals
    and the months that change, and the rows old → new."""
    names = _Names()
    titles = _section_titles()
    shown = []
    for sy in job.preview.get("site_years", []):
        change = sy.get("change") or {}
        sections = []
        for section in changes.SECTIONS:
            items = [i for i in change.get("items", []) if i["section"] == section]
            if not items:
                continue
            sections.append(
                {
                    "key": section,
                    "title": titles[section],
                    "counts": change.get("counts", {}).get(section, {}),
                    "items": [
                        {
                            "name": names.item(section, i["item"]),
                            "kind": i["kind"],
                            "old_total": _total(i["old_total"]),
                            "new_total": _total(i["new_total"]),
                            "months": _months(i),
                            "rows": _rows(section, i, names),
                            "more": i.get("rows_not_shown", 0),
                        }
                        for i in items
                    ],
                }
            )
        allocation = change.get("allocation")
        submitted = sy.get("submitted_at")
        shown.append(
            {
                **sy,
                "submitted_at": dt.datetime.fromisoformat(submitted) if submitted else None,
                "sections": sections,
                "allocation": [names.rules.get(r, r) for r in allocation] if allocation else None,
            }
        )
    return shown
