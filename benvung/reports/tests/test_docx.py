"""The DOCX read back with python-docx follows Decree 30/2020/NĐ-CP, Appendix I."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from benvung.reports.content import (
    Issuer,
    OfficialDocument,
    Paragraph,
    Section,
    from_json,
    to_json,
)
from benvung.reports.docx import render_docx

from .render_samples import SECTORS, TARGETS, TASKS, sample_document

NBSP = "\u00a0"


def _render(**changes: Any) -> Any:
    document = dataclasses.replace(sample_document(), **changes)
    with translation.override("vi"):
        return Document(io.BytesIO(render_docx(document)))


@pytest.fixture(scope="module")
def docx() -> Any:
    return _render()


def _paragraphs(docx: Any) -> Iterator[Any]:
    """Every paragraph: the body, the cells of the tables, the headers."""
    yield from docx.paragraphs
    for table in docx.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in docx.sections:
        yield from section.header.paragraphs
        yield from section.first_page_header.paragraphs


def _text(paragraph: Any) -> str:
    return paragraph.text.replace(NBSP, " ")


def _find(docx: Any, text: str) -> Any:
    found = [p for p in docx.paragraphs if _text(p) == text]
    assert found, f"no paragraph {text!r}"
    return found[0]


def _header_cells(docx: Any) -> list[list[str]]:
    table = docx.tables[0]
    return [[_text(p) for p in cell.paragraphs if p.text] for cell in table._cells]


def _run(paragraph: Any) -> Any:
    runs = [r for r in paragraph.runs if r.text.strip()]
    assert runs, f"no text in {paragraph.text!r}"
    return runs[0]


# --- page ------------------------------------------------------------------------------------


def test_every_page_is_a4(docx: Any) -> None:
    for section in docx.sections:
        sizes = sorted([round(section.page_width.mm), round(section.page_height.mm)])
        assert sizes == [210, 297]


def test_margins_are_within_the_decree_ranges(docx: Any) -> None:
    for section in docx.sections:
        top, bottom = section.top_margin.mm, section.bottom_margin.mm
        left, right = section.left_margin.mm, section.right_margin.mm
        if section.orientation == WD_ORIENT.PORTRAIT:
            assert 20 <= round(top) <= 25
            assert 20 <= round(bottom) <= 25
            assert 30 <= round(left) <= 35
            assert 15 <= round(right) <= 20
        else:  # turned a quarter: the binding edge on top
            assert 30 <= round(top) <= 35
            assert 15 <= round(bottom) <= 20
            assert 20 <= round(left) <= 25
            assert 20 <= round(right) <= 25


def test_times_new_roman_black_on_every_run(docx: Any) -> None:
    runs = [run for paragraph in _paragraphs(docx) for run in paragraph.runs]
    assert len(runs) > 100
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert fonts.get(qn("w:cs")) == "Times New Roman"
        assert run.font.color.rgb == RGBColor(0, 0, 0)


def test_times_new_roman_in_the_styles_and_defaults(docx: Any) -> None:
    normal = docx.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Times New Roman"
    defaults = docx.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over it


def test_page_numbers_centred_in_the_top_margin_from_page_two(docx: Any) -> None:
    first = docx.sections[0]
    assert first.different_first_page_header_footer
    assert not "".join(p.text for p in first.first_page_header.paragraphs).strip()
    paragraph = first.header.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
    assert all(r.font.size == Pt(13) for r in paragraph.runs)
    assert first.header_distance < first.top_margin
    # The appendices' sections number their first pages too.
    assert not any(s.different_first_page_header_footer for s in docx.sections[1:])


# --- header block ----------------------------------------------------------------------------


def test_header_block_texts(docx: Any) -> None:
    (left, right, number, date) = _header_cells(docx)
    assert left == ["UBND TỈNH ĐỒNG NAI", "SỞ CÔNG THƯƠNG"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(r"Số: \d{2,}/BC-[A-ZĐ]+", number[0])
    assert number == ["Số: 05/BC-SCT"]
    assert date == ["Đồng Nai, ngày 05 tháng 01 năm 2026"]


def test_header_block_fonts(docx: Any) -> None:
    cells = docx.tables[0]._cells
    parent, agency = (_run(p) for p in cells[0].paragraphs if p.text)
    assert (parent.font.size, parent.font.bold) == (Pt(13), False)
    assert (agency.font.size, agency.font.bold) == (Pt(13), True)
    title, motto = (_run(p) for p in cells[1].paragraphs if p.text)
    assert (title.font.size, title.font.bold) == (Pt(13), True)
    assert (motto.font.size, motto.font.bold) == (Pt(14), True)
    number = _run(cells[2].paragraphs[0])
    assert number.font.size == Pt(13)
    date = _run(cells[3].paragraphs[0])
    assert (date.font.size, date.font.italic) == (Pt(14), True)


def test_header_block_is_borderless_with_rules_under_agency_and_motto(docx: Any) -> None:
    table = docx.tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    for cell in table._cells[:2]:
        rules = [p for p in cell.paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None]
        assert len(rules) == 1
        assert not rules[0].text
    # The motto's rule is as long as the motto (10.5 cm column, about 6 cm of motto).
    motto_rule = next(
        p for p in table._cells[1].paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None
    )
    length = Cm(10.5) - motto_rule.paragraph_format.left_indent * 2
    assert Cm(5.5) < length < Cm(6.5)


def test_a_draft_leaves_room_for_the_number() -> None:
    (_left, _right, number, _date) = _header_cells(_render(number=""))
    assert re.fullmatch(r"Số: +/BC-SCT", number[0])


def test_the_date_line_drops_the_zero_of_march() -> None:
    (_left, _right, _number, date) = _header_cells(_render(issued_on=dt.date(2026, 3, 15)))
    assert date == ["Đồng Nai, ngày 15 tháng 3 năm 2026"]


# --- title and body --------------------------------------------------------------------------


def test_title_summary_and_addressee(docx: Any) -> None:
    title = _find(docx, "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _run(title).font.bold and _run(title).font.size == Pt(14)
    summary = _find(docx, sample_document().summary)
    assert _run(summary).font.bold
    following = summary._p.getnext()
    assert following.pPr.find(qn("w:pBdr")) is not None  # the short rule under it
    assert _find(docx, "Kính gửi: Ủy ban nhân dân tỉnh Đồng Nai.").alignment == (
        WD_ALIGN_PARAGRAPH.CENTER
    )


def test_several_addressees_are_listed() -> None:
    docx = _render(addressees=["Bộ Công Thương", "Ủy ban nhân dân tỉnh Đồng Nai"])
    texts = [_text(p) for p in docx.paragraphs]
    start = texts.index("Kính gửi:")
    assert texts[start + 1 : start + 3] == [
        "- Bộ Công Thương;",
        "- Ủy ban nhân dân tỉnh Đồng Nai.",
    ]


def test_legal_bases_are_italic_one_a_line(docx: Any) -> None:
    bases = [p for p in docx.paragraphs if p.text.startswith("Căn cứ")]
    assert len(bases) == 2
    assert all(_run(p).font.italic for p in bases)
    assert bases[0].text.endswith(";")
    assert bases[1].text.endswith(".")


def test_body_paragraphs_are_14_pt_justified_indented(docx: Any) -> None:
    body = _find(docx, "Tiếp tục triển khai đồng bộ các nhiệm vụ của Kế hoạch.")
    fmt = body.paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27)
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert _run(body).font.size == Pt(14)


def test_sections_clauses_and_points_are_numbered(docx: Any) -> None:
    texts = [_text(p) for p in docx.paragraphs]
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. NHIỆM VỤ TRỌNG TÂM NĂM 2026",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        "1. Sản xuất bền vững",
        "2. Tiêu dùng bền vững",
    ):
        assert heading in texts
        assert _run(_find(docx, heading)).font.bold
    letters = [m[1] for t in texts if (m := re.match(r"^([a-zđ]+)\) ", t))]
    assert letters == ["a", "b", "c", "d", "đ", "e", "g"]
    assert "- Các chợ truyền thống giảm sử dụng túi ni lông." in texts


# --- signature and recipients ----------------------------------------------------------------


def test_signature_right_and_recipients_left(docx: Any) -> None:
    table = next(t for t in docx.tables if "Nơi nhận:" in t._cells[0].paragraphs[0].text)
    left, right = table._cells[0].paragraphs, table._cells[1].paragraphs
    heading = _run(left[0])
    assert (heading.font.size, heading.font.bold, heading.font.italic) == (Pt(12), True, True)
    lines = [_text(p) for p in left[1:]]
    assert lines == [
        "- Như trên;",
        "- Bộ Công Thương (để b/c);",
        "- Giám đốc, các PGĐ Sở;",
        "- Lưu: VT, KTNS.",
    ]
    assert all(_run(p).font.size == Pt(11) for p in left[1:])
    signed = [p for p in right if p.text.strip()]
    assert [p.text for p in signed] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
    assert all(_run(p).font.bold for p in signed)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in signed)
    assert len(right) - len(signed) >= 4  # room to sign


# --- appendices ------------------------------------------------------------------------------


def test_each_appendix_starts_a_section_and_the_task_table_is_landscape(docx: Any) -> None:
    sections = docx.sections
    assert len(sections) == 4  # the report, then appendices I, II, III
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    landscape = sections[2]
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    assert round(sections[3].page_width.mm) == 210


def test_appendix_headings(docx: Any) -> None:
    texts = [_text(p) for p in docx.paragraphs]
    for numeral, title in (
        ("I", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025"),
        ("II", "TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ NĂM 2025"),
        ("III", "HIỆU QUẢ SỬ DỤNG TÀI NGUYÊN THEO NGÀNH"),
    ):
        at = texts.index(f"Phụ lục {numeral}")
        assert texts[at + 1] == title
        assert texts[at + 2] == (
            "(Kèm theo Báo cáo số 05/BC-SCT ngày 05 tháng 01 năm 2026 của Sở Công Thương)"
        )
        assert _run(docx.paragraphs[at]).font.bold
        assert _run(docx.paragraphs[at + 1]).font.bold
        assert _run(docx.paragraphs[at + 2]).font.italic


def test_appendix_tables_have_one_row_per_item_plus_the_header(docx: Any) -> None:
    tables = docx.tables[2:]  # after the header block and the signature block
    assert [len(t.rows) for t in tables] == [
        1 + len(TARGETS),
        1 + len(TASKS),
        1 + len(SECTORS),
    ]
    targets = tables[0]
    assert [c.text for c in targets.rows[0].cells][:2] == ["TT", "Chỉ tiêu"]
    assert [targets.rows[i + 1].cells[1].text for i in range(len(TARGETS))] == [
        row[0] for row in TARGETS
    ]


def test_appendix_tables_are_12_pt_with_a_bold_repeated_header(docx: Any) -> None:
    for table in docx.tables[2:]:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(_run(c.paragraphs[0]).font.bold for c in header.cells)
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    assert run.font.size == Pt(12)
    numbers = docx.tables[4].rows[1].cells[1].paragraphs[0]
    assert numbers.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_charts_are_pictures_with_an_italic_caption_under_them(docx: Any) -> None:
    assert len(docx.inline_shapes) == 2
    for caption in ("Hình 1.", "Hình 2."):
        paragraph = next(p for p in docx.paragraphs if p.text.startswith(caption))
        assert _run(paragraph).font.italic
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        previous = paragraph._p.getprevious()
        assert previous.findall(".//" + qn("w:drawing"))  # the picture right above


# --- the document as a whole -----------------------------------------------------------------

ENGLISH = re.compile(
    r"\b(No\.|To:|Recipients|Appendix|Attached|SOCIALIST|REPUBLIC|Independence|Freedom|"
    r"Happiness|day|month|year|of)\b"
)


def test_no_english_in_the_vietnamese_document(docx: Any) -> None:
    # Passes once the lead's catalogue has the decree's fixed forms in Vietnamese.
    for paragraph in _paragraphs(docx):
        assert not ENGLISH.search(paragraph.text), paragraph.text


def test_the_snapshot_renders_the_same_document() -> None:
    document = sample_document()
    again = from_json(to_json(document))
    with translation.override("vi"):
        first = Document(io.BytesIO(render_docx(document)))
        second = Document(io.BytesIO(render_docx(again)))
    assert [p.text for p in _paragraphs(first)] == [p.text for p in _paragraphs(second)]


def test_a_long_agency_name_breaks_into_two_even_lines() -> None:
    issuer = Issuer(
        "UBND TỈNH ĐỒNG NAI",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "SNNMT",
        "Đồng Nai",
        "Sở Nông nghiệp và Môi trường",
    )
    (left, _right, number, _date) = _header_cells(_render(issuer=issuer))
    assert left == ["UBND TỈNH ĐỒNG NAI", "SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG"]
    assert number == ["Số: 05/BC-SCT"]


def test_a_bare_document_renders() -> None:
    bare = OfficialDocument(
        issuer=Issuer("", "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "UBND", "Đồng Nai"),
        number="",
        issued_on=dt.date(2026, 2, 1),
        doc_type="BÁO CÁO",
        doc_type_symbol="BC",
        summary="Tình hình thực hiện",
        addressees=[],
        sections=[Section("", [Paragraph("Nội dung\n\nđoạn thứ hai\x0b")])],
    )
    with translation.override("vi"):
        docx = Document(io.BytesIO(render_docx(bare)))
    texts = [_text(p) for p in docx.paragraphs]
    assert "I. Nội dung" in texts  # a section without a heading numbers its first paragraph
    assert "đoạn thứ hai" in texts
    assert len(docx.sections) == 1


# Word refuses ("unreadable content") a file whose property elements are out of the schema's
# order, where LibreOffice is lenient: the orders of ECMA-376 for the elements written by hand.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
    "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
    "tblDescription",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
    "tblCellSpacing jc hidden",
}


def test_properties_are_written_in_the_schema_order(docx: Any) -> None:
    body = docx.element.body
    for tag, order in SCHEMA_ORDER.items():
        names = order.split()
        for element in body.iter(qn(f"w:{tag}")):
            children = [c.tag.split("}")[1] for c in element]
            assert all(c in names for c in children), children
            positions = [names.index(c) for c in children]
            assert positions == sorted(positions), children


# --- Review fixes --------------------------------------------------------------------------


def test_the_signature_block_is_not_split_across_pages(docx: Any) -> None:
    table = next(t for t in docx.tables if "Nơi nhận:" in t._cells[0].paragraphs[0].text)
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == 1
    assert rows[0].find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
    # The closing paragraph(s) go to the next page with the signature rather than leave it
    # alone on a page.
    body = list(docx.element.body)
    closing = body[body.index(table._tbl) - 1]
    assert closing.tag == qn("w:p") and "Trên đây" in "".join(closing.itertext())
    assert closing.find(qn("w:pPr")).find(qn("w:keepNext")) is not None


def test_a_very_long_agency_name_breaks_into_as_many_lines_as_it_needs() -> None:
    from benvung.reports import docx as renderer

    name = "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP, KHU KINH TẾ"
    broken = renderer._balanced(name, 13, True, renderer.HEADER_LEFT)
    lines = broken.split("\n")
    assert " ".join(lines) == name
    assert len(lines) >= 2
    for line in lines:
        assert renderer._text_width(line, 13, True) <= renderer.HEADER_LEFT, line
    # As few lines as fit, of about the same length.
    widths = [int(renderer._text_width(line, 13, True)) for line in lines]
    assert max(widths) - min(widths) < int(renderer.HEADER_LEFT) / 2
    narrow = renderer._balanced(name, 13, True, Cm(3.5))
    assert len(narrow.split("\n")) >= 3
    assert all(renderer._text_width(x, 13, True) <= Cm(3.5) for x in narrow.split("\n"))
    issuer = Issuer("UBND TỈNH ĐỒNG NAI", name, "BQL", "Đồng Nai", name.title())
    (left, _right, _number, _date) = _header_cells(_render(issuer=issuer))
    assert left[1] == broken


# --- Layout: rows that break, titles kept with what follows, drafts -----------------------


def _row_flags(table: Any) -> list[tuple[bool, bool]]:
    """(cantSplit, tblHeader) of each row."""
    flags = []
    for tr in table._tbl.findall(qn("w:tr")):
        trpr = tr.find(qn("w:trPr"))
        flags.append(
            (
                trpr is not None and trpr.find(qn("w:cantSplit")) is not None,
                trpr is not None and trpr.find(qn("w:tblHeader")) is not None,
            )
        )
    return flags


def _kept_with_next(paragraph: Any) -> bool:
    return bool(paragraph.paragraph_format.keep_with_next)


def test_rows_of_data_may_break_across_pages_the_header_row_repeats(docx: Any) -> None:
    tasks = next(t for t in docx.tables if len(t.columns) == 7)
    flags = _row_flags(tasks)
    assert flags[0] == (True, True)  # the header row: whole, repeated on each page
    assert all(flag == (False, False) for flag in flags[1:])
    # The header row stays with the first row of data.
    assert all(_kept_with_next(p) for cell in tasks.rows[0].cells for p in cell.paragraphs)
    assert not any(_kept_with_next(p) for cell in tasks.rows[1].cells for p in cell.paragraphs)


def test_appendix_titles_and_captions_keep_with_what_follows(docx: Any) -> None:
    for numeral in ("I", "II", "III"):
        title = _find(docx, f"Phụ lục {numeral}")
        assert _kept_with_next(title)
    for paragraph in docx.paragraphs:
        text = _text(paragraph)
        if text.startswith("(Kèm theo Báo cáo") or text.startswith("Bảng 1."):
            assert _kept_with_next(paragraph), text
    # The appendix's introduction too (it says what the table shows).
    assert _kept_with_next(_find(docx, "Suất tiêu hao năng lượng bình quân (kgOE/tấn sản phẩm)."))


def test_no_empty_paragraph_is_left_to_hold_a_section_break(docx: Any) -> None:
    """python-docx adds an empty paragraph to hold a section's properties: after a full page it
    spills onto a page of its own. The properties go into the section's last paragraph; after a
    table, into a paragraph 1 pt high."""
    holders = [
        p
        for p in docx.element.body.iter(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    ]
    assert len(holders) == len(docx.sections) - 1
    for holder in holders:
        text = "".join(holder.itertext()).strip()
        if not text:
            spacing = holder.find(qn("w:pPr")).find(qn("w:spacing"))
            assert spacing.get(qn("w:line")) == "20" and spacing.get(qn("w:lineRule")) == "exact"


def test_the_last_table_of_an_appendix_has_no_spacer_after_it(docx: Any) -> None:
    body = list(docx.element.body)
    tasks = next(t for t in docx.tables if len(t.columns) == 7)
    after = body[body.index(tasks._tbl) + 1]
    # The next thing is the paragraph ending the section (1 pt high), not a 6 pt spacer.
    assert after.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None


def test_a_draft_says_so_on_its_first_page_and_in_every_header() -> None:
    draft = _render(number="", draft=True)
    first = draft.paragraphs[0]
    assert _text(first) == "DỰ THẢO" and first.runs[0].bold
    borders = first._p.find(qn("w:pPr")).find(qn("w:pBdr"))
    assert {child.tag for child in borders} == {
        qn(f"w:{s}") for s in ("top", "left", "bottom", "right")
    }
    # Every section's header, the landscape one too, with its own tab stops.
    widths = set()
    for section in draft.sections:
        header = section.header
        assert not header.is_linked_to_previous
        line = header.paragraphs[0]
        assert _text(line).endswith("DỰ THẢO")
        # Only its own tab stops: the "Header" style's (a portrait page's) would come first on a
        # landscape page and put "DỰ THẢO" in the middle.
        assert line.style.name == "Normal"
        stops = line.paragraph_format.tab_stops
        assert len(stops) == 2 and abs(stops[0].position * 2 - stops[1].position) <= 1270
        widths.add(stops[-1].position)
    assert len(widths) == 2  # portrait and landscape pages
    (_left, _right, number, date) = _header_cells(draft)
    assert number == ["Số:       /BC-SCT"]
    assert date == ["Đồng Nai, ngày       tháng       năm 2026"]
    reference = next(p for p in draft.paragraphs if _text(p).startswith("(Kèm theo"))
    assert "số       /BC-SCT ngày       tháng       năm 2026" in _text(reference)
    assert draft.core_properties.keywords == "DỰ THẢO"


def test_an_issued_document_is_not_marked_as_a_draft(docx: Any) -> None:
    assert not any("DỰ THẢO" in _text(p) for p in _paragraphs(docx))
    # Its appendices share the first section's header: the page number, centred.
    assert all(s.header.is_linked_to_previous for s in docx.sections[1:])


def test_a_chart_without_any_value_is_not_drawn() -> None:
    from benvung.reports.content import Chart

    document = sample_document()
    appendix = document.appendices[2]
    appendix.charts = [
        Chart(caption="Hình 2. Trống", kind="bar", labels=["A"], series=[("2026", [None])])
    ]
    with translation.override("vi"):
        rendered = Document(io.BytesIO(render_docx(document)))
    assert len(rendered.inline_shapes) == 1  # only the chart of appendix I
    assert not any("Hình 2. Trống" in _text(p) for p in rendered.paragraphs)


def test_an_appendix_in_words_numbers_its_parts_and_points() -> None:
    from benvung.reports.content import Appendix

    document = sample_document()
    document.appendices.append(
        Appendix(
            numeral="IV",
            title="Tổng hợp báo cáo của các cơ quan, đơn vị năm 2025",
            sections=[
                Section(
                    "Hoàn thiện chính sách",
                    clauses=[
                        Section(
                            "I.1. Phối hợp xây dựng cơ chế",
                            [Paragraph("Sở Tư pháp (chủ trì): Đã góp ý 2 dự thảo.", "bullet")],
                        )
                    ],
                )
            ],
        )
    )
    with translation.override("vi"):
        rendered = Document(io.BytesIO(render_docx(document)))
    texts = [_text(p) for p in rendered.paragraphs]
    start = texts.index("Phụ lục IV")
    assert texts[start + 3 : start + 6] == [
        "1. Hoàn thiện chính sách",
        "a) I.1. Phối hợp xây dựng cơ chế",
        "- Sở Tư pháp (chủ trì): Đã góp ý 2 dự thảo.",
    ]
    assert _kept_with_next(rendered.paragraphs[start + 3])
