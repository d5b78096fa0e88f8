"""Public reads for the portal: figures, progress of the plan's targets, coverage, SCP models.

Nothing here reveals an organisation's private data: indicator results are aggregates, the
records behind them (`IndicatorResult.inputs`) are never read here, and SCP models are shown
without their evidence or their reviewers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.core import charts
from benvung.core import progress as progress_rule
from benvung.directory import selectors as directory
from benvung.directory.models import Enterprise, IndustrialArea
from benvung.indicators import registry
from benvung.indicators import selectors as indicators
from benvung.indicators.models import IndicatorResult, StatusOverride
from benvung.indicators.selectors import Progress
from benvung.outreach import selectors as outreach
from benvung.outreach.models import SCPModel
from benvung.plans.models import Plan, PlanRevision, Target

COVERAGE_INDICATOR = "outreach_industrial_areas_share"


def home_figures() -> dict[str, Any]:
    today = timezone.localdate()
    areas = IndustrialArea.objects.valid_on(today)
    return {
        "commune_count": directory.current_communes().count(),
        "park_count": areas.filter(kind=IndustrialArea.Kind.PARK).count(),
        "cluster_count": areas.filter(kind=IndustrialArea.Kind.CLUSTER).count(),
        "village_count": areas.filter(kind=IndustrialArea.Kind.CRAFT_VILLAGE).count(),
        "enterprise_count": Enterprise.objects.valid_on(today).count(),
        "focus_sectors": directory.focus_sectors_with_codes(),
        "plans": Plan.objects.all(),
    }


# --- The plan and its years -------------------------------------------------------------------


def data_version() -> str:
    """A short key that changes whenever anything the figures pages show may have changed:
    a result computed or marked stale, a status overridden, the plan reloaded. Pages cache
    their rendered figures under it, so a change is visible on the next request."""
    # One round trip (this runs on every public page view): the three tables' change marks.
    result, override, revision = (
        m._meta.db_table for m in (IndicatorResult, StatusOverride, PlanRevision)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(computed_at) FROM {result}),"
            f" (SELECT MAX(stale_since) FROM {result}),"
            f" (SELECT MAX(updated_at) FROM {override}),"
            f" (SELECT COUNT(*) FROM {override}),"
            f" (SELECT MAX(loaded_at) FROM {revision})"
        )
        parts = cursor.fetchone()
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def plan_years(plan: Plan) -> list[int]:
    """Years one may ask about: the plan's years up to the latest with a result (newest first)."""
    last = max(indicators.latest_year(plan=plan), plan.period_start)
    return list(range(min(last, plan.period_end), plan.period_start - 1, -1))


def asked_year(plan: Plan, raw: str | None) -> int:
    """The year in the query string when it is one of the plan's years; else the published
    year (the latest whose cycle is closed or whose figures are complete)."""
    years = plan_years(plan)
    try:
        year = int(raw or "")
    except ValueError:
        year = 0
    if year in years:
        return year
    published = indicators.published_year(plan=plan)
    return published if published in years else years[0]


def definition_or_none(code: str) -> registry.Definition | None:
    try:
        return indicators.definition(code)
    except KeyError:
        return None


def decimals_for(definition: registry.Definition | None) -> int:
    """Shares are shown with one decimal, counts as whole numbers."""
    if definition is None or definition.is_share:
        return 1
    return 0


def unit_for(definition: registry.Definition | None, target: Target | None = None) -> str:
    if definition is not None and definition.unit:
        return str(definition.unit)
    return target.unit if target is not None else ""


@dataclass
class ProgressRow:
    """A target's progress with what a page needs to show it."""

    progress: Progress
    definition: registry.Definition | None
    unit: str
    decimals: int
    result: IndicatorResult | None  # the province result behind `progress.value`

    @property
    def target(self) -> Target:
        return self.progress.target


def _row(progress: Progress) -> ProgressRow:
    definition = definition_or_none(progress.target.indicator_code)
    return ProgressRow(
        progress=progress,
        definition=definition,
        unit=unit_for(definition, progress.target),
        decimals=decimals_for(definition),
        result=progress.result,
    )


def progress_rows(*, plan: Plan, year: int, include_drafts: bool = False) -> list[ProgressRow]:
    return [
        _row(p)
        for p in indicators.progress_list(plan=plan, year=year, include_drafts=include_drafts)
    ]


def progress_row(*, target: Target, year: int) -> ProgressRow:
    return _row(indicators.progress_for(target=target, year=year))


