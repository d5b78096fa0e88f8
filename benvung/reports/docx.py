"""An official document as DOCX, laid out as Decree 30/2020/NĐ-CP, Appendix I, prescribes.

The renderer takes an `OfficialDocument` (plain data) and nothing else, so a document
regenerated from its stored snapshot comes out the same. The texts of the decree's fixed forms
("Số:", "Kính gửi:", "Nơi nhận:", the national title ...) are translatable; build the document
under `translation.override("vi")`.

Layout rules are commented with the item of Appendix I ("I.x") that sets them. Everything is
formatted directly on paragraphs and runs (not only through styles) so that Word and LibreOffice,
which resolve style inheritance slightly differently, print the same thing.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
from pathlib import Path
from typing import Any, Protocol

from django.utils.translation import pgettext
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Emu, Length, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from .charts import chart_png
from .content import Appendix, Chart, OfficialDocument, Paragraph, Section, Table
from .dates import blank_date_words, date_words, place_date_line, point_letter

FONT = "Times New Roman"  # I.1: Times New Roman (Unicode, TCVN 6909:2001), black
BLACK = RGBColor(0, 0, 0)
# I.2: A4 (210 x 297 mm); margins top 20-25, bottom 20-25, left 30-35, right 15-20 mm. The
# smallest margins leave the most room for the tables of the appendices.
A4_SHORT = Mm(210)
A4_LONG = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)  # the binding edge
MARGIN_RIGHT = Mm(15)
# Where the page number sits, inside the 20 mm top margin (I.11: centred in the top margin).
HEADER_DISTANCE = Mm(10)
BODY_SIZE = 14  # I.8: the body 13-14 pt
FIRST_LINE_INDENT = Cm(1.27)  # I.8: first-line indent 1-1.27 cm
PARAGRAPH_AFTER = Pt(6)  # I.8: at least 6 pt between paragraphs
LINE_SPACING = 1.15  # I.8: single to 1.5 lines
TABLE_SIZE = 12
CAPTION_SIZE = 13
RULE_SIZE = 6  # eighths of a point: a 0.75 pt solid line, as the decree's samples draw
# Widths of the two columns of the header block (I.3-I.6) and of the signature block (I.9). The
# national title at 13 pt bold is about 10.3 cm long: the right column must hold it on one line.
HEADER_LEFT = Cm(6.0)
HEADER_RIGHT = Cm(10.5)
FOOT_LEFT = Cm(7.5)
FOOT_RIGHT = Cm(9.0)
CHART_WIDTH = Cm(15)
NBSP = "\u00a0"
# Characters XML 1.0 cannot hold (python-docx refuses them): dropped from user texts.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Children of w:pPr that come after w:pBdr, in the schema's order: the border is inserted before
# the first of them present, or Word reports the file as damaged.
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


class _Container(Protocol):
    """The body of the document or a table cell: both take paragraphs."""

    def add_paragraph(self, text: str = ..., style: Any = ...) -> DocxParagraph: ...


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


# --- fonts and runs ------------------------------------------------------------------------------


def _times(rpr: Any) -> None:
    """Times New Roman for every script of a run or style: Latin (ascii, hAnsi), East Asian and
    complex; the theme attributes, which would win over them, removed."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
) -> Run:
    """A run in Times New Roman, black, at `size` points; line breaks in `text` kept."""
    lines = _clean(text).split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break(WD_BREAK.LINE)
        run.add_text(line)
    run.font.name = FONT
    _times(run._r.get_or_add_rPr())
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK
    return run


