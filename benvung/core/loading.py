"""Idempotent loading of reference rows: create what is new, update what changed, audit both.

Loaders read reviewed data files or maintained packages and call `Upserter.upsert` once per row.
Running a loader twice changes nothing the second time. A row that a person has changed in the
system (any audit event with an actor: an edit, a confirmation, an end of validity) is kept as
they left it: the file does not overwrite, and never prunes, a human decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit
from .registry import Registry


@dataclass
class LoadReport:
    name: Any  # a (lazy) translatable string
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept: int = 0
    created_keys: list[str] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = _("%(name)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "name": self.name,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.deleted:
            text += _(", %(deleted)s deleted") % {"deleted": self.deleted}
        if self.kept:
            text += _(", %(kept)s kept as changed by users") % {"kept": self.kept}
        return text

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


M = TypeVar("M", bound=models.Model)


class Upserter(Generic[M]):
    """Creates or updates rows of one model identified by `key_fields`, auditing changes.

    Existing rows are read once up front, so a load of thousands of rows costs one query per
    row written, none per row unchanged.
    """

    def __init__(
        self,
        model: type[M],
        key_fields: Iterable[str],
        *,
        report_name: str | Promise,
        action: str,
        actor: Any = None,
        queryset: models.QuerySet[M] | None = None,
    ) -> None:
        self.model = model
        self.key_fields = tuple(key_fields)
        self.action = action
        self.actor = actor
        self.report = LoadReport(report_name)
        rows = queryset if queryset is not None else model._default_manager.all()
        self.existing: dict[tuple[Any, ...], M] = {self._key_of(obj): obj for obj in rows}
        self.touched: set[tuple[Any, ...]] = set()
        self.changed_by_users = self._changed_by_users()

    def _changed_by_users(self) -> set[str]:
        from django.contrib.contenttypes.models import ContentType

        from .models import AuditEvent

        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=True)
        return set(
            AuditEvent.objects.filter(target_type=content_type, actor__isnull=False).values_list(
                "target_id", flat=True
            )
        )

    def _key_of(self, obj: M) -> tuple[Any, ...]:
        return tuple(getattr(obj, self._attname(name)) for name in self.key_fields)

    def _field(self, name: str) -> models.Field:
        # Keys and values name the model's own fields, never the reverse side of a relation.
        return cast(models.Field, self.model._meta.get_field(name))

    def _attname(self, name: str) -> str:
        return self._field(name).attname

    def _normalise(self, name: str, value: Any) -> Any:
        if isinstance(value, models.Model):
            return value.pk
        return self._field(name).to_python(value) if value is not None else None

    def _check_lengths(self, label: str, values: Mapping[str, Any]) -> None:
        """Refuse a value longer than its column, whatever the database would do with it."""
        for name, value in values.items():
            field_obj = self.model._meta.get_field(name)
            limit = getattr(field_obj, "max_length", None)
            if limit and isinstance(value, str) and len(value) > limit:
                raise ValueError(
                    f"{self.report.name} {label}: {name} has {len(value)} characters, "
                    f"at most {limit} fit"
                )

    def upsert(self, key: Mapping[str, Any], values: Mapping[str, Any]) -> M:
        self._check_lengths("/".join(str(v) for v in key.values()), {**key, **values})
        key_tuple = tuple(self._normalise(k, key[k]) for k in self.key_fields)
        obj = self.existing.get(key_tuple)
        label = "/".join(str(v) for v in key_tuple)
        self.touched.add(key_tuple)
        if obj is None:
            obj = self.model(**key, **values)
            obj.save()
            self.existing[key_tuple] = obj
            self.report.created += 1
            self.report.created_keys.append(label)
            return obj
        if str(obj.pk) in self.changed_by_users:
            self.report.kept += 1
            return obj
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in values.items():
            attname = self._attname(name)
            new = self._normalise(name, value)
            old = getattr(obj, attname)
            if old != new:
                before[attname] = audit.json_value(old)
                after[attname] = audit.json_value(new)
                setattr(obj, attname, new)
        if after:
            obj.save()
            audit.record(
                actor=self.actor,
                action=f"{self.action}.update",
                target=obj,
                before=before,
                after=after,
                summary=f"{self.report.name}: {label}",
            )
            self.report.updated += 1
            self.report.updated_keys.append(label)
        else:
            self.report.unchanged += 1
        return obj

    def finish(self, *, source: str, prune: bool = False) -> LoadReport:
        """One summary event per load that changed anything (row updates have their own).

        With `prune`, rows of the queryset that the source no longer lists are deleted, each
        deletion audited with the row's last state.
        """
        if prune:
            for key_tuple, obj in list(self.existing.items()):
                if key_tuple in self.touched or str(obj.pk) in self.changed_by_users:
                    continue
                audit.record(
                    actor=self.actor,
                    action=f"{self.action}.delete",
                    target=obj,
                    before=audit.snapshot(obj),
                    summary=_("%(name)s: no longer in %(source)s")
                    % {"name": self.report.name, "source": source},
                )
                obj.delete()
                del self.existing[key_tuple]
                self.report.deleted += 1
        if self.report.created or self.report.updated or self.report.deleted:
            audit.record(
                actor=self.actor,
                action=f"{self.action}.load",
                summary=f"{self.report} — {source}"[:500],
                after={
                    "created": self.report.created_keys,
                    "updated": self.report.updated_keys,
                    "source": source,
                },
                target_repr=str(self.report.name),
            )
        return self.report


# --- Reference data that `benvung load_reference` loads -------------------------------------


@dataclass(frozen=True)
class ReferenceLoader:
    """One part of the reference data, registered by the app that owns it (`--only key`)."""

    key: str
    load: Callable[[], list[LoadReport]]
    after: tuple[str, ...] = ()  # parts whose rows this one refers to


REFERENCE_LOADERS: Registry[ReferenceLoader] = Registry("reference loader")


def register_reference(loader: ReferenceLoader) -> ReferenceLoader:
    return REFERENCE_LOADERS.register(loader.key, loader)


class _Ordered(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def after(self) -> tuple[str, ...]: ...


OrderedT = TypeVar("OrderedT", bound=_Ordered)


def in_dependency_order(entries: Sequence[OrderedT]) -> list[OrderedT]:
    """Each entry after those it names in `after`; otherwise in the given (registration) order."""
    known = {e.key for e in entries}
    for entry in entries:
        missing = set(entry.after) - known
        if missing:
            raise RuntimeError(f"{entry.key!r} comes after {sorted(missing)}, not registered")
    pending, done = list(entries), list[OrderedT]()
    while pending:
        placed = {d.key for d in done}
        ready = next((e for e in pending if set(e.after) <= placed), None)
        if ready is None:
            raise RuntimeError(f"these wait for each other: {[e.key for e in pending]}")
        done.append(ready)
        pending.remove(ready)
    return done


def reference_loaders() -> list[ReferenceLoader]:
    return in_dependency_order(REFERENCE_LOADERS.values())
