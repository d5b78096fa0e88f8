"""Reading a rendered PDF back, word by word with its position, to check that nothing of the
DOCX was lost on the way: `pdftotext -bbox` (poppler) gives each page's size and each word's box.

Three checks, used by test_pdf_layout.py (and handy when looking at a document by hand):

- `words_below_margin`: a word printed under the page's bottom margin (where a row cut off at
  the page's end leaves its last line);
- `missing_cell_words`: the words of every table cell of the DOCX, in order, looked for in the
  PDF column by column. LibreOffice drops the lines of a row it cuts off, and the same sentence
  often appears elsewhere in the report (in another row, in the agencies' appendix), so a plain
  text search proves nothing: each column of each table is read on the pages of its own section,
  inside its own left and right edges, top to bottom, and the cells of that column must be
  found there one after the other;
- `empty_pages`: pages with nothing, or nothing but headings and captions (a title that ended
  its page, a caption left without its table or picture).
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from docx import Document
from docx.oxml.ns import qn

XHTML = "{http://www.w3.org/1999/xhtml}"
POINTS_PER_EMU = 72 / 914400
# Positions in a PDF are read to about a tenth of a point; borders and rounding need a little.
TOLERANCE = 1.5


def tools_available() -> bool:
    return all(shutil.which(tool) for tool in ("pdftotext", "pdfimages"))


def normalise(text: str) -> str:
    """Unicode composed (a PDF may give "ế" as e + two combining marks), no-break spaces as
    spaces."""
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ")


# Where a line may break inside a word (after a hyphen, a dash, a slash: "2022–" / "2030"):
# words are compared in these pieces on both sides, wherever the lines happened to break.
_PIECES = re.compile(r"[^-‐–—/]*[-‐–—/]|[^-‐–—/]+")


def tokens(text: str) -> list[str]:
    return [piece for word in normalise(text).split() for piece in _PIECES.findall(word)]


@dataclass
class Word:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    has_image: bool = False

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def read_pages(pdf: bytes) -> list[Page]:
    """Every page of `pdf` with its words (in points, from the top left corner) and whether it
    holds a picture."""
    with tempfile.TemporaryDirectory(prefix="benvung-bbox-") as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        xhtml = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True
        ).stdout
        images = subprocess.run(
            ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
        ).stdout
    pages = []
    root = ElementTree.fromstring(xhtml)
    for number, element in enumerate(root.iter(f"{XHTML}page"), start=1):
        page = Page(number, float(element.get("width", 0)), float(element.get("height", 0)))
        for word in element.iter(f"{XHTML}word"):
            page.words.append(
                Word(
                    number,
                    float(word.get("xMin", 0)),
                    float(word.get("yMin", 0)),
                    float(word.get("xMax", 0)),
                    float(word.get("yMax", 0)),
                    normalise(word.text or ""),
                )
            )
        pages.append(page)
    # "page num type width ...": a table under two header lines.
    for line in images.splitlines()[2:]:
        parts = line.split()
        if parts and parts[0].isdigit() and int(parts[0]) <= len(pages):
            pages[int(parts[0]) - 1].has_image = True
    return pages


# --- The DOCX side: its sections' page geometry, its tables' columns, its headings ----------


@dataclass
class Geometry:
    """A section's page: its size and margins in points."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class TableLayout:
    section: int  # index of the section holding the table
    widths: list[float]  # column widths in points
    cells: list[list[str]]  # rows of cell texts, the header row first


@dataclass
class DocxLayout:
    sections: list[Geometry]
    first_paragraphs: list[str]  # the first paragraph's text of each section
    tables: list[TableLayout]
    headings: list[str]  # paragraphs kept with the next one: titles, headings, captions


def _points(value: str | None) -> float:
    """A length in twentieths of a point (the unit of w:pgSz, w:pgMar, w:gridCol)."""
    return int(value or 0) / 20


def _geometry(sect_pr: Any) -> Geometry:
    size = sect_pr.find(qn("w:pgSz"))
    margins = sect_pr.find(qn("w:pgMar"))
    return Geometry(
        width=_points(size.get(qn("w:w"))),
        height=_points(size.get(qn("w:h"))),
        top=_points(margins.get(qn("w:top"))),
        bottom=_points(margins.get(qn("w:bottom"))),
        left=_points(margins.get(qn("w:left"))),
        right=_points(margins.get(qn("w:right"))),
    )


