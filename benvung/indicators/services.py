"""Writes of the indicators app: recomputing results, marking them stale, status overrides."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benvung.core import audit, years
from benvung.plans.models import Plan, Target
from benvung.plans.selectors import current_plan

from . import permissions, registry
from .models import OVERRIDE_STATUSES, IndicatorResult, StatusOverride

if TYPE_CHECKING:
    from benvung.accounts.models import User

logger = logging.getLogger(__name__)


def plan_years(plan: Plan | None = None, today: dt.date | None = None) -> range:
    """The years results are kept for: the plan's first year to this year (within the plan)."""
    today = today or timezone.localdate()
    start = plan.period_start if plan else 2022
    end = min(plan.period_end, today.year) if plan else today.year
    return range(start, max(start, end) + 1)


def _hash(items: list[dict[str, Any]]) -> str:
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def recompute(
    indicator: str | None = None,
    year: int | None = None,
    *,
    started: dt.datetime | None = None,
) -> int:
    """Compute and store the results of one indicator (or all) for one year (or every year of
    the plan). Returns the number of results written.

    A result marked stale after `started` (an input changed while this ran) stays stale: the
    recomputation queued by that change will bring it up to date.
    """
    started = started or timezone.now()
    codes = [indicator] if indicator else [d.code for d in registry.all_definitions()]
    written = 0
    for code in codes:
        definition = registry.get(code)
        plan = current_plan()
        years = [year] if year is not None else list(plan_years(plan))
        since = plan.period_start if plan else years[0]
        for y in years:
            computed = registry.withhold_incomplete(definition, definition.compute(y, since))
            written += _store(code, y, computed, started, definition.coverage_rule)
    return written


def coverage_json(
    rule: registry.CoverageRule | None, coverage: registry.Coverage | None
) -> dict[str, Any]:
    if rule is None or coverage is None:
        return {}
    return {
        "counted": coverage.counted,
        "expected": coverage.expected,
        "minimum": rule.minimum,
        "met": rule.met(coverage),
    }


def _store(
    code: str,
    year: int,
    computed: list[registry.Computed],
    started: dt.datetime,
    rule: registry.CoverageRule | None = None,
) -> int:
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (r.scope_kind, r.scope_key): r
            for r in IndicatorResult.objects.select_for_update().filter(indicator=code, year=year)
        }
        keep: set[tuple[str, str]] = set()
        creates: list[IndicatorResult] = []
        updates: list[IndicatorResult] = []
        for c in computed:
            key = (c.scope_kind, c.scope_key)
            keep.add(key)
            row = existing.get(key)
            stale_since = (
                row.stale_since
                if row is not None and row.stale_since is not None and row.stale_since > started
                else None
            )
            fields = {
                "scope_label": c.scope_label[:300],
                "value": c.value,
                "numerator": c.numerator,
                "denominator": c.denominator,
                "notes": c.notes,
                "inputs": c.inputs,
                "input_hash": _hash(c.inputs),
                "coverage": coverage_json(rule, c.coverage),
                "computed_at": now,
                "stale_since": stale_since,
            }
            if row is None:
                creates.append(
                    IndicatorResult(
                        indicator=code,
                        year=year,
                        scope_kind=c.scope_kind,
                        scope_key=c.scope_key,
                        **fields,
                    )
                )
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
                updates.append(row)
        gone = [r.pk for k, r in existing.items() if k not in keep]
        if gone:
            IndicatorResult.objects.filter(pk__in=gone).delete()
        IndicatorResult.objects.bulk_create(creates, batch_size=500)
        IndicatorResult.objects.bulk_update(
            updates,
            [
                "scope_label",
                "value",
                "numerator",
                "denominator",
                "notes",
                "inputs",
                "input_hash",
                "coverage",
                "computed_at",
                "stale_since",
            ],
            batch_size=500,
        )
    return len(computed)


# --- Input changes -----------------------------------------------------------------------------


def input_changed(model_label: str, *, year: int | None = None) -> None:
    """Called (by signals) when a row of `model_label` (of `year`; None: of no one year)
    changed: mark the figures it feeds stale now, in the caller's transaction, and queue one
    recomputation, of those indicators from that year on, after the commit.

    A bulk import saves thousands of rows in one transaction: the first row of each
    indicator and year marks the figures, the others find them marked (no query)."""
    codes = registry.affected_by(model_label)
    if not codes:
        return
    connection = transaction.get_connection()
    hook: Any = getattr(connection, "_benvung_indicator_hook", None)
    # One task for all the changes of a transaction: while this transaction's hook still
    # waits for the commit, add to it. A rolled-back transaction drops its hooks, and then a
    # new one is made.
    if hook is None or not any(entry[1] is hook for entry in connection.run_on_commit):

        def enqueue() -> None:
            connection._benvung_indicator_hook = None
            queue_recompute(sorted(enqueue.marked), from_year=enqueue.from_year)  # type: ignore[attr-defined]

        hook = enqueue
        hook.marked = {}  # code → the first year marked stale (None: every year)
        hook.from_year = year
        connection._benvung_indicator_hook = hook
        transaction.on_commit(hook)
    marked: dict[str, int | None] = hook.marked
    if hook.from_year is not None:
        hook.from_year = None if year is None else min(hook.from_year, year)
    unmarked = [c for c in codes if not _covers(marked.get(c, -1), year)]
    if not unmarked:
        return
    results = IndicatorResult.objects.filter(indicator__in=unmarked, stale_since__isnull=True)
    if year is not None:
        results = results.filter(year__gte=year)
    results.update(stale_since=timezone.now())
    for code in unmarked:
        marked[code] = year


