"""Background tasks shared by every app (run by `benvung db_worker`, immediately in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text e-mail; a slow or unreachable mail server never blocks a page."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_email_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    """Queue the e-mail once the current transaction commits (never for a rolled-back write)."""
    transaction.on_commit(
        lambda: send_email.enqueue(subject=str(subject), body=str(body), to=list(to))
    )
