"""Demo data: each app registers the builder of its own demo rows from its `hooks.py`.

`benvung load_demo` runs the registered builders in order: an app's builder runs after the
builders it names in `after` (the enterprises before their site-years, the site-years before
the SCP models checked against them), otherwise in the order the apps are installed. Builders
are deterministic: the same seed always gives the same province, and a second run with the
same seed changes nothing.

Also here: whether demo data is present (the pages show a banner then), asked of the apps that
hold demo rows, and `Sync`, which keeps the demo rows of one model exactly as generated.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import audit
from .loading import LoadReport, in_dependency_order
from .models import AuditEvent
from .registry import Registry

DEFAULT_SEED = 202


@dataclass(frozen=True)
class DemoBuilder:
    key: str
    build: Callable[[int], list[LoadReport]]  # seed → what it created, changed, kept
    after: tuple[str, ...] = ()


BUILDERS: Registry[DemoBuilder] = Registry("demo builder")
# Each says whether its app holds demo rows now.
PRESENCE: Registry[Callable[[], bool]] = Registry("demo presence check")


def register(builder: DemoBuilder) -> DemoBuilder:
    return BUILDERS.register(builder.key, builder)


def in_order() -> list[DemoBuilder]:
    """The builders, each after those it names (otherwise in registration order)."""
    return in_dependency_order(BUILDERS.values())


def generate(seed: int = DEFAULT_SEED) -> list[LoadReport]:
    """Run every registered builder in order; one audit event says what the load did."""
    reports: list[LoadReport] = []
    for builder in in_order():
        reports += builder.build(seed)
    audit.record(
        actor=None,
        action="demo.load",
        summary=(_("seed %(seed)s: ") % {"seed": seed} + "; ".join(str(r) for r in reports))[:500],
        target_repr=str(_("demo data")),
    )
    return reports


def demo_data_present() -> bool:
    return any(check() for check in PRESENCE.values())


def seeded(seed: int, *parts: object) -> random.Random:
    """One generator per generated row: a row never changes because another one did."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


# --- Keeping generated rows -------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


@dataclass
class Row:
    """One generated row: its field values and its many-to-many links (lists of objects)."""

    values: dict[str, Any]
    links: dict[str, Sequence[models.Model]] = field(default_factory=dict)


class Sync(Generic[M]):
    """Create, update or delete the demo rows of one model so they are exactly the generated ones.

    Rows are validated with full_clean and saved one by one (the indicators listen to saves);
    a row someone changed through the application is counted as kept and left alone.
    """

    def __init__(
        self,
        model: type[M],
        key: Callable[[M], Any],
        report_name: Any,
        links: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.key = key
        self.links = tuple(links)
        self.report = LoadReport(report_name)
        rows = model._default_manager.filter(is_demo=True).prefetch_related(*self.links)
        self.existing: dict[Any, M] = {key(obj): obj for obj in rows}
        content_type = ContentType.objects.get_for_model(model)
        self.changed_by_users = set(
            AuditEvent.objects.filter(target_type=content_type, actor__isnull=False).values_list(
                "target_id", flat=True
            )
        )
        self.touched: set[Any] = set()

    def _differs(self, obj: M, row: Row) -> bool:
        for name, value in row.values.items():
            attname = cast(models.Field, obj._meta.get_field(name)).attname
            new = value.pk if isinstance(value, models.Model) else value
            if getattr(obj, attname) != new:
                return True
        for name, objects in row.links.items():
            current = {o.pk for o in getattr(obj, name).all()}
            if current != {o.pk for o in objects}:
                return True
        return False

    def put(self, key: Any, row: Row) -> M:
        if key in self.touched:
            raise ValueError(f"{self.report.name}: the generator made {key!r} twice")
        self.touched.add(key)
        obj = self.existing.get(key)
        if obj is not None and str(obj.pk) in self.changed_by_users:
            self.report.kept += 1
            return obj
        if obj is not None and not self._differs(obj, row):
            self.report.unchanged += 1
            return obj
        created = obj is None
        if obj is None:
            obj = self.model(is_demo=True)
        for name, value in row.values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        for name, objects in row.links.items():
            getattr(obj, name).set(objects)
        if created:
            self.report.created += 1
        else:
            self.report.updated += 1
        return obj

    def finish(self) -> LoadReport:
        """Delete the demo rows no longer generated (a different seed), unless changed by users."""
        for key, obj in self.existing.items():
            if key not in self.touched and str(obj.pk) not in self.changed_by_users:
                obj.delete()
                self.report.deleted += 1
        return self.report
