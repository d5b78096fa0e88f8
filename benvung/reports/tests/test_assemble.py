"""What the documents say, read from the data (before any rendering)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

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
    # No agency has reported yet: no appendix of their reports.
    targets, tasks, _efficiency = document.appendices
    assert [a.numeral for a in document.appendices] == ["I", "II", "III"]
    assert len(targets.tables[0].rows) == plan.targets.filter(retired_at__isnull=True).count()
    expected_tasks = Task.objects.filter(group__plan=plan, retired_at__isnull=True).count()
    assert len(tasks.tables[0].rows) == expected_tasks
    assert tasks.landscape
    assert all(len(r) == len(tasks.tables[0].columns) for r in tasks.tables[0].rows)


def _submitted_brewery(coordinator: Any, year: int = 2025) -> None:
    """An enterprise's figures of the baseline year and of `year`, submitted."""
    from benvung.conftest import make_enterprise, make_site
    from benvung.resources import services as resources

    enterprise = make_enterprise("Công ty Bia Thử nghiệm", "312345678", sector_code="1103")
    site = make_site(enterprise, "Nhà máy bia Long Thành")
    for y, hl, kwh in ((2021, 100_000, 2_500_000), (year, 110_000, 2_600_000)):
        saved = resources.site_year_save(
            actor=coordinator,
            site=site,
            year=y,
            outputs=[
                {"product": "Bia lon", "category": "beer", "quantity": hl, "unit": "hl"},
            ],
            energy=[{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
            materials=[],
        )
        resources.site_year_submit(actor=coordinator, site_year=saved)


def test_appendix_three_has_a_row_per_sector_and_two_charts_when_enterprises_reported(
    cycle_2025, coordinator
):
    from benvung.directory.models import FocusSector

    _submitted_brewery(coordinator)
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    efficiency = document.appendices[2]
    # One row per focus sector, and the province.
    assert len(efficiency.tables[0].rows) == FocusSector.objects.count() + 1
    assert [c.kind for c in efficiency.charts] == ["bar"]  # no province series computed here
    assert efficiency.charts[0].caption.startswith("Hình 1. ")
    assert document.provenance["efficiency"]["submitted_enterprises"] == 1


def test_a_year_without_enterprise_figures_says_so_without_a_table_or_a_chart(cycle_2025):
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    efficiency = document.appendices[2]
    assert efficiency.tables == [] and efficiency.charts == []
    [sentence] = efficiency.intro
    assert "chưa có doanh nghiệp nào gửi số liệu năng lượng, sản xuất năm 2025" in sentence.text


def test_a_year_without_enterprise_figures_keeps_the_chart_of_the_years_before(
    cycle_2025, province_result
):
    from benvung.indicators.models import IndicatorResult

    # Figures of 2024 exist; 2025 has none yet.
    IndicatorResult.objects.filter(
        indicator=province_result.indicator, year=2024, scope_kind="province", scope_key=""
    ).delete()
    IndicatorResult.objects.filter(pk=province_result.pk).update(year=2024)
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    [line] = document.appendices[2].charts
    assert line.kind == "line" and line.caption.startswith("Hình 1. ")
    assert line.series[0][1][line.labels.index("2024")] == 6.25
    assert line.series[0][1][line.labels.index("2025")] is None


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


# --- Review fixes --------------------------------------------------------------------------


def _commune(name: str) -> Any:
    from benvung.directory.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(name=name).first()
    if unit is None:
        unit = AdministrativeUnit.objects.create(
            edition="2025",
            level="commune",
            code="99999",
            name=name,
            unit_type=name.split()[0],
            search_key=name.lower(),
            valid_from=dt.date(2025, 7, 1),
        )
    return unit


def test_a_peoples_committee_dates_its_documents_where_it_sits(db):
    from benvung.directory.models import Agency

    committee = Agency.objects.create(
        key="ubnd-bien-hoa-thu",
        name="Ủy ban nhân dân phường Biên Hòa",
        agency_type=Agency.AgencyType.COMMUNE_COMMITTEE,
        symbol="UBND",
        parent_authority="UBND tỉnh Đồng Nai",
        governed_unit=_commune("Phường Biên Hòa"),
    )
    assert assemble.issuer_of(committee, "Đồng Nai").place == "Biên Hòa"
    department = Agency.objects.get(key="snnmt")
    assert assemble.issuer_of(department, "Đồng Nai").place == "Đồng Nai"
    assert assemble.place_of_unit("Xã Phú Lý") == "Phú Lý"
    assert assemble.place_of_unit("Thị trấn Vĩnh An") == "Vĩnh An"


def test_the_default_recipients_do_not_repeat_the_addressee(cycle_2025):
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    assert document.recipients[0] == "Như trên"
    assert document.recipients[-1] == "Lưu: VT"
    assert len(document.recipients) == 3
    assert not any("Ủy ban nhân dân tỉnh" in r for r in document.recipients)


def test_the_drafting_unit_is_named_in_the_archive_line(cycle_2025):
    from benvung.reports.models import AnnualReportText

    AnnualReportText.objects.create(cycle=cycle_2025, drafting_unit="QLCN")
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    assert document.recipients[0] == "Như trên" and document.recipients[-1] == "Lưu: VT, QLCN"


def test_an_agency_report_without_its_own_difficulties_gives_the_tasks(accepted_report):
    from benvung.reporting.models import AgencyReport

    AgencyReport.objects.filter(pk=accepted_report.pk).update(difficulties="", proposals="")
    entries = list(accepted_report.task_reports.select_related("task").order_by("pk"))
    entries[0].difficulties = "Thiếu kinh phí."
    entries[0].proposals = "Bổ sung kinh phí."
    entries[0].save()
    for entry in entries[1:]:
        entry.difficulties = "Thiếu kinh phí."
        entry.save()
    document = assemble.agency_report(report=accepted_report, number="", issued_on=ISSUED)
    difficulties = [p.text for p in document.sections[2].paragraphs]
    codes = ", ".join(e.task.code for e in entries)
    assert difficulties == [f"{codes}: Thiếu kinh phí."]
    assert [p.text for p in document.sections[3].paragraphs] == [
        f"{entries[0].task.code}: Bổ sung kinh phí."
    ]
    assert document.sections[2].paragraphs[0].style == "bullet"


def test_the_introduction_quotes_the_plans_title(cycle_2025, accepted_report):
    annual = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    agency = assemble.agency_report(report=accepted_report, number="", issued_on=ISSUED)
    for document in (annual, agency):
        introduction = document.introduction[0].text
        assert "Kế hoạch hành động về sản xuất và tiêu dùng bền vững trong công nghiệp" in (
            introduction
        )
        assert "về hành động về" not in introduction


def test_an_agency_names_itself_in_full_in_its_own_report(accepted_report):
    from benvung.directory.models import Agency

    Agency.objects.filter(pk=accepted_report.agency_id).update(short_name="SNNMT")
    document = assemble.agency_report(report=accepted_report, number="", issued_on=ISSUED)
    for paragraph in (document.introduction[0], document.closing[0]):
        assert "Sở Nông nghiệp và Môi trường" in paragraph.text
        assert "SNNMT" not in paragraph.text


def test_the_counts_say_plainly_when_no_agency_reported(cycle_2025):
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    counts = document.sections[0].paragraphs[0].text
    assert "2025" in counts
    assert not re.search(r"\b0\b", counts), counts


def test_the_drafting_unit_joins_a_typed_archive_line_once():
    assert assemble.recipients_list("Lưu: VT, KTNS", "KT") == ["Lưu: VT, KTNS, KT"]
    assert assemble.recipients_list("- Lưu: VT, QLCN.\n- Như trên;", "qlcn") == [
        "Như trên",
        "Lưu: VT, QLCN",
    ]
    assert assemble.recipients_list("Lưu: VT\nLưu: VT, QLCN", "") == ["Lưu: VT"]


def test_a_sentence_gets_one_full_stop_even_inside_brackets():
    assert assemble._sentence("Đã tổ chức 2 hội nghị") == "Đã tổ chức 2 hội nghị."
    assert assemble._sentence("Đã tổ chức 2 hội nghị (Dữ liệu mẫu.)") == (
        "Đã tổ chức 2 hội nghị (Dữ liệu mẫu.)"
    )
    assert assemble._sentence("Kết quả (mẫu)") == "Kết quả (mẫu)."
    assert assemble._sentence("  ") == ""


# --- Section I without a consolidated text; the agencies' appendix; units; missing data -------


def test_without_a_consolidated_text_an_area_is_a_short_synthesis(cycle_2025, coordinator):
    from benvung.reports.tests.conftest import realistic_reports

    realistic_reports(cycle_2025)
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    results = document.sections[0]
    assert any("Phụ lục IV" in p.text for p in results.paragraphs)
    for clause in results.clauses:
        lines = [p.text for p in clause.paragraphs if not p.text.startswith("Chỉ số chính")]
        if not lines or lines[0].startswith("Năm 2025, không có kết quả"):
            continue
        assert lines[0].startswith("Năm 2025, có ") and "cơ quan, đơn vị báo cáo" in lines[0]
        assert lines[1].startswith("Kết quả chủ yếu các cơ quan, đơn vị báo cáo: ")
        bullets = [p.text for p in clause.paragraphs if p.style == "bullet"]
        named = [b.split(": ", 1)[0] for b in bullets]
        # At most one sentence per agency.
        agencies = [a for names in named for a in names.split(", ")]
        assert len(agencies) == len(set(agencies))
        for bullet in bullets:
            sentence = bullet.split(": ", 1)[1]
            assert sentence.count(". ") == 0, sentence
    # Short: a few lines per area, where the agencies' texts pasted one after another made pages.
    words = sum(len(p.split()) for c in results.clauses for p in _all_paragraphs(c))
    appendix = document.appendices[3]
    appendix_words = sum(len(p.split()) for s in appendix.sections for p in _all_paragraphs(s))
    assert words * 4 < appendix_words


def test_the_agencies_appendix_keeps_their_full_texts_by_area_and_task(cycle_2025, accepted_report):
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    assert [a.numeral for a in document.appendices] == ["I", "II", "III", "IV"]
    agencies = document.appendices[3]
    assert agencies.title == "Tổng hợp báo cáo của các cơ quan, đơn vị năm 2025"
    areas = {s.heading for s in agencies.sections}
    assert areas <= {a.title for a in cycle_2025.plan.content_areas.all()}
    name = accepted_report.agency.short_name
    for entry in accepted_report.task_reports.select_related("task"):
        area = next(
            s for s in agencies.sections if s.heading == entry.task.group.content_area.title
        )
        task = next(c for c in area.clauses if c.heading.startswith(f"{entry.task.code}. "))
        assert any(
            p.style == "bullet" and p.text.startswith(name) and entry.narrative in p.text
            for p in task.paragraphs
        ), task.paragraphs


def test_a_qualitative_target_carries_the_unit_of_its_indicator(cycle_2025):
    from benvung.indicators.models import IndicatorResult

    IndicatorResult.objects.update_or_create(
        indicator="scp_in_education",
        year=2025,
        scope_kind="province",
        scope_key="",
        defaults={
            "scope_label": "Province",
            "value": 31,
            "input_hash": "b" * 64,
            "computed_at": timezone.now(),
        },
    )
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    rows = document.appendices[0].tables[0].rows
    t6 = next(r for r in rows if r[1].startswith("Khuyến khích lồng ghép"))
    assert t6[3] == "31 hoạt động (năm 2025)"


def test_the_missing_data_of_an_open_year(cycle_2025, accepted_report):
    from benvung.reports import readiness

    gaps = {g.code: g for g in readiness.annual_gaps(cycle_2025)}
    assert gaps["cycle_not_closed"].params["year"] == 2025
    missing = gaps["reports_missing"].params
    assert missing["expected"] > missing["missing"] > 0
    assert accepted_report.agency.name not in missing["names"]
    assert "no_enterprise_figures" in gaps
    messages = readiness.messages(gaps.values())
    assert messages[0].startswith("Kỳ báo cáo năm 2025 chưa đóng")
    assert any(
        m.startswith(f"{missing['missing']}/{missing['expected']} cơ quan") for m in messages
    )


def test_a_closed_year_with_every_report_and_figures_lacks_nothing(
    cycle_2025, coordinator, monkeypatch
):
    from benvung.reporting.models import ReportingCycle
    from benvung.reports import readiness
    from benvung.reports.tests.conftest import realistic_reports

    realistic_reports(cycle_2025)
    ReportingCycle.objects.filter(pk=cycle_2025.pk).update(state="closed")
    cycle_2025.refresh_from_db()
    _submitted_brewery(coordinator)
    codes = {g.code for g in readiness.annual_gaps(cycle_2025)}
    assert "cycle_not_closed" not in codes and "reports_missing" not in codes
    assert "no_enterprise_figures" not in codes and "areas_without_reports" not in codes


def test_an_agency_report_lacks_the_tasks_it_left_empty(accepted_report):
    from benvung.reports import readiness

    assert readiness.agency_gaps(accepted_report) == []
    entry = accepted_report.task_reports.first()
    entry.narrative = ""
    entry.events_held = entry.participants = None
    entry.budget_vnd = {}
    entry.save()
    [gap] = readiness.agency_gaps(accepted_report)
    assert gap.params["tasks"] == [entry.task.code]
    entry.status = "not_applicable"  # nothing to report on a task that does not apply
    entry.save()
    assert readiness.agency_gaps(accepted_report) == []


def test_a_part_an_app_registers_is_printed_in_its_place_and_appendices_renumbered(cycle_2025):
    from benvung.reports import sections

    sections.RECORDED.register(
        "throwaway", sections.Part(order=15, build=lambda annual: ["Đã ghi nhận 3 lượt thử."])
    )
    sections.APPENDICES.register(
        "throwaway",
        sections.Part(
            order=25, build=lambda annual: content.Appendix(numeral="", title="Phụ lục thử")
        ),
    )
    try:
        document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    finally:
        sections.RECORDED.unregister("throwaway")
        sections.APPENDICES.unregister("throwaway")
    assert [(a.numeral, a.title) for a in document.appendices][1:3] == [
        ("II", document.appendices[1].title),
        ("III", "Phụ lục thử"),
    ]
    # The efficiency appendix (resources) follows, numbered IV.
    assert document.appendices[3].numeral == "IV"
    assert "Đã ghi nhận 3 lượt thử." in [p.text for p in document.sections[0].paragraphs]
    # Without it the document is as before: three appendices, I to III.
    again = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    assert [a.numeral for a in again.appendices] == ["I", "II", "III"]
    assert "Đã ghi nhận 3 lượt thử." not in [p.text for p in again.sections[0].paragraphs]
