"""`benvung load_plan`: all or nothing, idempotent, history kept, errors named by line."""

import datetime as dt
import json
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from benvung.core.models import AuditEvent
from benvung.plans import selectors
from benvung.plans.loader import DEFAULT_PLAN_FILE, PlanFileError, load_plan
from benvung.plans.models import ContentPoint, Plan, PlanRevision, Target, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(number="202/KH-UBND")


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    path = tmp_path / "plan.yaml"
    shutil.copy(DEFAULT_PLAN_FILE, path)
    return path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _state() -> tuple:
    return (
        list(Task.objects.order_by("pk").values_list("content", "retired_at")),
        list(Target.objects.order_by("pk").values_list("min_value", "max_value", "value")),
        PlanRevision.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_loaded_plan_has_every_part(plan):
    assert plan.issued_on == dt.date(2022, 9, 14)
    assert plan.issuer.key == "ubnd-tinh" and plan.coordinator.key == "sct"
    # "trước ngày 01/12": 1 December is named, 30 November is the last day on time.
    assert plan.report_deadline_named(2025) == dt.date(2025, 12, 1)
    assert plan.report_deadline_before is True
    assert plan.report_deadline(2025) == dt.date(2025, 11, 30)
    assert plan.targets.count() == 10
    assert plan.content_areas.count() == 15
    assert ContentPoint.objects.filter(area__plan=plan).count() == 50
    assert plan.task_groups.count() == 12
    assert Task.objects.filter(group__plan=plan).count() == 28
    t1 = plan.targets.get(code="T1-2025")
    assert (t1.min_value, t1.max_value, t1.value) == (Decimal(5), Decimal(8), None)
    assert t1.target_display == "5-8 %"
    assert plan.targets.get(code="T3-2025").target_display == "20-30 mô hình"
    assert plan.targets.get(code="T5-2025").value == 85
    assert plan.targets.get(code="T6-2025").target_display == ""


def test_loading_the_same_file_again_changes_nothing(plan):
    before = _state()
    result = load_plan()
    assert not result.changed and result.revision is None
    assert _state() == before


def test_an_edited_file_updates_in_place_and_keeps_history(plan, plan_copy):
    task = Task.objects.get(code="IX.2")
    _replace(
        plan_copy, "Xuất bản, in ấn tài liệu, sổ tay,", "Xuất bản, in ấn tài liệu, tờ rơi, sổ tay,"
    )
    result = load_plan(plan_copy)
    assert result.changed and result.revision is not None
    task.refresh_from_db()
    assert "tờ rơi" in task.content
    event = AuditEvent.objects.filter(action="plan_task.update", target_id=str(task.pk)).get()
    assert "tờ rơi" not in event.before["content"] and "tờ rơi" in event.after["content"]
    assert Task.objects.filter(code="IX.2").count() == 1  # updated in place, not duplicated


def test_a_task_removed_from_the_file_is_retired_not_deleted(plan, plan_copy):
    text = plan_copy.read_text(encoding="utf-8")
    start = text.index("      - number: 2\n        content: >-\n          Xuất bản")
    end = text.index("  - numeral: X\n")
    plan_copy.write_text(text[:start] + text[end:], encoding="utf-8")
    load_plan(plan_copy)
    task = Task.objects.get(code="IX.2")
    assert task.retired_at is not None
    assert [t.code for t in selectors.task_groups(plan).get(numeral="IX").tasks.all()] == ["IX.1"]
    load_plan()  # restored in the file: back in the plan
    task.refresh_from_db()
    assert task.retired_at is None


@pytest.mark.parametrize(
    ("old", "new", "line_of", "expected"),
    [
        (
            "lead: [skhdt]",
            "lead: [so-khong-co]",
            "lead: [so-khong-co]",
            "trường task_groups[6].tasks[1].lead[1]: không có cơ quan “so-khong-co”",
        ),
        (
            "    target: 5-8\n",
            "    target: 8-5\n",
            "    target: 8-5",
            "trường targets[1].target: khoảng “8-5” phải viết dạng nhỏ nhất-lớn nhất",
        ),
        (
            "    target: 5-8\n",
            "    target: 5 đến 8\n",
            "    target: 5 đến 8",
            "trường targets[1].target: “5 đến 8” không đúng dạng quy định",
        ),
        (
            "      - number: 2\n        content: >-\n          Tham mưu",
            "      - number: 1\n        content: >-\n          Tham mưu",
            "      - number: 1\n        content: >-\n          Tham mưu",
            "trường task_groups[1].tasks[2].number: nhiệm vụ số 1 xuất hiện hai lần trong nhóm I",
        ),
        (
            "lead: [skhdt]",
            "lead: [skhdt",
            None,
            "không phải YAML hợp lệ",
        ),
        (
            # YAML itself would keep the second value silently.
            "        lead: [skhdt]\n",
            "        lead: [skhdt]\n        lead: [sct]  # viết trùng\n",
            "# viết trùng",
            "trường task_groups[6].tasks[1].lead: trường “lead” được ghi hai lần",
        ),
    ],
)
def test_a_bad_file_names_line_and_field_and_changes_nothing(
    plan, plan_copy, old, new, line_of, expected
):
    _replace(plan_copy, old, new)
    before = _state()
    with pytest.raises(PlanFileError) as excinfo:
        load_plan(plan_copy)
    problems = excinfo.value.problems
    assert any(expected in p for p in problems), problems
    if line_of:
        text = plan_copy.read_text(encoding="utf-8")
        line = text[: text.index(line_of)].count("\n") + 1
        assert any(f"dòng {line}," in p for p in problems), (line, problems)
    assert _state() == before


def test_an_indicator_no_app_computes_is_refused_naming_those_the_apps_registered(plan, plan_copy):
    # The measures are registered by the apps that hold their data (resources, outreach,
    # retail): the loader sees them all, and nothing else.
    _replace(plan_copy, "indicator: scp_models_count", "indicator: so_mo_hinh")
    with pytest.raises(PlanFileError) as excinfo:
        load_plan(plan_copy)
    [problem] = [p for p in excinfo.value.problems if "so_mo_hinh" in p]
    assert "chỉ số “so_mo_hinh” không xác định" in problem
    for code in (
        "resource_consumption_reduction",
        "scp_models_count",
        "district_campaign_share",
        "retail_ecopackaging_share",
        "scp_in_education",
    ):
        assert code in problem


def test_the_command_reports_every_problem_and_fails(plan_copy):
    _replace(plan_copy, "lead: [skhdt]", "lead: [khong-co]")
    _replace(plan_copy, "    target: 70\n", "    target: 70-60\n")
    err = StringIO()
    with pytest.raises(CommandError, match="2 lỗi"):
        call_command("load_plan", str(plan_copy), stderr=err)
    assert err.getvalue().count("dòng") == 2


def test_a_task_shows_who_it_was_assigned_to_and_who_answers_today(plan):
    task = Task.objects.get(code="VI.1")
    (lead,) = [a for a in selectors.assignees(task, dt.date(2025, 12, 1)) if a.role == "lead"]
    assert lead.assigned.key == "skhdt"
    assert [o.name for o in lead.responsible] == ["Sở Tài chính tỉnh Đồng Nai"]
    assert lead.changed
    (before_merger,) = [
        a for a in selectors.assignees(task, dt.date(2024, 6, 1)) if a.role == "lead"
    ]
    assert [o.key for o in before_merger.responsible] == ["skhdt"] and not before_merger.changed


def test_district_committees_are_the_former_dong_nai_districts_then_their_communes(plan):
    group = plan.agency_groups.get(key="district_committees")
    in_2024 = selectors.group_members(group, dt.date(2024, 6, 1))
    assert len(in_2024) == 11  # Biên Hòa, Long Khánh and 9 districts; not Bình Phước's
    assert all(o.specific.agency_type == "district_committee" for o in in_2024)
    in_2025 = selectors.group_members(group, dt.date(2025, 12, 1))
    assert in_2025 and all(o.specific.agency_type == "commune_committee" for o in in_2025)
    assert len(in_2025) < 95  # the communes of the former Đồng Nai only


def test_plan_summary_json(plan):
    out = StringIO()
    call_command(
        "plan_summary", "--plan", "202/KH-UBND", "--json", "--on", "2025-12-01", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["task_count"] == 28 and len(data["groups"]) == 12
    assert [g["task_count"] for g in data["groups"]] == [2, 3, 4, 2, 2, 4, 3, 2, 2, 1, 1, 2]
    t1 = next(t for t in data["targets"] if t["code"] == "T1-2025")
    assert t1["range"] == {"min": 5.0, "max": 8.0} and t1["milestone_year"] == 2025
    vi1 = next(t for g in data["groups"] for t in g["tasks"] if t["code"] == "VI.1")
    assert vi1["lead"][0]["assigned"] == "skhdt"
    assert vi1["lead"][0]["responsible_today"] == ["Sở Tài chính tỉnh Đồng Nai"]
    assert vi1["period"] == {"start": 2022, "end": 2030} and vi1["frequency"] == "annual"


def test_plan_pages_are_public(plan, client):
    from django.urls import reverse

    for url in (
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:task_list", args=[plan.pk]),
        reverse("plans:task_detail", args=[Task.objects.get(code="VI.1").pk]),
        reverse("plans:plan_history", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("plans:task_detail", args=[Task.objects.get(code="VI.1").pk]))
    assert "Sở Tài chính tỉnh Đồng Nai" in body.content.decode()
