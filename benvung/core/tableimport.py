"""Every import from Excel: the registry of importers, and the table of records (one row per
record) that most of them are.

An upload is stored privately, read in a background task that reports its progress, previewed
with every problem named by sheet, row and column, then saved in the background, in one
transaction, only once the uploader confirms ("save all" when there is no problem, or "save only
the valid rows"), or cancelled (benvung.core.jobs). One job model (TableImportJob), one set of
pages (benvung.core.import_views), whatever the file holds.

What a file holds is told by an importer (a `BaseImporter`), registered under a kind key by
the app that owns the data, from its `hooks.py` (`register`): who may use it, its template,
how it is read into a preview and saved, and the parts of the pages that show them. This module
knows no domain app: the permission checks are the importer's.

Most importers are a table (`Importer`): its columns, the drop-down lists of its template, how
a row becomes the data object its domain service takes, and the call to that service. Headings
are translatable; a file downloaded in one language reads in the other, since headings are
recognised in every language of the site. The enterprise's consumption workbook (several sheets,
saved site-year by site-year) is an importer of its own (benvung.resources.imports).

Nothing stored is replaced silently. An importer whose rows can replace a stored record (the
packaging surveys: one per outlet and year) says which (`existing`); the preview then marks
each row new, update (with the old and new value of every field that changes) or unchanged,
and the save replaces records only when the uploader ticked the box naming how many, and
only those that nobody changed since the preview. Activities and SCP models are only ever
created: a row never replaces one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from benvung.core.numbers import NumberProblem, read_decimal
from benvung.core.registry import Registry
from benvung.core.spreadsheet import workbook_bytes
from benvung.core.text import search_key

# The checks every import shares (opening a file safely, formulas, merged cells, sizes).
from . import jobs, xlsx
from .forms import UploadForm
from .models import TableImportJob
from .templatetags.benvung import number as shown_number
from .xlsx import MAX_PROBLEMS, MAX_ROWS, Problem
from .xlsx import as_text as _as_text
from .xlsx import norm as _norm
from .xlsx import shown as _shown
from .xlsx import whole as _whole

T = TypeVar("T")

TEMPLATE_ROWS = 1_000  # rows of a fresh template that carry the drop-down lists
# Rows a table may hold, from a budget of two minutes of the (only) worker for the largest
# import: measured (benvung bench_imports, outreach activities, 2,000 rows on the 2-core
# server under load) 7 ms a row to read and check, about 45 ms a row to save through the
# domain service (an activity, its links and its audit event), then one recomputation of the
# indicators it feeds from its first year on. 2,000 rows: about 15 s read twice (preview,
# save) and 90 s saved, with a peak of a few tens of MB. docs/resource-efficiency.md.
MAX_TABLE_ROWS = 2_000
LIST_SEPARATOR = ";"

# How a cell is read.
TEXT, INTEGER, DECIMAL, DATE, YEAR, CHOICE, NAMES = (
    "text",
    "integer",
    "decimal",
    "date",
    "year",
    "choice",
    "names",  # several names or codes separated by semicolons
)


@dataclass(frozen=True)
class Column:
    field: str  # the field of the data object; problems of the service name it too
    header: str | Promise
    kind: str = TEXT
    required: bool = False
    width: int = 20
    hint: str | Promise = ""
    max_length: int | None = None
    # For CHOICE: (value, label) pairs; a cell may hold the value or the label in any language.
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = None
    # Extra spellings accepted for a choice ("có" for yes...), normalised as search keys.
    # (dataclasses.field: this class has a field called "field".)
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The drop-down list (a key of Importer.lists()) offered in the template.
    list_name: str = ""
    # A drop-down that only suggests: other values (a code, an ID) may be typed.
    list_is_strict: bool = True
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None


# What saving a row does.
NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"


def canonical(value: Any) -> str:
    """A value as rows and stored records are compared: numbers without trailing zeros, dates
    as ISO, nothing as the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value))
        text = f"{number:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class Existing:
    """The stored record a row would replace."""

    values: dict[str, str]  # field → stored value, canonical()
    version: str  # changes whenever the record does, to notice a change since the preview


@dataclass
class RowData:
    """A row that became a data object, with what the preview says about it."""

    number: int
    data: Any
    label: str
    status: str = NEW
    # (field, stored value, the row's value) for each field an update changes.
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    version: str = ""  # of the stored record (an update or unchanged row)


Reporter = Callable[[int, int], Callable[[float], None]]  # (from %, to %) → report(fraction)