def _covers(marked: int | None, year: int | None) -> bool:
    """Whether figures marked stale from `marked` on (None: all; -1: none) include `year`'s."""
    if marked == -1:
        return False
    return marked is None or (year is not None and year >= marked)


def queue_recompute(codes: Iterable[str], *, from_year: int | None = None) -> None:
    from .tasks import recompute_indicators

    codes = list(codes)
    try:
        recompute_indicators.enqueue(codes, timezone.now().isoformat(), from_year)
    except Exception:  # the change is saved; a failed enqueue must not undo it
        logger.exception("could not queue the recomputation of %s", codes)


def run_queued(codes: list[str], requested_at: str, from_year: int | None = None) -> int:
    """The background task: recompute `codes` from `from_year` on (None: every year) unless a
    later run already covered the request. Each indicator and year is stored in its own short
    transaction: other writers wait for one figure's write at most, never for the whole run."""
    requested = dt.datetime.fromisoformat(requested_at)
    started = timezone.now()
    written = 0
    for code in codes:
        results = IndicatorResult.objects.filter(indicator=code)
        if from_year is not None:
            results = results.filter(year__gte=from_year)
        covered = (
            results.exists()
            and not results.filter(stale_since__isnull=False).exists()
            and not results.filter(computed_at__lt=requested).exists()
        )
        if covered:
            continue
        if from_year is None:
            written += recompute(code, started=started)
            continue
        plan = current_plan()
        for year in plan_years(plan):
            if year >= from_year:
                written += recompute(code, year, started=started)
    return written


def stale_codes() -> set[str]:
    return set(
        IndicatorResult.objects.filter(stale_since__isnull=False).values_list(
            "indicator", flat=True
        )
    )


# --- Status overrides --------------------------------------------------------------------------


def status_override_set(
    *, actor: User, target: Target, year: int, status: str, reason: str
) -> StatusOverride:
    """The coordinator's status for a target and year replaces the computed one (audited)."""
    if not permissions.can_override_status(actor):
        raise PermissionDenied(_("Only the coordinator may override a status."))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in dict(OVERRIDE_STATUSES):
        errors["status"] = [_("Choose a status from the list.")]
    if len(reason) < 10:
        errors["reason"] = [_("Give the reason for the override (at least 10 characters).")]
    if (year_problem := years.plan_year_problem(year, target.plan)) is not None:
        errors["year"] = [year_problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = (
            StatusOverride.objects.select_for_update()
            .filter(target=target, year=year, withdrawn_at__isnull=True)
            .first()
        )
        if previous is not None:
            previous.withdrawn_at = timezone.now()
            previous.withdrawn_by = actor
            previous.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        override = StatusOverride.objects.create(
            target=target, year=year, status=status, reason=reason, set_by=actor
        )
        audit.record(
            actor=actor,
            action="indicator.status_override",
            target=override,
            before={"status": previous.status, "reason": previous.reason} if previous else None,
            after={"target": target.code, "year": year, "status": status, "reason": reason},
        )
    return override


def status_override_withdraw(*, actor: User, override: StatusOverride) -> StatusOverride:
    if not permissions.can_override_status(actor):
        raise PermissionDenied(_("Only the coordinator may override a status."))
    with transaction.atomic():
        override = StatusOverride.objects.select_for_update().get(pk=override.pk)
        if override.withdrawn_at is not None:
            raise ValidationError(_("This override has already been withdrawn."))
        override.withdrawn_at = timezone.now()
        override.withdrawn_by = actor
        override.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        audit.record(
            actor=actor,
            action="indicator.status_override_withdraw",
            target=override,
            before={"status": override.status, "reason": override.reason},
        )
    return override


def active_overrides(targets: Iterable[Target], year: int) -> dict[int, StatusOverride]:
    return {
        o.target_id: o
        for o in StatusOverride.objects.filter(
            Q(target__in=list(targets)), year=year, withdrawn_at__isnull=True
        ).select_related("set_by")
    }
