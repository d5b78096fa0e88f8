"""Which years may be entered: the one rule every form, API, importer and command checks.

- A year of data (a site's consumption, an outlet's survey, an outreach activity, an SCP
  model) is from FIRST_YEAR to LAST_YEAR: the plan's 2022-2030 with years before it for a
  baseline (the plan names 2021; an earlier one may be chosen) and a margin after it.
  `year_problem` checks that. (Before issue 13 outreach allowed 2000-2100, what the database
  constraint on SCPModel.year still allows: that constraint only guards the column.)
- Data about a year that must have happened (consumption, a survey) also cannot be after the
  current year: `reporting_year_problem`. An activity or a model may be planned ahead.
- A year of a plan (a reporting cycle, a status override, a year asked of the indicators) is
  one of the plan's years, period_start to period_end: `plan_year_problem`.

The messages say the allowed years; they are in Vietnamese through the translations.
"""

from __future__ import annotations

from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR = 2015
LAST_YEAR = 2035


def current_year() -> int:
    """This year in Asia/Ho_Chi_Minh (settings.TIME_ZONE): at 23:30 UTC on 31 December it is
    already the next year in Đồng Nai."""
    return timezone.localdate().year


def in_range(year: int | None) -> bool:
    return isinstance(year, int) and FIRST_YEAR <= year <= LAST_YEAR


def year_problem(year: int | None) -> str | None:
    """Why `year` cannot be a year of data, or None."""
    if in_range(year):
        return None
    return _("The year must be from %(min)s to %(max)s.") % {"min": FIRST_YEAR, "max": LAST_YEAR}


def future_year_problem(year: int | None) -> str | None:
    """Why `year` cannot be reported yet, or None. Plan targets (2030) are not reports and
    do not come here."""
    if year is None or year <= current_year():
        return None
    return _("The year %(year)s has not come yet: data can be reported up to %(current)s.") % {
        "year": year,
        "current": current_year(),
    }


def reporting_year_problem(year: int | None) -> str | None:
    """Why data cannot be reported for `year`: outside the years of data, or not yet come."""
    return year_problem(year) or future_year_problem(year)


class Period(Protocol):
    """A plan's period (plans.Plan): core cannot import the plans app."""

    period_start: int
    period_end: int


def in_plan(year: int | None, plan: Period) -> bool:
    return isinstance(year, int) and plan.period_start <= year <= plan.period_end


def plan_year_problem(year: int | None, plan: Period) -> str | None:
    """Why `year` is not one of the plan's years, or None."""
    if in_plan(year, plan):
        return None
    return _("%(year)s is outside the plan's period %(start)s-%(end)s.") % {
        "year": "—" if year is None else year,
        "start": plan.period_start,
        "end": plan.period_end,
    }
