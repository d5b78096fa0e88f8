"""All the year's resource-efficiency figures as an Excel workbook, with how each was made."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benvung.core import units
from benvung.core.spreadsheet import append_row, set_cell, workbook_bytes

from . import calculations as calc
from . import enpi
from .efficiency import (
    ALLOCATION_LABELS,
    METHOD_LABELS,
    STATUS_LABELS,
    EfficiencyResult,
    SectorResult,
    labels,
)

NUMBER = "#,##0.00"
PERCENT = "0.00%"
COEFFICIENT = "#,##0.0000"
RATIO = "0.0000"
P_VALUE = "0.0000"


def _sheet(
    sheet: Worksheet, headers: Sequence[tuple[str, int, str | None]], rows: list[list[Any]]
) -> None:
    for col, (title, width, _fmt) in enumerate(headers, start=1):
        cell = set_cell(sheet, 1, col, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = set_cell(sheet, r, col, value)
            fmt = headers[col - 1][2]
            if fmt and isinstance(value, int | float):
                cell.number_format = fmt


def efficiency_xlsx(result: EfficiencyResult) -> bytes:
    status_labels = labels(STATUS_LABELS)
    method_labels = labels(METHOD_LABELS)
    allocation_labels = labels(ALLOCATION_LABELS)
    workbook = Workbook()
    products = workbook.active
    assert products is not None
    products.title = _("Products")
    _sheet(
        products,
        [
            (_("Enterprise"), 34, None),
            (_("Site"), 26, None),
            (_("Sector"), 18, None),
            (_("Product category"), 28, None),
            (_("Product"), 22, None),
            (_("Output"), 14, NUMBER),
            (_("Unit"), 10, None),
            (_("Energy (GJ)"), 14, NUMBER),
            (_("Energy (TOE)"), 14, NUMBER),
            (_("Specific consumption"), 14, NUMBER),
            (_("Unit"), 12, None),
            (_("Norm"), 12, NUMBER),
            (_("Instrument"), 18, None),
            (_("Above the norm"), 10, None),
            (_("Baseline year"), 10, None),
            (_("Specific consumption in the baseline year"), 14, NUMBER),
            (_("Improvement"), 12, PERCENT),
            (_("Method"), 28, None),
            (_("Why not normalised"), 40, None),
            (_("Peer percentile"), 10, NUMBER),
            (_("Allocation"), 14, None),
            (_("Unconfirmed factors"), 10, None),
            (_("Demo data"), 8, None),
        ],
        [
            [
                p.site.enterprise_name,
                p.site.site_name,
                p.category.focus_sector.name,
                p.category.name,
                p.product,
                p.output,
                units.label(p.category.output_unit),
                p.energy.gj,
                p.energy.toe,
                p.sec,
                units.label(p.category.sec_unit),
                p.norm_value,
                p.norm.instrument if p.norm else _("no norm known"),
                "" if p.above_norm is None else (_("yes") if p.above_norm else _("no")),
                (p.baseline.year if p.baseline else None),
                p.sec_baseline,
                p.improvement,
                str(method_labels.get(p.method, "")) if p.method else "",
                "; ".join(p.fallback),
                p.peer.percentile if p.peer else None,
                allocation_labels.get(p.allocation, p.allocation),
                _("yes") if p.energy.unconfirmed else "",
                _("yes") if p.site.is_demo else "",
            ]
            for p in result.products
        ],
    )
    sectors = workbook.create_sheet(_("Sectors"))

    def row(s: SectorResult) -> list[Any]:
        return [
            s.name,
            s.energy.improvement,
            s.energy.saved,
            s.energy.adjusted_baseline,
            s.materials.improvement,
            f"{s.band[0]:.0%}-{s.band[1]:.0%}" if s.band else "",
            s.milestone_year,
            s.expected,
            str(status_labels.get(s.status, s.status)),
            s.enterprises,
            s.energy_share,
        ]

    _sheet(
        sectors,
        [
            (_("Sector"), 30, None),
            (_("Energy improvement"), 14, PERCENT),
            (_("Energy saved (GJ)"), 14, NUMBER),
            (_("Adjusted baseline energy (GJ)"), 16, NUMBER),
            (_("Material improvement"), 14, PERCENT),
            (_("Target band"), 12, None),
            (_("Milestone year"), 10, None),
            (_("Expected on the path"), 12, PERCENT),
            (_("Status"), 16, None),
            (_("Enterprises"), 10, None),
            (_("Share of the sector's energy"), 12, PERCENT),
        ],
        [row(s) for s in [*result.sectors, result.province]],
    )
    _models_sheet(workbook.create_sheet(_("Regression models")), result)
    notes = workbook.create_sheet(_("Method"))
    lines = [
        _("Year: %(year)s. Baseline year setting: %(baseline)s.")
        % {"year": result.year, "baseline": result.baseline_setting},
        _("Ratio method: improvement = 1 − SEC(year) / SEC(baseline year)."),
        _(
            "Normalised method: energy regressed on monthly output and other variables in the "
            "baseline year; improvement = 1 − actual energy / adjusted baseline energy."
        ),
        _(
            "Sector and province: improvement = Σ (adjusted baseline energy − actual energy) / "
            "Σ adjusted baseline energy."
        ),
        _(
            "Regression models: one block per site (its one model covers all its products); the "
            "model's figures on the block's first row, one row per coefficient; energy in GJ."
        ),
        *[_("Not computed: %(problem)s") % {"problem": p} for p in result.problems],
    ]
    for r, line in enumerate(lines, start=1):
        set_cell(notes, r, 1, line)
    notes.column_dimensions["A"].width = 120
    if result.drafts_counted:
        # Counted on the coordinator's switch: the file says so before anything else.
        note = workbook.create_sheet(_("Note"), 0)
        append_row(
            note,
            [
                _(
                    "Drafts not yet submitted are counted in these figures. They are for "
                    "checking only: the public pages, downloads, API and documents count "
                    "submitted data only."
                )
            ],
        )
        note.column_dimensions["A"].width = 120
        workbook.active = 0
    return workbook_bytes(workbook)


def _models_sheet(sheet: Worksheet, result: EfficiencyResult) -> None:
    """The EnPI regression report of every site with a model: a block per site, the model's
    figures on its first row (so a sum down a column counts each site once), then a row per
    coefficient with the variable's range."""
    method_labels = labels(METHOD_LABELS)
    rows: list[list[Any]] = []
    seen: dict[int, list[str]] = {}
    firsts: dict[int, Any] = {}
    for p in result.products:
        if p.model is None:
            continue
        seen.setdefault(p.site_year_id, []).append(p.product)
        firsts.setdefault(p.site_year_id, p)
    for site_year_id, products in seen.items():
        p = firsts[site_year_id]
        report = p.model
        assert report is not None
        by_variable = {g.variable: g for g in report.ranges}
        identity = [
            p.site.enterprise_name,
            p.site.site_name,
            ", ".join(products),
            p.year,
            p.baseline.year if p.baseline else None,
        ]
        failed = enpi.failed_summary(report)
        rows.append(
            [
                *identity,
                _("yes") if report.applied else _("no"),
                str(method_labels.get(p.method, "")) if p.method else "",
                enpi.equation(report),
                _("Intercept (GJ/month)"),
                "",
                *_stats(report.intercept),
                None,
                None,
                None,
                None,
                None,
                "",
                report.r_squared,
                report.adj_r_squared,
                report.f_statistic,
                _finite(report.f_p_value),
                report.baseline_months,
                report.reporting_months,
                report.candidates,
                report.adjusted_baseline,
                report.actual,
                report.senpi,
                report.improvement,
                report.savings,
                failed or _("all passed"),
            ]
        )
        for term in report.terms:
            g = by_variable[term.variable]
            rows.append(
                [
                    *identity,
                    "",
                    "",
                    "",
                    term.variable,
                    units.label(report.units[term.variable])
                    if report.units.get(term.variable)
                    else "",
                    *_stats(term),
                    g.baseline_min,
                    g.baseline_max,
                    g.baseline_mean,
                    g.baseline_sd,
                    g.reporting_mean,
                    "" if g.within is None else (_("yes") if g.within else _("no")),
                    *([None] * 11),
                    "",
                ]
            )
    _sheet(
        sheet,
        [
            (_("Enterprise"), 30, None),
            (_("Site"), 24, None),
            (_("Products"), 20, None),
            (_("Year"), 8, None),
            (_("Baseline year"), 10, None),
            (_("Model used"), 10, None),
            (_("Method"), 24, None),
            (_("Equation"), 50, None),
            (_("Term"), 22, None),
            (_("Unit per month"), 10, None),
            (_("Coefficient"), 14, COEFFICIENT),
            (_("Standard error"), 14, COEFFICIENT),
            (_("t statistic"), 10, NUMBER),
            (_("p-value"), 10, P_VALUE),
            (_("Baseline minimum"), 12, NUMBER),
            (_("Baseline maximum"), 12, NUMBER),
            (_("Baseline mean"), 12, NUMBER),
            (_("Baseline standard deviation"), 12, NUMBER),
            (_("Reporting-period mean"), 12, NUMBER),
            (_("Within the baseline range"), 10, None),
            (_("R²"), 10, RATIO),
            (_("Adjusted R²"), 10, RATIO),
            (_("F statistic"), 12, NUMBER),
            (_("F-test p-value"), 12, P_VALUE),
            (_("Baseline months"), 10, None),
            (_("Reporting months"), 10, None),
            (_("Candidate models"), 10, None),
            (_("Adjusted baseline energy (GJ)"), 16, NUMBER),
            (_("Actual energy (GJ)"), 16, NUMBER),
            (_("SEnPI"), 10, RATIO),
            (_("Improvement (1 − SEnPI)"), 12, PERCENT),
            (_("Savings (GJ)"), 14, NUMBER),
            (_("Failed checks"), 50, None),
        ],
        rows,
    )


def _finite(value: float | None) -> float | None:
    """NaN and infinity as an empty cell (Excel has no such number)."""
    return value if value is not None and math.isfinite(value) else None


def _stats(term: calc.Term) -> list[float | None]:
    return [
        _finite(term.coefficient),
        _finite(term.std_error),
        _finite(term.t_value),
        _finite(term.p_value),
    ]