def _paragraph(
    container: _Container,
    text: str = "",
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first_line: Length | None = None,
    before: float = 0,
    after: float = 0,
    line_spacing: float = 1.0,
    keep_with_next: bool = False,
    reuse: DocxParagraph | None = None,
) -> DocxParagraph:
    """One paragraph with all its formatting set directly. `reuse` fills the empty paragraph a
    new table cell starts with instead of adding one under it."""
    paragraph = reuse if reuse is not None else container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = line_spacing
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    # The paragraph mark carries a size too: an empty paragraph (a blank line, the signature's
    # space) is as tall as the text around it, not the 11 pt of the default style.
    mark = paragraph._p.get_or_add_pPr()
    rpr = mark.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        mark.append(rpr)
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
        _times(rpr)
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), str(int(size * 2)))
            rpr.append(element)
    return paragraph


def _body(
    container: _Container,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    keep_with_next: bool = False,
) -> DocxParagraph:
    """I.8: body text, 14 pt, justified, first line indented 1.27 cm, 6 pt after, 1.15 lines."""
    return _paragraph(
        container,
        text,
        bold=bold,
        italic=italic,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line=FIRST_LINE_INDENT,
        after=PARAGRAPH_AFTER.pt,
        line_spacing=LINE_SPACING,
        keep_with_next=keep_with_next,
    )


def _lines(text: str) -> list[str]:
    """A text typed in a box may hold several paragraphs: one per non-empty line."""
    return [line.strip() for line in _clean(text).splitlines() if line.strip()]


def _content_paragraph(
    container: _Container, paragraph: Paragraph, prefix: str = "", *, keep_with_next: bool = False
) -> None:
    for i, line in enumerate(_lines(paragraph.text)):
        lead = prefix if i == 0 else ""
        if paragraph.style == "bullet":
            _body(container, f"{lead}- {line}", keep_with_next=keep_with_next)
        else:
            _body(
                container,
                f"{lead}{line}",
                bold=paragraph.style == "bold",
                italic=paragraph.style == "italic",
                keep_with_next=keep_with_next,
            )


# --- rules (the short solid lines of the header block and under the summary) ---------------------


@functools.lru_cache(maxsize=4)
def _font_file(bold: bool) -> Path | None:
    """A Times New Roman, or its metric twin Liberation Serif (2.x has Vietnamese), to measure
    text with; None when the server has neither."""
    names: tuple[str, ...] = (
        ("timesbd.ttf", "Times New Roman Bold.ttf", "LiberationSerif-Bold.ttf")
        if bold
        else ("times.ttf", "Times New Roman.ttf", "LiberationSerif-Regular.ttf")
    )
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    for name in names:
        for root in roots:
            if not root.is_dir():
                continue
            found = sorted(root.rglob(name), key=lambda p: "liberation2" not in str(p))
            if found:
                return found[0]
    return None


@functools.lru_cache(maxsize=1024)  # _balanced measures every run of words of a name
def _text_width(text: str, size: float, bold: bool) -> Length:
    """How long `text` prints in Times New Roman at `size` pt: the motto's rule is as long as the
    motto (I.5). Falls back to half an em a character when no font file can be read."""
    path = _font_file(bold)
    average = 0.5 if not text.isupper() else 0.68
    if path is not None:
        try:
            from fontTools.ttLib import TTFont

            font = TTFont(str(path), lazy=True)
            cmap = font.getBestCmap()
            metrics = font["hmtx"].metrics
            em = font["head"].unitsPerEm
            units = 0.0
            for char in text:
                glyph = cmap.get(ord(char))
                units += metrics[glyph][0] if glyph in metrics else average * em
            return Emu(int(units / em * Pt(size)))
        except Exception:  # a damaged or odd font file: measure roughly instead
            pass
    return Emu(int(len(text) * average * Pt(size)))


def _set_border(paragraph: DocxParagraph, side: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(RULE_SIZE))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), "000000")
    borders.append(line)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _rule(
    container: _Container, *, length: Length, room: Length, reuse: DocxParagraph | None = None
) -> DocxParagraph:
    """A solid horizontal line `length` long, centred in `room`: the top border of an empty,
    2 pt high paragraph whose indents leave exactly that length. Paragraph borders, unlike drawn
    shapes, stay where they are when the text moves and print the same in LibreOffice."""
    # 3 pt above it: a rule, not an underline touching the letters (as in the decree's samples).
    paragraph = _paragraph(container, size=2, before=3, reuse=reuse)
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    side = Emu(max(int((room - length) / 2), 0))
    fmt.left_indent = side
    fmt.right_indent = side
    _set_border(paragraph, "top")
    return paragraph


