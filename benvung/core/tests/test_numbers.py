from decimal import Decimal

import pytest
from django.utils import translation

from benvung.core.numbers import for_input, parse_decimal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("176,66", Decimal("176.66")),
        ("1.234,5", Decimal("1234.5")),
        ("1 234,5", Decimal("1234.5")),
        ("176.66", Decimal("176.66")),
        ("1.234.567", Decimal("1234567")),
        (2500000, Decimal("2500000")),
        ("-3,5", Decimal("-3.5")),
        ("nhiều", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_numbers_typed_the_vietnamese_way_or_by_a_machine(typed, expected):
    assert parse_decimal(typed) == expected


def test_a_stored_number_is_shown_with_a_decimal_comma_and_no_grouping():
    with translation.override("vi"):
        assert for_input(Decimal("176.6600")) == "176,66"
        assert for_input(Decimal("2324.00")) == "2324"
        assert for_input(Decimal("1E+3")) == "1000"


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("1,234.5", ("1234,5", "1,2345", "1.234,5")),
        ("1,234", ("1234", "1,234", "1,2340")),
        ("1.234", ("1234", "1,234", "1,2340")),
        ("1,234,567", ("1.234.567", "1234567")),
    ],
)
def test_a_number_that_could_mean_two_things_is_refused_with_both_readings(typed, readings):
    from benvung.core.numbers import NumberProblem, read_decimal

    assert parse_decimal(typed) is None
    with pytest.raises(NumberProblem) as refused:
        read_decimal(typed)
    for reading in readings:
        assert reading in refused.value.message


@pytest.mark.parametrize("typed", ["1234.5", 1234.5, "0.234", "1.234.567", "1.234,5", "-3,5"])
def test_machine_and_vietnamese_numbers_are_read(typed):
    from benvung.core.numbers import read_decimal

    assert read_decimal(typed) in {
        Decimal("1234.5"),
        Decimal("0.234"),
        Decimal("1234567"),
        Decimal("-3.5"),
    }


def test_a_number_stored_as_zero_is_refused_with_the_smallest_storable_value():
    from benvung.core.numbers import NumberProblem, read_decimal

    with pytest.raises(NumberProblem) as refused:
        read_decimal(1e-30, places=4)
    assert "0,0001" in refused.value.message
    assert read_decimal("0", places=4) == 0
    assert read_decimal("0,0001", places=4) == Decimal("0.0001")
