"""The one way the system writes cells for spreadsheets: every CSV and XLSX export goes through
here, so that no text anyone typed (a product, an organisation, a comment) can run as a formula
when the file is opened (CSV or formula injection).

Following OWASP's advice, text starting with = + - @, a tab or a carriage return gets a leading
apostrophe, and in a workbook it is a string cell, never a formula (openpyxl makes any string
starting with "=" a formula). Numbers, dates and booleans stay what they are: a negative number
is a number, not text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_KEPT = (int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def safe_text(value: str) -> str:
    """Text as a spreadsheet must show it, never run it: characters a workbook cannot hold
    dropped, an apostrophe before a formula's first character."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(TRIGGERS) else value


def safe_value(value: Any) -> Any:
    """A cell's value: numbers, dates, booleans and None as they are, anything else as safe
    text (a lazy translation, a SafeString or a label object included)."""
    if value is None or isinstance(value, (bool, *_KEPT)):
        return value
    return safe_text(str(value))


def set_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a cell through safe_value; text is a string cell whatever it looks like."""
    cell = sheet.cell(row=row, column=column)
    _store(cell, value)
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Worksheet.append, with every value through safe_value."""
    sheet.append([safe_value(v) for v in values])


def _store(cell: Any, value: Any) -> None:
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str):
        # Assigning a str lets openpyxl guess a formula ("=…") or a number format; text is text.
        cell.data_type = "s"


def neutralise(workbook: Workbook) -> Workbook:
    """Make every cell of `workbook` safe, whoever wrote it: the last step before saving, so a
    cell written around set_cell (a heading, a guide's paragraph) cannot slip through."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is None or isinstance(value, (bool, *_KEPT)):
                    if cell.data_type == "f":
                        _store(cell, str(value))
                    continue
                if cell.data_type == "f" or isinstance(value, str):
                    _store(cell, value)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook's file, every cell made safe first."""
    buffer = io.BytesIO()
    neutralise(workbook).save(buffer)
    return buffer.getvalue()


class CsvWriter:
    """csv.writer whose rows go through safe_value (None as an empty field)."""

    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow(["" if v is None else safe_value(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
