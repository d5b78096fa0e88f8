"""What saving a site-year would do to the stored one: the rows compared section by section.

Pure functions on plain data, no database: the import preview, the save's audit record, the
command and the API all say the same thing. Rows are compared as the database stores them
(quantities to 4 decimals, capacity to 2, production value to whole đồng, trailing zeros
dropped), so a workbook that holds what is stored reads as "unchanged", not as 110000 becoming
110000.0000.

A save replaces the whole year: a stored row the new data lack is removed, which is why the
removed rows are shown as plainly as the added ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

OUTPUTS, ENERGY, MATERIALS, DRIVERS = "outputs", "energy", "materials", "drivers"
SECTIONS = (OUTPUTS, ENERGY, MATERIALS, DRIVERS)

# What a save does to the stored site-year.
NEW = "new"  # nothing stored for the site and year
DRAFT = "draft"  # changes a draft
SUBMITTED = "submitted"  # changes submitted data: back to draft, to be submitted again
UNCHANGED = "unchanged"  # the same data: nothing to save
STATUSES = (NEW, DRAFT, SUBMITTED, UNCHANGED)

# Per section: the fields that name an item (a product, a carrier...), then what is compared.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    OUTPUTS: ("product",),
    ENERGY: ("carrier", "product"),
    MATERIALS: ("product", "material"),
    DRIVERS: ("name",),
}
VALUE_FIELDS: dict[str, tuple[str, ...]] = {
    OUTPUTS: ("category", "quantity", "unit", "capacity", "value_vnd"),
    ENERGY: ("quantity", "unit"),
    MATERIALS: ("quantity", "unit"),
    DRIVERS: ("value",),
}
# Decimal places the database keeps (resources.models).
PLACES = {"quantity": 4, "capacity": 2, "value_vnd": 0, "value": 4}
# The field added up for an item's total; drivers (temperatures...) have none.
TOTAL_FIELD = {OUTPUTS: "quantity", ENERGY: "quantity", MATERIALS: "quantity"}

Values = tuple[str | None, ...]


def decimal_text(value: Any, places: int) -> str | None:
    """A number as the database keeps it, written without trailing zeros ("110000", "12.5")."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    if number == 0:
        number = abs(number)  # -0 is 0
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Row:
    """One stored (or to-be-stored) row: which item and month, and its compared values."""

    item: tuple[str, ...]
    month: int | None
    values: Values


def row(section: str, data: Mapping[str, Any]) -> Row:
    """A row dict (field → value; keys of carriers and categories) in comparable form."""
    item = tuple(str(data.get(name) or "").strip() for name in ITEM_FIELDS[section])
    values: list[str | None] = []
    for name in VALUE_FIELDS[section]:
        value = data.get(name)
        if name in PLACES:
            values.append(decimal_text(value, PLACES[name]))
        else:
            values.append(None if value is None else str(value))
    month = data.get("month")
    return Row(item, int(month) if month else None, tuple(values))


@dataclass
class YearRows:
    """A site-year's data in comparable form."""

    allocation_rule: str
    rows: dict[str, list[Row]] = field(default_factory=dict)

    @classmethod
    def of(cls, allocation_rule: str, sections: Mapping[str, Iterable[Mapping[str, Any]]]) -> Any:
        return cls(
            allocation_rule,
            {s: [row(s, data) for data in sections.get(s, ())] for s in SECTIONS},
        )

    def section(self, name: str) -> list[Row]:
        return self.rows.get(name, [])


@dataclass(frozen=True)
class RowChange:
    month: int | None
    old: Values | None  # None: the row is added
    new: Values | None  # None: the row is removed

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


@dataclass
class ItemChange:
    """A product, carrier, material or variable whose rows differ, with its totals by unit."""

    section: str
    item: tuple[str, ...]
    rows: list[RowChange]
    old_total: dict[str, str]  # unit → total, as text
    new_total: dict[str, str]

    @property
    def kind(self) -> str:
        if not self.old_total and all(r.old is None for r in self.rows):
            return "added"
        if not self.new_total and all(r.new is None for r in self.rows):
            return "removed"
        return "changed"

    def months(self, kind: str) -> list[int]:
        """Months whose rows were added, removed or changed (0 stands for the whole year)."""
        return sorted({r.month or 0 for r in self.rows if r.kind == kind})