class BaseImporter:
    """One kind of import: who may use it, the template to fill in, how a file is read into
    the preview its uploader checks and how it is then saved, and the parts of the pages that
    show them. Registered under `kind` by the app that owns the data (`register`, from the
    app's hooks.py); the jobs (benvung.core.jobs) and the pages (import_views) ask it."""

    kind: ClassVar[str]
    title: ClassVar[str | Promise]
    list_url_name: ClassVar[str] = ""  # where the back link leads
    # The upload form: the file, and what the uploader chooses with it (kept as the job's
    # `options`, e.g. the year of the data).
    upload_form: ClassVar[type[forms.Form]] = UploadForm
    # The progress shown when the file starts being read, and when the save is queued (%).
    reading_from: ClassVar[int] = 5
    saving_from: ClassVar[int] = 0
    # Parts of the pages: how to fill the template (the upload page), what the file holds
    # (the preview), what was saved (the result).
    steps_template: ClassVar[str] = "core/imports/_table_steps.html"
    preview_template: ClassVar[str] = "core/imports/_table_preview.html"
    result_template: ClassVar[str] = "core/imports/_table_result.html"

    def __init__(self, actor: Any = None, options: Mapping[str, Any] | None = None) -> None:
        self.actor = actor
        self.options: dict[str, Any] = dict(options or {})

    # -- who may use it (the app's own permission functions) --

    @classmethod
    def can_use(cls, user: Any) -> bool:
        raise NotImplementedError

    @classmethod
    def can_oversee(cls, user: Any) -> bool:
        """Whether the user sees and acts on every import of this kind, not only their own
        (the coordinator)."""
        return False

    # -- the template --

    @classmethod
    def options_from_query(cls, query: Mapping[str, str]) -> dict[str, Any]:
        """The options the template is made for, from the download link's query string."""
        return {}

    def template(self) -> bytes:
        raise NotImplementedError

    def template_filename(self) -> str:
        return f"mau-nhap-{self.kind}.xlsx"

    # -- reading and saving (background tasks) --

    def preview(self, data: bytes, progress: Callable[[float], None]) -> dict[str, Any]:
        """Read the file; nothing is saved. What the preview page shows, kept on the job as
        JSON: at least `problems`, `problem_count`, `blocked_all`, `valid` and `to_save`."""
        raise NotImplementedError

    def save(
        self, data: bytes, job: TableImportJob, reporter: Reporter
    ) -> tuple[dict[str, Any], str]:
        """Read the file again and save what the uploader confirmed (`job.preview`,
        `job.keep_valid_only`, `job.replace_confirmed`); the result the page shows and the
        state the job ends in."""
        raise NotImplementedError

    @classmethod
    def check(
        cls, preview: Mapping[str, Any], keep_valid_only: bool, replace_confirmed: bool
    ) -> None:
        """Refuse (ValidationError, in the importer's own words) a preview that cannot be saved
        so: a file with problems saved whole, nothing to save, a replacement not confirmed."""
        raise NotImplementedError

    # -- the pages --

    @classmethod
    def replaces(cls, preview: Mapping[str, Any]) -> int:
        """Records already stored that saving the preview replaces: the save asks the uploader
        to confirm them (a box to tick, naming how many)."""
        return 0

    def actions(self, preview: Mapping[str, Any]) -> dict[str, str]:
        """The words of the preview's buttons: save all, save only the valid rows, the box
        confirming the replacements."""
        raise NotImplementedError

    def page(self, job: TableImportJob) -> dict[str, Any]:
        """What the importer's parts of the job's page need, beside the job."""
        return {}


