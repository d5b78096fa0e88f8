"""Nothing is lost between the DOCX and the PDF: the annual report of a realistic year (every
agency reporting, long results, tasks with forty co-agencies) converted through LibreOffice and
read back word by word with its position.

The checker itself is tested first on made-up pages, so that a broken checker cannot pass the
real document.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.utils import translation

from benvung.reports import assemble
from benvung.reports.docx import render_docx
from benvung.reports.pdf import libreoffice, to_pdf
from benvung.reports.tests import pdf_layout
from benvung.reports.tests.conftest import ISSUED, realistic_reports
from benvung.reports.tests.pdf_layout import DocxLayout, Geometry, Page, TableLayout, Word

PORTRAIT = Geometry(width=595.3, height=841.9, top=56.7, bottom=56.7, left=85.0, right=42.5)


def _page(number: int, lines: list[list[tuple[float, str]]], top: float = 100) -> Page:
    """A portrait page with `lines` of (x, word) from `top` down, 16 pt apart."""
    page = Page(number, PORTRAIT.width, PORTRAIT.height)
    for i, line in enumerate(lines):
        y = top + 16 * i
        for x, text in line:
            page.words.append(Word(number, x, y, x + 8 * len(text), y + 14, text))
    return page


def _layout(cells: list[list[str]], headings: list[str] | None = None) -> DocxLayout:
    # Two columns as wide as the room between the margins: 85-285 and 285-552.8 pt.
    return DocxLayout(
        sections=[PORTRAIT],
        first_paragraphs=["Phụ"],
        tables=[TableLayout(0, [200.0, 267.8], cells)],
        headings=headings or [],
    )


def test_the_checker_finds_a_cell_whose_last_line_was_dropped():
    layout = _layout([["STT", "Kết quả"], ["1", "Ngoài ra có 17 cơ quan phối hợp"]])
    whole = _page(1, [[(90, "STT"), (290, "Kết"), (330, "quả")], [(90, "1"), (290, "Ngoài")]])
    whole.words += _page(1, [[(290, "ra"), (310, "có"), (330, "17")]], top=132).words
    whole.words += _page(1, [[(290, "cơ"), (310, "quan"), (350, "phối"), (390, "hợp")]], 148).words
    assert pdf_layout.missing_cell_words([whole], layout) == []
    # The row's last line cut off at the page's end; the same words are in another column.
    clipped = _page(1, [[(90, "STT"), (290, "Kết"), (330, "quả")], [(90, "1"), (290, "Ngoài")]])
    clipped.words += _page(1, [[(290, "ra"), (310, "có"), (330, "17")]], top=132).words
    clipped.words += _page(1, [[(90, "cơ"), (110, "quan"), (150, "phối"), (190, "hợp")]], 148).words
    lost = pdf_layout.missing_cell_words([clipped], layout)
    assert [(x.row, x.column, x.missing_from) for x in lost] == [(1, 1, "cơ quan phối hợp")]


def test_the_checker_wants_the_cells_of_a_column_in_their_order():
    layout = _layout([["A", "x"], ["B", "y"], ["C", "z"]])
    # "C" printed above "B": row 2 found, row 3 searched after it and not found.
    page = _page(1, [[(90, "A"), (290, "x")], [(90, "C"), (290, "y")], [(90, "B"), (290, "z")]])
    lost = pdf_layout.missing_cell_words([page], layout)
    assert [(x.row, x.column) for x in lost] == [(2, 0)]


def test_the_checker_finds_words_under_the_bottom_margin():
    page = _page(1, [[(90, "Kết")]], top=PORTRAIT.height - PORTRAIT.bottom + 2)
    layout = _layout([["x"]])
    assert [w.text for w in pdf_layout.words_below_margin([page], layout)] == ["Kết"]
    fine = _page(1, [[(90, "Kết")]], top=PORTRAIT.height - PORTRAIT.bottom - 20)
    assert pdf_layout.words_below_margin([fine], layout) == []


def test_the_checker_finds_blank_pages_and_pages_of_headings_only():
    layout = _layout([["x"]], headings=["Phụ lục II", "Nhiệm vụ của Kế hoạch"])
    blank = _page(1, [[(290, "2")]], top=30)  # only the page number, in the top margin
    title = _page(2, [[(250, "Phụ"), (280, "lục"), (310, "II")]])
    caption = _page(3, [[(200, "Nhiệm"), (250, "vụ"), (270, "của")], [(200, "Kế"), (220, "hoạch")]])
    text = _page(4, [[(250, "Phụ"), (280, "lục"), (310, "II")], [(90, "Bảng"), (140, "số")]])
    picture = _page(5, [[(200, "Nhiệm"), (250, "vụ"), (270, "của"), (300, "Kế"), (320, "hoạch")]])
    picture.has_image = True
    found = pdf_layout.empty_pages([blank, title, caption, text, picture], layout)
    assert [number for number, _text in found] == [1, 2, 3]


@pytest.mark.skipif(
    libreoffice() is None and not os.environ.get("BENVUNG_REQUIRE_PDF"),
    reason="LibreOffice is not installed: no PDF to check (`make setup-test` installs it as "
    "root; Debian: libreoffice-writer-nogui)",
)
@pytest.mark.django_db
def test_nothing_of_the_annual_report_is_lost_on_its_way_to_pdf(cycle_2025, province_result):
    # CI sets BENVUNG_REQUIRE_PDF: there a missing LibreOffice fails the check, never skips it.
    assert libreoffice() is not None, "LibreOffice is missing: `make setup-test` installs it"
    # Reading the PDF back needs poppler's tools: where LibreOffice is, they must be too.
    assert pdf_layout.tools_available(), "install poppler-utils (pdftotext, pdfimages)"
    reports = realistic_reports(cycle_2025)
    assert reports > 50  # the departments and the communes
    document = assemble.annual_report(cycle=cycle_2025, number="01/BC-SCT", issued_on=ISSUED)
    with translation.override("vi"):
        docx = render_docx(document)
    started = time.monotonic()
    pdf = to_pdf(docx, timeout=300)
    seconds = time.monotonic() - started
    keep = os.environ.get("BENVUNG_KEEP_RENDERED")  # a folder: keep the files to look at
    if keep:
        Path(keep, "annual-report.docx").write_bytes(docx)
        Path(keep, "annual-report.pdf").write_bytes(pdf)
    pages = pdf_layout.read_pages(pdf)
    layout = pdf_layout.read_docx(docx)

    # A realistic document: the task table runs over many landscape pages, and its longest row
    # is longer than a page (the case LibreOffice used to cut off).
    landscape = [p for p in pages if p.landscape]
    assert len(landscape) >= 5, f"{len(pages)} pages, {len(landscape)} landscape"
    tasks = next(t for t in layout.tables if len(t.widths) == 7)
    longest = max(len(" ".join(row)) for row in tasks.cells)
    assert longest > 4000

    below = pdf_layout.words_below_margin(pages, layout)
    assert below == [], [(w.page, w.text, w.y1) for w in below[:20]]
    lost = pdf_layout.missing_cell_words(pages, layout)
    assert lost == [], "\n".join(str(x) for x in lost[:10])
    assert pdf_layout.empty_pages(pages, layout) == []
    assert seconds < 120, f"LibreOffice took {seconds:.0f} s"
