"""Input changes mark the indicator results they feed as stale and queue a recomputation.

The models listed in each definition's `inputs` (registry.py) are watched: saves, deletions and
changes to their many-to-many links ("app.model_field" names the link table).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save


def _label(model: Any) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


# Where a changed row says its year: a figure of an earlier year cannot rest on it (figures
# count from the plan's start up to their year, or compare with the year before).
_YEAR_FIELDS = ("year", "start_date", "survey_date", "recognised_on", "date")


def year_of(instance: Any) -> int | None:
    """The year a changed row belongs to; None when it has none (every year is affected)."""
    for name in _YEAR_FIELDS:
        value = getattr(instance, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, dt.date):
            return value.year
    return None


def _changed(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: nothing to recompute yet
        return
    from . import services

    services.input_changed(_label(sender), year=year_of(instance))


def _links_changed(sender: Any, action: str, instance: Any = None, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from . import services

    # From the other side of the link (reverse), the instance is not the dated row.
    year = None if kwargs.get("reverse") else year_of(instance)
    services.input_changed(_label(sender), year=year)


def connect() -> None:
    from . import registry

    watched = {label for d in registry.all_definitions() for label in d.inputs}
    for model in apps.get_models(include_auto_created=True):
        label = _label(model)
        if label not in watched:
            continue
        if model._meta.auto_created:
            m2m_changed.connect(_links_changed, sender=model, dispatch_uid=f"indicators:{label}")
        else:
            post_save.connect(_changed, sender=model, dispatch_uid=f"indicators:save:{label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"indicators:del:{label}")
