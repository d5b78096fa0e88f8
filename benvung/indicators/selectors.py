"""Reads of the indicators app: progress per target, series, breakdowns and the records behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benvung.core import progress as progress_rule
from benvung.plans.models import Plan, Target
from benvung.reporting import selectors as reporting

from . import permissions, registry
from .models import IndicatorResult, Status, StatusOverride
from .services import active_overrides, coverage_json

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


@dataclass
class Progress:
    target: Target
    asked_year: int
    baseline_year: int | None
    baseline_value: Decimal | None
    value: Decimal | None
    value_year: int | None
    target_min: Decimal | None
    target_max: Decimal | None
    target_label: str
    milestone_year: int
    expected: Decimal | None
    status: str
    status_label: str
    computed_status: str
    override: StatusOverride | None
    stale: bool
    notes: list[str] = field(default_factory=list)
    result: IndicatorResult | None = None  # the province result the value comes from
    # The asked year's own figure when the rule withheld it (the value shown is then older).
    withheld: IndicatorResult | None = None
    # Drafts not yet submitted are counted (the coordinator's switch; never public).
    drafts_counted: bool = False

    @property
    def withheld_note(self) -> str:
        """Why the asked year's own figure is not given, with its coverage."""
        if self.withheld is None or not self.withheld.notes:
            return ""
        return _("%(year)s: %(note)s") % {
            "year": self.withheld.year,
            "note": registry.note_text(self.withheld.notes[0]),
        }

    @property
    def coverage(self) -> dict[str, Any]:
        """What the figure shown rests on, or what the withheld one would have."""
        shown = self.withheld or self.result
        return dict(shown.coverage) if shown is not None and shown.coverage else {}

    @property
    def computed_status_label(self) -> str:
        return str(Status(self.computed_status).label)

    @property
    def definition(self) -> registry.Definition | None:
        code = self.target.indicator_code
        return registry.get(code) if registry.known(code) else None


def _shown(value: Decimal | None) -> str:
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value, decimal_pos=places, use_l10n=True)


def target_label(target: Target) -> str:
    unit = target.unit or ""
    if unit and unit != "%":
        # The plan file writes the unit in Vietnamese; the definition's word is translated.
        code = target.indicator_code
        unit = f" {registry.get(code).unit if registry.known(code) else unit}"
    low, high = target.min_value, target.max_value
    if low is not None and high is not None and low != high:
        return f"{_shown(low)}–{_shown(high)}{unit}"
    single = target.value if target.value is not None else low if low is not None else high
    if single is None:
        return _("qualitative")
    return f"{_shown(single)}{unit}"


def goal(target: Target) -> Decimal | None:
    increase = target.direction == Target.Direction.INCREASE
    low = target.min_value if target.min_value is not None else target.value
    high = target.max_value if target.max_value is not None else target.value
    return low if increase else high


def path_start(target: Target) -> tuple[int, float] | None:
    """Where a target's straight path starts, the one rule (the status rule, the portal's
    chart and the efficiency figures use it): a target continuing an earlier one of the same
    plan, indicator and scope (7-10 % by 2030 after 5-8 % by 2025) starts at the earlier
    milestone's goal (`goal`: a range's lower end when higher is better, its upper end when
    lower is better). None: the path starts at the baseline (each caller knows its own)."""
    previous = (
        Target.objects.filter(
            plan_id=target.plan_id,
            indicator_code=target.indicator_code,
            scope_kind=target.scope_kind,
            milestone_year__lt=target.milestone_year,
            retired_at__isnull=True,
        )
        .order_by("-milestone_year")
        .first()
    )
    if previous is None:
        return None
    previous_goal = goal(previous)
    return None if previous_goal is None else (previous.milestone_year, float(previous_goal))


def series(
    *, indicator: str, scope_kind: str = "province", scope_key: str = ""
) -> list[IndicatorResult]:
    return list(
        IndicatorResult.objects.filter(
            indicator=indicator, scope_kind=scope_kind, scope_key=scope_key
        ).order_by("year")
    )


def breakdown(*, indicator: str, year: int, scope_kind: str) -> list[IndicatorResult]:
    rows = list(
        IndicatorResult.objects.filter(indicator=indicator, year=year, scope_kind=scope_kind)
    )
    return sorted(rows, key=lambda r: r.label)


