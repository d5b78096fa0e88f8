"""Status overrides by the coordinator, progress per target, and the `indicators` command."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from benvung.core.models import AuditEvent
from benvung.indicators import selectors, services
from benvung.indicators.models import Status
from benvung.plans.models import Plan, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get()


def test_every_target_of_the_plan_gets_a_progress_line(plan: Plan) -> None:
    services.recompute(year=2025)
    rows = selectors.progress_list(plan=plan, year=2025)
    assert [p.target.code for p in rows] == list(
        plan.targets.order_by("id").values_list("code", flat=True)
    )
    by_code = {p.target.code: p for p in rows}
    assert by_code["T1-2025"].target_label == "5–8%"
    assert by_code["T3-2025"].target_label == "20–30 mô hình"
    # Nothing recorded, and 2025 is over with no reporting cycle run for it: its figures are
    # final, and a count of zero has not reached the 20 models of T3 — not achieved. The
    # qualitative target says it is qualitative.
    assert by_code["T3-2025"].value == 0
    assert by_code["T3-2025"].status == Status.NOT_ACHIEVED
    assert by_code["T6-2025"].status == Status.QUALITATIVE
    assert by_code["T5-2025"].status == Status.INSUFFICIENT_DATA  # no survey at all


def test_only_the_coordinator_overrides_with_a_reason_and_it_is_audited(
    plan: Plan, coordinator: Any, agency_reporter: Any
) -> None:
    target = Target.objects.get(code="T6-2025")
    with pytest.raises(PermissionDenied):
        services.status_override_set(
            actor=agency_reporter, target=target, year=2025, status="on_track", reason="x" * 20
        )
    with pytest.raises(ValidationError) as refused:
        services.status_override_set(
            actor=coordinator, target=target, year=2025, status="on_track", reason="  ngắn "
        )
    assert "reason" in refused.value.message_dict
    override = services.status_override_set(
        actor=coordinator,
        target=target,
        year=2025,
        status="on_track",
        reason="Sở GD&ĐT báo cáo đã lồng ghép nội dung vào chương trình ngoại khóa.",
    )
    progress = selectors.progress_for(target=target, year=2025)
    assert progress.status == "on_track"
    assert progress.computed_status == "qualitative"
    assert progress.override == override
    assert AuditEvent.objects.filter(action="indicator.status_override").count() == 1
    # A second override replaces the first, which is kept as withdrawn.
    services.status_override_set(
        actor=coordinator,
        target=target,
        year=2025,
        status="needs_acceleration",
        reason="Mới có một trường triển khai, cần mở rộng.",
    )
    assert len(selectors.overrides_for(target=target)) == 2
    override.refresh_from_db()
    assert override.withdrawn_at is not None


def test_the_records_behind_a_figure_are_for_the_coordinator_only(
    coordinator: Any, enterprise_a_user: Any
) -> None:
    services.recompute("scp_models_count", 2025)
    row = selectors.result_get(
        indicator="scp_models_count", year=2025, scope_kind="province", scope_key=""
    )
    assert selectors.result_inputs(viewer=coordinator, result=row) == []
    with pytest.raises(PermissionDenied):
        selectors.result_inputs(viewer=enterprise_a_user, result=row)


def test_the_command_prints_every_target_as_json(plan: Plan) -> None:
    out = StringIO()
    call_command(
        "indicators",
        "--plan",
        "202/KH-UBND",
        "--year",
        "2025",
        "--json",
        "--recompute",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["plan"] == plan.number and data["year"] == 2025
    assert len(data["targets"]) == plan.targets.count()
    first = data["targets"][0]
    for key in (
        "target",
        "baseline",
        "value",
        "target_min",
        "target_max",
        "milestone_year",
        "status",
    ):
        assert key in first
    assert {t["status"] for t in data["targets"]} <= set(Status.values)


def test_the_plan_file_may_only_name_indicators_the_system_computes(tmp_path: Any) -> None:
    from pathlib import Path

    from benvung.plans import loader

    text = loader.DEFAULT_PLAN_FILE.read_text(encoding="utf-8").replace(
        "indicator: scp_models_count", "indicator: so_mo_hinh", 1
    )
    bad = Path(tmp_path) / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(loader.PlanFileError) as refused:
        loader.check(bad)
    assert "so_mo_hinh" in "\n".join(refused.value.problems)
