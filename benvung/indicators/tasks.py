"""Background recomputation of indicators after their inputs changed."""

from __future__ import annotations

from django_tasks import task

from benvung.core.audit import audit_context


@task()
def recompute_indicators(codes: list[str], requested_at: str, from_year: int | None = None) -> int:
    """The figures of `codes` from `from_year` on (None: every year of the plan)."""
    from . import services

    with audit_context(source="task", task="recompute_indicators"):
        return services.run_queued(codes, requested_at, from_year)


@task()
def recompute_stale(day: str) -> int:
    """The nightly safety net: every indicator with a result still marked stale (a lost task,
    or results kept from before an upgrade that changed how they are computed) is recomputed."""
    from . import services

    with audit_context(source="task", task="recompute_stale"):
        return sum(services.recompute(code) for code in sorted(services.stale_codes()))