class Importer(BaseImporter):
    """A table: one record per row of one sheet. Subclasses set the class attributes and
    write `build` and `save_row`."""

    sheet_title: ClassVar[str | Promise]
    columns: ClassVar[tuple[Column, ...]]

    # -- the template --

    def instructions(self) -> list[str]:
        """Rules of this table, shown first on the instruction sheet."""
        return []

    def lists(self) -> dict[str, tuple[str | Promise, list[str]]]:
        """Drop-down lists: name → (heading, values)."""
        lists: dict[str, tuple[str | Promise, list[str]]] = {}
        for column in self.columns:
            if column.kind == CHOICE and column.choices is not None and column.list_name:
                lists[column.list_name] = (
                    column.header,
                    [capfirst(str(label)) for _value, label in column.choices()],
                )
        return lists

    # -- reading --

    def prepare(self) -> None:
        """Load what `build` looks names up in, once per file."""

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, list[str]]]:
        """The data object of a row, or the problems (by field) that stop it."""
        raise NotImplementedError

    def label(self, data: Any) -> str:
        return str(data)

    def key(self, data: Any) -> Hashable | None:
        """Rows with the same key would overwrite each other: the later ones are refused."""
        return None

    def existing(self, data: Any) -> Existing | None:
        """The stored record the row would replace; None when it makes a new one (the
        default: a row that only ever creates)."""
        return None

    def values(self, data: Any) -> dict[str, str]:
        """The row's values as they would be stored (canonical()), for the fields `existing`
        gives."""
        return {}

    # -- saving --

    def save_row(self, data: Any) -> Any:
        """Save one row through the domain service (raises ValidationError, PermissionDenied)."""
        raise NotImplementedError

    # -- shared helpers for subclasses --

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    # -- as an importer: the template, the preview, the save, the page --

    def template(self) -> bytes:
        return template(self)

    def preview(self, data: bytes, progress: Callable[[float], None]) -> dict[str, Any]:
        return _table_preview(self, data, progress)

    def save(
        self, data: bytes, job: TableImportJob, reporter: Reporter
    ) -> tuple[dict[str, Any], str]:
        return _save_all(self, job, data, reporter)

    @classmethod
    def check(
        cls, preview: Mapping[str, Any], keep_valid_only: bool, replace_confirmed: bool
    ) -> None:
        _saveable(preview, keep_valid_only, replace_confirmed)

    @classmethod
    def replaces(cls, preview: Mapping[str, Any]) -> int:
        return int(preview.get("replaces") or 0)

    def actions(self, preview: Mapping[str, Any]) -> dict[str, str]:
        valid = int(preview.get("valid") or 0)
        replaces = self.replaces(preview)
        return {
            "save": _("Save all"),
            "keep_valid": ngettext(
                "Save only the %(n)s row without problems",
                "Save only the %(n)s rows without problems",
                valid,
            )
            % {"n": valid},
            "keep_valid_hint": "",
            "replace": ngettext(
                "Replace the %(n)s record already stored with the row of the file (shown "
                "above, old → new).",
                "Replace the %(n)s records already stored with the rows of the file (shown "
                "above, old → new).",
                replaces,
            )
            % {"n": replaces},
        }

    def page(self, job: TableImportJob) -> dict[str, Any]:
        return {"rows": rows_shown(type(self), job.preview.get("rows", []))}


class Lookup(Generic[T]):
    """Items by the names and codes a person may write for them, accents and case aside."""

    def __init__(self) -> None:
        self._items: dict[str, list[T]] = defaultdict(list)

    def add(self, item: T, *names: Any) -> None:
        for name in names:
            text = _as_text(name)
            if not text:
                continue
            for key in {_norm(text), search_key(text)}:
                if key and item not in self._items[key]:
                    self._items[key].append(item)

    def find(self, text: str) -> list[T]:
        return list(self._items.get(_norm(text)) or self._items.get(search_key(text)) or [])


def valid_on(items: list[T], day: dt.date | None) -> list[T]:
    """Of several items of one name, those in force on `day` when that settles it."""
    if len(items) < 2 or day is None:
        return items
    in_force = [i for i in items if getattr(i, "is_valid_on", lambda _d: True)(day)]
    return in_force if in_force else items


# The importers, by kind; each app registers its own from its hooks.py (`register`).
IMPORTERS: Registry[type[BaseImporter]] = Registry("importer")


def register(cls: type[BaseImporter]) -> type[BaseImporter]:
    IMPORTERS.register(cls.kind, cls)
    return cls


def importer_class(kind: str) -> type[BaseImporter] | None:
    return IMPORTERS.get(kind) if kind in IMPORTERS else None


def importers() -> list[type[BaseImporter]]:
    return IMPORTERS.values()


def table_importer(kind: str) -> type[Importer] | None:
    """The registered importer of `kind` if it is a table (one record per row)."""
    cls = importer_class(kind)
    return cls if cls is not None and issubclass(cls, Importer) else None


# --- Names in every language -------------------------------------------------------------------


def _languages() -> list[str]:
    codes = [code for code, _name in settings.LANGUAGES]
    current = translation.get_language()
    return [current, *codes] if current and current not in codes else codes


def in_every_language(text: str | Promise) -> set[str]:
    """A translatable text as every language of the site writes it, normalised."""
    spellings = {_norm(str(text))}
    for language in _languages():
        with translation.override(language):
            spellings.add(_norm(str(text)))
    return spellings


def choice_lookup(column: Column) -> dict[str, str]:
    """Normalised value, labels (every language) and aliases → value."""
    names: dict[str, str] = {}
    for value, label in column.choices() if column.choices else ():
        names[_norm(value)] = value
        names[search_key(value)] = value
        for spelling in in_every_language(label):
            names[spelling] = value
            names[search_key(spelling)] = value
    for alias, value in column.aliases.items():
        names[_norm(alias)] = value
        names[search_key(alias)] = value
    return names


# --- The template ------------------------------------------------------------------------------


def _guide_title(importer: Importer) -> str:
    return _("%(title)s: form for import") % {"title": importer.title}


def guide_sheet_title() -> str:
    return _("Instructions")[:31]


def lists_sheet_title() -> str:
    return _("Lists")[:31]


