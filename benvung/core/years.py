"""The years data may be reported for: none after the current year in the province's time."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _


def current_year() -> int:
    """This year in Asia/Ho_Chi_Minh (settings.TIME_ZONE): at 23:30 UTC on 31 December it is
    already the next year in Đồng Nai."""
    return timezone.localdate().year


def future_year_problem(year: int | None) -> str | None:
    """Why `year` cannot be reported yet, or None. Plan targets (2030) are not reports and
    do not come here."""
    if year is None or year <= current_year():
        return None
    return _("The year %(year)s has not come yet: data can be reported up to %(current)s.") % {
        "year": year,
        "current": current_year(),
    }
