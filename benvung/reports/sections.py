"""The parts of the annual synthesis report, each built by the app whose data it reads.

`assemble.annual_report` lays the document out and asks these registries for its parts, in
their `order`:

- `SECTIONS`: the numbered sections (I. results, II. assessment, III. next year's tasks,
  IV. proposals), built by reports from the plan and the agencies' reports;
- `RECORDED`: sentences of section I on what was recorded in the system in the year (outreach
  activities and models, packaging surveys), one part per domain app;
- `APPENDICES`: the appendices, numbered I, II ... in the order they are printed (the targets,
  the tasks, energy and materials per unit of product, the agencies' own reports).

A domain app adds its parts in its own `report_sections.py` and registers them from its
`hooks.py`; reports registers its own from `reports/hooks.py`. What a part lacks in the data
is told by a check registered in `readiness.CHECKS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils import timezone

from benvung.core.registry import Registry
from benvung.indicators import selectors as indicators
from benvung.indicators.models import IndicatorResult
from benvung.plans.models import Plan
from benvung.reporting.models import AgencyReport, ReportingCycle

from .content import Appendix, Section
from .models import AnnualReportText

T = TypeVar("T")


@dataclass
class Annual:
    """What every part of one annual report reads, read once, and what the parts note down
    while they are built (the indicator results quoted, the provenance of their figures)."""

    cycle: ReportingCycle
    number: str
    issued_on: dt.date
    plan: Plan
    year: int
    read_at: dt.datetime
    progress: list[indicators.Progress]
    reports: list[AgencyReport]
    text: AnnualReportText | None
    # Indicator results the document quotes, by key (kept with the document).
    results_used: dict[int, IndicatorResult] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    # The numeral of each appendix printed, by its key ("agencies": "IV").
    numerals: dict[str, str] = field(default_factory=dict)
    # What one part computes once and another reads again (a domain's figures of the year,
    # read by its appendix and by its readiness check), by a key the part chooses.
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, cycle: ReportingCycle, number: str, issued_on: dt.date) -> Annual:
        plan = Plan.objects.select_related("issuer", "coordinator").get(pk=cycle.plan_id)
        return cls(
            cycle=cycle,
            number=number,
            issued_on=issued_on,
            plan=plan,
            year=cycle.year,
            read_at=timezone.now(),
            progress=indicators.progress_list(plan=plan, year=cycle.year),
            reports=list(cycle.reports.select_related("agency").order_by("agency__name")),
            text=AnnualReportText.objects.filter(cycle=cycle).first(),
        )

    @property
    def accepted(self) -> list[AgencyReport]:
        return [r for r in self.reports if r.state == AgencyReport.State.ACCEPTED]

    def quote(self, result: IndicatorResult | None) -> None:
        """Notes that the document quotes `result` (its provenance lists it)."""
        if result is not None:
            self.results_used[result.pk] = result

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self.cache:
            self.cache[key] = compute()
        value: T = self.cache[key]
        return value


@dataclass(frozen=True)
class Part(Generic[T]):
    """One part of the annual report: `build` reads the report's `Annual` and returns it."""

    order: int  # place among the parts of its kind
    build: Callable[[Annual], T]


# The numbered sections, in order.
SECTIONS: Registry[Part[Section]] = Registry("annual report section")
# Sentences of section I on what was recorded in the year; none when nothing was.
RECORDED: Registry[Part[list[str]]] = Registry("annual report record count")
# The appendices; None leaves an appendix out (numerals follow what is printed).
APPENDICES: Registry[Part[Appendix | None]] = Registry("annual report appendix")


def in_order(registry: Registry[Part[T]]) -> list[tuple[str, Part[T]]]:
    return sorted(registry.items(), key=lambda item: item[1].order)


_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def numeral(position: int) -> str:
    """I, II, III ... for the 1st, 2nd, 3rd appendix."""
    return _NUMERALS[position - 1]


# An agency's own report lists what it recorded elsewhere in the system for the year
# (`reporting.selectors.records_of`): one clause per kind, written by the app that keeps the
# records and registered under the same key as in `reporting.recorded.KINDS`.
AGENCY_RECORDS: Registry[Callable[[list[Any]], Section]] = Registry("agency report records")