def template(importer: Importer) -> bytes:
    """The workbook to fill in: instructions, the data sheet, hidden drop-down lists."""
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = guide_sheet_title()
    sheet = workbook.create_sheet(str(importer.sheet_title)[:31])
    lists = importer.lists()
    ranges = _write_lists(workbook.create_sheet(lists_sheet_title()), lists)
    for index, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(index)
        dimension = xlsx.write_heading(sheet, index, column, hint_height=90)
        if column.kind in (TEXT, NAMES, CHOICE):
            # Text, so a tax code keeps its leading 0 and a name is not read as a date.
            dimension.number_format = "@"
        elif column.kind == DATE:
            dimension.number_format = "DD/MM/YYYY"
        validation = _validation(column, ranges)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    _write_guide(guide, importer)
    workbook.active = 1
    return workbook_bytes(workbook)


def _write_lists(
    sheet: Worksheet, lists: dict[str, tuple[str | Promise, list[str]]]
) -> dict[str, str]:
    return xlsx.write_lists(sheet, {name: (str(h), values) for name, (h, values) in lists.items()})


def _validation(column: Column, ranges: dict[str, str]) -> DataValidation | None:
    title = str(column.header)[:32]  # Excel's limit
    if column.list_name and column.list_name in ranges:
        source = ranges[column.list_name]
        if column.list_is_strict:
            return xlsx.validation("list", _("Choose a value from the list."), title, source)
        warning = _("This value is not in the list; check it.")
        return xlsx.validation("list", warning, title, source, warn=True)
    low = column.minimum if column.minimum is not None else 0
    if column.kind in (INTEGER, YEAR):
        high = column.maximum if column.maximum is not None else 2_147_483_647
        error = _("Enter a whole number from %(min)s to %(max)s.") % {"min": low, "max": high}
        return xlsx.validation("whole", error, title, str(low), str(high), operator="between")
    if column.kind == DECIMAL:
        if column.maximum is not None:
            bounds = (str(low), str(column.maximum))
            return xlsx.validation(
                "decimal", _("Enter a number."), title, *bounds, operator="between"
            )
        at_least = "greaterThanOrEqual"
        return xlsx.validation("decimal", _("Enter a number."), title, str(low), operator=at_least)
    if column.kind == DATE:
        # 36526 is 1 January 2000 as Excel counts days.
        error = _("Enter a date as dd/mm/yyyy.")
        return xlsx.validation("date", error, title, "36526", operator="greaterThan")
    return None


def _write_guide(sheet: Worksheet, importer: Importer) -> None:
    rules = [
        *importer.instructions(),
        _(
            "Write one record per row of the sheet “%(sheet)s”, from row 2. Do not rename the "
            "sheets or the column headings, do not merge cells, do not use formulas."
        )
        % {"sheet": importer.sheet_title},
        _(
            "Write numbers as numbers, without separators of thousands; dates as dd/mm/yyyy. "
            "Orange headings mark the columns that must be filled."
        ),
        _(
            "After uploading you first see every problem, by row, column and field. Nothing is "
            "saved until you confirm."
        ),
    ]
    rows: list[tuple[tuple[Any, ...], bool]] = [((_guide_title(importer),), True), ((), False)]
    rows += [((f"{i}. {text}",), False) for i, text in enumerate(rules, start=1)]
    rows += [((), False), ((_("Column"), _("Required"), _("What to write")), True)]
    for column in importer.columns:
        hint = str(column.hint)
        if column.kind == CHOICE and column.choices is not None:
            choices = "; ".join(capfirst(str(label)) for _value, label in column.choices())
            # Outside the f-string: xgettext does not read strings inside f-string expressions.
            one_of = _("One of: %(choices)s.") % {"choices": choices}
            hint = f"{hint} {one_of}".strip()
        rows.append(((str(column.header), _("yes") if column.required else "", hint), False))
    # The third column ("what to write") is long: its rows grow to fit it.
    xlsx.write_guide(sheet, rows, (34, 14, 70), tall_column=2)


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class ParsedTable:
    rows: list[RowData] = field(default_factory=list)  # rows without problems
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    bad_rows: set[int] = field(default_factory=set)
    blocked_all: bool = False
    data_rows: int = 0

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.problems_not_listed - bool(self.problems_not_listed)

    def add(self, problem: Problem, *, rows: Sequence[int] = ()) -> None:
        if problem.blocks_all:
            self.blocked_all = True
        self.bad_rows.update(rows)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_not_listed += 1

    def counts(self) -> dict[str, int]:
        valid = [] if self.blocked_all else self.rows
        return {
            "rows": self.data_rows,
            "valid": len(valid),
            "with_problems": len(self.bad_rows) if not self.blocked_all else self.data_rows,
            NEW: sum(1 for r in valid if r.status == NEW),
            UPDATE: sum(1 for r in valid if r.status == UPDATE),
            UNCHANGED: sum(1 for r in valid if r.status == UNCHANGED),
        }


