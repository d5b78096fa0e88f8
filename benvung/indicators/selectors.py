"""Reads of the indicators app: progress per target, series, breakdowns and the records behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benvung.accounts import permissions
from benvung.plans.models import Plan, Target

from . import calculations, registry
from .models import IndicatorResult, Status, StatusOverride
from .services import active_overrides


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
    """A target continuing an earlier one of the same indicator (7-10 % by 2030 after 5-8 % by
    2025) starts its path at the earlier milestone's goal."""
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
    """The year pages open on: this year while the plan runs (cumulative figures are counted
    to date), else the plan's last year; at most the last year with any result."""
    last = IndicatorResult.objects.aggregate(year=Max("year"))["year"]
    this_year = min(timezone.localdate().year, plan.period_end)
    return min(this_year, last) if last else this_year


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
) -> Progress:
    code = target.indicator_code
    definition = registry.get(code) if registry.known(code) else None
    if rows is None:
        rows = series(indicator=code)
    # A milestone passed is judged on its own year's value: 2026 data do not change 2025.
    last_year = min(year, target.milestone_year)
    upto = [r for r in rows if r.year <= last_year]
    latest = next((r for r in reversed(upto) if r.value is not None), None)
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
    assessment = calculations.assess(
        value=None if latest is None else float(latest.value),  # type: ignore[arg-type]
        value_year=None if latest is None else latest.year,
        baseline_value=None if baseline_value is None else float(baseline_value),
        baseline_year=baseline_year,
        goal=None if wanted is None else float(wanted),
        milestone_year=target.milestone_year,
        increase=target.direction == Target.Direction.INCREASE,
        start=path_start(target),
    )
    if not overrides_loaded:
        override = active_overrides([target], year).get(target.pk)
    status = override.status if override else assessment.status
    return Progress(
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
        computed_status=assessment.status,
        override=override,
        # The figure shown is being brought up to date (earlier years have their own marks).
        stale=latest.stale if latest is not None else any(r.stale for r in upto),
        notes=notes,
        result=latest,
    )


def progress_list(*, plan: Plan, year: int) -> list[Progress]:
    targets = list(
        plan.targets.filter(retired_at__isnull=True).select_related("plan").order_by("id")
    )
    codes = {t.indicator_code for t in targets}
    by_code: dict[str, list[IndicatorResult]] = {c: [] for c in codes}
    for row in IndicatorResult.objects.filter(
        indicator__in=codes, scope_kind="province", scope_key=""
    ).order_by("year"):
        by_code[row.indicator].append(row)
    overrides = active_overrides(targets, year)
    return [
        progress_for(
            target=t,
            year=year,
            rows=by_code.get(t.indicator_code, []),
            override=overrides.get(t.pk),
            overrides_loaded=True,
        )
        for t in targets
    ]


def result_get(*, indicator: str, year: int, scope_kind: str, scope_key: str) -> IndicatorResult:
    return IndicatorResult.objects.get(
        indicator=indicator, year=year, scope_kind=scope_kind, scope_key=scope_key
    )


def result_inputs(*, viewer: Any, result: IndicatorResult) -> list[dict[str, Any]]:
    """The records a figure came from (names of enterprises, outlets...): coordinators only."""
    if not permissions.is_coordinator(viewer):
        raise PermissionDenied
    return list(result.inputs)


def overrides_for(*, target: Target) -> list[StatusOverride]:
    """Every override of a target, withdrawn ones too (the history shown beside the status)."""
    return list(
        StatusOverride.objects.filter(target=target)
        .select_related("set_by", "withdrawn_by")
        .order_by("-created_at")
    )
