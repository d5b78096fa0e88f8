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
