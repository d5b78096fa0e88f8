"""Reads of the plan (public: a plan is a published document) and who is responsible when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from benvung.core.succession import current_successors
from benvung.directory.models import AdministrativeUnit, Agency, Organisation

from .models import AgencyGroup, ContentPoint, Plan, Target, Task, TaskAssignment, TaskGroup


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("issuer", "coordinator")


def current_plan() -> Plan | None:
    """The plan the system follows: the most recently issued one (of two issued the same day,
    the one loaded last). The one rule for every page, API, command and recomputation: a newer
    plan replaces the older as soon as it is loaded; None before any plan is loaded."""
    return Plan.objects.order_by("-issued_on", "-pk").first()


def plan_by_number(number: str | None = None) -> Plan:
    """The plan numbered `number` ("202/KH-UBND"; a plan stored under the number's first part,
    "202", is found too); without a number, the current plan (what every command does when not
    told which plan). Plan.DoesNotExist when there is no such plan."""
    if not number or not number.strip():
        plan = current_plan()
        if plan is None:
            raise Plan.DoesNotExist("no plan is loaded: run `benvung load_plan` first")
        return plan
    number = number.strip()
    plan = plan_list().filter(number__in=[number, number.split("/")[0]]).first()
    if plan is None:
        raise Plan.DoesNotExist(number)
    return plan


def task_groups(plan: Plan) -> QuerySet[TaskGroup]:
    tasks = Task.objects.filter(retired_at__isnull=True).prefetch_related(
        Prefetch(
            "assignments",
            queryset=TaskAssignment.objects.select_related("agency", "group").order_by(
                "role", "position"
            ),
        )
    )
    return (
        plan.task_groups.filter(retired_at__isnull=True)
        .select_related("content_area")
        .prefetch_related(Prefetch("tasks", queryset=tasks))
    )


def targets(plan: Plan) -> QuerySet[Target]:
    return plan.targets.filter(retired_at__isnull=True).order_by("position")


def group_members(group: AgencyGroup, on: dt.date) -> list[Organisation]:
    """The agencies a group named when the plan was issued, followed to who does it on `on`."""
    issued = group.plan.issued_on
    at_issue = Agency.objects.valid_on(issued).filter(agency_type__in=group.agency_types)
    # People's committees count only within the province as it was when the plan was issued
    # (Plan 202 addressed the districts of the former Đồng Nai, not those of Bình Phước).
    province = (
        AdministrativeUnit.objects.valid_on(issued)
        .filter(level=AdministrativeUnit.Level.PROVINCE, code=settings.PROVINCE_CODE)
        .first()
    )
    if province is not None:
        at_issue = at_issue.exclude(
            governed_unit__isnull=False,
            agency_type__in=["district_committee", "commune_committee"],
        ) | at_issue.filter(governed_unit__parent=province)
    result: dict[int, Organisation] = {}
    for agency in at_issue.order_by("name"):
        for heir in current_successors(agency, on):
            result.setdefault(heir.pk, heir)  # type: ignore[arg-type]
    return sorted(result.values(), key=lambda o: o.name)


@dataclass
class Assignee:
    """One lead or co-agency of a task: as the plan assigned it, and who answers for it now."""

    role: str
    label: str
    assigned: Agency | None
    group: AgencyGroup | None
    responsible: list[Organisation] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """The agency named in the plan no longer answers for the task itself."""
        if self.assigned is None:
            return False
        return [o.pk for o in self.responsible] != [self.assigned.pk]


Memo = dict[tuple[str, int, dt.date], list[Organisation]]


def assignees(task: Task, on: dt.date | None = None, memo: Memo | None = None) -> list[Assignee]:
    """The task's lead and co-agencies, each with who answers for it on `on`.

    Pass the same `memo` when resolving many tasks for one day: the same agencies and groups
    recur across tasks, and their successors need resolving once.
    """
    day = on or timezone.localdate()
    cache: Memo = memo if memo is not None else {}
    result = []
    for assignment in task.assignments.all():
        if assignment.agency is not None:
            agency = assignment.agency
            key = ("agency", agency.pk, day)
            if key not in cache:
                cache[key] = current_successors(agency, day)  # type: ignore[assignment]
            result.append(
                Assignee(
                    role=assignment.role,
                    label=agency.short_name or agency.name,
                    assigned=agency,
                    group=None,
                    responsible=cache[key],
                )
            )
        elif assignment.group is not None:
            key = ("group", assignment.group.pk, day)
            if key not in cache:
                cache[key] = group_members(assignment.group, day)
            result.append(
                Assignee(
                    role=assignment.role,
                    label=assignment.group.label,
                    assigned=None,
                    group=assignment.group,
                    responsible=cache[key],
                )
            )
    return result


def responsible_agencies(
    task: Task,
    on: dt.date,
    roles: tuple[str, ...] = ("lead", "co"),
    memo: Memo | None = None,
) -> set[int]:
    """Ids of the organisations answering on `on` for the task, in the given roles."""
    ids: set[int] = set()
    for assignee in assignees(task, on, memo):
        if assignee.role in roles:
            ids.update(o.pk for o in assignee.responsible)
    return ids


def tasks_of_agency(plan: Plan, agency: Organisation, on: dt.date, year: int) -> list[Task]:
    """The tasks, current in `year`, that the agency answers for on `on` (lead or co)."""
    result = []
    for group in task_groups(plan):
        for task in group.tasks.all():
            if task.covers(year) and agency.pk in responsible_agencies(task, on):
                result.append(task)
    return result


def plan_summary(plan: Plan, on: dt.date | None = None) -> dict[str, Any]:
    """The plan as plain data (the `plan_summary` command and the API use it)."""
    day = on or timezone.localdate()
    memo: Memo = {}

    def decimal(value: Any) -> float | None:
        return float(value) if value is not None else None

    groups = []
    for group in task_groups(plan):
        tasks = []
        for task in group.tasks.all():
            people = assignees(task, day, memo)
            tasks.append(
                {
                    "code": task.code,
                    "number": task.number,
                    "content": task.content,
                    "objective": task.objective,
                    "lead": [_assignee_data(a) for a in people if a.role == "lead"],
                    "co": [_assignee_data(a) for a in people if a.role == "co"],
                    "other_participants": task.other_participants,
                    "period": {"start": task.period_start, "end": task.period_end},
                    "frequency": task.frequency,
                    "funding": task.funding_sources,
                    "target": {
                        "indicator": task.target_indicator,
                        "value": decimal(task.target_value),
                        "min": decimal(task.target_min),
                        "max": decimal(task.target_max),
                        "unit": task.target_unit,
                    }
                    if task.target_indicator
                    else None,
                    "notes": task.notes,
                }
            )
        groups.append(
            {
                "numeral": group.numeral,
                "title": group.title,
                "content_area": group.content_area.number if group.content_area else None,
                "task_count": len(tasks),
                "tasks": tasks,
            }
        )
    return {
        "plan": {
            "number": plan.number,
            "title": plan.title,
            "issued_on": plan.issued_on.isoformat(),
            "issuer": plan.issuer.name,
            "coordinator": plan.coordinator.name,
            "period": {"start": plan.period_start, "end": plan.period_end},
            "report_deadline": f"{plan.report_deadline_day:02d}/{plan.report_deadline_month:02d}",
            # "trước ngày 01/12": the day named is the first day late, not the last on time.
            "report_deadline_before": plan.report_deadline_before,
            "last_day_on_time": plan.report_deadline(day.year).strftime("%d/%m"),
            "legal_bases": plan.legal_bases,
        },
        "as_of": day.isoformat(),
        "targets": [
            {
                "code": t.code,
                "period": t.period_label,
                "text": t.text,
                "indicator": t.indicator_code,
                "unit": t.unit,
                "scope": {"kind": t.scope_kind, "items": t.scope_items},
                "value": decimal(t.value),
                "range": {"min": decimal(t.min_value), "max": decimal(t.max_value)}
                if t.min_value is not None
                else None,
                "milestone_year": t.milestone_year,
                "direction": t.direction,
            }
            for t in targets(plan)
        ],
        "content_areas": [
            {"number": a.number, "title": a.title, "points": [p.letter for p in a.points.all()]}
            for a in plan.content_areas.filter(retired_at__isnull=True).prefetch_related(
                Prefetch("points", queryset=ContentPoint.objects.filter(retired_at__isnull=True))
            )
        ],
        "groups": groups,
        "task_count": sum(g["task_count"] for g in groups),
    }


def _assignee_data(assignee: Assignee) -> dict[str, Any]:
    return {
        "assigned": assignee.assigned.key if assignee.assigned else f"@{assignee.group.key}",  # type: ignore[union-attr]
        "label": assignee.label,
        "responsible_today": [o.name for o in assignee.responsible],
    }
