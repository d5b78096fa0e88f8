"""Shared set-up of the official documents' tests: a 2025 cycle with one accepted report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from benvung.indicators.models import IndicatorResult
from benvung.plans.models import Plan
from benvung.reporting import services as reporting
from benvung.reporting.models import AgencyReport, ReportingCycle, Synthesis, TaskReport
from benvung.reporting.tests.conftest import at

ISSUED = dt.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Any) -> None:
    """Generated files go to a temporary folder, not to the laptop's var/private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def plan(db: Any) -> Plan:
    return Plan.objects.get(number="202/KH-UBND")


@pytest.fixture
def cycle_2025(plan: Plan, coordinator: Any) -> ReportingCycle:
    with at("2025-09-01"):
        cycle = reporting.cycle_create(actor=coordinator, plan=plan, year=2025)
        reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    return cycle


def fill_and_accept(report: AgencyReport, reporter: Any, coordinator: Any) -> AgencyReport:
    entries = [
        reporting.TaskEntry(
            tr.pk,
            {
                "status": TaskReport.Status.IN_PROGRESS,
                "narrative": f"Đã tổ chức hội nghị phổ biến nhiệm vụ {tr.task.code}.",
                "events_held": 2,
                "participants": 1250,
                "budget_vnd": {"provincial_budget": 15_000_000},
            },
        )
        for tr in report.task_reports.all()
    ]
    with at("2025-11-10"):
        report = reporting.report_save(
            actor=reporter,
            report=report,
            version=report.version,
            fields={
                "summary": "Cơ quan đã triển khai đầy đủ các nhiệm vụ được giao.",
                "difficulties": "Kinh phí còn hạn chế.",
                "proposals": "Đề nghị bổ sung kinh phí tuyên truyền.",
            },
            entries=entries,
        )
        report = reporting.report_submit(actor=reporter, report=report, version=report.version)
    with at("2025-11-20"):
        report = reporting.report_accept(actor=coordinator, report=report)
    return report


@pytest.fixture
def accepted_report(
    cycle_2025: ReportingCycle, agency_reporter: Any, coordinator: Any
) -> AgencyReport:
    with at("2025-11-05"):
        report = reporting.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
    return fill_and_accept(report, agency_reporter, coordinator)


@pytest.fixture
def synthesis(cycle_2025: ReportingCycle, coordinator: Any) -> Synthesis:
    area = cycle_2025.plan.content_areas.get(number=4)
    return reporting.synthesis_save(
        actor=coordinator,
        cycle=cycle_2025,
        area=area,
        text=(
            "Năm 2025, các doanh nghiệp đã áp dụng sản xuất sạch hơn.\n- Ngành dệt may: 3 mô hình."
        ),
        version=None,
    )


@pytest.fixture
def province_result(db: Any) -> IndicatorResult:
    """The province's reduction of energy per unit of product in 2025: 6,25 %."""
    result, _created = IndicatorResult.objects.update_or_create(
        indicator="resource_consumption_reduction",
        year=2025,
        scope_kind="province",
        scope_key="",
        defaults={
            "scope_label": "Province",
            "value": Decimal("6.25"),
            "input_hash": "a" * 64,
            "computed_at": timezone.now(),
            "stale_since": None,
        },
    )
    return result


@pytest.fixture
def tasks_on_commit(django_capture_on_commit_callbacks: Any, monkeypatch: Any) -> None:
    """The render task is queued when the transaction commits: run it then, as in production
    (the test's own transaction never commits)."""

    from benvung.reports import services

    def committed(call: Any) -> Any:
        def run(**kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                result = call(**kwargs)
            return result

        return run

    monkeypatch.setattr(services, "document_generate", committed(services.document_generate))
    monkeypatch.setattr(services, "document_regenerate", committed(services.document_regenerate))
