"""Units of measure: the codes enterprises and norms use, converted by pint, never by hand.

A unit is stored as a short code ("t", "1000 l", "m3", "kWh", "MJ/hl"); `quantity()` turns a
number and a code into a pint Quantity, and `convert()` changes its unit or says, in words, why
it cannot (litres of diesel are not tonnes without a density).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pint
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Unit:
    code: str
    expression: str  # what pint reads
    label: str  # how a Vietnamese reader writes it


# One tonne of oil equivalent is 41.868 GJ (10^7 kcal, the IEA/OECD definition, which pint's
# own "toe" follows). Factors per "1000 l" and "1000 m3" are how the Ministry's table is written.
UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("t", "tonne", "tấn"),
        Unit("kg", "kilogram", "kg"),
        Unit("l", "liter", "lít"),
        Unit("1000 l", "1000 * liter", "nghìn lít"),
        Unit("hl", "hectoliter", "hl"),
        Unit("m3", "meter ** 3", "m³"),
        Unit("1000 m3", "1000 * meter ** 3", "nghìn m³"),
        Unit("kWh", "kilowatt_hour", "kWh"),
        Unit("MWh", "megawatt_hour", "MWh"),
        Unit("MJ", "megajoule", "MJ"),
        Unit("GJ", "gigajoule", "GJ"),
        Unit("toe", "tonne_of_oil_equivalent", "TOE"),
        Unit("piece", "piece", "chiếc"),
        Unit("1000 pieces", "1000 * piece", "nghìn chiếc"),
        Unit("m2", "meter ** 2", "m²"),
        # Specific consumption, as the norms write it.
        Unit("MJ/t", "megajoule / tonne", "MJ/tấn"),
        Unit("MJ/hl", "megajoule / hectoliter", "MJ/hl"),
        Unit("kWh/t", "kilowatt_hour / tonne", "kWh/tấn"),
        Unit("GJ/t", "gigajoule / tonne", "GJ/tấn"),
        Unit("t/t", "tonne / tonne", "tấn/tấn"),
        Unit("MJ/1000 pieces", "megajoule / (1000 * piece)", "MJ/nghìn chiếc"),
        Unit("m3/t", "meter ** 3 / tonne", "m³/tấn"),
        Unit("l/year", "liter / year", "lít/năm"),
        Unit("t/year", "tonne / year", "tấn/năm"),
    )
}


class UnitError(ValueError):
    """A unit that is unknown, or a conversion between incompatible units."""


@cache
def registry() -> pint.UnitRegistry:
    reg: pint.UnitRegistry = pint.UnitRegistry()
    # Pieces are their own dimension (pint's "count" is dimensionless and would mix with ratios).
    reg.define("piece = [piece]")
    return reg


def label(code: str) -> str:
    unit = UNITS.get(code)
    return unit.label if unit else code


def _expression(code: str) -> str:
    unit = UNITS.get(code)
    if unit is None:
        raise UnitError(
            str(_("unknown unit “%(unit)s” (known: %(known)s)"))
            % {"unit": code, "known": ", ".join(UNITS)}
        )
    return unit.expression


def _one(code: str) -> pint.Quantity:
    """One `code` as a quantity: "1000 l" is a thousand litres, not a litre."""
    return registry().parse_expression(_expression(code))


def quantity(value: float, code: str) -> pint.Quantity:
    return value * _one(code)


def _in(amount: pint.Quantity, code: str) -> float:
    """How many `code` make `amount` (raises DimensionalityError if none can)."""
    return float((amount / _one(code)).to("dimensionless").magnitude)


def convert(value: float, from_code: str, to_code: str) -> float:
    """`value` in `from_code` expressed in `to_code`."""
    return value * factor(from_code, to_code)


@cache
def factor_or_none(from_code: str, to_code: str) -> float | None:
    """Like `factor`, but None for units that do not convert (remembered too: a failed
    conversion costs pint as much as a good one)."""
    try:
        return factor(from_code, to_code)
    except UnitError:
        return None


def convertible(from_code: str, to_code: str) -> bool:
    """Whether `from_code` converts to `to_code` (tonnes to kilograms, not litres to tonnes)."""
    return factor_or_none(from_code, to_code) is not None


@cache
def factor(from_code: str, to_code: str) -> float:
    """How many `to_code` make one `from_code` (the units here are all multiplicative, so one
    factor per pair suffices; computing it once keeps a province-wide recomputation fast)."""
    try:
        return _in(quantity(1.0, from_code), to_code)
    except pint.DimensionalityError as exc:
        raise UnitError(
            str(_("%(from)s cannot be converted to %(to)s"))
            % {
                "from": label(from_code),
                "to": label(to_code),
            }
        ) from exc


def ratio(numerator: pint.Quantity, denominator: pint.Quantity, to_code: str) -> float:
    """numerator / denominator expressed in `to_code` (e.g. GJ / t in MJ/t)."""
    try:
        return _in(numerator / denominator, to_code)
    except pint.DimensionalityError as exc:
        raise UnitError(
            str(_("%(from)s cannot be expressed in %(to)s"))
            % {"from": f"{numerator.units:~P}/{denominator.units:~P}", "to": label(to_code)}
        ) from exc


def rate(numerator: float, num_code: str, denominator: float, den_code: str, to_code: str) -> float:
    """numerator / denominator in `to_code`, e.g. GJ per hl in MJ/hl."""
    return numerator / denominator * _rate_factor(num_code, den_code, to_code)


@cache
def _rate_factor(num_code: str, den_code: str, to_code: str) -> float:
    return ratio(quantity(1.0, num_code), quantity(1.0, den_code), to_code)


@cache
def dimension_of(code: str) -> str:
    """'mass', 'volume', 'energy', 'count', 'area' or '' (for the allocation rules)."""
    dims = _one(code).dimensionality
    for name, ref in (
        ("mass", "kilogram"),
        ("volume", "liter"),
        ("energy", "joule"),
        ("count", "piece"),
        ("area", "meter ** 2"),
    ):
        if dims == registry().parse_expression(ref).dimensionality:
            return name
    return ""
