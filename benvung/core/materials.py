"""Materials (and water) by site and year, for the domains that read them without owning them.

The rows belong to `resources` (an enterprise's yearly consumption). Other domains (the demo's
SCP models today; carbon's purchased-material footprints next) are resources' siblings and may
not import it, so resources registers its reader here from its `hooks.py`, as it does for
energy (`benvung.core.energy`). Quantities are passed on as stored, in the unit they were
reported in: converting them is the reader's job, with its own factors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .registry import Registry


@dataclass(frozen=True)
class MaterialQuantity:
    site_year_id: int
    site_id: int
    enterprise_id: int
    year: int
    material: str  # the material's key in the reference list ("water", "steel_scrap", ...)
    quantity: Decimal
    unit: str


class MaterialsSource(Protocol):
    def __call__(
        self,
        *,
        years: Iterable[int],
        enterprise_ids: Iterable[int] | None = None,
        include_drafts: bool = False,
    ) -> list[MaterialQuantity]: ...


sources: Registry[MaterialsSource] = Registry("materials source")
SOURCE = "site_year_materials"


def site_year_materials(
    *,
    years: Iterable[int],
    enterprise_ids: Iterable[int] | None = None,
    include_drafts: bool = False,
) -> list[MaterialQuantity]:
    """Every material row of the site-years of `years` (of those enterprises when given):
    submitted site-years, and drafts too with `include_drafts`. [] when no installed app records
    materials."""
    if SOURCE not in sources:
        return []
    return sources.get(SOURCE)(
        years=years, enterprise_ids=enterprise_ids, include_drafts=include_drafts
    )
