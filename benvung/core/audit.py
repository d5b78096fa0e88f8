"""Recording audit events. Services call `record`; nothing else writes AuditEvent."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from .models import AuditEvent

# Where the current write comes from (web request, command, task), set by the middleware,
# the command base class and task wrappers, so services need not pass it around.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "benvung_audit_context", default=None
)


@contextmanager
def audit_context(**values: Any) -> Iterator[None]:
    token = _context.set({**(_context.get() or {}), **values})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})


def json_value(value: Any) -> Any:
    """A JSON-safe rendering of a field value, stable across databases."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    return str(value)


def snapshot(
    instance: models.Model | None,
    *,
    exclude: Iterable[str] = (),
    many_to_many: Iterable[str] = (),
) -> dict[str, Any] | None:
    """The state of a row as a dict: concrete fields (foreign keys by id) and chosen M2M ids."""
    if instance is None:
        return None
    # updated_at changes on every save: it would make every save look like a change.
    skip = {"password", "updated_at", *exclude}
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip or getattr(field, "parent_link", False):
            continue
        data[field.attname] = json_value(getattr(instance, field.attname))
    for name in many_to_many:
        data[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
    return data


def actor_label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.email)
    context = current_context()
    if context.get("command"):
        return _("system (command %(name)s)") % {"name": context["command"]}
    if context.get("task"):
        return _("system (task %(name)s)") % {"name": context["task"]}
    return _("system")


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    target_repr: str | None = None,
) -> AuditEvent:
    """Write one audit event; call it inside the service's transaction."""
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_label=actor_label(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True)
        if target is not None
        else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target or ""))[:300],
        summary=summary[:500],
        before=before,
        after=after,
        context=current_context(),
    )
