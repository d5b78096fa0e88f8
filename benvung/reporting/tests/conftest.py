import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from benvung.plans.models import Plan
from benvung.reporting import services

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: str, hour: int = 10):
    """Travel to a local time in Việt Nam (UTC+7)."""
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ), tick=False
    )


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.get(number="202/KH-UBND")


@pytest.fixture
def cycle_2025(plan, coordinator):
    with at("2025-09-01"):
        cycle = services.cycle_create(actor=coordinator, plan=plan, year=2025)
        services.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    return cycle
