"""What the enterprises' figures add to the annual synthesis report: the appendix on energy and
materials per unit of product in the focus industries, and the gap when no enterprise has
submitted the year's figures. Registered from `hooks.py` (`benvung.reports.sections`,
`benvung.reports.readiness`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from benvung.indicators import registry
from benvung.indicators import selectors as indicators
from benvung.reporting import selectors as reporting
from benvung.reporting.models import ReportingCycle
from benvung.reports.assemble import number
from benvung.reports.content import Appendix, Chart, Paragraph, Table
from benvung.reports.readiness import Gap
from benvung.reports.sections import Annual

from . import efficiency
from . import selectors as resources
from .calculations import INSUFFICIENT
from .efficiency import STATUS_LABELS
from .models import SiteYear

EFFICIENCY = "resources.efficiency"  # the year's `efficiency.compute`, kept in `Annual.cache`
WITHHELD = "resources.withheld"
NO_FIGURES = "no_enterprise_figures"


def year_efficiency(annual: Annual) -> Any:
    """The year's energy and materials per unit of product (computed once: it is long)."""
    # Submitted figures only; the statuses settle (achieved or not) once the year's cycle is
    # closed, as on the portal.
    return annual.cached(
        EFFICIENCY,
        lambda: efficiency.compute(annual.year, final=reporting.figures_final(annual.year)),
    )


def submitted_enterprises(result: Any) -> int:
    """How many enterprises submitted (not only entered) the figures behind an
    `efficiency.compute` result."""
    return len({p.site.enterprise_id for p in result.products if p.submitted})


def _percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{number(100 * fraction, 1)} %"


def efficiency_appendix(annual: Annual) -> Appendix:
    """Energy and materials per unit of product by focus sector. A year no enterprise has
    submitted figures for says so in a sentence: no table of zeros, no empty chart."""
    result = year_efficiency(annual)
    annual.provenance["efficiency"] = {
        "year": result.year,
        "baseline_setting": result.baseline_setting,
        "site_years": sorted({p.site_year_id for p in result.products}),
        "submitted_enterprises": submitted_enterprises(result),
    }
    title = _("Energy and materials per unit of product in the focus industries, %(year)s") % {
        "year": annual.year
    }
    if submitted_enterprises(result) == 0:
        return Appendix(
            numeral="",
            title=title,
            intro=[
                Paragraph(
                    _(
                        "No enterprise has submitted its energy and production figures for "
                        "%(year)s yet: the reduction of energy and materials per unit of "
                        "product cannot be computed for the year."
                    )
                    % {"year": annual.year}
                )
            ],
            charts=efficiency_charts(annual, result, sectors=False),
        )
    rows = []
    withheld = withheld_sectors(annual)
    for sector in [*result.sectors, result.province]:
        band = sector.band
        why = withheld.get(sector.key)
        rows.append(
            [
                sector.name if sector.key != "*" else _("Whole province"),
                number(sector.enterprises),
                # Below the indicator's coverage rule the figure is not given, as on the
                # portal: the cell says why instead.
                why or _percent(sector.energy.improvement),
                "—" if why else _percent(sector.materials.improvement),
                _("%(low)s–%(high)s %% by %(year)s")
                % {
                    "low": number(100 * band[0]),
                    "high": number(100 * band[1]),
                    "year": sector.milestone_year,
                }
                if band
                else "—",
                str(STATUS_LABELS[INSUFFICIENT if why else sector.status]),
            ]
        )
    return Appendix(
        numeral="",
        title=title,
        intro=[
            Paragraph(
                _(
                    "Reduction of the energy used per unit of product compared with the "
                    "baseline year %(baseline)s, weighted by production."
                )
                % {"baseline": result.baseline_setting},
                "italic",
            )
        ],
        tables=[
            Table(
                caption=_("Reduction by sector"),
                columns=[
                    _("Sector"),
                    _("Enterprises"),
                    _("Energy per unit of product"),
                    _("Materials per unit of product"),
                    _("Target reduction"),
                    _("Status"),
                ],
                rows=rows,
                widths_cm=[4.5, 2.0, 2.5, 2.5, 2.8, 2.5],
                numeric=[False, True, True, True, False, False],
            )
        ],
        charts=efficiency_charts(annual, result, sectors=True),
    )


