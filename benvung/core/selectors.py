"""Reads of the audit trail (coordinators only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import access
from .audit_labels import ACTION_LABELS
from .models import AuditEvent


def audit_event_list(
    *,
    viewer: Any,
    q: str = "",
    action: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    if not access.may(access.VIEW_AUDIT, viewer):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("actor", "target_type")
    if q:
        qs = qs.filter(Q(target_repr__icontains=q) | Q(summary__icontains=q))
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs


def audit_action_choices() -> list[tuple[str, str]]:
    return sorted(((k, str(v)) for k, v in ACTION_LABELS.items()), key=lambda kv: kv[1])
