"""benvung report annual: the synthesis report from the shell, drafted (no number) by default,
issued with --issue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from benvung.reports import services
from benvung.reports.models import GeneratedDocument, RegisteredNumber
from benvung.reports.tests.conftest import ready_to_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(cycle_2025, coordinator):
    ready_to_issue(cycle_2025, coordinator)
    return cycle_2025


def _text(path) -> str:
    docx = Document(str(path))
    text = "\n".join(p.text for p in docx.paragraphs)
    return text + "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)


def _annual(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("report", "annual", "--year", "2025", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_the_command_makes_a_draft_without_a_number(ready, tmp_path):
    out = tmp_path / "du-thao-2025.docx"
    printed, missing = _annual("--plan", "202/KH-UBND", "--out", str(out))
    draft = GeneratedDocument.objects.get()
    assert draft.is_draft and draft.author is None and draft.state == "done"
    assert not RegisteredNumber.objects.exists()
    assert f"#{draft.pk}" in printed and draft.content_hash in printed
    assert "--issue --draft" in printed  # how to issue it
    assert "Kỳ báo cáo năm 2025 chưa đóng" in missing  # what is missing, on stderr
    text = _text(out)
    assert text.startswith("DỰ THẢO") and "SỞ CÔNG THƯƠNG" in text and "01/BC-SCT" not in text


def test_the_command_issues_the_latest_draft(ready, tmp_path):
    _annual("--out", str(tmp_path / "du-thao.docx"))
    draft = GeneratedDocument.objects.get()
    out = tmp_path / "bao-cao-2025.docx"
    # Data are missing (the cycle is open): a confirmation is asked for, and names them.
    with pytest.raises(CommandError, match="--confirm-missing") as excinfo:
        _annual("--issue", "--out", str(out), "--date", "05/01/2026")
    assert "chưa gửi báo cáo" in str(excinfo.value)
    assert not RegisteredNumber.objects.exists()
    printed, _stderr = _annual(
        "--issue", "--out", str(out), "--date", "05/01/2026", "--confirm-missing"
    )
    document = GeneratedDocument.objects.get(is_draft=False)
    assert document.from_draft == draft and document.issued_on.isoformat() == "2026-01-05"
    assert "01/BC-SCT" in printed and document.content_hash in printed
    text = _text(out)
    assert "01/BC-SCT" in text and "DỰ THẢO" not in text
    # The draft is issued once; there is no other draft to issue.
    with pytest.raises(CommandError, match="Chưa có dự thảo"):
        _annual("--issue", "--out", str(out), "--confirm-missing")
    with pytest.raises(CommandError, match="01/BC-SCT"):
        _annual("--issue", "--draft", str(draft.pk), "--out", str(out), "--confirm-missing")
    assert RegisteredNumber.objects.count() == 1


def test_the_command_writes_the_xlsx_annex(ready, tmp_path):
    out = tmp_path / "phu-luc.xlsx"
    _annual("--out", str(out))
    assert out.read_bytes()[:2] == b"PK"


def test_the_command_names_what_is_wrong(ready, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match="--date"):
        _annual("--out", str(out), "--date", "05/01/2026")  # a draft has no date
    with pytest.raises(CommandError, match="Chưa có dự thảo"):
        _annual("--issue", "--out", str(out))
    with pytest.raises(CommandError, match="--draft"):
        _annual("--issue", "--draft", "999", "--out", str(out))
    with pytest.raises(CommandError, match="--date"):
        _annual("--issue", "--out", str(out), "--date", "2026")
    with pytest.raises(CommandError, match="2031"):
        call_command("report", "annual", "--year", "2031", "--out", str(out))
    with pytest.raises(CommandError, match="--out"):
        _annual()
    with pytest.raises(CommandError, match="--agency"):
        call_command("report", "show", "--year", "2025", "--as", "x@test.example")
    assert not GeneratedDocument.objects.exists()


def test_the_command_refuses_a_draft_whose_data_changed(ready, coordinator, tmp_path):
    from benvung.reporting import services as reporting

    _annual("--out", str(tmp_path / "du-thao.docx"))
    area = ready.plan.content_areas.get(number=4)
    reporting.synthesis_save(actor=coordinator, cycle=ready, area=area, text="Mới.", version=None)
    with pytest.raises(CommandError, match="benvung report annual --year 2025 --out"):
        _annual("--issue", "--out", str(tmp_path / "x.docx"), "--confirm-missing")
    assert not RegisteredNumber.objects.exists()


def test_the_commands_date_goes_through_the_pages_checks(ready, tmp_path):
    out = tmp_path / "x.docx"
    _annual("--out", str(out))
    tomorrow = (services.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    for date in (tomorrow, "31/12/2024"):
        with pytest.raises(CommandError, match="--date"):
            _annual("--issue", "--out", str(out), "--date", date, "--confirm-missing")
    _annual("--issue", "--out", str(out), "--date", "10/01/2026", "--confirm-missing")
    _annual("--out", str(out))  # a second draft
    # Issued already: a second number only when asked for...
    with pytest.raises(CommandError, match=r"--confirm-reissue.*01/BC-SCT"):
        _annual("--issue", "--out", str(out), "--date", "11/01/2026", "--confirm-missing")
    # ...and never dated before the first.
    with pytest.raises(CommandError, match=r"--date.*01/BC-SCT"):
        _annual(
            "--issue",
            "--out",
            str(out),
            "--date",
            "05/01/2026",
            "--confirm-missing",
            "--confirm-reissue",
        )
    assert RegisteredNumber.objects.count() == 1


def test_the_output_folder_is_checked_before_anything_is_made(ready, tmp_path, monkeypatch):
    missing = tmp_path / "no-such-folder" / "x.docx"
    with pytest.raises(CommandError, match="--out"):
        _annual("--out", str(missing))
    # A folder this user may not write to (faked: the tests may run as root, who may).
    from benvung.reports.management.commands import report

    monkeypatch.setattr(report.os, "access", lambda path, mode: False)
    with pytest.raises(CommandError, match="--out"):
        _annual("--issue", "--out", str(tmp_path / "x.docx"))
    assert not GeneratedDocument.objects.exists()
    assert not RegisteredNumber.objects.exists()
