"""The one rule for years (core.years), as users read it: in Vietnamese."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from benvung.core import years


def test_years_of_data_are_2015_to_2035():
    assert years.year_problem(2015) is None and years.year_problem(2035) is None
    assert years.year_problem(2014) == "Năm phải từ 2015 đến 2035."
    assert years.year_problem(2036) == "Năm phải từ 2015 đến 2035."
    assert years.year_problem(None) == "Năm phải từ 2015 đến 2035."


def test_reported_data_cannot_be_for_a_year_not_yet_come():
    this_year = timezone.localdate().year
    assert years.reporting_year_problem(this_year) is None
    assert years.reporting_year_problem(this_year + 1) == (
        f"Năm {this_year + 1} chưa đến: số liệu chỉ được báo cáo đến năm {this_year}."
    )
    # The range is checked first: 2036 is never a year of data, whatever the date.
    assert years.reporting_year_problem(2036) == "Năm phải từ 2015 đến 2035."


@pytest.mark.parametrize("year", [2022, 2030])
def test_a_plans_years_are_its_period(year):
    plan = SimpleNamespace(period_start=2022, period_end=2030)
    assert years.in_plan(year, plan) and years.plan_year_problem(year, plan) is None


@pytest.mark.parametrize("year", [2021, 2031])
def test_a_year_outside_the_plans_period_is_named(year):
    plan = SimpleNamespace(period_start=2022, period_end=2030)
    assert not years.in_plan(year, plan)
    assert years.plan_year_problem(year, plan) == (
        f"Năm {year} nằm ngoài giai đoạn 2022-2030 của Kế hoạch."
    )