def definition(code: str) -> registry.Definition:
    return registry.get(code)


def definitions() -> list[registry.Definition]:
    return registry.all_definitions()


def latest_year(*, plan: Plan) -> int:
    """The last year one may ask about: this year while the plan runs (cumulative figures are
    counted to date), else the plan's last year; at most the last year with any result."""
    last = IndicatorResult.objects.aggregate(year=Max("year"))["year"]
    this_year = min(timezone.localdate().year, plan.period_end)
    return min(this_year, last) if last else this_year


def published_year(*, plan: Plan) -> int:
    """The year pages open on: the latest year whose reporting cycle is closed, or whose
    figures all meet their coverage rule (no province figure withheld). A year with one
    enterprise's figures in, or a cycle half way, is not shown by default: it can still be
    chosen. Without any such year, the latest year one may ask about."""
    last = latest_year(plan=plan)
    closed = reporting.closed_years()
    province = IndicatorResult.objects.filter(scope_kind="province", scope_key="")
    with_results = set(province.values_list("year", flat=True))
    withheld = {
        r.year for r in province.filter(year__lte=last).only("year", "coverage") if r.withheld
    }
    for year in range(last, plan.period_start - 1, -1):
        if year in closed or (year in with_results and year not in withheld):
            return year
    return last


def _baseline(
    target: Target, definition: registry.Definition, rows: list[IndicatorResult]
) -> tuple[int | None, Decimal | None]:
    if definition.baseline == registry.ZERO_AT_START:
        year = target.baseline_year or target.plan.period_start - 1
        return year, Decimal(0)
    with_value = [r for r in rows if r.value is not None]
    if target.baseline_year:
        chosen = next((r for r in with_value if r.year == target.baseline_year), None)
        return target.baseline_year, chosen.value if chosen else None
    if not with_value:
        return None, None
    return with_value[0].year, with_value[0].value


def progress_for(
    *,
    target: Target,
    year: int,
    rows: list[IndicatorResult] | None = None,
    override: StatusOverride | None = None,
    overrides_loaded: bool = False,
    finals: dict[int, bool] | None = None,
    drafts_counted: bool = False,
) -> Progress:
    code = target.indicator_code
    definition = registry.get(code) if registry.known(code) else None
    if rows is None:
        rows = series(indicator=code)
    # A milestone passed is judged on its own year's value: 2026 data do not change 2025.
    last_year = min(year, target.milestone_year)
    upto = [r for r in rows if r.year <= last_year]
    latest = next((r for r in reversed(upto) if r.value is not None), None)
    # The year's own figure, withheld for lack of data: the page says so beside the older value.
    own = next((r for r in upto if r.year == last_year), None)
    withheld = own if own is not None and own.withheld and own is not latest else None
    notes: list[str] = []
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    if definition is None:
        notes.append(_("The indicator %(code)s is not computed by the system.") % {"code": code})
    else:
        baseline_year, baseline_value = _baseline(target, definition, rows)
        if latest is not None:
            notes.extend(registry.note_text(n) for n in latest.notes)
    wanted = None if definition is None or definition.qualitative else goal(target)
    # The milestone year's value settles the target once that year's figures are final.
    final = (
        latest is not None
        and latest.year >= target.milestone_year
        and _figures_final(latest.year, finals)
    )
    assessment = progress_rule.assess(
        value=None if latest is None else float(latest.value),  # type: ignore[arg-type]
        value_year=None if latest is None else latest.year,
        baseline_value=None if baseline_value is None else float(baseline_value),
        baseline_year=baseline_year,
        goal=None if wanted is None else float(wanted),
        milestone_year=target.milestone_year,
        increase=target.direction == Target.Direction.INCREASE,
        start=path_start(target),
        final=final,
    )
    computed_status = assessment.status
    if definition is not None and definition.qualitative:
        # No number to judge: the target says it is qualitative (the coordinator's override
        # gives it a status, with its reason).
        computed_status = Status.QUALITATIVE
    if not overrides_loaded:
        override = active_overrides([target], year).get(target.pk)
    status = override.status if override else computed_status
    progress = Progress(
        target=target,
        asked_year=year,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        value=None if latest is None else latest.value,
        value_year=None if latest is None else latest.year,
        target_min=target.min_value if target.min_value is not None else target.value,
        target_max=target.max_value if target.max_value is not None else target.value,
        target_label=target_label(target),
        milestone_year=target.milestone_year,
        expected=None
        if assessment.expected is None
        else Decimal(str(round(assessment.expected, 4))),
        status=status,
        status_label=str(Status(status).label),
        computed_status=computed_status,
        override=override,
        # The figure shown is being brought up to date (earlier years have their own marks).
        stale=latest.stale if latest is not None else any(r.stale for r in upto),
        notes=notes,
        result=latest,
        withheld=withheld,
        drafts_counted=drafts_counted,
    )
    return progress


