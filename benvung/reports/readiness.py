"""What is missing from the data of a document: told before a draft is made, confirmed before a
document is issued.

A report issued for a year whose cycle is still open, or that no enterprise has reported
figures for, says less than its title promises. It may still have to be issued (the Committee
asked for it by a date); the issuer then says so knowingly, and the list is kept with the
document.

A gap is kept as data (`code` and `params`) and written out in the language of the page or the
command (`message`), so a document's list reads in English on an English page too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from benvung.core.registry import Registry
from benvung.indicators import selectors as indicators
from benvung.plans import selectors as plans
from benvung.reporting import selectors as reporting
from benvung.reporting.models import AgencyReport, ReportingCycle, Synthesis, TaskReport

if TYPE_CHECKING:
    from .sections import Annual

# Names listed in a message before "and N others".
NAMES_SHOWN = 12


@dataclass(frozen=True)
class Gap:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Gap:
        return cls(str(data.get("code", "")), dict(data.get("params") or {}))


@dataclass(frozen=True)
class Check:
    """What the data of one app's part of the annual report can lack: `find` reads the cycle
    (and the report's `Annual`, when the report is being built, to reuse its figures);
    `messages` words each gap code it gives."""

    order: int
    find: Callable[[ReportingCycle, Annual | None], list[Gap]]
    messages: Mapping[str, Callable[[dict[str, Any]], str]]


# Filled from the domain apps' hooks.py (resources: no enterprise figures).
CHECKS: Registry[Check] = Registry("annual report check")


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        return _("%(names)s and %(count)s others") % {
            "names": shown,
            "count": len(names) - NAMES_SHOWN,
        }
    return shown


def message(gap: Gap) -> str:
    """The gap as a sentence, in the active language."""
    p = gap.params
    if gap.code == "cycle_not_closed":
        return _(
            "The %(year)s reporting cycle is not closed (%(state)s): agencies may still send or "
            "change their reports."
        ) % {"year": p.get("year"), "state": p.get("state")}
    if gap.code == "reports_missing":
        return _(
            "%(missing)s of the %(expected)s agencies expected to report still owe their report "
            "(not sent, or returned and not sent again): %(names)s."
        ) % {
            "missing": p.get("missing"),
            "expected": p.get("expected"),
            "names": _names(p.get("names", [])),
        }
    if gap.code == "reports_not_accepted":
        return _(
            "%(count)s reports were sent but are not accepted yet, so they are not in the "
            "document: %(names)s."
        ) % {"count": p.get("count"), "names": _names(p.get("names", []))}
    if gap.code == "targets_without_figures":
        return _("Targets without a figure: %(targets)s.") % {
            "targets": _names(p.get("targets", []))
        }
    if gap.code == "targets_withheld":
        return _(
            "Targets whose %(year)s figure is not given for lack of data (the document shows "
            "the latest year with enough data and says why): %(targets)s."
        ) % {"year": p.get("year"), "targets": _names(p.get("targets", []))}
    if gap.code == "areas_without_reports":
        return _(
            "Content areas with tasks due this year but without any accepted report or "
            "consolidated text: %(areas)s."
        ) % {"areas": _names(p.get("areas", []))}
    if gap.code == "tasks_without_results":
        return _("Tasks reported without any result (no text, no figure): %(tasks)s.") % {
            "tasks": _names(p.get("tasks", []))
        }
    for check in CHECKS.values():
        if gap.code in check.messages:
            return check.messages[gap.code](p)
    return gap.code


def messages(gaps: Iterable[Gap | dict[str, Any]]) -> list[str]:
    return [message(g if isinstance(g, Gap) else Gap.from_data(g)) for g in gaps]


def current_targets(
    progress: Iterable[indicators.Progress], year: int
) -> list[indicators.Progress]:
    """Per indicator, the target whose milestone is the nearest still ahead of `year` (or the
    last one): what the report of that year measures against."""
    chosen: dict[str, indicators.Progress] = {}
    for p in sorted(progress, key=lambda p: p.milestone_year):
        code = p.target.indicator_code
        current = chosen.get(code)
        if current is None or current.milestone_year < year:
            chosen[code] = p
    return sorted(chosen.values(), key=lambda p: p.target.position)


def annual_gaps(
    cycle: ReportingCycle,
    *,
    progress: Sequence[indicators.Progress] | None = None,
    annual: Annual | None = None,
) -> list[Gap]:
    """What the annual report of `cycle` lacks. `progress` and `annual` (the report being
    built, with the figures its parts read) may be given when the caller has them already."""
    gaps: list[Gap] = []
    if cycle.state != ReportingCycle.State.CLOSED:
        gaps.append(
            Gap("cycle_not_closed", {"year": cycle.year, "state": str(cycle.get_state_display())})
        )
    status = reporting.cycle_status(cycle)
    owing = [row.agency.name for row in status.owing]
    if owing:
        gaps.append(
            Gap(
                "reports_missing",
                {"missing": len(owing), "expected": status.expected, "names": owing},
            )
        )
    waiting = [
        r.agency.name
        for r in cycle.reports.filter(state=AgencyReport.State.SUBMITTED)
        .select_related("agency")
        .order_by("agency__name")
    ]
    if waiting:
        gaps.append(Gap("reports_not_accepted", {"count": len(waiting), "names": waiting}))
    # The domains' own data, before the figures computed from them.
    for check in sorted(CHECKS.values(), key=lambda check: check.order):
        gaps += check.find(cycle, annual)
    if progress is None:
        progress = indicators.progress_list(plan=cycle.plan, year=cycle.year)
    current = current_targets(progress, cycle.year)
    without = [p.target.code for p in current if p.value is None]
    if without:
        gaps.append(Gap("targets_without_figures", {"targets": without}))
    # A figure of the year below its coverage rule: the document shows an earlier year's value.
    withheld = [p.target.code for p in current if p.value is not None and p.withheld is not None]
    if withheld:
        gaps.append(Gap("targets_withheld", {"year": cycle.year, "targets": withheld}))
    written = set(
        Synthesis.objects.filter(cycle=cycle)
        .exclude(text="")
        .values_list("content_area_id", flat=True)
    )
    reported = set(
        TaskReport.objects.filter(
            report__cycle=cycle, report__state=AgencyReport.State.ACCEPTED
        ).values_list("task__group__content_area_id", flat=True)
    )
    # Only areas with tasks due in the year are expected to be reported on (some areas of the
    # plan have no task of their own: their results show in the indicators' figures).
    due = {
        group.content_area_id
        for group in plans.task_groups(cycle.plan)
        if any(task.covers(cycle.year) for task in group.tasks.all())
    }
    empty = [
        f"{area.number}. {area.title}"
        for area in cycle.plan.content_areas.filter(retired_at__isnull=True).order_by("number")
        if area.pk in due and area.pk not in written and area.pk not in reported
    ]
    if empty:
        gaps.append(Gap("areas_without_reports", {"areas": empty}))
    return gaps


def agency_gaps(report: AgencyReport) -> list[Gap]:
    """What an agency's report lacks: tasks it reported on without a word or a figure."""
    empty = [
        entry.task.code
        for entry in report.task_reports.select_related("task__group").order_by(
            "task__group__position", "task__number"
        )
        if entry.status != TaskReport.Status.NOT_APPLICABLE
        and not entry.narrative.strip()
        and all(getattr(entry, name) is None for name in TaskReport.COUNT_FIELDS)
        and not entry.budget_total
    ]
    return [Gap("tasks_without_results", {"tasks": empty})] if empty else []