# --- tables ----------------------------------------------------------------------------------


# The children of w:tblPr in the schema's order (Word refuses a file where they are not).
_TBLPR_ORDER = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)


def _into_table_properties(table: DocxTable, element: Any) -> None:
    """Puts `element` into the table's properties at its place in the schema's order."""
    tblpr = table._tbl.tblPr
    tag = element.tag
    existing = tblpr.find(tag)
    if existing is not None:
        tblpr.remove(existing)
    position = _TBLPR_ORDER.index(next(t for t in _TBLPR_ORDER if qn(t) == tag))
    later = {qn(t) for t in _TBLPR_ORDER[position + 1 :]}
    for i, child in enumerate(tblpr):
        if child.tag in later:
            tblpr.insert(i, element)
            return
    tblpr.append(element)


def _no_borders(table: DocxTable) -> None:
    """The header and signature blocks are tables only to place two columns: nothing drawn."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _into_table_properties(table, borders)


def _cell_margins(
    table: DocxTable, *, left: int, right: int, top: int = 0, bottom: int = 0
) -> None:
    """Cell margins in twentieths of a point, for the whole table."""
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _into_table_properties(table, margins)


def _fixed_columns(table: DocxTable, widths: list[Length]) -> None:
    table.autofit = False  # w:tblLayout fixed: the widths below are kept as they are
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _row_properties(row: Any, *, header: bool = False, keep_together: bool = False) -> None:
    """`header`: the row repeats at the top of each page the table runs on. `keep_together`:
    the row never splits across two pages.

    Rows of data may split: a row taller than what is left of a page (a task with forty
    co-agencies and their results) otherwise moves whole to the next page, leaving the page
    half empty, and a row taller than a whole page has its end cut off by LibreOffice. Only
    short rows that mean nothing in halves (the header row, the signature block) are kept
    together."""
    trpr = row._tr.get_or_add_trPr()
    # The schema's order inside w:trPr: cantSplit before tblHeader.
    if keep_together or header:
        trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _two_columns(container: Any, left: Length, right: Length, rows: int) -> DocxTable:
    table = container.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    # No cell margins: the rules are centred in exactly the column's width.
    _cell_margins(table, left=0, right=0)
    _fixed_columns(table, [left, right])
    return table


# --- the parts of the document ---------------------------------------------------------------


def _page_setup(section: DocxSection, *, landscape: bool) -> None:
    if landscape:
        # A landscape page is bound by its top edge (it is turned a quarter to the left): the
        # 30 mm binding margin goes to the top, the right margin of the portrait page to the
        # bottom, the top and bottom margins to the sides.
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
        section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = HEADER_DISTANCE
    section.footer_distance = HEADER_DISTANCE
    section.gutter = Mm(0)


def _text_width_of(section: DocxSection) -> Length:
    return Emu(
        int(section.page_width or 0)
        - int(section.left_margin or 0)
        - int(section.right_margin or 0)
    )


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field (begin, instruction, separate, the value shown until it is updated, end):
    Word and LibreOffice put the page's own number in it."""
    for part in ("begin", " PAGE ", "separate", "2", "end"):
        run = _run(paragraph, "", size=13)
        if part in ("begin", "separate", "end"):
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), part)
            run._r.append(field)
        elif part == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = part
            run._r.append(instruction)
        else:
            run.add_text(part)


def draft_mark() -> str:
    """ "DỰ THẢO": what a draft says at the top of its first page and of every page."""
    return pgettext("official document", "DRAFT")


