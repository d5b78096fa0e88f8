"""The decree's date line and point letters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from benvung.reports.dates import place_date_line, point_letter, point_letters


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "Đồng Nai, ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 3, 15), "Đồng Nai, ngày 15 tháng 3 năm 2026"),
        (dt.date(2025, 2, 9), "Đồng Nai, ngày 09 tháng 02 năm 2025"),
        (dt.date(2025, 9, 30), "Đồng Nai, ngày 30 tháng 9 năm 2025"),
        (dt.date(2025, 10, 1), "Đồng Nai, ngày 01 tháng 10 năm 2025"),
        (dt.date(2025, 12, 31), "Đồng Nai, ngày 31 tháng 12 năm 2025"),
    ],
)
def test_date_line_has_leading_zeros_for_days_below_10_and_months_1_and_2(
    day: dt.date, expected: str
) -> None:
    with translation.override("vi"):
        assert place_date_line("Đồng Nai", day) == expected


def test_points_follow_the_vietnamese_alphabet() -> None:
    letters = point_letters()
    assert letters[:6] == ["a", "b", "c", "d", "đ", "e"]
    assert letters[-3:] == ["v", "x", "y"]
    assert len(letters) == 23
    assert not {"f", "j", "w", "z"} & set(letters)


def test_points_past_y_double_their_letter() -> None:
    assert point_letter(0) == "a"
    assert point_letter(4) == "đ"
    assert point_letter(22) == "y"
    assert point_letter(23) == "aa"
