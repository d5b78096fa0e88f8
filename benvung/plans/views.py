"""Plan pages: public, since the plan is a published document."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import selectors
from .models import ContentPoint, Plan, Task


def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list()})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    areas = plan.content_areas.filter(retired_at__isnull=True).prefetch_related(
        Prefetch("points", queryset=ContentPoint.objects.filter(retired_at__isnull=True))
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": selectors.targets(plan),
            "areas": areas,
            "groups": selectors.task_groups(plan),
        },
    )


def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    today = timezone.localdate()
    memo: selectors.Memo = {}
    rows = [
        (group, [(task, selectors.assignees(task, today, memo)) for task in group.tasks.all()])
        for group in selectors.task_groups(plan)
    ]
    return render(request, "plans/task_list.html", {"plan": plan, "rows": rows, "today": today})


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.select_related("group__plan", "group__content_area"), pk=pk
    )
    today = timezone.localdate()
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "plan": task.group.plan,
            "assignees": selectors.assignees(task, today),
            "today": today,
        },
    )


def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    return render(
        request, "plans/plan_history.html", {"plan": plan, "revisions": plan.revisions.all()}
    )