@dataclass
class YearChange:
    status: str
    allocation: tuple[str, str] | None = None  # (old, new) when the rule changes
    items: list[ItemChange] = field(default_factory=list)

    def section(self, name: str) -> list[ItemChange]:
        return [i for i in self.items if i.section == name]

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows added, removed and changed, per section."""
        counts = {s: {"added": 0, "removed": 0, "changed": 0} for s in SECTIONS}
        for item in self.items:
            for change in item.rows:
                counts[item.section][change.kind] += 1
        return counts

    def to_json(self, limit: int = 500) -> dict[str, Any]:
        """Kept on the import job and given by the API; at most `limit` rows in detail."""
        items: list[dict[str, Any]] = []
        shown = 0
        for item in self.items:
            rows = item.rows[: max(limit - shown, 0)]
            shown += len(rows)
            items.append(
                {
                    "section": item.section,
                    "item": list(item.item),
                    "kind": item.kind,
                    "old_total": item.old_total,
                    "new_total": item.new_total,
                    "rows": [
                        {
                            "month": r.month,
                            "old": list(r.old) if r.old is not None else None,
                            "new": list(r.new) if r.new is not None else None,
                        }
                        for r in rows
                    ],
                    "rows_not_shown": len(item.rows) - len(rows),
                }
            )
        return {
            "status": self.status,
            "allocation": list(self.allocation) if self.allocation else None,
            "counts": self.counts(),
            "items": items,
        }


def _totals(section: str, rows: Iterable[Row]) -> dict[str, str]:
    name = TOTAL_FIELD.get(section)
    if name is None:
        return {}
    fields = VALUE_FIELDS[section]
    at, unit_at = fields.index(name), fields.index("unit")
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r.values[at] is not None:
            sums[r.values[unit_at] or ""] += Decimal(r.values[at] or 0)
    return {unit: decimal_text(total, PLACES[name]) or "0" for unit, total in sums.items()}


def _row_changes(old: list[Row], new: list[Row]) -> list[RowChange]:
    """Rows of one item that differ. Rows of the same month pair up as changes; a month on
    one side only is added or removed. (Two rows of one month, two meters of one carrier,
    are compared as a set.)"""
    by_month_old: dict[int | None, Counter[Values]] = defaultdict(Counter)
    by_month_new: dict[int | None, Counter[Values]] = defaultdict(Counter)
    for r in old:
        by_month_old[r.month][r.values] += 1
    for r in new:
        by_month_new[r.month][r.values] += 1
    changes: list[RowChange] = []
    for month in sorted(set(by_month_old) | set(by_month_new), key=lambda m: m or 0):
        gone = sorted((by_month_old[month] - by_month_new[month]).elements(), key=_sort_key)
        came = sorted((by_month_new[month] - by_month_old[month]).elements(), key=_sort_key)
        for index in range(max(len(gone), len(came))):
            changes.append(
                RowChange(
                    month,
                    gone[index] if index < len(gone) else None,
                    came[index] if index < len(came) else None,
                )
            )
    return changes


def _sort_key(values: Values) -> tuple[str, ...]:
    return tuple(v or "" for v in values)


def compare(old: YearRows | None, new: YearRows, state: str | None) -> YearChange:
    """What saving `new` over `old` (stored in `state`; None when nothing is stored) does."""
    if old is None:
        status = NEW
        old = YearRows(new.allocation_rule, {})
    else:
        status = SUBMITTED if state == SUBMITTED else DRAFT
    change = YearChange(status)
    if old.allocation_rule != new.allocation_rule and status != NEW:
        change.allocation = (old.allocation_rule, new.allocation_rule)
    for section in SECTIONS:
        old_items: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        new_items: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for r in old.section(section):
            old_items[r.item].append(r)
        for r in new.section(section):
            new_items[r.item].append(r)
        for item in sorted(set(old_items) | set(new_items)):
            rows = _row_changes(old_items.get(item, []), new_items.get(item, []))
            if rows:
                change.items.append(
                    ItemChange(
                        section,
                        item,
                        rows,
                        _totals(section, old_items.get(item, [])),
                        _totals(section, new_items.get(item, [])),
                    )
                )
    if status != NEW and not change.items and change.allocation is None:
        change.status = UNCHANGED
    return change
