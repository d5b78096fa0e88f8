"""Demo reporting cycles 2023-2026: reports accepted, returned, late, missing, in draft.

Everything is marked demo. The reports of real agencies here are generated examples: they say
what a report looks like, not what the agency did.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benvung.core.loading import LoadReport
from benvung.plans.models import FundingSource, Plan, Task
from benvung.reporting import selectors
from benvung.reporting.models import AgencyReport, ReportingCycle, ReportTransition, TaskReport
from benvung.reporting.services import cycle_defaults

YEARS = (2023, 2024, 2025, 2026)
ACTIVITIES = [
    "Tổ chức {events} hội nghị, lớp tập huấn về sản xuất và tiêu dùng bền vững cho {people} "
    "lượt cán bộ, doanh nghiệp.",
    "Phối hợp đăng {events} tin, bài tuyên truyền về sản xuất và tiêu dùng bền vững; tiếp cận "
    "{firms} doanh nghiệp.",
    "Hướng dẫn {firms} doanh nghiệp rà soát định mức tiêu hao năng lượng, nguyên vật liệu; tổ "
    "chức {events} đợt kiểm tra.",
    "Ban hành {docs} văn bản hướng dẫn, đôn đốc thực hiện; lồng ghép nội dung sản xuất và tiêu "
    "dùng bền vững vào kế hoạch năm.",
]
DIFFICULTIES = [
    "Kinh phí bố trí cho nhiệm vụ còn hạn chế.",
    "Doanh nghiệp chưa chủ động cung cấp số liệu tiêu thụ năng lượng.",
    "",
    "Thay đổi tổ chức bộ máy năm 2025 làm chậm việc phân công đầu mối.",
]
PROPOSALS = [
    "Đề nghị Sở Công Thương tổ chức tập huấn về công cụ tính suất tiêu hao.",
    "Đề nghị bổ sung kinh phí cho hoạt động tuyên truyền.",
    "",
]


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def generate(seed: int) -> LoadReport:
    report = LoadReport(_("demo reporting cycles"))
    plan = Plan.objects.filter(number="202/KH-UBND").first()
    if plan is None:
        return report  # the plan is not loaded: nothing to report on
    today = timezone.localdate()
    for year in YEARS:
        cycle, created = ReportingCycle.objects.get_or_create(
            plan=plan,
            year=year,
            defaults={**cycle_defaults(plan, year), "state": "draft", "is_demo": True},
        )
        if not created:
            report.unchanged += 1
            continue
        report.created += 1
        closed = cycle.report_deadline + dt.timedelta(days=30) < today
        cycle.state = ReportingCycle.State.CLOSED if closed else ReportingCycle.State.OPEN
        cycle.opened_at = _moment(dt.date(year, 10, 1))
        cycle.closed_at = _moment(cycle.report_deadline + dt.timedelta(days=30)) if closed else None
        cycle.save()
        _reports(cycle, seed, today)
    return report


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _reports(cycle: ReportingCycle, seed: int, today: dt.date) -> None:
    expected = selectors.expected_reporters(cycle)
    for agency_id, tasks in sorted(expected.items()):
        rng = _rng(seed, cycle.year, agency_id)
        fate = _fate(rng, cycle, today)
        if fate == "missing":
            continue
        report = AgencyReport.objects.create(
            cycle=cycle, agency_id=agency_id, is_demo=True, summary=_summary(rng, cycle.year)
        )
        TaskReport.objects.bulk_create(_task_report(report, task, rng) for task in tasks)
        opened = _moment(cycle.report_deadline - dt.timedelta(days=rng.randint(20, 40)))
        _step(report, "", "draft", opened, "")
        if fate == "draft":
            continue
        deadline = cycle.report_deadline
        if fate == "late":
            submitted = _moment(deadline + dt.timedelta(days=rng.randint(3, 20)), 15)
        else:
            submitted = _moment(deadline - dt.timedelta(days=rng.randint(1, 12)), 15)
        if submitted.date() > today:
            continue  # the demo's present: this one is still a draft
        report.first_submitted_at = report.submitted_at = submitted
        _step(report, "draft", "submitted", submitted, "")
        if fate == "returned":
            returned = submitted + dt.timedelta(days=3)
            report.state = AgencyReport.State.RETURNED
            _step(
                report,
                "submitted",
                "returned",
                returned,
                "Đề nghị bổ sung số liệu định lượng (số lượt tham gia, kinh phí) "
                "cho từng nhiệm vụ.",
            )
        elif fate == "late" and rng.random() < 0.5:
            report.state = AgencyReport.State.SUBMITTED  # not reviewed yet
        elif fate in ("accepted", "late") and submitted + dt.timedelta(days=5) <= timezone.now():
            report.state = AgencyReport.State.ACCEPTED
            report.accepted_at = submitted + dt.timedelta(days=5)
            _step(report, "submitted", "accepted", report.accepted_at, "")
        else:
            report.state = AgencyReport.State.SUBMITTED
        report.save()


def _fate(rng: random.Random, cycle: ReportingCycle, today: dt.date) -> str:
    roll = rng.random()
    if cycle.report_deadline < today - dt.timedelta(days=30):  # a past, closed year
        if roll < 0.08:
            return "missing"
        if roll < 0.22:
            return "late"
        if roll < 0.27:
            return "returned"
        return "accepted"
    # The current year, deadline ahead: work in progress.
    if roll < 0.25:
        return "missing"  # not started yet
    if roll < 0.5:
        return "draft"
    if roll < 0.6:
        return "returned"
    return "accepted"


def _summary(rng: random.Random, year: int) -> str:
    return (
        f"Năm {year}, cơ quan triển khai các nhiệm vụ được giao tại Kế hoạch 202/KH-UBND theo "
        f"kế hoạch năm; kết quả cụ thể nêu tại từng nhiệm vụ. (Dữ liệu mẫu.)"
    )


def _task_report(report: AgencyReport, task: Task, rng: random.Random) -> TaskReport:
    events, people, firms, docs = (
        rng.randint(1, 6),
        rng.randint(40, 400),
        rng.randint(5, 80),
        rng.randint(1, 4),
    )
    narrative = rng.choice(ACTIVITIES).format(events=events, people=people, firms=firms, docs=docs)
    funding = [key for key in task.funding_sources if key in FundingSource.values]
    budget: dict[str, Any] = {}
    if funding:
        budget[funding[0]] = rng.randint(2, 60) * 5_000_000
    return TaskReport(
        report=report,
        task=task,
        status=rng.choice(["in_progress", "in_progress", "done"]),
        narrative=narrative + " (Dữ liệu mẫu.)",
        events_held=events,
        participants=people,
        enterprises_reached=firms,
        models_built=rng.choice([0, 0, 1, 2]) if "mô hình" in task.content else None,
        documents_issued=docs,
        budget_vnd=budget,
        difficulties=rng.choice(DIFFICULTIES),
        proposals=rng.choice(PROPOSALS),
    )


def _step(report: AgencyReport, old: str, new: str, at: dt.datetime, comment: str) -> None:
    ReportTransition.objects.create(
        report=report,
        from_state=old,
        to_state=new,
        actor_label="dữ liệu mẫu",
        comment=comment,
        at=at,
    )
