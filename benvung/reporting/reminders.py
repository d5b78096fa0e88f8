"""Reminder e-mails before and after the reporting deadline, each sent at most once.

For each open cycle and each agency that still owes its report, the most urgent reminder due
today is sent: "14 days left", "7 days left", "1 day left" (the cycle's reminder_days), then
"overdue by 1 day", "overdue by 7 days" (overdue_reminder_days). If the job did not run on the
exact day (a server down over a weekend), it catches up with the most urgent reminder and marks
the earlier ones as superseded, so nobody gets three reminders in one morning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core.tasks import send_email_after_commit
from benvung.directory.models import Organisation

from . import selectors
from .models import Reminder, ReportingCycle


@dataclass(frozen=True)
class Due:
    kind: str  # "before-7", "after-1"
    days: int  # days left (before) or days late (after)
    superseded: tuple[str, ...]  # earlier kinds this one replaces when caught up late


def due_today(cycle: ReportingCycle, today: dt.date) -> Due | None:
    """The most urgent reminder whose day has come (pure: no database)."""
    left = (cycle.report_deadline - today).days
    if left >= 0:
        reached = sorted(d for d in cycle.reminder_days if left <= d)
        if not reached:
            return None
        kinds = [f"before-{d}" for d in reached]
        return Due(kind=kinds[0], days=left, superseded=tuple(kinds[1:]))
    late = -left
    reached = sorted((d for d in cycle.overdue_reminder_days if late >= d), reverse=True)
    if not reached:
        return None
    kinds = [f"after-{d}" for d in reached]
    # Overdue reminders also supersede any "before" reminder never sent.
    before = tuple(f"before-{d}" for d in cycle.reminder_days)
    return Due(kind=kinds[0], days=late, superseded=(*kinds[1:], *before))


def recipients_of(agency: Organisation) -> list[str]:
    emails = list(
        User.objects.with_role(roles.AGENCY_REPORTER)
        .filter(organisation=agency, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not emails and agency.email:
        emails = [agency.email]
    return emails


def send_due(today: dt.date | None = None) -> int:
    """Send today's reminders for every open cycle; returns how many were sent.

    Demo cycles are left alone: their agencies are real, their reports are not.
    """
    day = today or timezone.localdate()
    sent = 0
    cycles = ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN, is_demo=False)
    for cycle in cycles.select_related("plan"):
        due = due_today(cycle, day)
        if due is None:
            continue
        status = selectors.cycle_status(cycle)
        for row in status.owing:
            if _send_one(cycle, row.agency, due, returned=row.status == "returned"):
                sent += 1
    return sent


def _key(kind: str, cycle: ReportingCycle, returned: bool) -> str:
    """Reminder identity: kind, whether the report was returned, and the deadline counted from
    (moving the deadline starts the reminders afresh)."""
    prefix = "returned-" if returned else ""
    return f"{prefix}{kind}@{cycle.report_deadline.isoformat()}"


def _send_one(cycle: ReportingCycle, agency: Organisation, due: Due, *, returned: bool) -> bool:
    kind = _key(due.kind, cycle, returned)
    if Reminder.objects.filter(cycle=cycle, agency=agency, kind=kind).exists():
        return False
    recipients = recipients_of(agency)
    if not recipients:
        # Nobody to write to: nothing is recorded, so the reminder goes out once someone is.
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            Reminder.objects.create(
                cycle=cycle, agency=agency, kind=kind, sent_at=now, recipients=recipients
            )
            for earlier in due.superseded:
                Reminder.objects.get_or_create(
                    cycle=cycle,
                    agency=agency,
                    kind=_key(earlier, cycle, returned),
                    defaults={"sent_at": now, "recipients": [], "skipped": True},
                )
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "agency": agency,
                    "cycle": cycle,
                    "due": due,
                    "late": due.kind.startswith("after"),
                    "returned": returned,
                    "link": settings.SITE_URL + reverse("reporting:my_report", args=[cycle.pk]),
                }
                subject = render_to_string("reporting/email/reminder_subject.txt", context)
                body = render_to_string("reporting/email/reminder.txt", context)
            send_email_after_commit(subject=" ".join(subject.split()), body=body, to=recipients)
    except IntegrityError:
        return False  # another worker sent it at the same moment
    return True
