"""Energy by site and year, in TOE and in MJ, with the factors used: the shape of the shared
fact, its rules, and the one place every domain asks for it.

Why here, in core: the figures come from the resource data (`benvung.resources`), and the
domains that need them (outreach checks an SCP model's energy saved against them; the carbon
footprints multiply MJ by emission factors) are resources' siblings, which may not import it
(docs/architecture.md). Moving the reading down would drag the resource models into core; moving
each use up into resources would make resources know every other domain. So the fact's *shape*
and *rules* live in the layer below every domain, and resources registers the function that
answers it (`resources/hooks.py`), as the admin discovers `admin.py`. A domain asks
`site_year_energy()` and never learns where the rows are stored.

The rules, the same for every caller:

- Rows: every energy row of the site-year whose carrier counts in the site's total.
  Self-generated electricity is recorded but not counted: the fuels that made it are.
- Conversion: quantity × the factor in force on 31 December of the year, per unit of the
  carrier (resources.calculations.energy_of: the Ministry of Industry and Trade's TOE table, the
  IPCC net calorific values for GJ; 1 toe = 41.868 GJ where one is derived from the other).
- A bad row, one that cannot be converted (no factor for its carrier and unit, a negative
  quantity), makes the site-year's total unknown: `toe`, `gj` and `mj` are None, and `problems`
  says which carrier and why. Never a partial sum: a total without one of its carriers would
  read as a saving. A total of several site-years is unknown when one of them is.
- Rounding: sums are of unrounded row values (binary floating point, as the efficiency figures
  have always been computed), in the order the rows are stored. A total is rounded once, where it
  is shown or compared with a figure someone typed: `round_toe` to 0.001 TOE (one kgoe),
  `round_mj` to whole MJ, half away from zero on the decimal figure as written
  (`round_toe(0.0125)` is 0.013).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .registry import Registry

GJ_PER_TOE = 41.868  # IEA/OECD definition: 1 toe = 10^7 kcal = 41.868 GJ
MJ_PER_GJ = 1000

TOE_PLACES = Decimal("0.001")  # one kilogram of oil equivalent
MJ_PLACES = Decimal("1")


def round_toe(value: float) -> Decimal:
    """A TOE total as shown and compared: 0.001 TOE, half away from zero."""
    return Decimal(repr(value)).quantize(TOE_PLACES, ROUND_HALF_UP)


def round_mj(value: float) -> Decimal:
    """An MJ total as shown and compared: whole MJ, half away from zero."""
    return Decimal(repr(value)).quantize(MJ_PLACES, ROUND_HALF_UP)


def _unique(items: Iterable[object]) -> tuple:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Factor:
    """`value` units of `target` ("GJ" or "toe") per one `unit` of `carrier`, with provenance:
    the instrument it comes from and `id`, the reference row (resources.ConversionFactor)."""

    carrier: str
    unit: str
    target: str
    value: float
    instrument: str
    status: str = "verified"
    id: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "verified"


@dataclass(frozen=True)
class CarrierEnergy:
    """One carrier, in one unit, of a site-year: the quantity reported, what it came to, and
    the factors that converted it (one for TOE, one for GJ unless the unit is an energy)."""

    carrier: str
    unit: str
    quantity: float
    gj: float
    toe: float
    factors: tuple[Factor, ...] = ()
    notes: tuple[str, ...] = ()  # a figure derived from the other (GJ = TOE × 41.868)

    @property
    def mj(self) -> float:
        return self.gj * MJ_PER_GJ


@dataclass(frozen=True)
class SiteYearEnergy:
    """A site's energy in a year. `gj`/`toe` are None when a row could not be converted (the
    module's bad-row rule); `carriers` holds the rows that could, `problems` the others."""

    site_id: int
    enterprise_id: int
    year: int
    site_year_id: int | None = None
    gj: float | None = 0.0
    toe: float | None = 0.0
    carriers: tuple[CarrierEnergy, ...] = ()
    problems: tuple[str, ...] = ()
    rows: int = 0  # energy rows counted (0: the site-year reports no energy)
    # GJ metered for each product (sub-metering); energy metered for no product is not here.
    metered_gj: Mapping[str, float] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return not self.problems

    @property
    def mj(self) -> float | None:
        return None if self.gj is None else self.gj * MJ_PER_GJ

    @property
    def factors(self) -> tuple[Factor, ...]:
        """Every factor used, once, in the order the carriers first appear."""
        return _unique(f for c in self.carriers for f in c.factors)

    @property
    def notes(self) -> tuple[str, ...]:
        return _unique(n for c in self.carriers for n in c.notes)


@dataclass(frozen=True)
class EnergyTotal:
    """The energy of several site-years (an enterprise's sites in a year)."""

    parts: tuple[SiteYearEnergy, ...]

    @property
    def reported(self) -> bool:
        """Some energy row was reported (a site-year with output only reports none)."""
        return any(p.rows for p in self.parts)

    @property
    def known(self) -> bool:
        return all(p.known for p in self.parts)

    @property
    def toe(self) -> float | None:
        return sum((p.toe for p in self.parts if p.toe is not None), 0.0) if self.known else None

    @property
    def gj(self) -> float | None:
        return sum((p.gj for p in self.parts if p.gj is not None), 0.0) if self.known else None

    @property
    def mj(self) -> float | None:
        gj = self.gj
        return None if gj is None else gj * MJ_PER_GJ

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(problem for p in self.parts for problem in p.problems)

    def rounded_toe(self) -> Decimal | None:
        toe = self.toe
        return None if toe is None else round_toe(toe)

    def rounded_mj(self) -> Decimal | None:
        mj = self.mj
        return None if mj is None else round_mj(mj)


# --- Where the figures come from ---------------------------------------------------------------


class EnergySource(Protocol):
    def __call__(
        self,
        *,
        years: Iterable[int],
        site_ids: Iterable[int] | None = None,
        enterprise_ids: Iterable[int] | None = None,
        include_drafts: bool = False,
    ) -> list[SiteYearEnergy]: ...


# One entry: the app that stores the energy rows registers its reader under SOURCE.
sources: Registry[EnergySource] = Registry("energy source")
SOURCE = "site_year_energy"


def site_year_energy(
    *,
    years: Iterable[int],
    site_ids: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    include_drafts: bool = False,
) -> list[SiteYearEnergy]:
    """The energy of every site-year of `years` (of those sites or enterprises when given):
    submitted ones, and drafts too with `include_drafts`. [] when no installed app records
    energy."""
    if SOURCE not in sources:
        return []
    reader: Callable[..., list[SiteYearEnergy]] = sources.get(SOURCE)
    return reader(
        years=years, site_ids=site_ids, enterprise_ids=enterprise_ids, include_drafts=include_drafts
    )


def enterprise_energy(
    enterprise_id: int, year: int, *, include_drafts: bool = False
) -> EnergyTotal | None:
    """The energy an enterprise reported for `year` over all its sites; None when it reported
    none."""
    total = EnergyTotal(
        tuple(
            site_year_energy(
                years=[year], enterprise_ids=[enterprise_id], include_drafts=include_drafts
            )
        )
    )
    return total if total.reported else None