def _page_numbers(section: DocxSection, document: OfficialDocument) -> None:
    """I.11: Arabic page numbers, 13 pt, centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True
    # An explicit, empty first-page header: LibreOffice and Word agree there is nothing on it.
    section.first_page_header.is_linked_to_previous = False
    _header_line(section, document)


def _header_line(section: DocxSection, document: OfficialDocument) -> None:
    """The header of a section's pages: the page number, centred. A draft's also says "DỰ
    THẢO" at the right margin, with tab stops measured on the section's own width (a landscape
    page is wider)."""
    header = section.header
    if not document.draft:
        paragraph = _paragraph(header, size=13, reuse=header.paragraphs[0])
        _page_field(paragraph)
        return
    paragraph = _paragraph(
        header, size=13, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=header.paragraphs[0]
    )
    # Not the "Header" style: its own tab stops (measured for a portrait letter page) would come
    # before these on a landscape page.
    paragraph.style = "Normal"
    room = _text_width_of(section)
    tabs = paragraph.paragraph_format.tab_stops
    tabs.add_tab_stop(Emu(int(room) // 2), WD_TAB_ALIGNMENT.CENTER)
    tabs.add_tab_stop(room, WD_TAB_ALIGNMENT.RIGHT)
    _run(paragraph, "\t", size=13)
    _page_field(paragraph)
    _run(paragraph, "\t", size=13)
    _run(paragraph, draft_mark(), size=13, bold=True)


def _page_header(section: DocxSection, document: OfficialDocument) -> None:
    """The header of an appendix's section. An issued document's appendices share the first
    section's header (the centred page number fits any page width); a draft's get their own,
    its tab stops fitted to the page."""
    if not document.draft:
        return
    section.header.is_linked_to_previous = False
    _header_line(section, document)


def _draft_box(docx: Any) -> None:
    """A draft's first page starts with "DỰ THẢO" in a box at the right margin, above the
    header block: nobody takes it for the issued document."""
    room = _text_width_of(docx.sections[0])
    mark = draft_mark()
    width = Emu(int(_text_width(mark, 14, True)) + int(Cm(0.8)))
    paragraph = _paragraph(docx, mark, size=14, bold=True, after=6)
    paragraph.paragraph_format.left_indent = Emu(max(int(room) - int(width), 0))
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "8")
        line.set(qn("w:space"), "2")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _balanced(text: str, size: float, bold: bool, room: Length) -> str:
    """A name too long for its column, broken into as few lines as fit the column, of about
    the same length ("SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG"), as agencies print it, instead of
    leaving one word on the last line. A name already broken by hand is left as it is; a
    single word longer than the column is left for Word to break."""
    if "\n" in text or _text_width(text, size, bold) <= room:
        return text
    words = text.split()

    def widest(lines: list[str]) -> int:
        return max(int(_text_width(line, size, bold)) for line in lines)

    best: list[str] = []
    for count in range(2, len(words) + 1):
        # Every way of cutting the words into `count` lines: names are a dozen words at most.
        splits = [
            [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
            for cuts in itertools.combinations(range(1, len(words)), count - 1)
        ]
        fitting = [lines for lines in splits if widest(lines) <= int(room)]
        if fitting:
            best = min(fitting, key=widest)
            break
    return "\n".join(best) if best else text


def _shown_number(document: OfficialDocument) -> str:
    """ "05/BC-SCT"; a draft has no number yet and leaves room to write it in ("      /BC-SCT"),
    whatever its snapshot says."""
    if document.number and not document.draft:
        return document.number
    return f"{NBSP * 6}/{document.doc_type_symbol}-{document.issuer.symbol}"


def _number_line(document: OfficialDocument) -> str:
    # I.4: "Số: 05/BC-SCT".
    return pgettext("official document", "No.: %(number)s") % {"number": _shown_number(document)}


def _header_block(docx: Any, document: OfficialDocument) -> None:
    """I.3-I.6: the two-column block at the top of the first page."""
    table = _two_columns(docx, HEADER_LEFT, HEADER_RIGHT, rows=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    issuer = document.issuer
    # I.3: the parent authority in capitals, regular; the issuing agency in capitals, bold; a
    # short solid line under it, 1/3 to 1/2 of the name's length, centred.
    first = left.paragraphs[0]
    if issuer.parent_authority:
        parent = _balanced(issuer.parent_authority.upper(), 13, False, HEADER_LEFT)
        _paragraph(left, parent, size=13, reuse=first)
        first = None
    name = _balanced(issuer.name.upper(), 13, True, HEADER_LEFT)
    _paragraph(left, name, size=13, bold=True, reuse=first)
    name_width = max(_text_width(line, 13, True) for line in name.split("\n"))
    _rule(left, length=Emu(max(int(name_width * 0.4), int(Cm(1.5)))), room=HEADER_LEFT)
    # I.5: the national title in capitals, bold, 13 pt; the motto 14 pt bold, initials capital,
    # with a solid line as long as the motto under it.
    _paragraph(
        right,
        pgettext("official document", "SOCIALIST REPUBLIC OF VIET NAM"),
        size=13,
        bold=True,
        reuse=right.paragraphs[0],
    )
    motto = pgettext("official document", "Independence - Freedom - Happiness")
    _paragraph(right, motto, size=14, bold=True)
    _rule(right, length=_text_width(motto, 14, True), room=HEADER_RIGHT)
    # I.4 and I.6: on one line, the number under the agency and the place and date, italic,
    # under the motto.
    _paragraph(
        table.cell(1, 0),
        _number_line(document),
        size=13,
        before=6,
        reuse=table.cell(1, 0).paragraphs[0],
    )
    _paragraph(
        table.cell(1, 1),
        place_date_line(issuer.place, document.issued_on, draft=document.draft),
        size=14,
        italic=True,
        before=6,
        reuse=table.cell(1, 1).paragraphs[0],
    )
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _title(docx: Any, document: OfficialDocument) -> None:
    """I.7: the document type in capitals, bold, centred; the summary bold under it with a
    short solid line under the summary."""
    _paragraph(docx, document.doc_type.upper(), bold=True, before=24, keep_with_next=True)
    _paragraph(docx, document.summary, bold=True, keep_with_next=True)
    section = docx.sections[-1]
    room = _text_width_of(section)
    summary_width = min(_text_width(document.summary, BODY_SIZE, True), room)
    _rule(docx, length=Emu(max(int(summary_width * 0.35), int(Cm(2)))), room=room)


def _addressees(docx: Any, document: OfficialDocument) -> None:
    """I.8: "Kính gửi:" centred with one addressee on the same line; with several, "Kính gửi:"
    and under it one "- ...;" line each, the last ending with "."."""
    to = pgettext("official document", "To:")
    names = [n.strip().rstrip(";.") for n in document.addressees if n.strip()]
    if not names:
        return
    if len(names) == 1:
        _paragraph(docx, f"{to} {names[0]}.", before=12, after=12)
        return
    heading = _paragraph(docx, to, before=12, align=WD_ALIGN_PARAGRAPH.LEFT, keep_with_next=True)
    heading.paragraph_format.left_indent = Cm(3)
    for i, name in enumerate(names):
        last = i == len(names) - 1
        line = _paragraph(
            docx,
            f"- {name}{'.' if last else ';'}",
            align=WD_ALIGN_PARAGRAPH.LEFT,
            after=12 if last else 0,
            keep_with_next=not last,
        )
        line.paragraph_format.left_indent = Cm(5)


def _bases(docx: Any, bases: list[str]) -> None:
    """Legal bases: italic, one a line, each ending with ";" and the last with "."."""
    lines = [b.strip().rstrip(";.") for b in bases if b.strip()]
    for i, line in enumerate(lines):
        _body(docx, line + ("." if i == len(lines) - 1 else ";"), italic=True)


def _roman(number: int) -> str:
    numerals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text += numeral
            number -= value
    return text


def _section(docx: Any, section: Section, level: int, index: int) -> None:
    """I.8: sections "I." in capitals, bold; clauses "1." bold; points "a)" in the Vietnamese
    alphabet, upright; below that, "-" lines."""
    if level == 0:
        prefix, heading = f"{_roman(index + 1)}. ", section.heading.upper()
    elif level == 1:
        prefix, heading = f"{index + 1}. ", section.heading
    elif level == 2:
        prefix, heading = f"{point_letter(index)}) ", section.heading
    else:
        prefix, heading = "- ", section.heading
    heading = " ".join(_lines(heading))
    if heading:
        _body(docx, prefix + heading, bold=level <= 1, keep_with_next=True)
        prefix = ""
    for paragraph in section.paragraphs:
        # A clause without a heading puts its number in front of its first paragraph.
        _content_paragraph(docx, paragraph, prefix)
        prefix = ""
    if prefix and not section.clauses:
        _body(docx, prefix.strip())
        return
    for i, clause in enumerate(section.clauses):
        _section(docx, clause, level + 1, i)


def _signature_block(docx: Any, document: OfficialDocument) -> None:
    """I.9: recipients left ("Nơi nhận:" 12 pt bold italic, 11 pt lines "- ...;", the last
    "- Lưu: VT, ...."); the signature right (authority and title bold capitals, the space to
    sign, the name bold), side by side."""
    table = _two_columns(docx, FOOT_LEFT, FOOT_RIGHT, rows=1)
    # The recipients and the signature stay together on one page, with the closing paragraph
    # (kept with the table, see render_docx): a signature alone on a page is not accepted.
    _row_properties(table.rows[0], keep_together=True)
    left, right = table.cell(0, 0), table.cell(0, 1)
    recipients = [r.strip().rstrip(";.") for r in document.recipients if r.strip()]
    first = left.paragraphs[0]
    if recipients:
        _paragraph(
            left,
            pgettext("official document", "Recipients:"),
            size=12,
            bold=True,
            italic=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            before=6,
            reuse=first,
        )
        for i, name in enumerate(recipients):
            end = "." if i == len(recipients) - 1 else ";"
            _paragraph(left, f"- {name}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    else:
        _paragraph(left, reuse=first)
    signature = document.signature
    first = right.paragraphs[0]
    if signature is not None:
        for line in (signature.authority, signature.title):
            if line.strip():
                _paragraph(right, line.upper(), bold=True, before=6 if first else 0, reuse=first)
                first = None
        # Room for the signature and the seal (about 3 cm).
        for _ in range(5):
            _paragraph(right, reuse=first)
            first = None
        _paragraph(right, signature.name or NBSP, bold=True)
    else:
        _paragraph(right, reuse=first)
    table.cell(0, 0).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    table.cell(0, 1).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _table(docx: Any, table: Table, room: Length, *, spacer: bool = True) -> None:
    """A table of an appendix: Times New Roman 12 pt, borders, the header row bold and repeated
    on each page, numbers right-aligned. The caption stays with the header row, and the header
    row with the first row of data: a caption never ends a page. `spacer`: a small empty
    paragraph after the table, so that what follows (another table) does not join it; left out
    after the last table of an appendix, where it could only spill onto a page of its own."""
    if table.caption:
        _paragraph(
            docx,
            table.caption,
            size=CAPTION_SIZE,
            bold=True,
            before=6,
            after=6,
            keep_with_next=True,
        )
    count = len(table.columns)
    if table.widths_cm and len(table.widths_cm) == count:
        widths: list[Length] = [Cm(w) for w in table.widths_cm]
        total = sum(int(w) for w in widths)
        if total > int(room):  # never wider than the page: scaled down in proportion
            widths = [Emu(int(int(w) * int(room) / total)) for w in widths]
    else:
        widths = [Emu(int(int(room) / max(count, 1)))] * count
    grid = docx.add_table(rows=1 + len(table.rows), cols=count)
    grid.style = docx.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(grid, left=85, right=85, top=20, bottom=20)  # 0.15 cm each side
    _fixed_columns(grid, widths)
    numeric = list(table.numeric) + [False] * count
    for r, row in enumerate(grid.rows):
        header = r == 0
        _row_properties(row, header=header)
        values = table.columns if header else table.rows[r - 1]
        for c, cell in enumerate(row.cells):
            value = str(values[c]) if c < len(values) else ""
            if header:
                align = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[c]:
                align = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                align = WD_ALIGN_PARAGRAPH.LEFT
            _paragraph(
                cell,
                value,
                size=TABLE_SIZE,
                bold=header,
                align=align,
                before=2,
                after=2,
                # Every paragraph of the header row kept with the next: the row stays with
                # the first row of data (Word's rule for keeping table rows together).
                keep_with_next=header,
                reuse=cell.paragraphs[0],
            )
            # Data at the top of their cells: a row split across two pages reads from the top
            # of each part, not from a short text floating in the middle of a tall one.
            cell.vertical_alignment = (
                WD_CELL_VERTICAL_ALIGNMENT.CENTER if header else WD_CELL_VERTICAL_ALIGNMENT.TOP
            )
    if spacer:
        _paragraph(docx, size=6)  # keeps the next table or picture off this one


def _chart(docx: Any, chart: Chart, room: Length) -> None:
    """A chart as a picture, centred, its caption under it in italics (kept on the picture's
    page: the picture's paragraph keeps with the caption)."""
    width = Emu(min(int(CHART_WIDTH), int(room)))
    docx.add_picture(io.BytesIO(chart_png(chart)), width=width)
    picture = docx.paragraphs[-1]
    for run in picture.runs:  # the picture's run has a font too: "Times New Roman everywhere"
        run.font.name = FONT
        _times(run._r.get_or_add_rPr())
        run.font.color.rgb = BLACK
    _paragraph(docx, reuse=picture, before=6, keep_with_next=True)
    _paragraph(docx, chart.caption, size=CAPTION_SIZE, italic=True, after=12)


def _appendix_sections(docx: Any, sections: list[Section]) -> None:
    """An appendix in words (the agencies' reports): parts "1.", "2." bold, points "a)", ...
    under them, each heading kept with what follows."""
    for i, part in enumerate(sections):
        _section(docx, part, 1, i)


def _new_section(docx: Any, *, landscape: bool) -> DocxSection:
    """A section starting on a new page, without the empty paragraph python-docx adds to hold
    the previous section's properties: when the page before is full, that paragraph alone
    would spill onto a blank page. The properties go into the last paragraph of the previous
    section instead; after a table (which cannot hold them) a paragraph 1 pt high holds them."""
    section = docx.add_section(WD_SECTION.NEW_PAGE)
    body = docx.element.body
    holder = body[-2]  # the paragraph just added, with the previous section's w:sectPr
    sect_pr = holder.find(qn("w:pPr")).find(qn("w:sectPr"))
    before = holder.getprevious()
    if (
        before is not None
        and before.tag == qn("w:p")
        and before.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None
    ):
        before.get_or_add_pPr().append(sect_pr)
        body.remove(holder)
    else:
        paragraph = DocxParagraph(holder, docx._body)
        _paragraph(docx, size=1, reuse=paragraph)
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)
        ppr = holder.find(qn("w:pPr"))
        ppr.remove(sect_pr)
        ppr.append(sect_pr)  # last, after the mark's w:rPr, as the schema orders them
    _page_setup(section, landscape=landscape)
    return section


