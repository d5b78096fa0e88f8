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


# Room left for a hand-written day or month on a draft (non-breaking: kept as wide as typed).
BLANK = "\u00a0" * 5


def blank_date_words(year: int) -> str:
    """ "ngày      tháng      năm 2026": a draft's date, the day and month left to be filled in
    when the document is issued (and numbered)."""
    return pgettext("official document", "day %(day)s month %(month)s year %(year)s") % {
        "day": BLANK,
        "month": BLANK,
        "year": year,
    }


def place_date_line(place: str, day: dt.date, *, draft: bool = False) -> str:
    """ "Đồng Nai, ngày 05 tháng 01 năm 2026"; a draft's "Đồng Nai, ngày      tháng      năm
    2026"."""
    return f"{place}, {blank_date_words(day.year) if draft else date_words(day)}"
