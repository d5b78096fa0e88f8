"""The tables of an official document's appendices as an Excel workbook (the XLSX annex).

One sheet says which document the workbook belongs to (number, date, issuer); then one sheet per
appendix table, headed like the appendix. Figures the document prints the Vietnamese way
("1.234,5", "18,5%") are stored as numbers, so they can be summed and charted; Excel shows them
with the reader's own separators.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benvung.core.spreadsheet import set_cell, workbook_bytes

from .content import Appendix, OfficialDocument, Table
from .dates import place_date_line
from .docx import draft_mark, reference_line

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# "1.234,5", "-5,3", "18,5%": thousands with dots, decimals after a comma.
_NUMBER = re.compile(
    r"^(?P<sign>[-−]?)(?P<int>\d{1,3}(?:\.\d{3})*|\d+)(?:,(?P<dec>\d+))?(?P<pct>%?)$"
)
# Characters a sheet's name cannot hold, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_LENGTH = 31


def parse_number(text: str) -> tuple[float, str] | None:
    """ "1.234,5" → (1234.5, "#,##0.0"); "18,5%" → (0.185, "0.0%"); anything else → None."""
    match = _NUMBER.match(text.strip().replace("\u00a0", ""))
    if match is None:
        return None
    decimals = match["dec"] or ""
    value = float(match["int"].replace(".", "") + ("." + decimals if decimals else ""))
    if match["sign"]:
        value = -value
    places = "." + "0" * len(decimals) if decimals else ""
    if match["pct"]:
        return value / 100, f"0{places}%"
    return value, f"#,##0{places}"


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", wanted).strip("'")[:_SHEET_LENGTH] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: _SHEET_LENGTH - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _document_sheet(sheet: Worksheet, document: OfficialDocument, content_hash: str) -> None:
    issuer = document.issuer
    sheet.title = pgettext("official document", "Document")
    rows: list[tuple[str, object]] = [
        (pgettext("official document", "Parent authority"), issuer.parent_authority),
        (pgettext("official document", "Issuing agency"), issuer.name),
        (pgettext("official document", "Number"), "" if document.draft else document.number),
        (
            pgettext("official document", "Date issued"),
            None if document.draft else document.issued_on,
        ),
        (
            pgettext("official document", "Place and date"),
            place_date_line(issuer.place, document.issued_on, draft=document.draft),
        ),
        (pgettext("official document", "Document type"), document.doc_type),
        (pgettext("official document", "Summary"), document.summary),
        (
            pgettext("official document", "Appendices"),
            "; ".join(
                f"{pgettext('official document', 'Appendix %(numeral)s') % {'numeral': a.numeral}}"
                f" - {a.title}"
                for a in document.appendices
            ),
        ),
    ]
    if document.draft:
        # First, so nobody takes the workbook for the annex of an issued document.
        rows.insert(
            0,
            (
                draft_mark(),
                pgettext("official document", "Draft: not issued, no number yet."),
            ),
        )
    if content_hash:
        # The SHA-256 of the document's snapshot: the workbook can be matched to the document
        # it annexes (the same figures), as the document's page shows the same hash.
        rows.append((pgettext("official document", "Data hash"), content_hash))
    for r, (label, value) in enumerate(rows, start=1):
        head = set_cell(sheet, r, 1, label)
        head.font = Font(name=FONT, size=12, bold=True)
        head.alignment = Alignment(vertical="top")
        cell = set_cell(sheet, r, 2, value)
        cell.font = Font(name=FONT, size=12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(horizontal="left", vertical="top")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _table_sheet(
    sheet: Worksheet, document: OfficialDocument, appendix: Appendix, table: Table
) -> None:
    count = max(len(table.columns), 1)
    last_column = get_column_letter(count)
    titles = [
        (
            pgettext("official document", "Appendix %(numeral)s") % {"numeral": appendix.numeral},
            True,
            False,
        ),
        (appendix.title.upper(), True, False),
        (
            reference_line(document).replace("\u00a0", " "),
            False,
            True,
        ),
    ]
    if table.caption:
        titles.append((table.caption, True, False))
    if document.draft:
        titles.insert(0, (draft_mark(), True, False))
        # Printed too, at the top right of every page.
        sheet.oddHeader.right.text = draft_mark()
        sheet.oddHeader.right.font = f"{FONT},Bold"
    for r, (text, bold, italic) in enumerate(titles, start=1):
        cell = set_cell(sheet, r, 1, text)
        cell.font = Font(name=FONT, size=12, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        if count > 1:
            sheet.merge_cells(f"A{r}:{last_column}{r}")
    header_row = len(titles) + 2
    numeric = list(table.numeric) + [False] * count
    for c, title in enumerate(table.columns, start=1):
        cell = set_cell(sheet, header_row, c, title)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for r, row in enumerate(table.rows, start=header_row + 1):
        for c in range(1, count + 1):
            raw = str(row[c - 1]) if c - 1 < len(row) else ""
            parsed = parse_number(raw) if numeric[c - 1] else None
            cell = set_cell(sheet, r, c, parsed[0] if parsed else raw)
            if parsed:
                cell.number_format = parsed[1]
            cell.font = Font(name=FONT, size=12)
            cell.alignment = Alignment(
                horizontal="right" if numeric[c - 1] else "left", vertical="top", wrap_text=True
            )
            cell.border = BORDER
    for c in range(1, count + 1):
        if table.widths_cm and len(table.widths_cm) == count:
            width = table.widths_cm[c - 1] * 4.5  # about 4.5 characters of 12 pt text a cm
        else:
            longest = max(
                [len(str(table.columns[c - 1]))]
                + [len(str(row[c - 1])) for row in table.rows if c - 1 < len(row)]
            )
            width = min(max(longest * 1.1, 8), 60)
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    # Printed as the appendix is: A4, landscape when the appendix is, the header row on every
    # page, as wide as the paper.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if appendix.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def render_xlsx(document: OfficialDocument, *, content_hash: str = "") -> bytes:
    """The workbook's bytes (build it under `translation.override("vi")`). `content_hash`, the
    hash of the stored snapshot, is written on the first sheet (the snapshot cannot hold its
    own hash)."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    _document_sheet(first, document, content_hash)
    taken = {first.title.lower()}
    for appendix in document.appendices:
        label = pgettext("official document", "Appendix %(numeral)s") % {
            "numeral": appendix.numeral
        }
        for table in appendix.tables:
            sheet = workbook.create_sheet(_sheet_name(label, taken))
            _table_sheet(sheet, document, appendix, table)
    properties = workbook.properties
    properties.title = document.summary
    properties.creator = document.issuer.name_in_text or document.issuer.name
    return workbook_bytes(workbook)