def target_list(plan: Plan) -> QuerySet[Target]:
    return plan.targets.filter(retired_at__isnull=True)


# --- One indicator: series, the path to the target, breakdowns --------------------------------


def path_start(target: Target, progress: Progress) -> tuple[int, float] | None:
    """Where the straight path to the target starts: the previous milestone's goal when the
    target continues an earlier one (the status rule's own start), else the baseline."""
    start = indicators.path_start(target)
    if start is not None:
        return start
    if progress.baseline_year is not None and progress.baseline_value is not None:
        return progress.baseline_year, float(progress.baseline_value)
    return None


@dataclass
class SeriesPoint:
    year: int
    result: IndicatorResult | None
    expected: float | None  # on the straight path to the target, that year


@dataclass
class IndicatorView:
    """Everything the indicator (or target) page shows, in plain data."""

    definition: registry.Definition
    unit: str
    decimals: int
    points: list[SeriesPoint]
    chart: str
    breakdowns: list[Breakdown] = field(default_factory=list)


@dataclass
class Breakdown:
    scope_kind: str
    label: str
    year: int | None
    results: list[IndicatorResult]
    chart: str
    # A breakdown by area holds 1 (reached) or 0: shown as words, not as a number.
    yes_no: bool = False


def _years_span(results: list[IndicatorResult], extra: list[int]) -> list[int]:
    years = [r.year for r in results] + extra
    if not years:
        return []
    return list(range(min(years), max(years) + 1))


def indicator_view(
    *,
    definition: registry.Definition,
    year: int,
    target: Target | None = None,
    progress: Progress | None = None,
) -> IndicatorView:
    """The province series (to `year`), the target's band and path, and the breakdowns."""
    unit = unit_for(definition, target)
    decimals = decimals_for(definition)
    results = [r for r in indicators.series(indicator=definition.code) if r.year <= year]
    start = path_start(target, progress) if target is not None and progress else None
    goal = indicators.goal(target) if target is not None else None
    milestone = target.milestone_year if target is not None else None
    extra = [y for y in (start[0] if start else None, milestone) if y is not None]
    by_year = {r.year: r for r in results}
    points = []
    for y in _years_span(results, extra):
        expected = None
        if start is not None and goal is not None and milestone and start[0] <= y <= milestone:
            expected = progress_rule.expected_on_path(
                start_year=start[0],
                start_value=start[1],
                goal=float(goal),
                milestone_year=milestone,
                year=y,
            )
        points.append(SeriesPoint(year=y, result=by_year.get(y), expected=expected))
    chart = _series_chart(definition, unit, points, target)
    # The breakdowns of the year the figure comes from (a target's value may be an earlier
    # year's), else of the year asked: never of a newer year with one record in.
    shown_year = progress.value_year if progress and progress.value_year else year
    breakdowns = []
    for scope_kind, label in definition.breakdowns:
        rows = (
            indicators.breakdown(indicator=definition.code, year=shown_year, scope_kind=scope_kind)
            if shown_year
            else []
        )
        yes_no = scope_kind == "area"
        breakdowns.append(
            Breakdown(
                scope_kind=scope_kind,
                label=str(label),
                year=shown_year,
                results=rows,
                chart="" if yes_no else _breakdown_chart(definition, unit, label, shown_year, rows),
                yes_no=yes_no,
            )
        )
    return IndicatorView(definition, unit, decimals, points, chart, breakdowns)


def _series_chart(
    definition: registry.Definition,
    unit: str,
    points: list[SeriesPoint],
    target: Target | None,
) -> str:
    values = [
        float(p.result.value) if p.result is not None and p.result.value is not None else None
        for p in points
    ]
    series = [charts.Series(str(definition.name), values)]
    if any(p.expected is not None for p in points):
        series.append(
            charts.Series(
                _("Straight path to the target"),
                [p.expected for p in points],
                dashed=True,
                markers=False,
            )
        )
    band = None
    low = target.min_value if target is not None and target.min_value is not None else None
    if target is not None and low is None:
        low = target.value
    if target is not None and low is not None:
        high = target.max_value if target.max_value is not None else low
        band = charts.Band(
            float(low),
            float(high),
            _("Target for %(year)s") % {"year": target.milestone_year},
        )
    title = _("%(indicator)s (%(unit)s) by year") % {"indicator": definition.name, "unit": unit}
    return charts.line_chart(
        title, [str(p.year) for p in points], series, band=band, chart_id="series-chart"
    )


