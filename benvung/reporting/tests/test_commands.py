"""The whole cycle from the shell: `benvung cycle`, `benvung report`, `benvung cycle_status`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benvung.core.models import AuditEvent
from benvung.reporting.models import AgencyReport
from benvung.reporting.tests.conftest import at

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _report(*args: str, user, agency=None) -> str:
    key = (agency or user.organisation).agency.key
    return _run("report", *args, "--year", "2025", "--agency", key, "--as", user.email)


def test_a_whole_cycle_through_the_commands(tmp_path, plan, coordinator, agency_reporter):
    with at("2025-09-01"):
        _run("cycle", "create", "--year", "2025", "--as", coordinator.email)
        _run("cycle", "open", "--year", "2025", "--as", coordinator.email)
    with at("2025-11-10"):
        assert "bản nháp" in _report("start", user=agency_reporter)
        shown = json.loads(_report("show", "--json", user=agency_reporter))
        codes = list(shown["tasks"])
        content = {
            "summary": "Tổng quát năm 2025.",
            "tasks": {
                code: {
                    "status": "done",
                    "narrative": f"Kết quả {code}",
                    "events_held": 2,
                    "budget_vnd": {"provincial_budget": 10_000_000},
                }
                for code in codes
            },
        }
        path = tmp_path / "bao-cao.json"
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        _report("fill", "--file", str(path), user=agency_reporter)
        assert "đã gửi" in _report("submit", user=agency_reporter)
    with at("2025-11-12"):
        _report(
            "return",
            "--comment",
            "Bổ sung số người tham gia.",
            user=coordinator,
            agency=agency_reporter.organisation,
        )
    with at("2025-11-13"):
        patch = {"tasks": {codes[0]: {"participants": 120}}}
        path.write_text(json.dumps(patch), encoding="utf-8")
        _report("fill", "--file", str(path), user=agency_reporter)
        _report("submit", user=agency_reporter)
        assert "đã chấp nhận" in _report(
            "accept", user=coordinator, agency=agency_reporter.organisation
        )
    report = AgencyReport.objects.get(agency=agency_reporter.organisation)
    first = report.task_reports.get(
        task__group__numeral=codes[0].split(".")[0], task__number=int(codes[0].split(".")[1])
    )
    # The second fill changed one number and kept everything else.
    assert first.participants == 120 and first.narrative == f"Kết quả {codes[0]}"
    assert first.budget_vnd == {"provincial_budget": 10_000_000}
    with at("2025-11-20"):
        status = json.loads(_run("cycle_status", "--year", "2025", "--json"))
    row = next(r for r in status["agencies"] if r["agency"] == agency_reporter.organisation.name)
    assert row["status"] == "accepted"
    actions = list(
        AuditEvent.objects.filter(context__source="command").values_list("action", flat=True)
    )
    assert {"report.start", "report.submit", "report.returned", "report.accepted"} <= set(actions)


def test_a_bad_file_names_each_problem_and_saves_nothing(tmp_path, cycle_2025, agency_reporter):
    with at("2025-11-10"):
        _report("start", user=agency_reporter)
        path = tmp_path / "sai.json"
        path.write_text(
            json.dumps(
                {
                    "summary": "Không được lưu",
                    "tasks": {
                        "IX.99": {"status": "done"},
                        "II.1": {"status": "xong", "participants": -3},
                    },
                }
            ),
            encoding="utf-8",
        )
        with pytest.raises(CommandError) as excinfo:
            _report("fill", "--file", str(path), user=agency_reporter)
    message = str(excinfo.value)
    assert "IX.99" in message
    report = AgencyReport.objects.get(agency=agency_reporter.organisation)
    assert report.summary == ""
    path.write_text("{không phải json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        _report("fill", "--file", str(path), user=agency_reporter)


def test_another_organisation_cannot_act_on_the_report(
    cycle_2025, agency_reporter, enterprise_a_user
):
    with at("2025-11-10"):
        _report("start", user=agency_reporter)
        key = agency_reporter.organisation.agency.key
        for action in ("show", "submit"):
            with pytest.raises(CommandError, match="Không có báo cáo"):
                _run(
                    "report",
                    action,
                    "--year",
                    "2025",
                    "--agency",
                    key,
                    "--as",
                    enterprise_a_user.email,
                )
        with pytest.raises(CommandError, match="không có quyền"):
            _run(
                "report",
                "start",
                "--year",
                "2025",
                "--agency",
                key,
                "--as",
                enterprise_a_user.email,
            )
