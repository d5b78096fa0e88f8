"""Background tasks shared by every app (run by `benvung db_worker`, immediately in tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail


@task()
def send_email(email_id: int) -> bool:
    """Send one queued e-mail; a slow or unreachable mail server never blocks a page."""
    email = OutgoingEmail.objects.get(pk=email_id)
    if email.sent_at is not None:
        return False  # already sent by an earlier run of this task
    email.attempts += 1
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, email.to)
    except Exception as exc:
        email.last_error = str(exc)[:2000]
        email.save(update_fields=["attempts", "last_error"])
        raise
    email.sent_at = timezone.now()
    email.body = ""
    email.last_error = ""
    email.save(update_fields=["attempts", "sent_at", "body", "last_error"])
    return True


def send_email_after_commit(*, subject: str, body: str, to: list[str]) -> OutgoingEmail:
    """Store the e-mail with the current transaction and queue it once that commits."""
    email = OutgoingEmail.objects.create(subject=str(subject)[:300], body=str(body), to=list(to))
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


@task()
def read_table_import(job_id: int) -> str:
    """Read an uploaded import (its importer says how: benvung.core.tableimport)."""
    from . import tableimport
    from .models import TableImportJob

    return run_job(TableImportJob, job_id, "read_table_import", tableimport.job_read)


def run_job(model: type[Any], job_id: int, name: str, work: Callable[[Any], Any]) -> str:
    """Run `work` (reading or saving an import) on the job, as the task `name` in the audit
    log; the state the job ends in."""
    from .audit import audit_context

    job = model.objects.get(pk=job_id)
    with audit_context(source="task", task=name):
        state: str = work(job).state
        return state


@task()
def save_table_import(job_id: int) -> str:
    from . import tableimport
    from .models import TableImportJob

    return run_job(TableImportJob, job_id, "save_table_import", tableimport.job_save)


@task()
def heartbeat() -> str:
    """Nothing but proof that a worker takes jobs (/readyz looks for it); the scheduler enqueues
    one a minute. Each run removes the finished heartbeats older than an hour, so they do not
    pile up in the queue's table."""
    from datetime import timedelta

    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=heartbeat.module_path,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - timedelta(hours=1),
    ).delete()
    return timezone.now().isoformat()