def _figures_final(year: int, finals: dict[int, bool] | None) -> bool:
    if finals is None:
        return reporting.figures_final(year)
    if year not in finals:
        finals[year] = reporting.figures_final(year)
    return finals[year]


def progress_list(*, plan: Plan, year: int, include_drafts: bool = False) -> list[Progress]:
    """Every target's progress in `year`. `include_drafts` (the coordinator's switch) counts
    the drafts not yet submitted too, computed live for the years the statuses rest on:
    stored results, and so every public figure, never hold a draft."""
    targets = list(
        plan.targets.filter(retired_at__isnull=True).select_related("plan").order_by("id")
    )
    codes = {t.indicator_code for t in targets}
    by_code: dict[str, list[IndicatorResult]] = {c: [] for c in codes}
    for row in IndicatorResult.objects.filter(
        indicator__in=codes, scope_kind="province", scope_key=""
    ).order_by("year"):
        by_code[row.indicator].append(row)
    with_drafts: set[str] = set()
    if include_drafts:
        for code in codes:
            if not registry.known(code) or registry.get(code).compute_with_drafts is None:
                continue
            years = {min(year, t.milestone_year) for t in targets if t.indicator_code == code}
            live = {r.year: r for r in live_results(code, sorted(years), plan=plan)}
            by_code[code] = sorted(
                [r for r in by_code[code] if r.year not in live] + list(live.values()),
                key=lambda r: r.year,
            )
            with_drafts.add(code)
    overrides = active_overrides(targets, year)
    finals: dict[int, bool] = {}
    return [
        progress_for(
            target=t,
            year=year,
            rows=by_code.get(t.indicator_code, []),
            override=overrides.get(t.pk),
            overrides_loaded=True,
            finals=finals,
            drafts_counted=t.indicator_code in with_drafts,
        )
        for t in targets
    ]


def live_results(
    code: str, years: list[int], *, plan: Plan, scope_kind: str = "province"
) -> list[IndicatorResult]:
    """Results computed now, drafts counted, never stored (the coordinator's switch)."""
    definition = registry.get(code)
    compute = definition.compute_with_drafts or definition.compute
    now = timezone.now()
    found = []
    for year in years:
        for c in registry.withhold_incomplete(definition, compute(year, plan.period_start)):
            if c.scope_kind != scope_kind:
                continue
            found.append(
                IndicatorResult(
                    indicator=code,
                    year=year,
                    scope_kind=c.scope_kind,
                    scope_key=c.scope_key,
                    scope_label=c.scope_label,
                    value=c.value,
                    numerator=c.numerator,
                    denominator=c.denominator,
                    notes=c.notes,
                    coverage=coverage_json(definition.coverage_rule, c.coverage),
                    computed_at=now,
                )
            )
    return found


def result_get(*, indicator: str, year: int, scope_kind: str, scope_key: str) -> IndicatorResult:
    return IndicatorResult.objects.get(
        indicator=indicator, year=year, scope_kind=scope_kind, scope_key=scope_key
    )


def result_inputs(*, viewer: User | AnonymousUser, result: IndicatorResult) -> list[dict[str, Any]]:
    """The records a figure came from (names of enterprises, outlets...): coordinators only."""
    if not permissions.can_view_result_inputs(viewer):
        raise PermissionDenied
    return list(result.inputs)


def overrides_for(*, target: Target) -> list[StatusOverride]:
    """Every override of a target, withdrawn ones too (the history shown beside the status)."""
    return list(
        StatusOverride.objects.filter(target=target)
        .select_related("set_by", "withdrawn_by")
        .order_by("-created_at")
    )