def parse(
    importer: Importer, data: bytes, *, progress: Callable[[float], None] | None = None
) -> ParsedTable:
    """Read a filled-in template; nothing is saved."""
    parsed = ParsedTable()

    def read(workbook: Any, archive: zipfile.ZipFile) -> None:
        _TableReader(importer, parsed, progress).read(workbook, archive)

    refusal = xlsx.read_workbook(data, read)
    if refusal is not None:
        parsed.add(refusal)  # the file could not be opened, or openpyxl failed while reading
    parsed.problems.sort(key=lambda p: (p.row or 0, len(p.column), p.column))
    if parsed.problems_not_listed:
        parsed.problems.append(xlsx.not_listed(parsed.problems_not_listed))
    if parsed.blocked_all:
        parsed.rows = []
    return parsed


class _TableReader:
    def __init__(
        self,
        importer: Importer,
        parsed: ParsedTable,
        progress: Callable[[float], None] | None,
    ) -> None:
        self.importer = importer
        self.parsed = parsed
        self.progress = progress
        self.sheet = str(importer.sheet_title)
        self.letters: dict[str, str] = {}
        self.choices = {c.field: choice_lookup(c) for c in importer.columns if c.kind == CHOICE}

    def add(
        self,
        message: str,
        row: int | None = None,
        column: Column | None = None,
        value: Any = None,
        *,
        letter: str = "",
        blocks_all: bool = False,
    ) -> None:
        if column is not None and not letter:
            letter = self.letters.get(column.field, "")
        self.parsed.add(
            Problem(
                message,
                sheet=self.sheet,
                row=row,
                column=letter,
                header=str(column.header) if column is not None else "",
                value=_shown(value) if value is not None else "",
                blocks_all=blocks_all,
            ),
            rows=[row] if row is not None and row > 1 else [],
        )

    def read(self, workbook: Any, archive: zipfile.ZipFile) -> None:
        wanted = in_every_language(self.importer.sheet_title)
        title = next((t for t in workbook.sheetnames if _norm(t) in wanted), None)
        if title is None:
            self.add(
                _(
                    "This is not the import template of “%(title)s”: it has no sheet "
                    "“%(sheet)s”. Download the template and fill it in."
                )
                % {"title": self.importer.title, "sheet": self.importer.sheet_title},
                blocks_all=True,
            )
            return
        self.sheet = title
        sheet = workbook[title]
        if not hasattr(sheet, "iter_rows"):
            self.add(_("This sheet must be a worksheet."), blocks_all=True)
            return
        # The recorded size, only to show progress: some writers record a wrong one, so the
        # rows are read as they are.
        estimate = sheet.max_row or 0
        sheet.reset_dimensions()
        rows = xlsx.sheet_rows(sheet)
        first = next(rows, None)
        if first is None:
            self.add(_("The sheet is empty: its heading row is missing."), 1, blocks_all=True)
            return
        columns = self.read_header(first[1])
        self.check_merged(archive, sheet)
        if columns is None:
            return
        self.importer.prepare()
        keys: dict[Hashable, int] = {}
        total = max(estimate, 2)

        def too_many(message: str, number: int) -> None:
            self.add(message, number, blocks_all=True)

        for number, cells in xlsx.within_limit(rows, too_many, MAX_TABLE_ROWS):
            self.read_row(columns, number, cells, keys)
            if self.progress is not None and number % 50 == 0:
                self.progress(min(number / total, 1.0))
        if not self.parsed.data_rows and not self.parsed.blocked_all:
            self.add(_("The file holds no data: the sheet has no filled row."), blocks_all=True)
        # A merged range found in the sheet's XML stops the rows it covers (recorded above).
        self.parsed.rows = [r for r in self.parsed.rows if r.number not in self.parsed.bad_rows]

    def read_header(self, cells: Sequence[Any]) -> dict[int, Column] | None:
        by_header: dict[str, Column] = {}
        for column in self.importer.columns:
            for spelling in in_every_language(column.header):
                by_header[spelling] = column

        def report(message: str, column: Column | None, value: Any, letter: str) -> None:
            self.add(message, 1, column, value, letter=letter, blocks_all=True)

        return xlsx.read_header(
            cells,
            self.importer.columns,
            by_header,
            self.letters,
            lambda column: column.required,
            report,
        )

    def read_row(
        self,
        columns: dict[int, Column],
        number: int,
        cells: Sequence[Any],
        keys: dict[Hashable, int],
    ) -> None:
        found = xlsx.row_cells(cells, columns)
        raw = found.values
        if not raw and not found.formulas and not found.stray:
            return  # an empty row
        self.parsed.data_rows += 1

        def report(message: str, column: Column | None, value: Any, letter: str) -> None:
            self.add(message, number, column, value, letter=letter)

        bad = found.report(columns, report)
        values: dict[str, Any] = {}
        for column in self.importer.columns:
            if column.field in bad:
                values[column.field] = None
                continue
            value, message = self.read_cell(column, raw.get(column.field))
            if message:
                bad.add(column.field)
                self.add(message, number, column, raw.get(column.field))
                values[column.field] = None
            else:
                values[column.field] = value
        try:
            data, problems = self.importer.build(values)
        except PermissionDenied as exc:
            data, problems = None, {"": [str(exc) or _("You are not allowed to do this.")]}
        for name, messages in problems.items():
            if name in bad:
                continue  # the cell's own problem is enough
            named = next((c for c in self.importer.columns if c.field == name), None)
            for message in messages:
                self.add(message, number, named, raw.get(name) if named else None)
        if data is None or problems or bad or found.formulas or found.stray:
            self.parsed.bad_rows.add(number)
            return
        key = self.importer.key(data)
        if key is not None:
            first = keys.setdefault(key, number)
            if first != number:
                self.add(
                    _("Row %(row)s already holds this record; give each record once.")
                    % {"row": first},
                    number,
                )
                return
        self.parsed.rows.append(self.classify(RowData(number, data, self.importer.label(data))))

    def classify(self, row: RowData) -> RowData:
        """New, update (with what changes) or unchanged, against the stored record."""
        existing = self.importer.existing(row.data)
        if existing is None:
            return row
        values = self.importer.values(row.data)
        row.version = existing.version
        row.changes = [
            (name, old, values.get(name, ""))
            for name, old in existing.values.items()
            if values.get(name, "") != old
        ]
        row.status = UPDATE if row.changes else UNCHANGED
        return row

    def read_cell(self, column: Column, value: Any) -> tuple[Any, str]:
        """The cell's value in the form the importer takes, or why it cannot be read."""
        if value is None:
            if column.required:
                return None, _("This cell must be filled.")
            return ([] if column.kind == NAMES else "" if column.kind == TEXT else None), ""
        if column.kind == TEXT:
            text = _as_text(value)
            if column.max_length and len(text) > column.max_length:
                return None, _("At most %(count)s characters.") % {"count": column.max_length}
            return text, ""
        if column.kind == NAMES:
            parts = [p.strip() for p in _as_text(value).split(LIST_SEPARATOR)]
            return [p for p in parts if p], ""
        if column.kind == CHOICE:
            lookup = self.choices[column.field]
            text = _as_text(value)
            choice = lookup.get(_norm(text)) or lookup.get(search_key(text))
            if choice is None:
                labels = [
                    capfirst(str(label))
                    for _v, label in (column.choices() if column.choices else ())
                ]
                return None, _("Choose one of: %(choices)s.") % {"choices": "; ".join(labels)}
            return choice, ""
        if column.kind == DATE:
            return _date(value)
        if column.kind in (INTEGER, YEAR):
            number = _whole(value)
            if number is None:
                return None, (
                    _("Write the year as four digits, for example 2025.")
                    if column.kind == YEAR
                    else _("Enter a whole number, without decimals.")
                )
            return self.in_range(column, number)
        if column.kind == DECIMAL:
            decimal, message = _decimal(value)
            if message:
                return None, message
            return self.in_range(column, decimal)
        return value, ""

    def in_range(self, column: Column, number: Any) -> tuple[Any, str]:
        if column.minimum is not None and number < column.minimum:
            return None, _("The number must be at least %(min)s.") % {"min": column.minimum}
        if column.maximum is not None and number > column.maximum:
            return None, _("The number must be at most %(max)s.") % {"max": column.maximum}
        return number, ""

    def check_merged(self, archive: zipfile.ZipFile, sheet: Any) -> None:
        xlsx.merged_ranges(archive, sheet, self.merged)

    def merged(self, merged: xlsx.MergedRange) -> None:
        """A merged range stops every row it covers; across the heading row, the whole file."""
        self.add(
            _("The cells %(range)s are merged; unmerge them and fill in each cell.")
            % {"range": merged.ref},
            merged.first_row,
            letter=get_column_letter(merged.first_column),
            blocks_all=merged.first_row == 1,
        )
        last = min(merged.last_row, merged.first_row + MAX_ROWS)
        self.parsed.bad_rows.update(range(merged.first_row, last + 1))


