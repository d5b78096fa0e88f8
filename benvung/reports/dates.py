"""The date and lettering conventions of Decree 30/2020/NĐ-CP (Appendix I)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import pgettext

# Appendix I, item on the body: points follow the Vietnamese alphabet, which has "đ" after "d"
# and no f, j, w or z.
_POINT_LETTERS = tuple("abcdđeghiklmnopqrstuvxy")


def point_letters() -> list[str]:
    """a, b, c, d, đ, e, g, ... y: the letters of points a), b), ... in order."""
    return list(_POINT_LETTERS)


def point_letter(index: int) -> str:
    """The letter of the point at 0-based `index`; past "y" the letters double ("aa"), which
    the decree does not foresee but keeps every point distinct."""
    letters = _POINT_LETTERS
    return letters[index % len(letters)] * (index // len(letters) + 1)


def date_words(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2026": a leading zero for days below 10 and for months 1 and 2
    only (Appendix I, item on the place and date), so "ngày 15 tháng 3 năm 2026"."""
    return pgettext("official document", "day %(day)s month %(month)s year %(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month <= 2 else str(day.month),
        "year": day.year,
    }


def place_date_line(place: str, day: dt.date) -> str:
    """ "Đồng Nai, ngày 05 tháng 01 năm 2026"."""
    return f"{place}, {date_words(day)}"
