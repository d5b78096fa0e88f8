"""Periodic jobs: each is enqueued on the task queue once a day, at or after its hour.

`benvung scheduler` runs this loop (make run starts it beside the web server and the worker;
production runs it as a third systemd service). Restarting it never enqueues a job twice for
the same day: ScheduledRun records each day's run. Every minute it also enqueues a heartbeat,
whose runs tell /readyz that a worker takes jobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task
    hour: int  # local hour from which the job is due each day


JOBS = [
    Job("reporting.reminders", "benvung.reporting.tasks.send_cycle_reminders", hour=8),
    # At night: figures left "being updated" (a lost task, an upgrade) are brought up to date.
    Job("indicators.stale", "benvung.indicators.tasks.recompute_stale", hour=2),
]


HEARTBEAT_TASK = "benvung.core.tasks.heartbeat"


def enqueue_heartbeat() -> bool:
    """Enqueue a heartbeat for the worker, unless one is already waiting (a stopped worker does
    not find a pile of them when it comes back); True when one was enqueued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    heartbeat = import_string(HEARTBEAT_TASK)
    if DBTaskResult.objects.filter(
        task_path=heartbeat.module_path, status=TaskResultStatus.READY
    ).exists():
        return False
    heartbeat.enqueue()
    return True


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job due and not yet enqueued today; returns the names enqueued."""
    local = timezone.localtime(now or timezone.now())
    enqueued = []
    for job in JOBS:
        if local.hour < job.hour:
            continue
        try:
            # Recorded and enqueued together: a failed enqueue does not lose the day's run.
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, day=local.date())
                import_string(job.task).enqueue(local.date().isoformat())
        except IntegrityError:
            continue
        enqueued.append(job.name)
    return enqueued
