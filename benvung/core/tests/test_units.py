"""Unit conversions through pint, as the factor tables and norms write their units."""

import pytest

from benvung.core import units


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (5_000, "l", "1000 l", 5),  # the Ministry's factors are per thousand litres
        (2_500, "m3", "1000 m3", 2.5),
        (1, "toe", "GJ", 41.868),  # IEA/OECD: 1 toe = 0.041868 TJ
        (1, "kWh", "MJ", 3.6),
        (1, "MWh", "kWh", 1_000),
        (350, "kg", "t", 0.35),
        (1, "hl", "l", 100),
    ],
)
def test_conversions(value, source, target, expected):
    assert units.convert(value, source, target) == pytest.approx(expected)


def test_a_rate_in_the_norms_unit():
    energy, beer = units.quantity(12_000, "GJ"), units.quantity(100_000, "hl")
    assert units.ratio(energy, beer, "MJ/hl") == pytest.approx(120)
    assert units.ratio(units.quantity(3_600, "GJ"), units.quantity(2_000, "t"), "kWh/t") == (
        pytest.approx(500)
    )


def test_impossible_conversions_and_unknown_units_are_errors_in_words():
    with pytest.raises(units.UnitError, match="lít"):
        units.convert(1, "l", "t")  # a density would be needed
    with pytest.raises(units.UnitError, match="thùng"):
        units.convert(1, "thùng", "l")
    assert units.dimension_of("1000 m3") == "volume" and units.dimension_of("t") == "mass"
