"""What the documents say, read from the data (before any rendering)."""

from __future__ import annotations

import json
import re

import pytest

from benvung.plans.models import Task
from benvung.reports import assemble, content
from benvung.reports.tests.conftest import ISSUED

pytestmark = pytest.mark.django_db


def _texts(document: content.OfficialDocument) -> str:
    return json.dumps(content.to_json(document), ensure_ascii=False)


def _all_paragraphs(section: content.Section) -> list[str]:
    found = [p.text for p in section.paragraphs]
    for clause in section.clauses:
        found += _all_paragraphs(clause)
    return found


def test_the_annual_report_is_issued_by_the_department_under_the_provincial_committee(
    cycle_2025,
):
    document = assemble.annual_report(cycle=cycle_2025, number="05/BC-SCT", issued_on=ISSUED)
    assert document.issuer.parent_authority == "UBND TỈNH ĐỒNG NAI"
    assert document.issuer.name == "SỞ CÔNG THƯƠNG"
    assert document.issuer.name_in_text == "Sở Công Thương"
    assert document.issuer.symbol == "SCT"
    assert document.issuer.place == "Đồng Nai"
    assert document.number == "05/BC-SCT"
    assert document.doc_type_symbol == "BC"
    assert document.addressees == ["Ủy ban nhân dân tỉnh Đồng Nai"]
    assert "202/KH-UBND" in document.summary and "2025" in document.summary
    assert len(document.sections) == 4
    assert document.recipients and document.signature is not None


def test_appendix_one_has_a_row_per_target_and_two_a_row_per_task(cycle_2025, plan):
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    targets, tasks, efficiency = document.appendices
    assert [a.numeral for a in document.appendices] == ["I", "II", "III"]
    assert len(targets.tables[0].rows) == plan.targets.filter(retired_at__isnull=True).count()
    expected_tasks = Task.objects.filter(group__plan=plan, retired_at__isnull=True).count()
    assert len(tasks.tables[0].rows) == expected_tasks
    assert tasks.landscape
    assert all(len(r) == len(tasks.tables[0].columns) for r in tasks.tables[0].rows)
    # One row per focus sector, and the province.
    from benvung.directory.models import FocusSector

    assert len(efficiency.tables[0].rows) == FocusSector.objects.count() + 1
    assert [c.kind for c in efficiency.charts] == ["line", "bar"]


def test_each_content_area_carries_its_consolidated_text_and_key_figures(
    cycle_2025, synthesis, province_result
):
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    results = document.sections[0]
    assert len(results.clauses) == cycle_2025.plan.content_areas.count()
    area4 = results.clauses[3]
    texts = [p.text for p in area4.paragraphs]
    assert texts[0] == "Năm 2025, các doanh nghiệp đã áp dụng sản xuất sạch hơn."
    assert area4.paragraphs[1].style == "bullet" and texts[1] == "Ngành dệt may: 3 mô hình."
    # The province's figure, the Vietnamese way, under the areas the indicator concerns.
    assert any("6,3 %" in t for t in texts), texts
    area2 = results.clauses[1]
    assert any("6,3 %" in p.text for p in area2.paragraphs)
    # The counts of the year open the section.
    assert "2025" in results.paragraphs[0].text
    latest = document.appendices[0].tables[0].rows[0][3]
    assert latest.startswith("6,") and "2025" in latest
    chart = document.appendices[2].charts[0]
    assert chart.series[0][1][chart.labels.index("2025")] == 6.25
    assert chart.band == (5.0, 8.0)
    provenance = document.provenance
    used = {r["id"]: r for r in provenance["indicator_results"]}
    assert used[province_result.pk]["input_hash"] == "a" * 64
    assert provenance["syntheses"][0]["version"] == synthesis.version
    assert provenance["computed_at"] and provenance["read_at"]


def test_sections_two_to_four_are_prefilled_from_the_accepted_reports(cycle_2025, accepted_report):
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    agency = accepted_report.agency.short_name
    limitations = _all_paragraphs(document.sections[1])
    assert f"{agency}: Kinh phí còn hạn chế." in limitations
    assert f"{agency}: Đề nghị bổ sung kinh phí tuyên truyền." in _all_paragraphs(
        document.sections[3]
    )
    assert any("2026" in p for p in _all_paragraphs(document.sections[2]))
    # The task table shows the lead agency's status and results.
    rows = document.appendices[1].tables[0].rows
    assert any("Đã tổ chức hội nghị" in row[6] for row in rows)
    assert document.provenance["agency_reports"][0]["version"] == accepted_report.version


def test_the_coordinators_texts_replace_the_prefilled_ones(cycle_2025, accepted_report):
    from benvung.reports.models import AnnualReportText

    AnnualReportText.objects.create(
        cycle=cycle_2025,
        proposals="Đề nghị UBND tỉnh bố trí kinh phí.",
        signer_authority="KT. Giám đốc",
        signer_title="Phó Giám đốc",
        signer_name="Nguyễn Văn A",
        recipients="- Như trên;\n- Bộ Công Thương (b/c);\n- Lưu: VT, QLCN.",
    )
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    assert _all_paragraphs(document.sections[3]) == ["Đề nghị UBND tỉnh bố trí kinh phí."]
    assert document.signature == content.Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A")
    assert document.recipients == ["Như trên", "Bộ Công Thương (b/c)", "Lưu: VT, QLCN"]


def test_an_agency_report_has_its_own_header_tasks_and_records(accepted_report):
    document = assemble.agency_report(
        report=accepted_report, number="03/BC-SNNMT", issued_on=ISSUED
    )
    assert document.issuer.name == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    assert document.issuer.parent_authority == "UBND TỈNH ĐỒNG NAI"
    assert document.issuer.symbol == "SNNMT"
    assert document.addressees == ["Sở Công Thương tỉnh Đồng Nai"]
    tasks = document.sections[0]
    assert len(tasks.clauses) == accepted_report.task_reports.count()
    first = " ".join(p.text for p in tasks.clauses[0].paragraphs)
    assert "Đã tổ chức hội nghị" in first
    assert "1.250" in first and "15.000.000" in first
    assert document.signature is not None and document.signature.name == ""
    assert document.provenance["agency_report"]["version"] == accepted_report.version


def test_the_snapshot_round_trips(cycle_2025, accepted_report, province_result):
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    data = json.loads(json.dumps(content.to_json(document)))
    again = json.loads(json.dumps(content.to_json(content.from_json(data))))
    assert again == data


ENGLISH = {"the", "and", "of", "report", "target", "status", "results", "tasks", "none"}


def _english_words(document: content.OfficialDocument) -> set[str]:
    visible = content.to_json(document)
    visible.pop("provenance")
    text = json.dumps(visible, ensure_ascii=False)
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}


def test_the_vietnamese_documents_have_no_english_words(cycle_2025, accepted_report):
    """Needs the Vietnamese catalogue of the documents' texts (filled by the lead)."""
    annual = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    agency = assemble.agency_report(report=accepted_report, number="01/BC-SNNMT", issued_on=ISSUED)
    assert _english_words(annual) == set()
    assert _english_words(agency) == set()
