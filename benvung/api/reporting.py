"""/api/reporting: the reporting cycles (read), and agency reports — read the ones the user may
see, fill the task reports as the report page does, submit. Every write carries the `version`
read: a report saved by someone else since answers 409 (the reporting services check it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from benvung.accounts.current import signed_in_user
from benvung.reporting import selectors, services
from benvung.reporting.forms import MAX_BUDGET_VND, MAX_COUNT
from benvung.reporting.models import AgencyReport, ReportingCycle, TaskReport

from .common import MAX_OFFSET, Id, Int, Text, answers, iso, paged

router = Router(tags=["reporting"])

Count = int | None


class CycleOut(Schema):
    id: int
    plan: str
    year: int
    state: str
    data_start: str
    data_end: str
    report_deadline: str
    synthesis_deadline: str


class CycleList(Schema):
    count: int
    items: list[CycleOut]


class TaskReportOut(Schema):
    id: int = Field(description="the task report's id: send it back in `tasks` to change it")
    task: str = Field(description="the task's code in the plan, e.g. II.1")
    task_text: str
    status: str
    narrative: str
    events_held: Count
    participants: Count
    enterprises_reached: Count
    models_built: Count
    documents_issued: Count
    budget_vnd: dict[str, int]
    difficulties: str
    proposals: str


class ReportOut(Schema):
    id: int
    cycle: int
    year: int
    agency_id: int
    agency: str
    state: str
    version: int = Field(description="send it back with a change; an older one answers 409")
    editable: bool = Field(description="whether the caller may change the report now")
    summary: str
    difficulties: str
    proposals: str
    submitted_at: str | None
    accepted_at: str | None
    tasks: list[TaskReportOut]


class ReportSummary(Schema):
    id: int
    cycle: int
    year: int
    agency_id: int
    agency: str
    state: str
    version: int
    submitted_at: str | None


class ReportList(Schema):
    count: int
    items: list[ReportSummary]


class TaskReportIn(Schema):
    """The fields of one task on the report page; those left out are not changed."""

    id: Id
    status: TaskReport.Status | None = None
    narrative: Text | None = None
    events_held: Int | None = Field(None, ge=0, le=MAX_COUNT)
    participants: Int | None = Field(None, ge=0, le=MAX_COUNT)
    enterprises_reached: Int | None = Field(None, ge=0, le=MAX_COUNT)
    models_built: Int | None = Field(None, ge=0, le=MAX_COUNT)
    documents_issued: Int | None = Field(None, ge=0, le=MAX_COUNT)
    budget_vnd: dict[str, int] | None = Field(
        None, description="spent per funding source key (VND); replaces the stored amounts"
    )
    difficulties: Text | None = None
    proposals: Text | None = None


class ReportIn(Schema):
    version: Int | None = Field(
        None, description="the version read; omitted: the save is not checked against others'"
    )
    summary: Text | None = None
    difficulties: Text | None = None
    proposals: Text | None = None
    tasks: list[TaskReportIn] = []


class SubmitIn(Schema):
    version: Int | None = None


def _cycle_row(cycle: ReportingCycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "plan": cycle.plan.number,
        "year": cycle.year,
        "state": cycle.state,
        "data_start": cycle.data_start.isoformat(),
        "data_end": cycle.data_end.isoformat(),
        "report_deadline": cycle.report_deadline.isoformat(),
        "synthesis_deadline": cycle.synthesis_deadline.isoformat(),
    }


def _summary(report: AgencyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "cycle": report.cycle_id,
        "year": report.cycle.year,
        "agency_id": report.agency_id,
        "agency": report.agency.name,
        "state": report.state,
        "version": report.version,
        "submitted_at": iso(report.submitted_at),
    }


def _report(request: HttpRequest, report: AgencyReport) -> dict[str, Any]:
    tasks = report.task_reports.select_related("task__group").order_by(
        "task__group__position", "task__number"
    )
    return {
        **_summary(report),
        "editable": services.report_is_editable(signed_in_user(request), report),
        "summary": report.summary,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "accepted_at": iso(report.accepted_at),
        "tasks": [
            {
                "id": tr.pk,
                "task": tr.task.code,
                "task_text": tr.task.content,
                "status": tr.status,
                "narrative": tr.narrative,
                **{name: getattr(tr, name) for name in TaskReport.COUNT_FIELDS},
                "budget_vnd": {k: int(v) for k, v in (tr.budget_vnd or {}).items()},
                "difficulties": tr.difficulties,
                "proposals": tr.proposals,
            }
            for tr in tasks
        ],
    }


def _reports(request: HttpRequest) -> QuerySet[AgencyReport]:
    return selectors.report_list(viewer=request.user)


def _visible(request: HttpRequest, report_id: Id) -> AgencyReport:
    """Another agency's report is "not found", as on the pages."""
    return get_object_or_404(_reports(request), pk=report_id)


