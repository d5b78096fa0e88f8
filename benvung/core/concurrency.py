"""Optimistic locking: a save based on a version older than the stored one is refused.

Every editable record carries a `version` that each save increments. A page or an API client
sends back the version it read; the service locks the row, compares, and refuses a stale save
with the name of the person who saved in between and when, so that the user's typed values can
be shown again on top of the saved ones. Nothing is overwritten silently.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    """Someone saved the record after this person read it.

    `current_version` is the stored version: a page offers the typed values again with it, and
    the API answers 409 with it.
    """

    def __init__(
        self, message: str, *, current_version: int, updated_by: str = "", updated_at: Any = None
    ) -> None:
        super().__init__(message, code="stale")
        self.current_version = current_version
        self.updated_by = updated_by
        self.updated_at = updated_at


M = TypeVar("M", bound=models.Model)


def who_saved(record: Any) -> str:
    # Records from before `updated_by` existed name the person who recorded them.
    user = getattr(record, "updated_by", None) or getattr(record, "recorded_by", None)
    return (getattr(user, "full_name", "") or str(user)) if user is not None else _("someone")


def check_version(record: Any, expected_version: int | None, *, what: str) -> None:
    """Refuse the save when `record` (read under a row lock) moved past `expected_version`.

    `expected_version` None means the caller did not say which version it read (an older
    client); the save then goes ahead, as before versions existed.
    """
    if expected_version is None or record.version == expected_version:
        return
    who = who_saved(record)
    when = getattr(record, "updated_at", None)
    raise StaleEdit(
        _(
            "%(who)s saved %(what)s at %(time)s, after you opened it. Your values are kept "
            "below: compare them with the saved ones, then save again."
        )
        % {
            "who": who,
            "what": what,
            "time": date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT") if when else "?",
        },
        current_version=record.version,
        updated_by=who,
        updated_at=when,
    )


def lock_for_edit(
    queryset: models.QuerySet[M], pk: Any, expected_version: int | None, *, what: str
) -> M:
    """The row `pk`, locked until the transaction ends, if it is still the version the editor
    read (StaleEdit otherwise). Call inside transaction.atomic()."""
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
    record = queryset.select_for_update().get(pk=pk)
    check_version(record, expected_version, what=what)
    return record


def mark_saved(record: Any, actor: Any) -> None:
    """The next version of `record`, saved by `actor` (None for a command or a task)."""
    record.version += 1
    record.updated_by = actor if getattr(actor, "is_authenticated", False) else None