def _date(value: Any) -> tuple[dt.date | None, str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    text = _as_text(value)
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date(), ""
    except ValueError:
        return None, _("Write the date as dd/mm/yyyy, for example 15/03/2025.")


def _decimal(value: Any) -> tuple[Decimal | None, str]:
    """A number cell, or text that can only mean one number: "12.500" (twelve and a half to a
    program, twelve thousand five hundred to a Vietnamese reader) is asked about."""
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        return None, _("The cell must hold a number (it holds a date or another value).")
    if not isinstance(value, int | float | Decimal):
        value = _as_text(value).rstrip("%").strip()
    try:
        return read_decimal(value), ""
    except NumberProblem as problem:
        return None, problem.message


# --- A table's preview and save ------------------------------------------------------------------


def _table_preview(
    importer: Importer, data: bytes, progress: Callable[[float], None]
) -> dict[str, Any]:
    """What a table's preview page shows: counts, the rows without problems (with what saving
    each would do), every problem."""
    parsed = parse(importer, data, progress=progress)
    counts = parsed.counts()
    # Replacements and unchanged rows first: they are the ones to look at.
    order = {UPDATE: 0, UNCHANGED: 1, NEW: 2}
    shown = sorted(parsed.rows, key=lambda r: (order[r.status], r.number))[:MAX_PROBLEMS]
    return {
        "counts": counts,
        "rows": [
            {
                "row": r.number,
                "label": r.label,
                "status": r.status,
                "changes": [{"field": f, "old": old, "new": new} for f, old, new in r.changes],
            }
            for r in sorted(shown, key=lambda r: r.number)
        ],
        # Every row that meets a stored record, as the uploader saw it: the save replaces
        # only these, and only if the record has not changed since.
        "existing": {str(r.number): [r.status, r.version] for r in parsed.rows if r.status != NEW},
        "problems": [jobs.problem_dict(p) for p in parsed.problems],
        "problem_count": parsed.problem_count,
        "blocked_all": parsed.blocked_all,
        "valid": len(parsed.rows),
        "to_save": 0 if parsed.blocked_all else counts["valid"] - counts[UNCHANGED],
        "replaces": 0 if parsed.blocked_all else counts[UPDATE],
    }


def _save_all(
    importer: Importer, job: TableImportJob, data: bytes, reporter: Reporter
) -> tuple[dict[str, Any], str]:
    saved: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    unchanged: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: Mapping[str, list[str]] = job.preview.get("existing", {})
    parsed = parse(importer, data, progress=reporter(0, 40))
    if parsed.blocked_all or (parsed.problems and not job.keep_valid_only):
        # The file was replaced or the directory changed since the preview.
        problems = list(parsed.problems)
        skipped = [{"row": None, "label": "", "reason": _("The file has problems.")}]
    else:
        report = reporter(40, 99)
        with transaction.atomic():
            for done, row in enumerate(parsed.rows, start=1):
                report(done / len(parsed.rows))
                entry = {"row": row.number, "label": row.label, "status": row.status}
                if row.status == UNCHANGED:
                    unchanged.append(entry)
                    continue
                message = _replacement_problem(row, seen.get(str(row.number)), job)
                if message is None:
                    message = _save_row(importer, row)
                if message is None:
                    saved.append(entry)
                    continue
                skipped.append({"row": row.number, "label": row.label, "reason": message})
                problems.append(Problem(message, sheet=str(importer.sheet_title), row=row.number))
            if skipped and not job.keep_valid_only:
                # All or nothing: one row refused by the service undoes the others.
                transaction.set_rollback(True)
                reason = _("Another row could not be saved; nothing was saved.")
                skipped += [{**s, "reason": reason} for s in saved]
                saved = []
    result = {
        "saved": saved[:MAX_PROBLEMS],
        "saved_count": len(saved),
        "replaced_count": sum(1 for s in saved if s["status"] == UPDATE),
        "unchanged": unchanged[:MAX_PROBLEMS],
        "unchanged_count": len(unchanged),
        "skipped": skipped[:MAX_PROBLEMS],
        "skipped_count": len(skipped),
        "problems": [jobs.problem_dict(p) for p in problems[:MAX_PROBLEMS]],
    }
    finished = bool(saved) or (bool(unchanged) and not skipped)
    return result, TableImportJob.State.SAVED if finished else TableImportJob.State.FAILED


def _replacement_problem(row: RowData, seen: list[str] | None, job: TableImportJob) -> str | None:
    """Why the row may not replace (or create) its record now: the record is not as the
    preview showed it, or replacing it was not confirmed. None when the row may be saved."""
    if row.status == NEW:
        if seen is not None:
            return _("The record was deleted since the preview; upload the file again.")
        return None
    if seen is None or seen[1] != row.version:
        return _("The record was changed since the preview; upload the file again.")
    if not job.replace_confirmed:
        return _("Replacing a record already stored was not confirmed.")
    return None


def _save_row(importer: Importer, row: RowData) -> str | None:
    """Why the service refused the row, or None when it was saved."""
    try:
        with transaction.atomic():
            importer.save_row(row.data)
    except PermissionDenied as exc:
        return str(exc) or _("You are not allowed to do this.")
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _saveable(preview: Mapping[str, Any], keep_valid_only: bool, replace_confirmed: bool) -> None:
    if preview.get("problem_count") and not keep_valid_only:
        raise ValidationError(_("The file has problems: correct it, or keep only the valid rows."))
    if preview.get("blocked_all") or not preview.get("valid"):
        raise ValidationError(_("No row of the file is free of problems: nothing to save."))
    if not preview.get("to_save", preview.get("valid")):
        raise ValidationError(
            _("The file holds the same data as stored: there is nothing to save.")
        )
    replaces = preview.get("replaces") or 0
    if replaces and not replace_confirmed:
        raise ValidationError(
            ngettext(
                "%(count)s row replaces a record already stored: tick the box to confirm it.",
                "%(count)s rows replace records already stored: tick the box to confirm it.",
                replaces,
            )
            % {"count": replaces}
        )


# --- A table's preview as the page shows it ----------------------------------------------------


def shown_value(column: Column | None, value: str) -> str:
    """A compared value (canonical()) as the page writes it, in the page's language."""
    if value == "":
        return "—"
    if column is None:
        return value
    if column.kind == CHOICE and column.choices is not None:
        return str(dict(column.choices()).get(value, value))
    if column.kind in (DECIMAL, INTEGER, YEAR):
        return shown_number(value)
    if column.kind == DATE:
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


def rows_shown(cls: type[Importer], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The preview's rows with each change named by its column heading, values written for the
    page's language."""
    columns = {c.field: c for c in cls.columns}
    shown = []
    for row in rows:
        changes = []
        for change in row.get("changes", []):
            column = columns.get(change["field"])
            changes.append(
                {
                    "label": str(column.header) if column is not None else change["field"],
                    "old": shown_value(column, change["old"]),
                    "new": shown_value(column, change["new"]),
                }
            )
        shown.append({**row, "status": row.get("status", NEW), "changes": changes})
    return shown


# --- Jobs: upload, read, confirm, save, cancel -------------------------------------------------


def job_list(*, viewer: Any, kind: str | None = None) -> QuerySet[TableImportJob]:
    """The viewer's own imports, and every import of the kinds they oversee (the coordinator
    sees every one); the other imports are not found."""
    overseen = [k for k, cls in IMPORTERS.items() if cls.can_oversee(viewer)]
    qs = TableImportJob.objects.select_related("uploaded_by").filter(
        Q(uploaded_by_id=getattr(viewer, "pk", None)) | Q(kind__in=overseen)
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


def job_start(
    *,
    actor: Any,
    kind: str,
    upload: UploadedFile,
    options: Mapping[str, Any] | None = None,
) -> TableImportJob:
    """Keep the file and queue its reading. Too large a file is refused before it is stored."""
    cls = importer_class(kind)
    if cls is None or not cls.can_use(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    return jobs.start(actor=actor, upload=upload, kind=kind, options=options or {})


# A name of this module, looked up at each call, so that a test can watch the progress.
_reporter = jobs.progress_reporter


def importer_of(job: TableImportJob) -> BaseImporter:
    """The job's importer, acting as its uploader with the options chosen with the file."""
    cls = importer_class(job.kind)
    if cls is None:
        raise ValueError(_("Unknown kind of import: %(kind)s") % {"kind": job.kind})
    return cls(job.uploaded_by, job.options)


def job_read(job: TableImportJob) -> TableImportJob:
    """Read the stored file (background task); the preview is kept on the job."""
    cls = importer_class(job.kind)
    start = cls.reading_from if cls is not None else 5

    def preview(data: bytes) -> dict[str, Any]:
        return importer_of(job).preview(data, _reporter(job, start, 95))

    return jobs.read(job, start, preview)


def job_confirm(
    *, actor: Any, job: TableImportJob, keep_valid_only: bool, replace_confirmed: bool = False
) -> TableImportJob:
    """The uploader has seen the preview: save all (only when no row has a problem) or only
    the valid rows, in the background; records already stored are replaced only with
    `replace_confirmed`."""
    return jobs.confirm(
        actor=actor,
        job=job,
        importer=importer_class(job.kind),
        keep_valid_only=keep_valid_only,
        replace_confirmed=replace_confirmed,
    )


def job_save(job: TableImportJob) -> TableImportJob:
    """Read the file again and save it (background task), as the uploader, in one transaction."""

    def work(data: bytes) -> tuple[dict[str, Any], str]:
        return importer_of(job).save(data, job, lambda start, end: _reporter(job, start, end))

    return jobs.save(job, work)


def job_cancel(*, actor: Any, job: TableImportJob) -> TableImportJob:
    return jobs.cancel(actor=actor, job=job, importer=importer_class(job.kind))