TEXT_FIELDS = ("narrative", "difficulties", "proposals")


def _task_values(task: TaskReportIn) -> dict[str, Any]:
    """The values sent, as the page's form gives them to the service (null text is empty)."""
    values: dict[str, Any] = {}
    for name, value in task.dict(exclude_unset=True, exclude={"id"}).items():
        if name == "status":
            if value is not None:
                values[name] = str(value)
        elif name in TEXT_FIELDS:
            values[name] = value or ""
        elif name == "budget_vnd":
            for amount in (value or {}).values():
                if not 0 <= amount <= MAX_BUDGET_VND:
                    raise ValidationError(
                        {
                            "budget_vnd": [
                                _("Task report %(id)s: a budget is from 0 to %(max)s VND.")
                                % {"id": task.id, "max": MAX_BUDGET_VND}
                            ]
                        }
                    )
            values[name] = value or {}
        else:
            values[name] = value
    return values


@router.get("/cycles", response=answers(CycleList), summary="Reporting cycles")
def cycle_list(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    cycles = selectors.cycle_list(viewer=request.user).order_by("-year", "pk")
    return paged(cycles, limit, offset, _cycle_row)


@router.get("/cycles/{cycle_id}", response=answers(CycleOut), summary="One reporting cycle")
def cycle_detail(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    return _cycle_row(get_object_or_404(selectors.cycle_list(viewer=request.user), pk=cycle_id))


@router.post(
    "/cycles/{cycle_id}/report",
    response=answers(ReportOut, write=True),
    summary="Start (or find) the caller's agency report for the cycle",
)
def report_start(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    cycle = get_object_or_404(selectors.cycle_list(viewer=request.user), pk=cycle_id)
    agency = getattr(request.user, "organisation", None)
    if agency is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    report = services.report_start(actor=signed_in_user(request), cycle=cycle, agency=agency)
    return _report(request, report)


@router.get("/reports", response=answers(ReportList), summary="Agency reports the caller may see")
def report_list(
    request: HttpRequest,
    cycle: Id | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    reports = _reports(request).order_by("-cycle__year", "agency__name", "pk")
    if cycle is not None:
        reports = reports.filter(cycle_id=cycle)
    return paged(reports, limit, offset, _summary)


@router.get("/reports/{report_id}", response=answers(ReportOut), summary="One agency report")
def report_detail(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report(request, _visible(request, report_id))


@router.put(
    "/reports/{report_id}",
    response=answers(ReportOut, write=True),
    summary="Save the report's text and its task reports",
)
def report_save(request: HttpRequest, report_id: Id, payload: ReportIn) -> dict[str, Any]:
    """Change what the report page's form changes. Fields left out keep their value. A task
    report not of this report answers 403; a report submitted or in a closed cycle, 422; a
    `version` older than the stored one, 409 (nothing saved)."""
    report = _visible(request, report_id)
    fields = payload.dict(exclude_unset=True, exclude={"version", "tasks"})
    entries = [
        services.TaskEntry(task_report_id=task.id, values=_task_values(task))
        for task in payload.tasks
    ]
    saved = services.report_save(
        actor=signed_in_user(request),
        report=report,
        version=payload.version,
        fields=fields,
        entries=entries,
    )
    return _report(request, saved)


@router.post(
    "/reports/{report_id}/submit",
    response=answers(ReportOut, write=True),
    summary="Submit the report to the coordinator",
)
def report_submit(request: HttpRequest, report_id: Id, payload: SubmitIn) -> dict[str, Any]:
    report = _visible(request, report_id)
    submitted = services.report_submit(
        actor=signed_in_user(request), report=report, version=payload.version
    )
    return _report(request, submitted)
