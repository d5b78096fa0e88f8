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


def report_post_data(report, narrative="Đã tổ chức 2 hội nghị."):
    """What the report page posts when every task is filled in."""
    data = {
        "version": report.version,
        "summary": "Đánh giá chung.",
        "difficulties": "",
        "proposals": "Đề xuất.",
    }
    for tr in report.task_reports.all():
        prefix = f"t{tr.pk}"
        data.update(
            {
                f"{prefix}-status": "in_progress",
                f"{prefix}-narrative": f"{narrative} ({tr.task.code})",
                f"{prefix}-events_held": "2",
                f"{prefix}-participants": "150",
                f"{prefix}-budget_provincial_budget": "20000000",
            }
        )
    return data


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.get(number="202/KH-UBND")


@pytest.fixture
def cycle_2025(plan, coordinator):
    with at("2025-09-01"):
        cycle = services.cycle_create(actor=coordinator, plan=plan, year=2025)
        services.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    return cycle
