"""A site-year's energy from its rows: the one calculation behind every energy figure (the
efficiency figures, the ceiling of an SCP model's energy saved, the demo's savings, the
carbon work's MJ). Pure: the rows and the per-unit conversions come in as plain data.

The rules (which rows, a bad row, rounding) are written once, in benvung.core.energy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from benvung.core.energy import CarrierEnergy, SiteYearEnergy

from . import calculations as calc


@dataclass(frozen=True)
class Row:
    """One energy row as stored: a quantity of a carrier, perhaps metered for one product."""

    carrier: str
    quantity: float
    unit: str
    product: str = ""


# The energy of ONE unit of a carrier in the year's factors (raises calc.CalculationError
# when none converts it); a caller converting many site-years caches it.
PerUnit = Callable[[str, str], calc.Energy]


def site_year_energy(
    rows: Iterable[Row],
    per_unit: PerUnit,
    *,
    site_id: int,
    enterprise_id: int,
    year: int,
    site_year_id: int | None = None,
) -> SiteYearEnergy:
    """The site-year's energy: each row is its quantity × the energy of one unit, summed in
    the rows' order; a row that cannot be converted leaves the total unknown (None) and is
    named in `problems`."""
    gj = toe = 0.0
    count = 0
    problems: list[str] = []
    metered: dict[str, float] = {}
    # Per carrier and unit, in the order first met: [quantity, gj, toe, per-unit energy].
    carriers: dict[tuple[str, str], list] = {}
    for row in rows:
        count += 1
        try:
            if row.quantity < 0:
                calc.energy_of(row.carrier, row.quantity, row.unit, [])  # raises the row's error
            per = per_unit(row.carrier, row.unit)
        except calc.CalculationError as exc:
            problems.append(str(exc))
            continue
        row_gj = per.gj * row.quantity
        gj += row_gj
        toe += per.toe * row.quantity
        entry = carriers.setdefault((row.carrier, row.unit), [0.0, 0.0, 0.0, per])
        entry[0] += row.quantity
        entry[1] += row_gj
        entry[2] += per.toe * row.quantity
        if row.product:
            metered[row.product] = metered.get(row.product, 0.0) + row_gj
    return SiteYearEnergy(
        site_id=site_id,
        enterprise_id=enterprise_id,
        year=year,
        site_year_id=site_year_id,
        gj=None if problems else gj,
        toe=None if problems else toe,
        carriers=tuple(
            CarrierEnergy(carrier, unit, quantity, c_gj, c_toe, per.factors, per.notes)
            for (carrier, unit), (quantity, c_gj, c_toe, per) in carriers.items()
        ),
        problems=tuple(problems),
        rows=count,
        metered_gj=metered,
    )


def as_calc(energy: SiteYearEnergy) -> calc.Energy:
    """The known total as the efficiency calculations carry it (GJ, TOE, factors, notes)."""
    if energy.gj is None or energy.toe is None:
        raise calc.CalculationError(energy.problems[0])
    return calc.Energy(energy.gj, energy.toe, energy.factors, energy.notes)
