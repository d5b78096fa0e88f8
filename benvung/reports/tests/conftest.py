"""Shared set-up of the official documents' tests: a 2025 cycle with one accepted report."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from benvung.indicators.models import IndicatorResult
from benvung.plans.models import Plan
from benvung.reporting import selectors as reporting_selectors
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

    for name in ("document_draft", "document_issue", "document_regenerate"):
        monkeypatch.setattr(services, name, committed(getattr(services, name)))


def ready_to_issue(cycle: ReportingCycle, coordinator: Any) -> None:
    """The annual report's texts with what issuing it needs: the drafting unit, the signer."""
    from benvung.reports import services
    from benvung.reports.models import AnnualReportText

    text = AnnualReportText.objects.filter(cycle=cycle).first()
    services.annual_text_save(
        actor=coordinator,
        cycle=cycle,
        fields={
            "drafting_unit": "QLCN",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn An",
        },
        version=text.version if text else None,
    )


def issue(
    actor: Any,
    *,
    issued_on: dt.date = ISSUED,
    formats: Any = ("docx", "xlsx"),
    confirm_missing: bool = True,
    confirm_reissue: bool = True,
    **what: Any,
) -> Any:
    """A draft made and issued at once (what a user does in two steps, looking at the draft in
    between): `what` names the document (kind, cycle or agency_report, signature ...). Issuing
    the same report again is confirmed unless `confirm_reissue` is False."""
    from benvung.reports import services

    draft = services.document_draft(actor=actor, formats=formats, **what)
    draft.refresh_from_db()
    return services.document_issue(
        actor=actor,
        draft=draft,
        issued_on=issued_on,
        formats=formats,
        confirm_missing=confirm_missing,
        confirm_reissue=confirm_reissue,
    )


# Sentences of the length and kind agencies write (long ones included): a realistic report.
SENTENCES = [
    "Tổ chức {events} hội nghị, lớp tập huấn về sản xuất và tiêu dùng bền vững cho {people} "
    "lượt cán bộ, doanh nghiệp trên địa bàn.",
    "Phối hợp với Báo Đồng Nai, Đài Phát thanh - Truyền hình Đồng Nai đăng {events} tin, bài "
    "tuyên truyền về sản xuất và tiêu dùng bền vững, tiết kiệm năng lượng, giảm thiểu rác thải "
    "nhựa; tiếp cận {firms} doanh nghiệp, hợp tác xã và cơ sở sản xuất kinh doanh.",
    "Hướng dẫn {firms} doanh nghiệp rà soát định mức tiêu hao năng lượng, nguyên vật liệu.",
    "Ban hành {docs} văn bản hướng dẫn, đôn đốc các phòng, ban chuyên môn và UBND các xã, "
    "phường triển khai thực hiện; lồng ghép nội dung sản xuất và tiêu dùng bền vững vào kế "
    "hoạch phát triển kinh tế - xã hội năm của địa phương, gắn với chương trình mục tiêu quốc "
    "gia xây dựng nông thôn mới và phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”.",
    "Kiểm tra {events} cơ sở sản xuất, kinh doanh về việc chấp hành quy định tiết kiệm năng lượng.",
    "Kết quả cụ thể: {firms} doanh nghiệp đăng ký áp dụng giải pháp sản xuất sạch hơn, trong "
    "đó {events} doanh nghiệp đã hoàn thành đánh giá và đầu tư cải tiến dây chuyền, tiết kiệm "
    "khoảng {people} triệu đồng chi phí năng lượng mỗi năm.",
    "Tiếp tục duy trì mô hình “Chợ xanh - chợ giảm rác thải nhựa” tại {events} chợ truyền thống.",
]


def realistic_reports(cycle: ReportingCycle, *, seed: int = 202) -> int:
    """Every agency expected to report sends a long, accepted report, as in a real year: tasks
    with forty co-agencies, results of several sentences, some agencies writing the same text.
    Returns the number of reports."""
    expected = reporting_selectors.expected_reporters(cycle)
    accepted_at = timezone.now()
    count = 0
    for agency_id, tasks in sorted(expected.items()):
        rng = random.Random(f"{seed}:{agency_id}")
        report = AgencyReport.objects.create(
            cycle=cycle,
            agency_id=agency_id,
            state=AgencyReport.State.ACCEPTED,
            summary="Cơ quan đã triển khai các nhiệm vụ được giao theo kế hoạch năm.",
            first_submitted_at=accepted_at,
            submitted_at=accepted_at,
            accepted_at=accepted_at,
        )
        entries = []
        for task in tasks:
            events, people, firms, docs = (
                rng.randint(1, 9),
                rng.randint(40, 900),
                rng.randint(3, 120),
                rng.randint(1, 6),
            )
            if rng.random() < 0.15:  # the same words as many others
                narrative = "Đã triển khai thực hiện theo kế hoạch."
            else:
                chosen = rng.sample(SENTENCES, rng.randint(1, 4))
                narrative = " ".join(
                    s.format(events=events, people=people, firms=firms, docs=docs) for s in chosen
                )
            entries.append(
                TaskReport(
                    report=report,
                    task=task,
                    status=rng.choice(["in_progress", "in_progress", "done"]),
                    narrative=narrative,
                    events_held=events,
                    participants=people,
                    enterprises_reached=firms,
                    models_built=rng.choice([None, 0, 1, 2]),
                    documents_issued=docs,
                    budget_vnd={"provincial_budget": rng.randint(2, 60) * 5_000_000},
                )
            )
        TaskReport.objects.bulk_create(entries)
        count += 1
    return count
