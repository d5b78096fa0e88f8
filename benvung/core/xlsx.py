"""What every Excel import shares: opening an uploaded workbook safely, reading its cells, naming
problems by sheet, row and column, and the look of the templates.

Every importer (benvung.core.tableimport: the tables, and the consumption workbook of
benvung.resources.excel) reads through these, so a file is refused, and a problem worded, the
same way in all; the domains' own readers use them too (norm, as_text), never each other's.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, TypeVar
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from benvung.core.spreadsheet import TRIGGERS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 50_000  # data rows per sheet, the default; each import sets its own from its budget
# What a part of a workbook may unpack to. Measured (benvung bench_imports): a data sheet of
# 12 filled columns with a different text in every row takes 874 bytes a row as openpyxl
# writes it (strings inline; Excel moves the text to xl/sharedStrings.xml, which then holds
# less than that per row). A part may be twice what the largest accepted sheet needs.
SHEET_BYTES_PER_ROW = 900
MAX_PART_BYTES = 2 * MAX_ROWS * SHEET_BYTES_PER_ROW  # 90 MB
# A small file can unpack to gigabytes of XML (a "zip bomb"); the ZIP directory says how much,
# and the reading counts what really comes out. Four data sheets (the consumption import's) at
# their limit, and the small parts beside them.
MAX_UNPACKED_BYTES = 4 * MAX_PART_BYTES + 10 * 1024 * 1024
# Measured: real sheets compress 4 to 15 times (15 for a template filled with repeated rows);
# a zip bomb, hundreds to a thousand times. Small parts may compress more: only parts over
# RATIO_FROM_BYTES are judged.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
MAX_PROBLEMS = 1_000  # listed; past this only counted (a wrong file can have a million)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")


# --- Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: sheet, row (1-based, as Excel shows it) and column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column letter
    header: str = ""
    value: str = ""  # what the cell holds, as text
    site: str = ""  # the site and year, for problems the consumption import finds when saving
    # The records this problem stops from being saved, in the import's own keys (the
    # consumption import: (site id, year)); all of them when `blocks_all`. A problem that
    # stops none is its row's alone.
    records: frozenset[Hashable] = frozenset()
    blocks_all: bool = False

    def __str__(self) -> str:
        where = []
        if self.site:
            where.append(self.site)
        if self.sheet:
            where.append(self.sheet)
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(
                _("column %(column)s (%(header)s)") % {"column": self.column, "header": self.header}
                if self.header
                else _("column %(column)s") % {"column": self.column}
            )
        message = self.message
        if self.value and self.value not in message:
            message = _("%(message)s (the cell holds “%(value)s”)") % {
                "message": message,
                "value": self.value,
            }
        return f"{', '.join(where)}: {message}" if where else message


def not_listed(count: int) -> Problem:
    """The line that stands for the problems past MAX_PROBLEMS."""
    return Problem(
        _("… and %(count)s more problems not listed.") % {"count": count},
        blocks_all=True,
    )


def _mb(size: int) -> str:
    return number_format(size / (1024 * 1024), decimal_pos=1, use_l10n=True)


def size_problem(size: int) -> Problem | None:
    """The refusal of a file of `size` bytes, if it is too large: a caller that can see the
    size first (an upload, a file on disk) need not read the file at all."""
    if size <= MAX_BYTES:
        return None
    return Problem(
        _("The file is %(size)s MB; files of more than %(limit)s MB are not accepted.")
        % {"size": _mb(size), "limit": _mb(MAX_BYTES)},
        blocks_all=True,
    )


# --- Opening -----------------------------------------------------------------------------------


class Unreadable(Exception):
    """openpyxl failed on the file's content."""


class TooLarge(Exception):
    """A part of the workbook unpacks to more than it may (read through GuardedZipFile)."""

    def __init__(self, part: str, limit: int) -> None:
        super().__init__(part)
        self.part = part
        self.limit = limit

    def problem(self) -> Problem:
        return Problem(
            _(
                "The workbook cannot be read: its part “%(part)s” unpacks to more than "
                "%(limit)s MB. Open the file in Excel, delete what is not data, and save it again."
            )
            % {"part": self.part, "limit": _mb(self.limit)},
            blocks_all=True,
        )


def not_xlsx() -> str:
    return _(
        "The file is not an Excel workbook (.xlsx). If it is in the old .xls format or "
        "protected by a password, open it in Excel and save it as .xlsx without a password."
    )