def _appendix(docx: Any, document: OfficialDocument, appendix: Appendix) -> None:
    """Each appendix on a new page, in its own section (landscape when its tables are wide):
    "Phụ lục I" bold; the title in capitals, bold; the italic line saying which document it
    belongs to. The title lines keep with what follows: a title never ends a page."""
    section = _new_section(docx, landscape=appendix.landscape)
    # The page number shows on every page after the first, the appendices' first pages too.
    section.different_first_page_header_footer = False
    _page_header(section, document)
    room = _text_width_of(section)
    _paragraph(
        docx,
        pgettext("official document", "Appendix %(numeral)s") % {"numeral": appendix.numeral},
        bold=True,
        keep_with_next=True,
    )
    _paragraph(docx, appendix.title.upper(), bold=True, keep_with_next=True)
    reference = reference_line(document)
    _paragraph(docx, reference, italic=True, after=12, keep_with_next=True)
    for paragraph in appendix.intro:
        _content_paragraph(docx, paragraph, keep_with_next=True)
    charts = [chart for chart in appendix.charts if chart.has_values()]
    for i, table in enumerate(appendix.tables):
        last = i == len(appendix.tables) - 1 and not charts and not appendix.sections
        _table(docx, table, room, spacer=not last)
    for chart in charts:
        _chart(docx, chart, room)
    _appendix_sections(docx, appendix.sections)


