"""The EnPI regression report as people read it: the equation, the checks in words, the JSON.

`calculations.ModelReport` holds the numbers (pure); this module writes them for the site page,
the coordinator's workbook and `benvung efficiency --json`, in the active language (numbers the
Vietnamese way in Vietnamese: 1.234,5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benvung.core import units

from . import calculations as calc

CHECK_LABELS = {
    calc.CHECK_F_TEST: gettext_lazy("F-test p-value"),
    calc.CHECK_VARIABLES_P: gettext_lazy("Largest p-value of a variable"),
    calc.CHECK_ONE_VARIABLE_P: gettext_lazy("Smallest p-value of a variable"),
    calc.CHECK_R_SQUARED: gettext_lazy("R²"),
    calc.CHECK_MONTHS: gettext_lazy("Months of data in the baseline year"),
    calc.CHECK_RANGE: gettext_lazy("Reporting-period mean of %(variable)s"),
}


def significant(value: float | None, digits: int = 4) -> str:
    """A coefficient with `digits` significant digits (2,103; 0,001230; 512,3), since
    coefficients per kg and per tonne differ by a thousand."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    places = max(0, min(9, digits - 1 - math.floor(math.log10(abs(value)))))
    return number_format(round(value, places), places, force_grouping=True)


def fixed(value: float | None, places: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return number_format(round(value, places), places, force_grouping=True)


def p_value(value: float | None) -> str:
    """4 decimals; below that, "< 0,0001" (more digits would only be noise in the data)."""
    if value is None or math.isnan(value):
        return _("undefined")
    if value < 0.0001:
        return "< " + fixed(0.0001, 4)
    return fixed(value, 4)


def unit_of(report: calc.ModelReport, variable: str) -> str:
    """The variable's monthly unit ("tấn/tháng"); "" when the enterprise recorded none."""
    code = report.units.get(variable, "")
    return _("%(unit)s/month") % {"unit": units.label(code)} if code else ""


def variable_label(report: calc.ModelReport, variable: str) -> str:
    unit = unit_of(report, variable)
    return f"{variable} ({unit})" if unit else variable


def equation(report: calc.ModelReport) -> str:
    """energy (GJ/month) = b₀ + b₁ × x₁ + …, in the enterprise's own names of the variables."""
    parts = [significant(report.intercept.coefficient)]
    for term in report.terms:
        sign = "−" if term.coefficient < 0 else "+"
        parts.append(
            f"{sign} {significant(abs(term.coefficient))} × {variable_label(report, term.variable)}"
        )
    return _("Energy (GJ/month) = %(terms)s") % {"terms": " ".join(parts)}


@dataclass(frozen=True)
class CheckRow:
    label: str
    rule: str  # the threshold: "< 0,10", "≥ 12", "100,0 – 250,0"
    measured: str
    passed: bool


def _limit(check: calc.Check) -> str:
    if check.code == calc.CHECK_MONTHS:
        return f"{check.comparison} {fixed(check.limit, 0)}"
    places = 1 if check.code in (calc.CHECK_R_SQUARED, calc.CHECK_VARIABLES_P) else 2
    return f"{check.comparison} {fixed(check.limit, places)}"


def check_rows(report: calc.ModelReport) -> list[CheckRow]:
    """Each validity rule, its threshold, the measured value and whether it passed."""
    rows = []
    for check in report.checks:
        label = str(CHECK_LABELS[check.code]) % {"variable": check.variable}
        if check.code == calc.CHECK_RANGE and check.bounds is not None:
            rule = _("within %(low)s – %(high)s") % {
                "low": significant(check.bounds[0]),
                "high": significant(check.bounds[1]),
            }
            measured = significant(check.measured)
        elif check.code in (calc.CHECK_R_SQUARED,):
            rule, measured = _limit(check), fixed(check.measured, 4)
        elif check.code == calc.CHECK_MONTHS:
            rule, measured = _limit(check), fixed(check.measured, 0)
        else:
            rule, measured = _limit(check), p_value(check.measured)
        rows.append(CheckRow(label, rule, measured, check.passed))
    return rows


def failed_summary(report: calc.ModelReport) -> str:
    """The failed checks in one line, with their numbers ("R²: 0,1200 (≥ 0,5)")."""
    return "; ".join(
        f"{row.label}: {row.measured} ({row.rule})" for row in check_rows(report) if not row.passed
    )


@dataclass(frozen=True)
class TermRow:
    label: str
    coefficient: str
    std_error: str
    t_value: str
    p_value: str


@dataclass(frozen=True)
class RangeRow:
    label: str
    baseline_min: str
    baseline_max: str
    baseline_mean: str
    baseline_sd: str
    reporting_mean: str
    within: bool | None


@dataclass(frozen=True)
class ReportView:
    """The report written out for a page: every number already in the active language."""

    report: calc.ModelReport
    equation: str
    terms: list[TermRow]
    ranges: list[RangeRow]
    checks: list[CheckRow]
    f_p_value: str
    failed: int


def view(report: calc.ModelReport) -> ReportView:
    def term(label: str, t: calc.Term) -> TermRow:
        return TermRow(
            label,
            significant(t.coefficient),
            significant(t.std_error, 3),
            fixed(t.t_value, 2),
            p_value(t.p_value),
        )

    checks = check_rows(report)
    return ReportView(
        report=report,
        equation=equation(report),
        terms=[
            term(_("Intercept (GJ/month)"), report.intercept),
            *[term(variable_label(report, t.variable), t) for t in report.terms],
        ],
        ranges=[
            RangeRow(
                variable_label(report, r.variable),
                significant(r.baseline_min),
                significant(r.baseline_max),
                significant(r.baseline_mean),
                significant(r.baseline_sd, 3),
                significant(r.reporting_mean),
                r.within,
            )
            for r in report.ranges
        ],
        checks=checks,
        f_p_value=p_value(report.f_p_value),
        failed=sum(1 for c in checks if not c.passed),
    )


# --- As JSON (plain numbers; NaN, which JSON cannot carry, as null) --------------------------


def _plain(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _term(term: calc.Term) -> dict[str, Any]:
    return {
        "coefficient": _plain(term.coefficient),
        "std_error": _plain(term.std_error),
        "t": _plain(term.t_value),
        "p_value": _plain(term.p_value),
    }


def as_json(report: calc.ModelReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    by_variable = {r.variable: r for r in report.ranges}
    return {
        "applied": report.applied,
        "scope": "site",  # one model per site: a product's part is allocated by its share
        "equation": equation(report),
        "energy_unit": "GJ/month",
        "intercept": _term(report.intercept),
        "variables": [
            {
                "name": t.variable,
                "unit": report.units.get(t.variable) or None,
                **_term(t),
                "baseline_min": _plain(by_variable[t.variable].baseline_min),
                "baseline_max": _plain(by_variable[t.variable].baseline_max),
                "baseline_mean": _plain(by_variable[t.variable].baseline_mean),
                "baseline_sd": _plain(by_variable[t.variable].baseline_sd),
                "reporting_mean": _plain(by_variable[t.variable].reporting_mean),
                "allowed_range": [
                    _plain(by_variable[t.variable].lower),
                    _plain(by_variable[t.variable].upper),
                ],
                "within_range": by_variable[t.variable].within,
            }
            for t in report.terms
        ],
        "r_squared": _plain(report.r_squared),
        "adj_r_squared": _plain(report.adj_r_squared),
        "f_statistic": _plain(report.f_statistic),
        "f_p_value": _plain(report.f_p_value),
        "df_model": report.df_model,
        "df_resid": _plain(report.df_resid),
        "baseline_months": report.baseline_months,
        "reporting_months": report.reporting_months,
        "candidates": report.candidates,
        "actual_gj": _plain(report.actual),
        "adjusted_baseline_gj": _plain(report.adjusted_baseline),
        "senpi": _plain(report.senpi),
        "improvement": _plain(report.improvement),
        "savings_gj": _plain(report.savings),
        "checks": [
            {
                "code": c.code,
                "passed": c.passed,
                "measured": _plain(c.measured),
                "comparison": c.comparison,
                "limit": _plain(c.limit),
                "bounds": None if c.bounds is None else [_plain(b) for b in c.bounds],
                "variable": c.variable or None,
            }
            for c in report.checks
        ],
    }