def archive_problem(archive: zipfile.ZipFile) -> Problem | None:
    """The refusal of a workbook whose parts, by its ZIP directory, unpack to too much or
    compress like a zip bomb: read in microseconds, before any part is."""
    total = 0
    for entry in archive.infolist():
        total += entry.file_size
        if entry.file_size > MAX_PART_BYTES:
            return TooLarge(entry.filename, MAX_PART_BYTES).problem()
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            return Problem(
                _(
                    "The workbook cannot be read: its part “%(part)s” is compressed %(ratio)s "
                    "times, more than the %(limit)s times of a real workbook (a “zip bomb”)."
                )
                % {"part": entry.filename, "ratio": int(ratio), "limit": MAX_RATIO},
                blocks_all=True,
            )
    if total > MAX_UNPACKED_BYTES:
        return Problem(
            _("The workbook unpacks to more than %(limit)s MB; it cannot be read.")
            % {"limit": _mb(MAX_UNPACKED_BYTES)},
            blocks_all=True,
        )
    return None


class _CountingReader(io.RawIOBase):
    """A part as it is unpacked, counted: past its limit (whatever the ZIP directory said)
    reading stops with TooLarge, having held at most the limit in memory."""

    def __init__(self, raw: Any, part: str, limit: int, budget: list[int]) -> None:
        super().__init__()
        self._raw = raw
        self._part = part
        self._left = limit
        self._limit = limit
        self._budget = budget  # what the whole workbook may still unpack to, shared

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self._left + 1, self._budget[0] + 1)
        data = self._raw.read(wanted)
        count = len(data)
        self._left -= count
        self._budget[0] -= count
        if self._left < 0:
            raise TooLarge(self._part, self._limit)
        if self._budget[0] < 0:
            raise TooLarge(self._part, MAX_UNPACKED_BYTES)
        buffer[:count] = data
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class GuardedZipFile(zipfile.ZipFile):
    """A ZIP archive whose parts are read through a counting reader: a part that unpacks to
    more than MAX_PART_BYTES, or a workbook to more than MAX_UNPACKED_BYTES in all, stops with
    TooLarge, even when its directory lies about the sizes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The sheets are read twice (rows, then merged cells): the budget allows for it.
        self._budget = [2 * MAX_UNPACKED_BYTES]

    def open(self, name: Any, mode: Literal["r", "w"] = "r", *args: Any, **kwargs: Any) -> Any:
        raw = super().open(name, mode, *args, **kwargs)
        if mode != "r":
            return raw
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        return io.BufferedReader(_CountingReader(raw, part, MAX_PART_BYTES, self._budget))


def _load_workbook(buffer: io.BytesIO, archive: GuardedZipFile) -> Any:
    """openpyxl's read-only workbook, reading its parts through `archive` (load_workbook would
    open an unguarded ZipFile of its own)."""
    reader = ExcelReader(buffer, read_only=True, data_only=False, keep_links=False)
    reader.archive.close()  # its own, on the same buffer (which it leaves open)
    reader.archive = archive
    reader.read()
    return reader.wb


def read_workbook(data: bytes, read: Callable[[Any, zipfile.ZipFile], None]) -> Problem | None:
    """Open `data` as a workbook and hand it, with its ZIP archive (for what the read-only
    workbook does not show, such as merged cells), to `read`; closes both after.

    The refusal (blocking the whole file) when the file is too large, empty, not a workbook,
    unpacks to too much (by its directory or as it is read), or openpyxl fails on it; None
    when `read` ran to its end."""
    too_large = size_problem(len(data))
    if too_large is not None:
        return too_large
    if not data:
        return Problem(_("The file is empty."), blocks_all=True)
    buffer = io.BytesIO(data)  # shares `data`, no copy
    try:
        archive = GuardedZipFile(buffer)
    except (zipfile.BadZipFile, ValueError, EOFError):
        return Problem(not_xlsx(), blocks_all=True)
    with archive:
        entries = archive.infolist()
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= {e.filename for e in entries}:
            return Problem(not_xlsx(), blocks_all=True)
        bomb = archive_problem(archive)
        if bomb is not None:
            return bomb
        unreadable = _("The file cannot be read as an Excel workbook (%(problem)s).")
        try:
            # openpyxl warns about Excel features it drops (slicers...): not our concern.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = _load_workbook(buffer, archive)
        except TooLarge as exc:
            return exc.problem()
        except Exception as exc:  # a damaged file fails in openpyxl in many different ways
            return Problem(unreadable % {"problem": type(exc).__name__}, blocks_all=True)
        try:
            read(workbook, archive)
        except TooLarge as exc:
            return exc.problem()
        except Unreadable as exc:
            return Problem(unreadable % {"problem": exc}, blocks_all=True)
        finally:
            workbook.close()
    return None


# --- Cells -------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Text as compared: Unicode composed, spaces folded, case ignored. The apostrophe our
    exports put before a formula's first character (core.spreadsheet) is dropped, so a name
    picked from a template's drop-down list ("'-Khác") matches the name it stands for."""
    text = unicodedata.normalize("NFC", text).strip()
    if text[:1] == "'" and text[1:2] in TRIGGERS:
        text = text[1:]
    return " ".join(text.split()).casefold()


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def shown(value: Any) -> str:
    """A cell's value as a problem quotes it (long text cut)."""
    text = as_text(value)
    return text if len(text) <= 100 else text[:99] + "…"


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The sheet's rows, numbered from 1; a failure of openpyxl on the content is Unreadable."""
    iterator = sheet.iter_rows(min_row=1, min_col=1)
    number = 0
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except TooLarge:
            raise
        except Exception as exc:  # a damaged file fails in openpyxl in many different ways
            raise Unreadable(type(exc).__name__) from exc
        number += 1
        yield number, cells


