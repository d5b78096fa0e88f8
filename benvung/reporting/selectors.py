"""Reads of cycles and reports, scoped to the viewer; who is expected to report; who has."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benvung.accounts.permissions import active_user
from benvung.directory.models import Agency, Organisation
from benvung.plans import selectors as plans
from benvung.plans.models import Task

from . import permissions, recorded
from .models import AgencyReport, ReportingCycle, TaskReport

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User


def cycle_list(*, viewer: User | AnonymousUser) -> QuerySet[ReportingCycle]:
    """Coordinators see every cycle; agencies the cycles that are not in preparation."""
    qs = ReportingCycle.objects.select_related("plan")
    if permissions.can_view_every_report(viewer):
        return qs
    if active_user(viewer) is None:
        return qs.none()
    return qs.exclude(state=ReportingCycle.State.DRAFT)


def report_list(
    *, viewer: User | AnonymousUser, cycle: ReportingCycle | None = None
) -> QuerySet[AgencyReport]:
    qs = AgencyReport.objects.select_related("cycle__plan", "agency")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if permissions.can_view_every_report(viewer):
        return qs
    if (user := active_user(viewer)) is None:
        return qs.none()
    return qs.filter(agency_id=user.organisation_id)


def expected_reporters(cycle: ReportingCycle) -> dict[int, list[Task]]:
    """Agency id → its tasks for the cycle's year: the lead and co-agencies of every task
    whose period contains the year, as they stand on the reporting deadline."""
    result: dict[int, list[Task]] = defaultdict(list)
    on = cycle.report_deadline
    memo: plans.Memo = {}
    for group in plans.task_groups(cycle.plan):
        for task in group.tasks.all():
            if not task.covers(cycle.year):
                continue
            for agency_id in plans.responsible_agencies(task, on, memo=memo):
                result[agency_id].append(task)
    # Central bodies (Tổng cục Hải quan) cooperate on tasks but do not report to the
    # province: section VI.1 addresses the province's departments and people's committees.
    central = set(
        Agency.objects.filter(pk__in=result, agency_type=Agency.AgencyType.CENTRAL).values_list(
            "pk", flat=True
        )
    )
    return {pk: tasks for pk, tasks in result.items() if pk not in central}


def tasks_for(cycle: ReportingCycle, agency: Organisation) -> list[Task]:
    return expected_reporters(cycle).get(agency.pk, [])


STATUS_LABELS = {
    "not_started": pgettext_lazy("report status", "not started"),
    "draft": _("draft"),
    "submitted_on_time": _("submitted on time"),
    "submitted_late": _("submitted late"),
    "returned": _("returned for revision"),
    "accepted": _("accepted"),
    "missing": _("missing"),
}
OWING = {"not_started", "draft", "missing", "returned"}


@dataclass
class AgencyStatus:
    agency: Organisation
    tasks: list[Task]
    report: AgencyReport | None
    status: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def owes(self) -> bool:
        return self.status in OWING

    @property
    def on_time(self) -> bool:
        return bool(self.report and self.report.was_on_time)


@dataclass
class CycleStatus:
    cycle: ReportingCycle
    as_of: dt.datetime
    rows: list[AgencyStatus] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def on_time_rate(self) -> float | None:
        """Share of expected agencies whose first submission came by the deadline."""
        if not self.rows:
            return None
        return sum(1 for r in self.rows if r.on_time) / len(self.rows)

    @property
    def owing(self) -> list[AgencyStatus]:
        return [r for r in self.rows if r.owes]


def status_of(report: AgencyReport | None, cycle: ReportingCycle, now: dt.datetime) -> str:
    if report is None or report.state == AgencyReport.State.DRAFT:
        if now > cycle.deadline_end():
            return "missing"
        return "not_started" if report is None else "draft"
    if report.state == AgencyReport.State.RETURNED:
        return "returned"
    if report.state == AgencyReport.State.ACCEPTED:
        return "accepted"
    return "submitted_on_time" if report.was_on_time else "submitted_late"


def cycle_status(cycle: ReportingCycle, now: dt.datetime | None = None) -> CycleStatus:
    moment = now or timezone.now()
    expected = expected_reporters(cycle)
    agencies = {o.pk: o for o in Organisation.objects.filter(pk__in=expected)}
    reports = {r.agency_id: r for r in cycle.reports.select_related("cycle")}
    result = CycleStatus(cycle=cycle, as_of=moment)
    for agency_id, tasks in expected.items():
        report = reports.get(agency_id)
        result.rows.append(
            AgencyStatus(
                agency=agencies[agency_id],
                tasks=tasks,
                report=report,
                status=status_of(report, cycle, moment),
            )
        )
    result.rows.sort(key=lambda r: (not r.owes, r.agency.name))
    return result


def cycle_status_data(status: CycleStatus) -> dict[str, Any]:
    """The status as plain data (the `cycle_status` command prints it as JSON)."""
    cycle = status.cycle
    return {
        "plan": cycle.plan.number,
        "year": cycle.year,
        "state": cycle.state,
        "data_window": [cycle.data_start.isoformat(), cycle.data_end.isoformat()],
        "report_deadline": cycle.report_deadline.isoformat(),
        "as_of": status.as_of.isoformat(),
        "expected": status.expected,
        "counts": status.counts,
        "on_time_rate": round(status.on_time_rate, 4) if status.on_time_rate is not None else None,
        "owing": [r.agency.name for r in status.owing],
        "agencies": [
            {
                "agency": r.agency.name,
                "status": r.status,
                "tasks": [t.code for t in r.tasks],
                "first_submitted_at": r.report.first_submitted_at.isoformat()
                if r.report and r.report.first_submitted_at
                else None,
            }
            for r in status.rows
        ],
    }


def accepted_narratives(cycle: ReportingCycle, content_area_id: int) -> list[TaskReport]:
    """Accepted reports' entries on the tasks of one content area, for consolidation."""
    return list(
        TaskReport.objects.filter(
            report__cycle=cycle,
            report__state=AgencyReport.State.ACCEPTED,
            task__group__content_area_id=content_area_id,
        )
        .select_related("report__agency", "task__group")
        .order_by("task__group__position", "task__number", "report__agency__name")
    )