def _breakdown_chart(
    definition: registry.Definition,
    unit: str,
    label: Any,
    year: int | None,
    rows: list[IndicatorResult],
) -> str:
    if not rows or len(rows) > 30:
        return ""
    title = _("%(indicator)s in %(year)s: %(breakdown)s") % {
        "indicator": definition.name,
        "year": year,
        "breakdown": label,
    }
    return charts.bar_chart(
        title,
        [(r.label, None if r.value is None else float(r.value)) for r in rows],
        unit=f" {unit}" if unit else "",
        decimals=decimals_for(definition),
        chart_id=f"breakdown-{definition.code}-{rows[0].scope_kind}",
    )


def targets_of_indicator(plan: Plan, code: str) -> list[Target]:
    return list(target_list(plan).filter(indicator_code=code).order_by("milestone_year"))


def open_data(code: str) -> list[IndicatorResult]:
    """Every stored result of an indicator, all years and scopes (without the inputs)."""
    return list(
        IndicatorResult.objects.filter(indicator=code)
        .defer("inputs", "input_hash")
        .order_by("scope_kind", "year", "scope_key")
    )


# --- Coverage of industrial parks, clusters and craft villages --------------------------------


@dataclass
class AreaCoverage:
    area: IndustrialArea
    reached: bool | None  # None: the area was not counted that year (or there is no result)
    latitude: float | None
    longitude: float | None
    # The position is that of the area's commune or former district, not of the area itself.
    approximate: bool


def _position(area: IndustrialArea) -> tuple[float | None, float | None, bool]:
    if area.latitude is not None and area.longitude is not None:
        return float(area.latitude), float(area.longitude), False
    for unit in (area.administrative_unit, area.former_district):
        if unit is not None and unit.latitude is not None and unit.longitude is not None:
            return float(unit.latitude), float(unit.longitude), True
    return None, None, True


def area_coverage(*, year: int) -> list[AreaCoverage]:
    """Every park, cluster and craft village in force in `year`, reached by outreach or not.

    "Reached" is read from the area breakdown of the coverage indicator, so the map and the
    figure of the target always agree.
    """
    results = indicators.breakdown(indicator=COVERAGE_INDICATOR, year=year, scope_kind="area")
    reached = {r.scope_key: (r.value is not None and r.value > 0) for r in results}
    counted_ids = [int(k) for k in reached if k.isdigit()]
    in_force = IndustrialArea.objects.valid_on(
        dt.date(year, 12, 31)
    ) | IndustrialArea.objects.filter(pk__in=counted_ids)
    areas = in_force.select_related("administrative_unit", "former_district").order_by(
        "kind", "name"
    )
    rows = []
    for area in areas.distinct():
        lat, lon, approximate = _position(area)
        rows.append(
            AreaCoverage(
                area=area,
                reached=reached.get(str(area.pk)),
                latitude=lat,
                longitude=lon,
                approximate=approximate,
            )
        )
    return rows


def map_markers(rows: list[AreaCoverage]) -> list[dict[str, Any]]:
    """The markers the map script draws (only areas with a position)."""
    labels = {True: _("reached"), False: _("not yet reached"), None: _("no data")}
    return [
        {
            "id": r.area.pk,
            "name": r.area.name,
            "kind": r.area.kind,
            "kind_label": str(r.area.get_kind_display()),
            "reached": r.reached,
            "status": str(labels[r.reached]),
            "lat": r.latitude,
            "lon": r.longitude,
            "approximate": r.approximate,
        }
        for r in rows
        if r.latitude is not None and r.longitude is not None
    ]


# --- The catalogue of verified SCP models -----------------------------------------------------


def scp_catalogue(
    *, year: int | None = None, kind: str = "", sector: str = ""
) -> QuerySet[SCPModel]:
    """Verified models only, optionally of one focus sector (through the enterprise's codes)."""
    qs = outreach.verified_scp_models(year=year, kind=kind)
    if sector:
        qs = qs.filter(
            organisation__enterprise__enterprisesector__sector__in=directory.sectors_of_focus_sector(
                sector
            )
        ).distinct()
    return qs.select_related("organisation", "site__administrative_unit").order_by(
        "-year", "title", "pk"
    )


def scp_catalogue_years() -> list[int]:
    return sorted(set(outreach.verified_scp_models().values_list("year", flat=True)), reverse=True)