R = TypeVar("R")


def within_limit(
    rows: Iterator[tuple[int, R]], refuse: Callable[[str, int], None], limit: int = MAX_ROWS
) -> Iterator[tuple[int, R]]:
    """The rows up to `limit` data rows; past them the sheet is refused (`refuse(message,
    row number)`) and reading stops."""
    for number, cells in rows:
        if number - 1 > limit:
            refuse(
                _("The sheet has more than %(count)s rows; split it into several files.")
                % {"count": limit},
                number,
            )
            return
        yield number, cells


def is_formula(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    )


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class HeadedColumn(Protocol):
    """What the shared reading needs of an import's column (both Column classes have it)."""

    @property
    def field(self) -> str: ...

    @property
    def header(self) -> str | Promise: ...


C = TypeVar("C", bound=HeadedColumn)
# Reports a problem of the heading row or of a cell: (message, column, value, letter).
Report = Callable[[str, C | None, Any, str], None]


def read_header(
    cells: Sequence[Any],
    columns: Sequence[C],
    by_header: Mapping[str, C],
    letters: dict[str, str],
    required: Callable[[C], bool],
    report: Report[C],
) -> dict[int, C] | None:
    """The columns of the heading row by cell index, or None when the row has problems (each
    reported). `by_header` finds a column by its normalised heading; `letters` receives each
    found column's letter by field."""
    found_columns: dict[int, C] = {}
    ok = True
    for index, cell in enumerate(cells):
        value = getattr(cell, "value", None)
        text = as_text(value)
        if not text:
            continue
        letter = get_column_letter(index + 1)
        found = by_header.get(norm(text).rstrip("* "))
        if is_formula(cell):
            report(_("The cell holds a formula; write the value itself."), None, value, letter)
            ok = False
        elif found is None:
            report(
                _("This heading is not one of the template's (%(headers)s).")
                % {"headers": ", ".join(str(c.header) for c in columns)},
                None,
                value,
                letter,
            )
            ok = False
        elif found.field in letters:
            report(_("This heading appears twice."), found, value, letter)
            ok = False
        else:
            found_columns[index] = found
            letters[found.field] = letter
    for column in columns:
        if required(column) and column.field not in letters:
            report(
                _("The column “%(header)s” is missing.") % {"header": column.header}, None, None, ""
            )
            ok = False
    return found_columns if ok else None


@dataclass
class RowCells:
    """A data row's filled cells: under a heading, holding a formula, or under no heading."""

    values: dict[str, Any] = field(default_factory=dict)  # by field
    formulas: list[tuple[int, Any]] = field(default_factory=list)  # (cell index, value)
    stray: list[tuple[int, Any]] = field(default_factory=list)

    def report(self, columns: Mapping[int, C], report: Report[C]) -> set[str]:
        """Report the formulas and the stray cells; the fields whose cell holds a formula."""
        bad: set[str] = set()
        for index, value in self.formulas:
            column = columns.get(index)
            message = _("The cell holds a formula; write the value itself.")
            report(message, column, value, get_column_letter(index + 1))
            if column is not None:
                bad.add(column.field)
        for index, value in self.stray:
            message = _("There is data in a column without a heading.")
            report(message, None, value, get_column_letter(index + 1))
        return bad


