"""The suggested synthesis of a content area: short, with the sums of the figures, one sentence
per lead agency; what the consolidation editor starts from when nothing is written."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from benvung.conftest import client_for
from benvung.reporting import consolidation
from benvung.reporting.consolidation import Entry
from benvung.reporting.models import AgencyReport, Synthesis
from benvung.reporting.tests.conftest import at, report_post_data


def _entry(agency: str, pk: int, task: str = "III.1", *, lead: bool = False, **kwargs) -> Entry:
    return Entry(
        agency=agency,
        agency_id=pk,
        task_code=task,
        lead=lead,
        commune=kwargs.pop("commune", False),
        narrative=kwargs.pop("narrative", ""),
        counts=kwargs.pop("counts", {}),
        funds=kwargs.pop("funds", 0),
    )


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Tổ chức 3 hội nghị. (Dữ liệu mẫu.)", "Tổ chức 3 hội nghị."),
        (
            "Kiểm tra 2 cơ sở tại TP. Biên Hòa. Ban hành 1 văn bản.",
            "Kiểm tra 2 cơ sở tại TP. Biên Hòa.",
        ),
        ("Tổ chức 2 lớp. Hướng dẫn 5 doanh nghiệp.", "Tổ chức 2 lớp."),
        (
            "Đã ban hành 1,5 nghìn tờ rơi; tập huấn 3 lớp",
            "Đã ban hành 1,5 nghìn tờ rơi; tập huấn 3 lớp",
        ),
        ("  Nhiều   khoảng trắng.\nDòng hai. ", "Nhiều khoảng trắng."),
    ],
)
def test_the_first_sentence_of_a_text(text, first):
    assert consolidation.first_sentence(text) == first


def test_the_suggestion_sums_the_figures_and_gives_one_sentence_per_lead_agency():
    entries = [
        _entry(
            "Sở Công Thương",
            1,
            "III.1",
            lead=True,
            narrative="Tổ chức 3 hội nghị cho 250 doanh nghiệp. Chi tiết kèm theo.",
            counts={"events_held": 3, "participants": 250, "enterprises_reached": 40},
            funds=15_000_000,
        ),
        # The same agency on a second task: still one sentence.
        _entry(
            "Sở Công Thương",
            1,
            "III.2",
            lead=True,
            narrative="Ban hành 2 văn bản.",
            counts={"documents_issued": 2, "models_built": 0},
        ),
        _entry("Sở Y tế", 2, "III.2", lead=True, narrative="Ban hành 2 văn bản."),
        _entry("Sở Tư pháp", 3, "III.2", lead=True, narrative="Ban hành 2 văn bản."),
        _entry(
            "Sở Tài chính",
            4,
            narrative="Phối hợp thẩm định kinh phí.",
            counts={"participants": 1_000},
            funds=1_250_000_000,
        ),
        _entry("UBND Xã A", 5, narrative="Tuyên truyền trên loa.", commune=True),
        _entry("UBND Xã B", 6, narrative="Tuyên truyền trên loa.", commune=True),
        _entry("UBND Xã C", 7, commune=True),  # reported nothing: not counted
    ]
    with translation.override("vi"):
        text = consolidation.suggestion(entries, year=2025)
    lines = text.splitlines()
    assert lines[0] == (
        "Năm 2025, có 6 cơ quan, đơn vị báo cáo kết quả thực hiện 2 nhiệm vụ thuộc nội dung này "
        "(3 cơ quan chủ trì, 3 cơ quan phối hợp)."
    )
    # The sums; a count every agency left at 0 (models) is not written.
    assert lines[1] == (
        "Kết quả chủ yếu các cơ quan, đơn vị báo cáo: tổ chức 3 hội nghị, lớp tập huấn, sự "
        "kiện; 1.250 lượt người tham gia; tiếp cận 40 doanh nghiệp; ban hành 2 văn bản hướng "
        "dẫn, chỉ đạo; kinh phí thực hiện 1.265.000.000 đồng."
    )
    # One sentence per lead agency, the same sentence naming its agencies together.
    assert lines[2:4] == [
        "- Sở Công Thương: Tổ chức 3 hội nghị cho 250 doanh nghiệp.",
        "- Sở Y tế, Sở Tư pháp: Ban hành 2 văn bản.",
    ]
    # Co-agencies named, communes counted: no sentence of theirs.
    assert lines[4] == "Các cơ quan phối hợp cùng báo cáo: Sở Tài chính, 2 UBND cấp xã."
    assert len(lines) == 5
    assert "Tuyên truyền trên loa" not in text


def test_no_report_no_suggestion():
    assert consolidation.suggestion([], year=2025) == ""
    assert consolidation.suggestion([_entry("UBND Xã C", 7, commune=True)], year=2025) == ""


def test_without_a_lead_agency_the_suggestion_says_so():
    with translation.override("vi"):
        text = consolidation.suggestion([_entry("Sở Y tế", 2, narrative="Có.")], year=2025)
    assert "cơ quan chủ trì chưa báo cáo" in text.splitlines()[0]


def _accepted(cycle, reporter, coordinator, narrative):
    with at("2025-11-15"):
        client_for(reporter).post(reverse("reporting:my_report", args=[cycle.pk]))
        report = AgencyReport.objects.get(cycle=cycle, agency=reporter.organisation)
        client_for(reporter).post(
            reverse("reporting:report_detail", args=[report.pk]),
            {**report_post_data(report, narrative), "submit": "1"},
        )
        client_for(coordinator).post(reverse("reporting:report_review", args=[report.pk, "accept"]))
    return report


@pytest.mark.django_db
def test_the_editor_starts_from_the_suggestion_in_vietnamese_on_an_english_page(
    cycle_2025, agency_reporter, coordinator
):
    _accepted(cycle_2025, agency_reporter, coordinator, "Tuyên truyền giảm túi nilon")
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("reporting:consolidation_area", args=[cycle_2025.pk, 5])
    response = client.get(url)
    body = response.content.decode()
    text = response.context["form"]["text"].value()
    assert text.startswith("Năm 2025, có 1 cơ quan, đơn vị báo cáo")
    assert "lượt người tham gia" in text  # the sums, in Vietnamese
    assert "Nothing has been written yet: the text below is a suggestion" in body
    # Once a text is saved, it is what the editor shows, without the hint.
    client.post(url, {"text": "Văn bản của điều phối viên.", "version": ""})
    response = client.get(url)
    assert response.context["form"]["text"].value() == "Văn bản của điều phối viên."
    assert "a suggestion" not in response.content.decode()
    assert Synthesis.objects.get(cycle=cycle_2025, content_area__number=5).text == (
        "Văn bản của điều phối viên."
    )


@pytest.mark.django_db
def test_the_report_prints_the_same_suggestion_until_a_text_is_saved(
    cycle_2025, agency_reporter, coordinator
):
    from benvung.reports import assemble
    from benvung.reports.tests.conftest import ISSUED

    _accepted(cycle_2025, agency_reporter, coordinator, "Tuyên truyền giảm túi nilon")
    area = cycle_2025.plan.content_areas.get(number=5)
    suggested = consolidation.suggested_text(cycle_2025, area)
    document = assemble.annual_report(cycle=cycle_2025, number="", issued_on=ISSUED)
    clause = document.sections[0].clauses[4]
    printed = [p.text for p in clause.paragraphs]
    for line in suggested.splitlines():
        assert line.removeprefix("- ") in printed