def withheld_sectors(annual: Annual) -> dict[str, str]:
    """Sector keys ("*" for the province) whose figure of the year is below the coverage
    rule of the indicator, with why ("Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi.")."""

    def find() -> dict[str, str]:
        rule = registry.get(efficiency.INDICATOR).coverage_rule
        coverage = resources.reporting_coverage(annual.year)
        found: dict[str, str] = {}
        keys = ["*", *coverage.expected]
        for key in keys:
            counted, expected = coverage.of(key)
            why = rule and registry.shortfall(rule, registry.Coverage(counted, expected))
            if why:
                found[key] = registry.note_text(why)
        return found

    return annual.cached(WITHHELD, find)


def efficiency_charts(annual: Annual, result: Any, *, sectors: bool) -> list[Chart]:
    """The province's reduction by year (line) and, when `sectors`, the year's reduction by
    sector (bars). A chart without any value is left out; figures are numbered as they
    are printed."""
    start = annual.plan.period_start
    rows = [
        r
        for r in indicators.series(indicator=efficiency.INDICATOR)
        if r.year <= annual.year and r.year >= start
    ]
    for row in rows:
        annual.quote(row)
    by_year = {r.year: r for r in rows}
    years = list(range(start, annual.year + 1))
    band = next((s.band for s in [result.province] if s.band), None)
    shaded = (round(100 * band[0], 2), round(100 * band[1], 2)) if band else None
    line = Chart(
        caption=_("Reduction of energy per unit of product in the province, by year (%)"),
        kind="line",
        labels=[str(y) for y in years],
        series=[
            (
                _("Whole province"),
                [
                    None
                    if by_year.get(y) is None or by_year[y].value is None
                    else round(float(by_year[y].value), 2)  # type: ignore[arg-type]
                    for y in years
                ],
            )
        ],
        unit="%",
        band=shaded,
    )
    charts = [line]
    if sectors:
        charts.append(
            Chart(
                caption=_("Reduction of energy per unit of product by sector, %(year)s (%%)")
                % {"year": annual.year},
                kind="bar",
                labels=[s.name for s in result.sectors],
                series=[
                    (
                        str(annual.year),
                        [
                            None
                            if s.energy.improvement is None or s.key in withheld_sectors(annual)
                            else round(100 * s.energy.improvement, 2)
                            for s in result.sectors
                        ],
                    )
                ],
                unit="%",
                band=shaded,
            )
        )
    drawn = [chart for chart in charts if chart.has_values()]
    for n, chart in enumerate(drawn, start=1):
        chart.caption = _("Figure %(n)s. %(caption)s") % {"n": n, "caption": chart.caption}
    return drawn


def gaps(cycle: ReportingCycle, annual: Annual | None) -> list[Gap]:
    """No enterprise has submitted the year's figures: the appendix has none."""
    if annual is not None:
        submitted = submitted_enterprises(year_efficiency(annual)) > 0
    else:
        # Without the year's figures at hand (a page about to make a draft), the register of
        # site years says it, in a query instead of the seconds `efficiency.compute` takes.
        submitted = SiteYear.objects.filter(
            year=cycle.year, state=SiteYear.State.SUBMITTED
        ).exists()
    return [] if submitted else [Gap(NO_FIGURES, {"year": cycle.year})]


def gap_message(params: dict[str, Any]) -> str:
    return _(
        "No enterprise has submitted its energy and production figures for %(year)s: the "
        "appendix on energy and materials per unit of product has no figures."
    ) % {"year": params.get("year")}