def _in_text(document: OfficialDocument) -> str:
    """The issuer's name as written inside a sentence ("Sở Công Thương")."""
    issuer = document.issuer
    if issuer.name_in_text:
        return issuer.name_in_text
    return " ".join(word.capitalize() for word in issuer.name.split())


def reference_line(document: OfficialDocument) -> str:
    """An appendix's "(Kèm theo Báo cáo số 05/BC-SCT ngày 05 tháng 01 năm 2026 của Sở Công
    Thương)"."""
    number = _shown_number(document)
    return pgettext(
        "official document", "(Attached to %(doc_type)s No. %(number)s %(date)s of %(issuer)s)"
    ) % {
        "doc_type": document.doc_type.capitalize(),
        "number": number,
        "date": blank_date_words(document.issued_on.year)
        if document.draft
        else date_words(document.issued_on),
        # Kept on one line: a long reference line wraps before the name, not inside it.
        "issuer": _in_text(document).replace(" ", NBSP),
    }


def _styles(docx: Any) -> None:
    """Times New Roman, black, in the defaults and in every style, for the text a user adds
    when editing the document, in any script (the East Asian slot included)."""
    styles = docx.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _times(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(BODY_SIZE * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_SIZE * 2))
    language = rpr.find(qn("w:lang"))
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    for style in styles:
        element = style.element
        if element.find(qn("w:rPr")) is None and style.name not in ("Normal", "Table Grid"):
            continue
        _times(element.get_or_add_rPr())
        style.font.name = FONT
        if style.type in (1, 2):  # paragraph and character styles carry a colour
            style.font.color.rgb = BLACK
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)


def _properties(docx: Any, document: OfficialDocument) -> None:
    properties = docx.core_properties
    properties.title = document.summary
    properties.subject = document.doc_type
    properties.author = _in_text(document)
    properties.last_modified_by = _in_text(document)
    properties.comments = ""
    properties.keywords = draft_mark() if document.draft else document.number
    properties.language = "vi-VN"
    moment = dt.datetime.combine(document.issued_on, dt.time(0, 0))
    properties.created = moment
    properties.modified = moment
    properties.revision = 1


def render_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes (build it under `translation.override("vi")`)."""
    docx = Document()
    _styles(docx)
    _properties(docx, document)
    section = docx.sections[0]
    _page_setup(section, landscape=False)
    _page_numbers(section, document)
    if document.draft:
        _draft_box(docx)
    _header_block(docx, document)
    _title(docx, document)
    _addressees(docx, document)
    _bases(docx, document.bases)
    for paragraph in document.introduction:
        _content_paragraph(docx, paragraph)
    for i, part in enumerate(document.sections):
        _section(docx, part, 0, i)
    for paragraph in document.closing:
        _content_paragraph(docx, paragraph, keep_with_next=True)
    _signature_block(docx, document)
    for appendix in document.appendices:
        _appendix(docx, document, appendix)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