def _text_of(element: Any) -> str:
    """A paragraph's (or a cell's) text as printed: runs, tabs, line breaks and the ends of
    paragraphs as spaces."""
    parts = []
    for node in element.iter():
        if node.tag == qn("w:t") and node.text:
            parts.append(node.text)
        elif node.tag in (qn("w:tab"), qn("w:br"), qn("w:p")):
            parts.append(" ")
    return "".join(parts).strip()


def _kept_with_next(ppr: Any) -> bool:
    keep = ppr.find(qn("w:keepNext")) if ppr is not None else None
    return keep is not None and keep.get(qn("w:val"), "1") not in ("0", "false", "off")


def read_docx(docx: bytes) -> DocxLayout:
    document = Document(io.BytesIO(docx))
    body = document.element.body
    sections: list[Geometry] = []
    first_paragraphs: list[str] = []
    tables: list[TableLayout] = []
    headings: list[str] = []
    section = 0
    starting = True  # the next paragraph with text is the first of its section
    for element in body.iterchildren():
        if element.tag == qn("w:tbl"):
            grid = [_points(c.get(qn("w:w"))) for c in element.iter(qn("w:gridCol"))]
            rows = []
            for tr in element.iterchildren(qn("w:tr")):
                rows.append([_text_of(tc) for tc in tr.iterchildren(qn("w:tc"))])
            tables.append(TableLayout(section, grid, rows))
            if starting:
                first_paragraphs.append(" ".join(" ".join(r) for r in rows[:1]))
                starting = False
        elif element.tag == qn("w:p"):
            text = _text_of(element).strip()
            ppr = element.find(qn("w:pPr"))
            if text and starting:
                first_paragraphs.append(text)
                starting = False
            if text and _kept_with_next(ppr):
                headings.append(text)
            sect_pr = ppr.find(qn("w:sectPr")) if ppr is not None else None
            if sect_pr is not None:
                sections.append(_geometry(sect_pr))
                section += 1
                starting = True
        elif element.tag == qn("w:sectPr"):
            sections.append(_geometry(element))
    # The header rows of the tables are headings too: a page with only them says nothing.
    headings += [cell for table in tables for cell in table.cells[0] if cell.strip()]
    return DocxLayout(sections, first_paragraphs, tables, headings)


# --- Checks ------------------------------------------------------------------------------------


def body_words(page: Page, geometry: Geometry) -> list[Word]:
    """The words printed between the top and bottom margins (not the page number and the
    "DỰ THẢO" of the header)."""
    return [w for w in page.words if w.y1 > geometry.top + TOLERANCE]


def geometry_of(page: Page, layout: DocxLayout) -> Geometry:
    """The page's section geometry, told by its orientation (the sections of one orientation
    share their margins)."""
    for geometry in layout.sections:
        if geometry.landscape == page.landscape:
            return geometry
    return layout.sections[0]


def words_below_margin(pages: Iterable[Page], layout: DocxLayout) -> list[Word]:
    below = []
    for page in pages:
        limit = page.height - geometry_of(page, layout).bottom + TOLERANCE
        below += [w for w in page.words if w.y1 > limit]
    return below


def _reading_order(words: Iterable[Word]) -> list[Word]:
    """Top to bottom, then left to right: words whose boxes share most of their height are on
    one line."""
    ordered: list[Word] = []
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.page, w.y0, w.x0)):
        line = lines[-1] if lines else None
        if (
            line
            and line[0].page == word.page
            and abs(line[0].y0 - word.y0) < (line[0].y1 - line[0].y0) * 0.5
        ):
            line.append(word)
        else:
            lines.append([word])
    for line in lines:
        ordered += sorted(line, key=lambda w: w.x0)
    return ordered


def _pieces(words: Iterable[Word]) -> list[str]:
    return [piece for word in words for piece in tokens(word.text)]


