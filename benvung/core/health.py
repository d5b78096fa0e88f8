"""Health endpoints for monitoring.

/healthz: the process answers (liveness). No template, no database, only the middleware every
page goes through; also the baseline of `benvung bench_portal`.

/readyz: the installation can do its work (readiness): the database answers, and a task worker
has taken a job in the last READINESS_WORKER_MINUTES. The scheduler enqueues a heartbeat job
every minute (benvung.core.schedule.enqueue_heartbeat), so a live worker takes one regularly
even when nobody uploads or generates anything. 200 when both hold, otherwise 503; the JSON body
says which check failed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_check() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True}


def worker_check() -> dict[str, Any]:
    """Has any worker started a task recently? (A task it is still running counts as taken.)"""
    from django_tasks_db.models import DBTaskResult

    minutes = settings.READINESS_WORKER_MINUTES
    since = timezone.now() - timedelta(minutes=minutes)
    try:
        last = (
            DBTaskResult.objects.filter(started_at__isnull=False)
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    if last is None or last < since:
        return {
            "ok": False,
            "last_task_started_at": last.isoformat() if last else None,
            "error": (
                f"no task taken by a worker in the last {minutes} minutes: are "
                "`benvung db_worker` and `benvung scheduler` (its heartbeat) running?"
            ),
        }
    return {"ok": True, "last_task_started_at": last.isoformat()}


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_check()}
    # Without a database there is no way to know about the worker.
    checks["worker"] = (
        worker_check() if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    )
    ready = all(check["ok"] for check in checks.values())
    response = JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "failed": [name for name, check in checks.items() if not check["ok"]],
            "checks": checks,
        },
        status=200 if ready else 503,
    )
    response["Cache-Control"] = "no-store"
    return response
