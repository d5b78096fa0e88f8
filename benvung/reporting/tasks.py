"""Background tasks of the reporting cycle."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from benvung.core.audit import audit_context


@task()
def send_cycle_reminders(day: str | None = None) -> int:
    """Send the reminders due on `day` (ISO date; today by default)."""
    from . import reminders

    with audit_context(source="task", task="send_cycle_reminders"):
        return reminders.send_due(dt.date.fromisoformat(day) if day else None)