def section_pages(pages: list[Page], layout: DocxLayout) -> list[list[Page]]:
    """The pages of each section of the DOCX: a section starts on the first page (after the
    previous section's first) whose text begins with the section's first paragraph."""
    starts = [0]
    for first in layout.first_paragraphs[1 : len(layout.sections)]:
        wanted = tokens(first)[:4]
        found = None
        for index in range(starts[-1] + 1, len(pages)):
            page = pages[index]
            words = _pieces(_reading_order(body_words(page, geometry_of(page, layout))))
            if words[: len(wanted)] == wanted:
                found = index
                break
        if found is None:
            raise AssertionError(f"no page starts the section beginning with {first!r}")
        starts.append(found)
    starts.append(len(pages))
    return [pages[a:b] for a, b in itertools.pairwise(starts)]


@dataclass
class Lost:
    """A table cell not found whole in the PDF: where, and from which word on."""

    table: int
    row: int
    column: int
    text: str
    missing_from: str

    def __str__(self) -> str:
        return (
            f"table {self.table + 1}, row {self.row + 1}, column {self.column + 1}: "
            f"lost from {self.missing_from!r} in {self.text[:200]!r}"
        )


def _at(word: str, stream: list[str], position: int) -> int:
    """How many pieces of `stream` from `position` spell `word`: one, or two or three when a
    word too long for its column was broken across lines ("VIII." / "1"); 0 when they do not."""
    joined = ""
    for count in range(1, 4):
        if position + count > len(stream):
            return 0
        joined += stream[position + count - 1]
        if joined == word:
            return count
        if not word.startswith(joined):
            return 0
    return 0


def _subsequence(needle: list[str], stream: list[str], start: int) -> tuple[int, int | None]:
    """Matches `needle` in order in `stream` from `start`; returns the position after the last
    word matched and the index in `needle` of the first word not found (None: all found)."""
    position = start
    for i, word in enumerate(needle):
        while position < len(stream) and not _at(word, stream, position):
            position += 1
        if position == len(stream):
            return start, i
        position += _at(word, stream, position)
    return position, None


def missing_cell_words(pages: list[Page], layout: DocxLayout) -> list[Lost]:
    """Every cell of every table, column by column, looked for in the words printed inside that
    column on the pages of the table's section, in reading order; the cells of a column one
    after the other. A cell whose end was cut off has its last words missing: found nowhere
    further down the column, they are reported."""
    lost: list[Lost] = []
    by_section = section_pages(pages, layout)
    for number, table in enumerate(layout.tables):
        geometry = layout.sections[table.section]
        room = geometry.width - geometry.left - geometry.right
        total = sum(table.widths)
        # Tables are centred between the margins.
        left = geometry.left + (room - total) / 2
        edges = [left]
        for width in table.widths:
            edges.append(edges[-1] + width)
        table_pages = by_section[table.section]
        for column in range(len(table.widths)):
            x0, x1 = edges[column] - TOLERANCE, edges[column + 1] + TOLERANCE
            inside = [
                w
                for page in table_pages
                for w in body_words(page, geometry)
                if w.x0 >= x0 and w.x1 <= x1
            ]
            stream = _pieces(_reading_order(inside))
            position = 0
            for row, cells in enumerate(table.cells):
                if column >= len(cells):
                    continue
                words = tokens(cells[column])
                if not words:
                    continue
                after, missing = _subsequence(words, stream, position)
                if missing is not None:
                    lost.append(
                        Lost(number, row, column, cells[column], " ".join(words[missing:][:8]))
                    )
                    continue
                position = after
    return lost


_SPACES = re.compile(r"\s+")


def empty_pages(pages: list[Page], layout: DocxLayout) -> list[tuple[int, str]]:
    """Pages without any word or picture in their body, or whose words are only headings,
    titles and captions (paragraphs kept with the next one, tables' header rows): (page number,
    what it holds)."""
    headings = sorted(
        {" ".join(tokens(h)) for h in layout.headings if h.strip()}, key=len, reverse=True
    )
    found = []
    for page in pages:
        text = " ".join(_pieces(_reading_order(body_words(page, geometry_of(page, layout)))))
        if not text:
            if not page.has_image:
                found.append((page.number, ""))
            continue
        if page.has_image:
            continue
        rest = f" {text} "
        for heading in headings:
            rest = rest.replace(f" {heading} ", " ")
        if not _SPACES.sub("", rest):
            found.append((page.number, text))
    return found
