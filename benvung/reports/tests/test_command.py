"""benvung report annual: the synthesis report from the shell."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from benvung.reports import services
from benvung.reports.models import GeneratedDocument, RegisteredNumber

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_docx_that_opens(cycle_2025, tmp_path):
    out = tmp_path / "bao-cao-2025.docx"
    stdout = io.StringIO()
    call_command(
        "report",
        "annual",
        "--plan",
        "202/KH-UBND",
        "--year",
        "2025",
        "--out",
        str(out),
        "--date",
        "05/01/2026",
        stdout=stdout,
    )
    document = GeneratedDocument.objects.get()
    assert document.author is None and document.state == "done"
    assert document.issued_on.isoformat() == "2026-01-05"
    printed = stdout.getvalue()
    assert "01/BC-SCT" in printed and document.content_hash in printed
    docx = Document(str(out))
    text = "\n".join(p.text for p in docx.paragraphs)
    text += "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "01/BC-SCT" in text and "SỞ CÔNG THƯƠNG" in text


def test_the_command_writes_the_xlsx_annex(cycle_2025, tmp_path):
    out = tmp_path / "phu-luc.xlsx"
    call_command("report", "annual", "--year", "2025", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes()[:2] == b"PK"


def test_the_command_names_what_is_wrong(cycle_2025, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match="--date"):
        call_command("report", "annual", "--year", "2025", "--out", str(out), "--date", "2026")
    with pytest.raises(CommandError, match="2031"):
        call_command("report", "annual", "--year", "2031", "--out", str(out))
    with pytest.raises(CommandError, match="--out"):
        call_command("report", "annual", "--year", "2025")
    with pytest.raises(CommandError, match="--agency"):
        call_command("report", "show", "--year", "2025", "--as", "x@test.example")
    assert not GeneratedDocument.objects.exists()


def test_the_commands_date_goes_through_the_pages_checks(cycle_2025, tmp_path):
    out = tmp_path / "x.docx"
    tomorrow = (services.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    for date in (tomorrow, "31/12/2024"):
        with pytest.raises(CommandError, match="--date"):
            call_command("report", "annual", "--year", "2025", "--out", str(out), "--date", date)
    call_command(
        "report",
        "annual",
        "--year",
        "2025",
        "--out",
        str(out),
        "--date",
        "10/01/2026",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match=r"--date.*01/BC-SCT"):
        call_command(
            "report", "annual", "--year", "2025", "--out", str(out), "--date", "05/01/2026"
        )
    assert RegisteredNumber.objects.count() == 1


def test_the_output_folder_is_checked_before_a_number_is_taken(cycle_2025, tmp_path, monkeypatch):
    missing = tmp_path / "no-such-folder" / "x.docx"
    with pytest.raises(CommandError, match="--out"):
        call_command("report", "annual", "--year", "2025", "--out", str(missing))
    # A folder this user may not write to (faked: the tests may run as root, who may).
    from benvung.reporting.management.commands import report

    monkeypatch.setattr(report.os, "access", lambda path, mode: False)
    with pytest.raises(CommandError, match="--out"):
        call_command("report", "annual", "--year", "2025", "--out", str(tmp_path / "x.docx"))
    assert not RegisteredNumber.objects.exists()