def records_of(agency: Organisation, year: int) -> dict[str, Any]:
    """What the agency recorded for the year elsewhere in the system (outreach activities, SCP
    models, retail packaging surveys: whatever the installed apps register in
    `recorded.KINDS`), by kind, listed on its report so it need not retype them."""
    return {key: kind.of(organisation=agency, year=year) for key, kind in recorded.KINDS.items()}


def records_shown(agency: Organisation, year: int) -> list[tuple[str, Any]]:
    """The same, as the report page shows it: each kind's template with its records."""
    return [
        (recorded.KINDS.get(key).template, items) for key, items in records_of(agency, year).items()
    ]


# --- Whether a year's figures are in ------------------------------------------------------------


def cycle_of_year(year: int) -> ReportingCycle | None:
    """The reporting cycle of `year` that has been opened (of the newest plan with one)."""
    return (
        ReportingCycle.objects.filter(year=year)
        .exclude(state=ReportingCycle.State.DRAFT)
        .select_related("plan")
        .order_by("-plan__issued_on")
        .first()
    )


@dataclass(frozen=True)
class ReportsIn:
    """How many of the agencies expected to report a year have sent their report."""

    sent: int  # submitted or accepted (a returned report is back with its agency)
    expected: int
    closed: bool  # the cycle is closed: no more reports will come


def reports_in(year: int) -> ReportsIn | None:
    """The agencies' reports for `year`; None when no cycle was opened for the year."""
    cycle = cycle_of_year(year)
    if cycle is None:
        return None
    status = cycle_status(cycle)
    sent = sum(
        1
        for row in status.rows
        if row.report is not None
        and row.report.state in (AgencyReport.State.SUBMITTED, AgencyReport.State.ACCEPTED)
    )
    return ReportsIn(sent, status.expected, cycle.state == ReportingCycle.State.CLOSED)


def closed_years() -> set[int]:
    return set(
        ReportingCycle.objects.filter(state=ReportingCycle.State.CLOSED).values_list(
            "year", flat=True
        )
    )


def figures_final(year: int, today: dt.date | None = None) -> bool:
    """The figures of `year` are final: its reporting cycle is closed, or, for a year no cycle
    was run for in the system, the year is over (nothing more will be reported through it)."""
    if ReportingCycle.objects.filter(year=year, state=ReportingCycle.State.CLOSED).exists():
        return True
    today = today or timezone.localdate()
    return year < today.year and cycle_of_year(year) is None