def row_cells(cells: Sequence[Any], columns: Mapping[int, HeadedColumn]) -> RowCells:
    """Sort a row's cells; blank text counts as empty."""
    row = RowCells()
    for index, cell in enumerate(cells):
        value = getattr(cell, "value", None)
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            continue
        column = columns.get(index)
        if is_formula(cell):
            row.formulas.append((index, value))
        elif column is None:
            row.stray.append((index, value))
        else:
            row.values[column.field] = value
    return row


class MergedRange(NamedTuple):
    ref: str  # as Excel writes it: "B3:B5"
    first_column: int
    first_row: int
    last_row: int


def merged_ranges(
    archive: zipfile.ZipFile, sheet: Any, found: Callable[[MergedRange], None]
) -> None:
    """Call `found` for each merged range of `sheet`: a value shown across rows belongs, for a
    program, to the first only. The read-only sheet does not list merged cells; they follow
    the rows in its XML."""
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return
    try:
        with archive.open(path) as source:
            for _event, element in iterparse(source):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell":
                    ref = element.get("ref", "")
                    try:
                        first_col, first_row, _last_col, last_row = range_boundaries(ref)
                    except (TypeError, ValueError):
                        continue
                    if first_row is not None and last_row is not None:
                        found(MergedRange(ref, first_col or 1, first_row, last_row))
                elif tag in ("row", "sheetData"):
                    element.clear()
    except (KeyError, ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Unreadable(type(exc).__name__) from exc


# --- Templates ---------------------------------------------------------------------------------


class TemplateColumn(HeadedColumn, Protocol):
    @property
    def required(self) -> bool: ...

    @property
    def hint(self) -> str | Promise: ...

    @property
    def width(self) -> int: ...


def write_heading(sheet: Worksheet, index: int, column: TemplateColumn, *, hint_height: int) -> Any:
    """The heading cell of a data sheet's column (orange when the column must be filled, its
    hint as a comment); the column's dimension, for its number format."""
    cell = sheet.cell(row=1, column=index, value=str(column.header))
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    if column.hint:
        cell.comment = Comment(str(column.hint), "BenVung", width=260, height=hint_height)
    dimension = sheet.column_dimensions[get_column_letter(index)]
    dimension.width = column.width
    return dimension


def validation(
    kind: str,
    error: str,
    title: str,
    *formulas: str,
    operator: str | None = None,
    warn: bool = False,
) -> DataValidation:
    """A check Excel makes of the template's cells (empty allowed): `kind` "list", "whole",
    "decimal" or "date" with `formulas` (a range or bounds). A refused value shows `error`
    under `title`; with `warn` the user may keep it anyway (a list that only suggests)."""
    check = DataValidation(
        type=kind,
        operator=operator,
        formula1=formulas[0] if formulas else None,
        formula2=formulas[1] if len(formulas) > 1 else None,
        allow_blank=True,
    )
    if warn:
        check.errorStyle = "warning"
    check.error = error
    check.showErrorMessage = True
    check.errorTitle = title
    return check


def write_lists(sheet: Worksheet, lists: Mapping[str, tuple[str, Sequence[Any]]]) -> dict[str, str]:
    """The hidden sheet of drop-down lists, one per column: name → (heading, values). The
    ranges of the lists by name, for data validations."""
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (name, (heading, values)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=heading)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        # An empty list still gets a range of one (empty) cell, never one that takes the heading.
        ranges[name] = f"'{sheet.title}'!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def write_guide(
    sheet: Worksheet,
    rows: Sequence[tuple[tuple[Any, ...], bool]],
    widths: Sequence[int],
    *,
    tall_column: int | None = None,
) -> None:
    """The instruction sheet: rows of (cells, is a heading); a single text cell is a paragraph
    across every column. With `tall_column`, full rows grow to that column's text too."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    line = sum(widths) - 10  # characters on one line of a paragraph, roughly
    for number, (cells, heading) in enumerate(rows, start=1):
        for index, value in enumerate(cells, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.alignment = WRAP
            if heading:
                cell.font = HEADER_FONT
        if len(cells) == 1:
            sheet.merge_cells(
                start_row=number, start_column=1, end_row=number, end_column=len(widths)
            )
            lines = -(-len(str(cells[0])) // line)
            sheet.row_dimensions[number].height = 15 * max(lines, 1)
        elif tall_column is not None and len(cells) == len(widths) and not heading:
            lines = -(-len(str(cells[tall_column])) // widths[tall_column])
            sheet.row_dimensions[number].height = 15 * max(lines, 1)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 22
