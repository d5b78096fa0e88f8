"""The current plan: one rule (plans.selectors.current_plan) for pages, API, commands and the
recomputation."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from benvung.plans import selectors
from benvung.plans.models import Plan

pytestmark = pytest.mark.django_db


def _copy(number: str, issued_on: dt.date) -> Plan:
    plan = Plan.objects.get(number="202/KH-UBND")
    plan.pk = None
    plan.number = number
    plan.issued_on = issued_on
    plan.save()
    return plan


def test_the_current_plan_is_the_most_recently_issued():
    assert selectors.current_plan().number == "202/KH-UBND"
    newer = _copy("15/KH-UBND", dt.date(2026, 1, 20))
    _copy("9/KH-UBND", dt.date(2020, 5, 4))  # an older plan loaded later changes nothing
    assert selectors.current_plan() == newer


def test_of_two_issued_the_same_day_the_last_loaded_is_current():
    day = Plan.objects.get(number="202/KH-UBND").issued_on
    later = _copy("203/KH-UBND", day)
    assert selectors.current_plan() == later


def test_commands_without_a_plan_number_take_the_current_plan():
    newer = _copy("15/KH-UBND", dt.date(2026, 1, 20))
    assert selectors.plan_by_number(None) == newer
    assert selectors.plan_by_number(" 202/KH-UBND ").number == "202/KH-UBND"
    with pytest.raises(Plan.DoesNotExist):
        selectors.plan_by_number("999/KH-UBND")


def test_the_indicators_command_asks_only_the_plans_years():
    with pytest.raises(CommandError, match="--year: 2022-2030"):
        call_command("indicators", "--year", "2021", "--json")
