"""/readyz: 200 when the database answers and a worker took a job lately, else 503 saying why."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from benvung.core import schedule
from benvung.core.tasks import heartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task_started(minutes_ago: float, status=TaskResultStatus.SUCCESSFUL) -> DBTaskResult:
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return DBTaskResult.objects.create(
        task_path=heartbeat.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=started,
        started_at=started,
        finished_at=started if status != TaskResultStatus.RUNNING else None,
        status=status,
    )


def test_ready_when_the_database_answers_and_a_worker_took_a_job_lately(db):
    _task_started(minutes_ago=1)
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["database"]["ok"] and body["checks"]["worker"]["ok"]
    assert response["Cache-Control"] == "no-store"


def test_not_ready_when_no_worker_ever_took_a_job(db):
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["database"]["ok"]
    assert "db_worker" in body["checks"]["worker"]["error"]


@override_settings(READINESS_WORKER_MINUTES=5)
def test_not_ready_when_the_last_job_was_taken_too_long_ago(db):
    _task_started(minutes_ago=6)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"]["last_task_started_at"]


def test_a_job_still_running_counts_as_taken(db):
    _task_started(minutes_ago=2, status=TaskResultStatus.RUNNING)
    assert Client().get("/readyz").status_code == 200


def test_not_ready_when_the_database_does_not_answer(db, monkeypatch):
    _task_started(minutes_ago=1)

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database", "worker"]
    assert "connection refused" in body["checks"]["database"]["error"]


def test_the_liveness_check_stays_without_the_database(db):
    assert Client().get("/healthz").status_code == 200


@override_settings(TASKS=DATABASE_TASKS)
def test_the_scheduler_enqueues_one_heartbeat_at_a_time(db):
    assert schedule.enqueue_heartbeat() is True
    assert schedule.enqueue_heartbeat() is False  # one already waits for the worker
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == "benvung.core.tasks.heartbeat"
    assert waiting.status == TaskResultStatus.READY


def test_a_heartbeat_removes_the_old_finished_heartbeats(db):
    old = _task_started(minutes_ago=120)
    recent = _task_started(minutes_ago=10)
    heartbeat.call()
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()


@pytest.mark.parametrize("method", ["post", "put"])
def test_readyz_only_answers_reads(db, method):
    assert getattr(Client(), method)("/readyz").status_code == 405
