"""Enterprises' yearly energy and output data as an Excel workbook.

`template()` is the workbook to fill in (Vietnamese headers, drop-down lists); `parse()` reads a
filled one and saves nothing: it returns, per site and year, the rows in the form
`services.site_year_save` takes, and every problem named by sheet, row and column; `apply()`
saves them once the user has confirmed what the preview showed.

The sheet names and column headers are the file's format, not interface text: a workbook
downloaded in one language must read in the other, so they are fixed Vietnamese strings. What
the user reads about the file (instructions, problems) is translated.

Each site's year is replaced as a whole by `site_year_save`, so a site with one bad row is not
saved at all (saving the rest would drop that row's data); with `keep_valid_only` the other
sites are.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from benvung.accounts import permissions
from benvung.core import units
from benvung.directory.models import Enterprise, Site
from benvung.directory.validators import clean_tax_code

from . import services
from .models import AllocationRule, Carrier, ProductCategory

MAX_BYTES = 50 * 1024 * 1024
# A small file can unpack to gigabytes of XML (a "zip bomb"); the ZIP directory says how much.
MAX_UNPACKED_BYTES = 10 * MAX_BYTES
MAX_ROWS = 50_000  # data rows per sheet; a province's sites fill a few thousand
MAX_PROBLEMS = 1_000  # listed; past this only counted (a wrong file can have a million)
TEMPLATE_ROWS = 2_000  # rows of a fresh template that carry the drop-down lists
MATERIAL_UNITS = services.MATERIAL_UNITS

OUTPUTS, ENERGY, MATERIALS, DRIVERS = "outputs", "energy", "materials", "drivers"
SECTIONS = (OUTPUTS, ENERGY, MATERIALS, DRIVERS)

INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"

# Kinds of column: how a cell is read.
TAX_CODE, SITE, YEAR, MONTH = "tax_code", "site", "year", "month"
TEXT, QUANTITY, SIGNED, UNIT, CARRIER, CATEGORY, ALLOCATION, NOTE = (
    "text",
    "quantity",
    "signed",
    "unit",
    "carrier",
    "category",
    "allocation",
    "note",
)
# Largest numbers the columns hold (digits before the decimal point).
_LIMITS = {"quantity": 10**14, "capacity": 10**16, "value_vnd": 10**20, "value": 10**14}
_LENGTHS = {"product": 200, "material": 200, "name": 100}


@dataclass(frozen=True)
class Column:
    field: str  # the key in services.site_year_save's row dict (or tax_code, site, year)
    header: str
    width: int
    kind: str
    required: bool = False
    hint: str | Promise = ""


@dataclass(frozen=True)
class SheetSpec:
    section: str
    title: str
    columns: tuple[Column, ...]


_IDENTITY = (
    Column(
        "tax_code",
        "Mã số thuế",
        16,
        TAX_CODE,
        True,
        gettext_lazy("The enterprise's tax code: 10 digits, or 10-3 for a branch."),
    ),
    Column(
        "site",
        "Tên cơ sở",
        32,
        SITE,
        True,
        gettext_lazy("The site's name exactly as it is registered in the system."),
    ),
    Column("year", "Năm", 8, YEAR, False, gettext_lazy("The year of the data.")),
)
_MONTH = Column(
    "month",
    "Tháng",
    8,
    MONTH,
    False,
    gettext_lazy("Empty for the whole year, or 1 to 12 for one month."),
)
_NOTE = Column("note", "Ghi chú", 30, NOTE, False, gettext_lazy("Not imported."))

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        OUTPUTS,
        "Sản lượng",
        (
            *_IDENTITY,
            _MONTH,
            Column("product", "Sản phẩm", 30, TEXT, True, gettext_lazy("The product's name.")),
            Column("category", "Nhóm sản phẩm", 36, CATEGORY, True),
            Column("quantity", "Sản lượng", 14, QUANTITY, True),
            Column("unit", "Đơn vị", 12, UNIT, True),
            Column(
                "capacity",
                "Công suất thiết kế/năm",
                16,
                QUANTITY,
                False,
                gettext_lazy(
                    "In the capacity unit of the product category (see the instructions)."
                ),
            ),
            Column("value_vnd", "Giá trị sản xuất (đồng)", 18, QUANTITY),
            Column(
                "allocation_rule",
                "Cách phân bổ năng lượng",
                24,
                ALLOCATION,
                False,
                gettext_lazy("How the site's energy is shared between its products."),
            ),
            _NOTE,
        ),
    ),
    SheetSpec(
        ENERGY,
        "Năng lượng",
        (
            *_IDENTITY,
            _MONTH,
            Column("carrier", "Loại năng lượng", 34, CARRIER, True),
            Column("quantity", "Lượng tiêu thụ", 14, QUANTITY, True),
            Column("unit", "Đơn vị", 12, UNIT, True),
            Column(
                "product",
                "Đo riêng cho sản phẩm",
                26,
                TEXT,
                False,
                gettext_lazy("Only with sub-metering: the product this meter serves."),
            ),
            _NOTE,
        ),
    ),
    SheetSpec(
        MATERIALS,
        "Nguyên vật liệu, nước",
        (
            *_IDENTITY,
            _MONTH,
            Column(
                "product",
                "Sản phẩm",
                30,
                TEXT,
                False,
                gettext_lazy("The product the material goes into; empty for the site's water."),
            ),
            Column("material", "Nguyên vật liệu", 28, TEXT, True),
            Column("quantity", "Lượng tiêu thụ", 14, QUANTITY, True),
            Column("unit", "Đơn vị", 12, UNIT, True),
            _NOTE,
        ),
    ),
    SheetSpec(
        DRIVERS,
        "Yếu tố ảnh hưởng",
        (
            *_IDENTITY,
            Column("month", "Tháng", 8, MONTH, True, gettext_lazy("1 to 12.")),
            Column(
                "name",
                "Tên yếu tố",
                30,
                TEXT,
                True,
                gettext_lazy("A variable that drives energy use: temperature, hours run..."),
            ),
            Column("value", "Giá trị", 14, SIGNED, True),
            _NOTE,
        ),
    ),
)


def sheet_spec(section: str) -> SheetSpec:
    return next(s for s in SHEETS if s.section == section)


# --- Results of reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: sheet, row (1-based, as Excel shows it) and column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column letter
    header: str = ""
    value: str = ""  # what the cell holds, as text
    site: str = ""  # the site and year, for problems found when saving
    # The sites this problem stops from being saved (all of them when `blocks_all`).
    sites: frozenset[int] = frozenset()
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


@dataclass
class SiteYearData:
    """A site's year as read from the file, in the form services.site_year_save takes."""

    site: Site
    year: int
    allocation_rule: str = AllocationRule.MASS
    outputs: list[dict[str, Any]] = field(default_factory=list)
    energy: list[dict[str, Any]] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    drivers: list[dict[str, Any]] = field(default_factory=list)
    # The sheet row each row dict came from, per section, in the same order.
    source_rows: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    blocked: bool = False  # a row of this site (or the file) has a problem

    def rows(self, section: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = getattr(self, section)
        return rows

    def counts(self) -> dict[str, int]:
        return {s: len(self.rows(s)) for s in SECTIONS}

    def label(self) -> str:
        return f"{self.site.enterprise.name} – {self.site.name}, {self.year}"


@dataclass
class ParsedWorkbook:
    year: int | None
    site_years: list[SiteYearData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    blocked_sites: set[int] = field(default_factory=set)
    blocked_all: bool = False

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)

    @property
    def problem_count(self) -> int:
        """Problems found, with those past MAX_PROBLEMS (one line stands for them)."""
        return len(self.problems) + self.problems_not_listed - bool(self.problems_not_listed)

    @property
    def valid_site_years(self) -> list[SiteYearData]:
        return [sy for sy in self.site_years if not sy.blocked]

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(SECTIONS, 0)
        for sy in self.site_years:
            for section, n in sy.counts().items():
                totals[section] += n
        return totals

    def problems_of(self, site_year: SiteYearData) -> list[Problem]:
        return [p for p in self.problems if p.blocks_all or site_year.site.pk in p.sites]

    def add(self, problem: Problem) -> None:
        if problem.blocks_all:
            self.blocked_all = True
        self.blocked_sites |= problem.sites
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_not_listed += 1


# --- The template ----------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _output_units(categories: Sequence[ProductCategory]) -> list[str]:
    wanted = {c.output_unit for c in categories}
    return [u for u in units.UNITS if any(units.convertible(u, w) for w in wanted)]


def _energy_units(carriers: Sequence[Carrier]) -> list[str]:
    codes: list[str] = []
    for carrier in carriers:
        codes += [u for u in carrier.units if u not in codes]
    return codes


def _allocation_labels() -> list[str]:
    return [str(label) for label in AllocationRule.labels]


def template(year: int | None = None) -> bytes:
    """The workbook to fill in: one sheet per kind of data, instructions, drop-down lists."""
    carriers = list(Carrier.objects.order_by("position"))
    categories = list(ProductCategory.objects.select_related("focus_sector"))
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = INSTRUCTIONS_SHEET
    lists: dict[str, list[Any]] = {
        CARRIER: [c.name for c in carriers],
        # Units as the reader writes them ("tấn", "nghìn lít"); the codes are read too.
        "energy_units": [units.label(u) for u in _energy_units(carriers)],
        CATEGORY: [c.name for c in categories],
        "output_units": [units.label(u) for u in _output_units(categories)],
        "material_units": [units.label(u) for u in MATERIAL_UNITS],
        ALLOCATION: _allocation_labels(),
        MONTH: list(range(1, 13)),
    }
    ranges = _write_lists(workbook.create_sheet(LISTS_SHEET), lists)
    unit_list = {OUTPUTS: "output_units", ENERGY: "energy_units", MATERIALS: "material_units"}
    for position, spec in enumerate(SHEETS, start=1):
        sheet = workbook.create_sheet(spec.title, position)
        _write_header(sheet, spec)
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
            validation = _validation(column, spec, ranges, unit_list, year)
            if validation is not None:
                validation.add(cells)
                sheet.add_data_validation(validation)
    _write_guide(guide, year, carriers, categories)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Headings of the hidden lists sheet (fixed Vietnamese, like the other sheets' headings).
LIST_TITLES = {
    CARRIER: "Dạng năng lượng",
    "energy_units": "Đơn vị năng lượng",
    CATEGORY: "Nhóm sản phẩm",
    "output_units": "Đơn vị sản lượng",
    "material_units": "Đơn vị nguyên vật liệu",
    ALLOCATION: "Cách phân bổ",
    MONTH: "Tháng",
}


def _write_lists(sheet: Worksheet, lists: dict[str, list[Any]]) -> dict[str, str]:
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=LIST_TITLES.get(name, name))
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_header(sheet: Worksheet, spec: SheetSpec) -> None:
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        if column.hint:
            cell.comment = Comment(str(column.hint), "BenVung", width=260, height=80)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in (TAX_CODE, SITE, TEXT, NOTE):
            # Text, so that a tax code keeps its leading 0 and a name is not read as a date.
            dimension.number_format = "@"
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"


def _validation(
    column: Column,
    spec: SheetSpec,
    ranges: dict[str, str],
    unit_list: dict[str, str],
    year: int | None,
) -> DataValidation | None:
    source = {
        CARRIER: ranges[CARRIER],
        CATEGORY: ranges[CATEGORY],
        ALLOCATION: ranges[ALLOCATION],
        MONTH: ranges[MONTH],
    }.get(column.kind)
    if column.kind == UNIT:
        source = ranges[unit_list[spec.section]]
    if source is not None:
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.error = _("Choose a value from the list.")
    elif column.kind == QUANTITY:
        validation = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = _("Enter a number, zero or more.")
    elif column.kind == YEAR:
        if year is None:
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1=str(services.MIN_YEAR),
                formula2=str(services.MAX_YEAR),
                allow_blank=True,
            )
        else:
            validation = DataValidation(
                type="whole", operator="equal", formula1=str(year), allow_blank=True
            )
        validation.error = _("Enter the year of the data.")
    else:
        return None
    validation.showErrorMessage = True
    validation.errorTitle = column.header
    return validation


def _write_guide(
    sheet: Worksheet,
    year: int | None,
    carriers: Sequence[Carrier],
    categories: Sequence[ProductCategory],
) -> None:
    widths = (48, 22, 22, 40)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    title = (
        _("Energy, output and materials of enterprises in %(year)s: form for import")
        % {"year": year}
        if year
        else _("Energy, output and materials of enterprises: form for import")
    )
    rules = [
        _(
            "Write one item per row. In every row name the enterprise by its tax code and the "
            "site by its name exactly as registered in the system."
        ),
        _("Write the year of the data in the “Năm” column.")
        if year is None
        else _("Write %(year)s in the “Năm” column, or leave it empty.") % {"year": year},
        _(
            "Leave “Tháng” empty for a figure for the whole year, or write the month (1 to 12). "
            "Give each product and each energy carrier either for the whole year or month by "
            "month, not both."
        ),
        _(
            "Write numbers as numbers, not as text and not as formulas; quantities cannot be "
            "negative. Do not merge cells. Do not rename the sheets or the column headings."
        ),
        _(
            "Choose energy carriers, units, product categories and the allocation rule from "
            "the drop-down lists. Orange headings mark the columns that must be filled."
        ),
        _(
            "Each site in the file replaces all its data for the year: list all its products, "
            "energy, materials and water, not only what changed."
        ),
        _(
            "After uploading you first see every problem, by sheet, row and column. Nothing "
            "is saved until you confirm; a site with a problem in any row is not saved."
        ),
    ]
    descriptions = {
        OUTPUTS: _("products made: quantity, category, design capacity and value"),
        ENERGY: _("energy used, per carrier"),
        MATERIALS: _("main raw materials per product (t), and the site's water (m³)"),
        DRIVERS: _(
            "monthly values of other variables that drive energy use (temperature, hours run)"
        ),
    }
    # (cells, is a heading); a single text cell is a paragraph across the four columns.
    rows: list[tuple[tuple[Any, ...], bool]] = [((title,), True), ((), False)]
    rows += [((f"{i}. {text}",), False) for i, text in enumerate(rules, start=1)]
    rows += [((), False), ((_("Sheet"), _("What it holds")), True)]
    rows += [((spec.title, descriptions[spec.section]), False) for spec in SHEETS]
    rows += [((), False), ((_("Energy carrier"), _("Units accepted")), True)]
    rows += [((c.name, ", ".join(units.label(u) for u in c.units)), False) for c in carriers]
    rows += [
        ((), False),
        ((_("Product category"), _("Output unit"), _("Capacity unit"), _("Sector")), True),
    ]
    rows += [
        (
            (
                c.name,
                units.label(c.output_unit),
                units.label(c.capacity_unit) if c.capacity_unit else "—",
                c.focus_sector.name,
            ),
            False,
        )
        for c in categories
    ]
    rows += [((), False), ((_("Allocation of energy between products"),), True)]
    rows += [((str(label),), False) for label in AllocationRule.labels]
    line = sum(widths) - 10  # characters on one line of a paragraph, roughly
    for number, (cells, heading) in enumerate(rows, start=1):
        for index, value in enumerate(cells, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.alignment = _WRAP
            if heading:
                cell.font = _HEADER_FONT
        if len(cells) == 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
            lines = -(-len(str(cells[0])) // line)
            sheet.row_dimensions[number].height = 15 * max(lines, 1)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 22


# --- Reading ---------------------------------------------------------------------------------


class _Unreadable(Exception):
    """openpyxl failed on the file's content."""


_FORMULA = object()  # stands for a cell with a formula, already reported


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(value: Any) -> str:
    text = _as_text(value)
    return text if len(text) <= 100 else text[:99] + "…"


def _mb(size: int) -> str:
    return number_format(size / (1024 * 1024), decimal_pos=1, use_l10n=True)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # fields whose cell has a problem
    allocation: str = ""


@dataclass
class _Draft:
    site: Site
    year: int
    rows: dict[str, list[_Row]] = field(default_factory=lambda: defaultdict(list))


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


def parse(
    data: bytes,
    *,
    year: int | None,
    actor: Any = None,
    progress: Callable[[float], None] | None = None,
) -> ParsedWorkbook:
    """Read a filled-in template; nothing is saved. With `actor`, rows for sites that user may
    not write are problems too (else `apply` reports them)."""
    parsed = ParsedWorkbook(year=year)

    def refuse(message: str) -> ParsedWorkbook:
        parsed.add(Problem(message, blocks_all=True))
        return parsed

    if year is not None and not services.MIN_YEAR <= year <= services.MAX_YEAR:
        return refuse(
            _("The year must be from %(min)s to %(max)s.")
            % {"min": services.MIN_YEAR, "max": services.MAX_YEAR}
        )
    too_large = size_problem(len(data))
    if too_large is not None:
        parsed.add(too_large)
        return parsed
    if not data:
        return refuse(_("The file is empty."))
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). If it is in the old .xls format or "
        "protected by a password, open it in Excel and save it as .xlsx without a password."
    )
    buffer = io.BytesIO(data)  # shares `data`, no copy
    try:
        archive = zipfile.ZipFile(buffer)
    except (zipfile.BadZipFile, ValueError, EOFError):
        return refuse(not_xlsx)
    with archive:
        entries = archive.infolist()
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= {e.filename for e in entries}:
            return refuse(not_xlsx)
        if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            return refuse(
                _("The workbook unpacks to more than %(limit)s MB; it cannot be read.")
                % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        unreadable = _("The file cannot be read as an Excel workbook (%(problem)s).")
        try:
            # openpyxl warns about Excel features it drops (slicers...): not our concern.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = load_workbook(buffer, read_only=True, data_only=False, keep_links=False)
        except Exception as exc:  # a damaged file fails in openpyxl in many different ways
            return refuse(unreadable % {"problem": type(exc).__name__})
        try:
            _Reader(parsed, year, actor, progress).read(workbook, archive)
        except _Unreadable as exc:
            parsed.add(Problem(unreadable % {"problem": exc}, blocks_all=True))
        finally:
            workbook.close()
    order = {spec.title: i for i, spec in enumerate(SHEETS)}
    parsed.problems.sort(
        key=lambda p: (order.get(p.sheet, -1), p.row or 0, len(p.column), p.column)
    )
    for site_year in parsed.site_years:
        site_year.blocked = parsed.blocked_all or site_year.site.pk in parsed.blocked_sites
    if parsed.problems_not_listed:
        parsed.problems.append(
            Problem(
                _("… and %(count)s more problems not listed.")
                % {"count": parsed.problems_not_listed},
                blocks_all=True,
            )
        )
    return parsed


class _Reader:
    def __init__(
        self,
        parsed: ParsedWorkbook,
        year: int | None,
        actor: Any,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        self.parsed = parsed
        self.year = year
        self.actor = actor
        self.progress = progress
        self.carriers = {c.key: c for c in Carrier.objects.all()}
        self.carrier_names = _names(self.carriers.values())
        self.categories = {c.key: c for c in ProductCategory.objects.all()}
        self.category_names = _names(self.categories.values())
        self.allocations = _allocation_names()
        self.units = {_norm(code): code for code in units.UNITS} | {
            _norm(u.label): u.code for u in units.UNITS.values()
        }
        self.enterprises: dict[str, Enterprise | None] = {}
        self.sites: dict[int, list[Site]] = {}
        self.site_names: dict[int, dict[str, list[Site]]] = {}
        self.site_ids: dict[int, frozenset[int]] = {}
        self.drafts: dict[tuple[int, int], _Draft] = {}
        self.letters: dict[str, dict[str, str]] = defaultdict(dict)
        # Sites named by each sheet row, so a merged range can stop them from being saved.
        self.row_sites: dict[tuple[str, int], frozenset[int]] = {}
        self.data_rows = 0

    # -- problems --

    def add(
        self,
        message: str,
        spec: SheetSpec | None = None,
        row: int | None = None,
        column: Column | None = None,
        value: Any = None,
        sites: frozenset[int] = frozenset(),
        *,
        letter: str = "",
        blocks_all: bool = False,
    ) -> None:
        if column is not None and not letter and spec is not None:
            letter = self.letters[spec.section].get(column.field, "")
        self.parsed.add(
            Problem(
                message,
                sheet=spec.title if spec else "",
                row=row,
                column=letter,
                header=column.header if column else "",
                value=_shown(value),
                sites=sites,
                blocks_all=blocks_all,
            )
        )

    # -- the workbook --

    def read(self, workbook: Any, archive: zipfile.ZipFile) -> None:
        titles = {_norm(title): title for title in workbook.sheetnames}
        present = [spec for spec in SHEETS if _norm(spec.title) in titles]
        if not present:
            self.add(
                _(
                    "This is not the import template: it has none of the sheets %(sheets)s. "
                    "Download the template and fill it in."
                )
                % {"sheets": ", ".join(f"“{s.title}”" for s in SHEETS)},
                blocks_all=True,
            )
            return
        for spec in SHEETS:
            if spec not in present:
                self.add(
                    _(
                        "The sheet “%(sheet)s” is missing. Keep every sheet of the template, "
                        "even an empty one: each site's data for the year are replaced as a "
                        "whole."
                    )
                    % {"sheet": spec.title},
                    blocks_all=True,
                )
        for done, spec in enumerate(present, start=1):
            sheet = workbook[titles[_norm(spec.title)]]
            self.read_sheet(sheet, spec)
            if hasattr(sheet, "iter_rows"):
                self.check_merged(archive, sheet, spec)
            if self.progress is not None:
                self.progress(done / len(present))
        if not self.data_rows and not self.parsed.blocked_all:
            self.add(_("The file holds no data: every sheet is empty."), blocks_all=True)
        self.cross_check()
        for draft in sorted(
            self.drafts.values(),
            key=lambda d: (d.site.enterprise.name, d.site.name, d.year),
        ):
            self.parsed.site_years.append(self.site_year(draft))

    def read_sheet(self, sheet: Any, spec: SheetSpec) -> None:
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            self.add(_("This sheet must be a worksheet."), spec, blocks_all=True)
            return
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        rows = _rows(sheet)
        first = next(rows, None)
        if first is None:
            self.add(_("The sheet is empty: its heading row is missing."), spec, 1, blocks_all=True)
            return
        columns = self.read_header(spec, first[1])
        if columns is None:
            return
        for number, cells in rows:
            if number - 1 > MAX_ROWS:
                self.add(
                    _("The sheet has more than %(count)s rows; split it into several files.")
                    % {"count": MAX_ROWS},
                    spec,
                    number,
                    blocks_all=True,
                )
                return
            self.read_row(spec, columns, number, cells)

    def read_header(self, spec: SheetSpec, cells: Sequence[Any]) -> dict[int, Column] | None:
        by_header = {_norm(c.header): c for c in spec.columns}
        columns: dict[int, Column] = {}
        ok = True
        for index, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            text = _as_text(value)
            if not text:
                continue
            letter = get_column_letter(index + 1)
            column = by_header.get(_norm(text).rstrip("* "))
            if _is_formula(cell):
                self.add(
                    _("The cell holds a formula; write the value itself."),
                    spec,
                    1,
                    value=value,
                    letter=letter,
                    blocks_all=True,
                )
                ok = False
            elif column is None:
                self.add(
                    _("This heading is not one of the template's (%(headers)s).")
                    % {"headers": ", ".join(c.header for c in spec.columns)},
                    spec,
                    1,
                    value=value,
                    letter=letter,
                    blocks_all=True,
                )
                ok = False
            elif column.field in self.letters[spec.section]:
                self.add(
                    _("This heading appears twice."),
                    spec,
                    1,
                    column,
                    value,
                    letter=letter,
                    blocks_all=True,
                )
                ok = False
            else:
                columns[index] = column
                self.letters[spec.section][column.field] = letter
        for column in spec.columns:
            needed = column.required or (column.kind == YEAR and self.year is None)
            if needed and column.field not in self.letters[spec.section]:
                self.add(
                    _("The column “%(header)s” is missing.") % {"header": column.header},
                    spec,
                    1,
                    blocks_all=True,
                )
                ok = False
        return columns if ok else None

    def read_row(
        self, spec: SheetSpec, columns: dict[int, Column], number: int, cells: Sequence[Any]
    ) -> None:
        raw: dict[str, Any] = {}
        formulas: list[tuple[int, Any]] = []
        stray: list[tuple[int, Any]] = []
        for index, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if isinstance(value, str) and not value.strip():
                value = None
            if value is None:
                continue
            if _is_formula(cell):
                formulas.append((index, value))
                continue
            column = columns.get(index)
            if column is None:
                stray.append((index, value))
            else:
                raw[column.field] = value
        meaningful = set(raw) - {"year", "note"}
        if not meaningful and not formulas and not stray:
            return  # an empty row (or one with only a year or a note)
        self.data_rows += 1
        for index, _value in formulas:
            if index in columns:  # its own problem is enough: not also "missing"
                raw[columns[index].field] = _FORMULA
        draft, sites = self.identify(spec, number, raw)
        self.row_sites[(spec.title, number)] = sites
        row = _Row(number, {})
        for index, value in formulas:
            column = columns.get(index)
            self.add(
                _("The cell holds a formula; write the value itself."),
                spec,
                number,
                column,
                value,
                sites,
                letter=get_column_letter(index + 1),
            )
            if column is not None:
                row.bad.add(column.field)
        for index, value in stray:
            self.add(
                _("There is data in a column without a heading."),
                spec,
                number,
                None,
                value,
                sites,
                letter=get_column_letter(index + 1),
            )
        for column in spec.columns:
            if column.kind in (TAX_CODE, SITE, YEAR, NOTE) or column.field in row.bad:
                continue
            self.read_cell(spec, column, row, raw.get(column.field), sites)
        if draft is not None:
            draft.rows[spec.section].append(row)

    def read_cell(
        self, spec: SheetSpec, column: Column, row: _Row, value: Any, sites: frozenset[int]
    ) -> None:
        def problem(message: str) -> None:
            row.bad.add(column.field)
            self.add(message, spec, row.number, column, value, sites)

        if value is None:
            if column.required:
                problem(_("This cell must be filled."))
            elif column.field != "allocation_rule":
                row.values[column.field] = "" if column.kind == TEXT else None
            return
        if column.kind == MONTH:
            month = _whole(value)
            if month is None or not 1 <= month <= 12:
                problem(_("The month must be a whole number from 1 to 12."))
            else:
                row.values["month"] = month
        elif column.kind in (QUANTITY, SIGNED):
            number, message = _number(value, signed=column.kind == SIGNED)
            if message:
                problem(message)
            elif number is not None and abs(number) >= _LIMITS.get(column.field, 10**14):
                problem(_("The number is too large."))
            else:
                row.values[column.field] = number
        elif column.kind == TEXT:
            text = _as_text(value)
            limit = _LENGTHS.get(column.field)
            if limit and len(text) > limit:
                problem(_("At most %(count)s characters.") % {"count": limit})
            else:
                row.values[column.field] = text
        elif column.kind == CARRIER:
            key = self.carrier_names.get(_norm(_as_text(value)))
            if key is None:
                problem(_("This energy carrier is unknown; choose one from the list."))
            else:
                row.values["carrier"] = key
        elif column.kind == CATEGORY:
            key = self.category_names.get(_norm(_as_text(value)))
            if key is None:
                problem(_("This product category is unknown; choose one from the list."))
            else:
                row.values["category"] = key
        elif column.kind == ALLOCATION:
            rule = self.allocations.get(_norm(_as_text(value)))
            if rule is None:
                problem(
                    _("Choose how energy is shared between products from the list (%(rules)s).")
                    % {"rules": ", ".join(_allocation_labels())}
                )
            else:
                row.allocation = rule
        elif column.kind == UNIT:
            code = self.units.get(_norm(_as_text(value)))
            if code is None:
                problem(_("This unit is unknown; choose one from the list."))
            else:
                row.values["unit"] = code
                message = self.unit_problem(spec.section, row, code)
                if message:
                    problem(message)

    def unit_problem(self, section: str, row: _Row, code: str) -> str:
        """Whether the unit fits what it measures (read after the carrier or category)."""
        if section == ENERGY and "carrier" in row.values:
            carrier = self.carriers[row.values["carrier"]]
            if code not in carrier.units:
                return _("%(carrier)s is reported in %(units)s.") % {
                    "carrier": carrier.name,
                    "units": ", ".join(units.label(u) for u in carrier.units),
                }
        elif section == OUTPUTS and "category" in row.values:
            category = self.categories[row.values["category"]]
            if not units.convertible(code, category.output_unit):
                return _("The output of “%(category)s” is measured in %(unit)s or alike.") % {
                    "category": category.name,
                    "unit": units.label(category.output_unit),
                }
        elif section == MATERIALS and code not in MATERIAL_UNITS:
            return _("Materials are given in %(units)s.") % {
                "units": ", ".join(units.label(u) for u in MATERIAL_UNITS)
            }
        return ""

    # -- which site and year --

    def identify(
        self, spec: SheetSpec, number: int, raw: dict[str, Any]
    ) -> tuple[_Draft | None, frozenset[int]]:
        columns = {c.field: c for c in spec.columns}
        site: Site | None = None
        sites: frozenset[int] = frozenset()
        enterprise = self.enterprise(spec, number, columns["tax_code"], raw.get("tax_code"))
        if enterprise is not None:
            sites = self.site_ids_of(enterprise)
            if self.actor is not None and not permissions.can_manage_sites(self.actor, enterprise):
                self.add(
                    _("You may not enter data for %(enterprise)s.")
                    % {"enterprise": enterprise.name},
                    spec,
                    number,
                    columns["tax_code"],
                    raw.get("tax_code"),
                    sites,
                )
                return None, sites
            year_hint = _whole(raw.get("year")) or self.year
            site = self.site(
                spec, number, columns["site"], raw.get("site"), enterprise, sites, year_hint
            )
            if site is not None:
                sites = frozenset({site.pk})
        year = self.row_year(spec, number, columns["year"], raw.get("year"), sites)
        if site is None or year is None:
            return None, sites
        draft = self.drafts.get((site.pk, year))
        if draft is None:
            draft = self.drafts[(site.pk, year)] = _Draft(site, year)
        return draft, sites

    def enterprise(
        self, spec: SheetSpec, number: int, column: Column, value: Any
    ) -> Enterprise | None:
        if value is _FORMULA:
            return None
        if value is None:
            self.add(_("Write the enterprise's tax code."), spec, number, column)
            return None
        text = _as_text(value)
        if isinstance(value, int | float) and len(text) in (9, 12):
            text = "0" + text  # typed as a number, the leading 0 was lost
        try:
            code = clean_tax_code(text)
        except ValidationError as exc:
            self.add(" ".join(exc.messages), spec, number, column, value)
            return None
        if code not in self.enterprises:
            self.enterprises[code] = (
                Enterprise.objects.filter(tax_code=code).order_by("-pk").first()
            )
        enterprise = self.enterprises[code]
        if enterprise is None:
            self.add(
                _("No enterprise with this tax code is registered in the system."),
                spec,
                number,
                column,
                value,
            )
        return enterprise

    def site_ids_of(self, enterprise: Enterprise) -> frozenset[int]:
        """The enterprise's sites (read once): a row naming none of them stops them all."""
        if enterprise.pk not in self.sites:
            sites = list(Site.objects.filter(enterprise=enterprise).select_related("enterprise"))
            self.sites[enterprise.pk] = sites
            self.site_ids[enterprise.pk] = frozenset(s.pk for s in sites)
            by_name: dict[str, list[Site]] = defaultdict(list)
            for site in sites:
                by_name[_norm(site.name)].append(site)
            self.site_names[enterprise.pk] = dict(by_name)
        return self.site_ids[enterprise.pk]

    def site(
        self,
        spec: SheetSpec,
        number: int,
        column: Column,
        value: Any,
        enterprise: Enterprise,
        sites: frozenset[int],
        year: int | None,
    ) -> Site | None:
        if value is _FORMULA:
            return None
        if value is None:
            self.add(_("Write the site's name."), spec, number, column, None, sites)
            return None
        matches = self.site_names[enterprise.pk].get(_norm(_as_text(value)), [])
        if len(matches) > 1:
            # A site closed and a new one of the same name: the one open in the year.
            open_ = [
                s
                for s in matches
                if year is not None
                and (s.valid_from is None or s.valid_from.year <= year)
                and (s.valid_to is None or s.valid_to.year >= year)
            ]
            matches = open_ if len(open_) == 1 else matches
        if len(matches) == 1:
            return matches[0]
        if matches:
            message = _("Several sites of the enterprise have this name.")
        else:
            message = _("The enterprise has no site of this name (its sites: %(names)s).") % {
                "names": "; ".join(s.name for s in self.sites[enterprise.pk]) or "—"
            }
        self.add(message, spec, number, column, value, sites)
        return None

    def row_year(
        self, spec: SheetSpec, number: int, column: Column, value: Any, sites: frozenset[int]
    ) -> int | None:
        if value is _FORMULA:
            return None
        if value is None:
            if self.year is None:
                self.add(_("Write the year."), spec, number, column, None, sites)
            return self.year
        year = _whole(value)
        if year is None or not services.MIN_YEAR <= year <= services.MAX_YEAR:
            self.add(
                _("The year must be a whole number from %(min)s to %(max)s.")
                % {"min": services.MIN_YEAR, "max": services.MAX_YEAR},
                spec,
                number,
                column,
                value,
                sites,
            )
            return None
        if self.year is not None and year != self.year:
            self.add(
                _("This file is being imported for %(year)s.") % {"year": self.year},
                spec,
                number,
                column,
                value,
                sites,
            )
            return None
        return year

    def check_merged(self, archive: zipfile.ZipFile, sheet: Any, spec: SheetSpec) -> None:
        """Merged cells: a value shown across rows belongs, for a program, to the first only."""
        # The read-only sheet does not list merged cells; they follow the rows in its XML.
        path = sheet._worksheet_path
        try:
            with archive.open(path) as source:
                for _event, element in iterparse(source):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "mergeCell":
                        self.merged(spec, element.get("ref", ""))
                    elif tag in ("row", "sheetData"):
                        element.clear()
        except (KeyError, ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _Unreadable(type(exc).__name__) from exc

    def merged(self, spec: SheetSpec, ref: str) -> None:
        try:
            first_col, first_row, _last_col, last_row = range_boundaries(ref)
        except (TypeError, ValueError):
            return
        if first_row is None or last_row is None:
            return
        sites: frozenset[int] = frozenset()
        for number in range(first_row, min(last_row, first_row + MAX_ROWS) + 1):
            sites |= self.row_sites.get((spec.title, number), frozenset())
        self.add(
            _("The cells %(range)s are merged; unmerge them and fill in each cell.")
            % {"range": ref},
            spec,
            first_row,
            None,
            None,
            sites,
            letter=get_column_letter(first_col or 1),
            blocks_all=first_row == 1 or not sites,
        )

    # -- checks across rows of a site's year --

    def cross_check(self) -> None:
        for draft in self.drafts.values():
            sites = frozenset({draft.site.pk})
            outputs = draft.rows[OUTPUTS]
            products: dict[str, tuple[str, int]] = {}
            out_spec = sheet_spec(OUTPUTS)
            columns = {c.field: c for c in out_spec.columns}
            for row in outputs:
                product = row.values.get("product")
                category = row.values.get("category")
                if "product" in row.bad or not product or category is None:
                    continue
                first = products.setdefault(product, (category, row.number))
                if first[0] != category:
                    self.add(
                        _("The product's category differs from row %(row)s.") % {"row": first[1]},
                        out_spec,
                        row.number,
                        columns["category"],
                        self.categories[category].name,
                        sites,
                    )
            rules = [(row.allocation, row.number) for row in outputs if row.allocation]
            for rule, number in rules[1:]:
                if rule != rules[0][0]:
                    self.add(
                        _("A site's year has one allocation rule; row %(row)s gives another.")
                        % {"row": rules[0][1]},
                        out_spec,
                        number,
                        columns["allocation_rule"],
                        AllocationRule(rule).label,
                        sites,
                    )
            self.yearly_or_monthly(OUTPUTS, outputs, lambda r: r.values.get("product"), sites)
            self.yearly_or_monthly(
                ENERGY,
                draft.rows[ENERGY],
                lambda r: (r.values.get("carrier"), r.values.get("product") or ""),
                sites,
            )
            # The service lets materials mix the two, but their totals would count twice too.
            self.yearly_or_monthly(
                MATERIALS,
                draft.rows[MATERIALS],
                lambda r: (r.values.get("product") or "", r.values.get("material")),
                sites,
            )
            self.product_references(outputs, draft, sites)
            self.duplicate_drivers(draft.rows[DRIVERS], sites)

    def product_references(self, outputs: list[_Row], draft: _Draft, sites: frozenset[int]) -> None:
        """Energy metered for a product, and materials of a product, name one of the outputs."""
        out_spec = sheet_spec(OUTPUTS)
        known = {row.values.get("product") for row in outputs}
        # An output row whose product could not be read would make every reference look
        # wrong; that row's own problem is enough.
        unreadable = any("product" in row.bad for row in outputs)
        for section in () if unreadable else (ENERGY, MATERIALS):
            spec = sheet_spec(section)
            column = next(c for c in spec.columns if c.field == "product")
            for row in draft.rows[section]:
                product = row.values.get("product")
                if product and product not in known:
                    row.bad.add("product")
                    self.add(
                        _("This product is not in the sheet “%(sheet)s” for this site and year.")
                        % {"sheet": out_spec.title},
                        spec,
                        row.number,
                        column,
                        product,
                        sites,
                    )

    def duplicate_drivers(self, rows: list[_Row], sites: frozenset[int]) -> None:
        """One value per variable and month (the database would refuse a second)."""
        spec = sheet_spec(DRIVERS)
        month_column = next(c for c in spec.columns if c.field == "month")
        seen: dict[tuple[str, int], int] = {}
        for row in rows:
            key = (row.values.get("name"), row.values.get("month"))
            if None in key or not key[0]:
                continue
            first_row = seen.setdefault((str(key[0]), int(key[1] or 0)), row.number)
            if first_row != row.number:
                self.add(
                    _("This variable already has a value for this month in row %(row)s.")
                    % {"row": first_row},
                    spec,
                    row.number,
                    month_column,
                    key[1],
                    sites,
                )

    def yearly_or_monthly(
        self, section: str, rows: list[_Row], key: Any, sites: frozenset[int]
    ) -> None:
        """An item is given for the year or month by month, not both: the total would count
        twice."""
        spec = sheet_spec(section)
        month_column = next(c for c in spec.columns if c.field == "month")
        monthly: dict[Any, list[int]] = defaultdict(list)
        yearly: dict[Any, list[_Row]] = defaultdict(list)
        for row in rows:
            if "month" in row.bad:
                continue
            if row.values.get("month"):
                monthly[key(row)].append(row.number)
            else:
                yearly[key(row)].append(row)
        for item, year_rows in yearly.items():
            if item not in monthly:
                continue
            months = monthly[item]
            shown = ", ".join(str(n) for n in months[:6]) + (", …" if len(months) > 6 else "")
            for row in year_rows:
                self.add(
                    _(
                        "Given here for the whole year and month by month in rows %(rows)s; "
                        "give one or the other."
                    )
                    % {"rows": shown},
                    spec,
                    row.number,
                    month_column,
                    None,
                    sites,
                )

    def site_year(self, draft: _Draft) -> SiteYearData:
        data = SiteYearData(draft.site, draft.year)
        rules = [row.allocation for row in draft.rows[OUTPUTS] if row.allocation]
        if rules:
            data.allocation_rule = rules[0]
        for section in SECTIONS:
            for row in draft.rows[section]:
                if row.bad:
                    continue
                data.rows(section).append(dict(row.values))
                data.source_rows[section].append(row.number)
        return data


def _rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The sheet's rows, numbered from 1; a failure of openpyxl on the content is _Unreadable."""
    iterator = sheet.iter_rows(min_row=1, min_col=1)
    number = 0
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # a damaged file fails in openpyxl in many different ways
            raise _Unreadable(type(exc).__name__) from exc
        number += 1
        yield number, cells


def _is_formula(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    )


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number(value: Any, *, signed: bool = False) -> tuple[Decimal | None, str]:
    """The cell as a number, or why it is not one. Text is refused unless it is plain digits:
    "1.234" means a thousand and more in Vietnamese and one and a bit in English."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None, _("The cell must hold a number (it holds a date or another value).")
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if signed and text.startswith("-") else text
        if not digits.isdigit():
            return None, _("The cell holds text, not a number; write the number as a number.")
        value = text
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None, _("The cell holds text, not a number; write the number as a number.")
    if not number.is_finite():
        return None, _("The cell must hold a number.")
    if number < 0 and not signed:
        return None, _("The quantity cannot be negative.")
    return number, ""


def _names(items: Any) -> dict[str, str]:
    """Normalised Vietnamese name, English name and key → key."""
    names: dict[str, str] = {}
    for item in items:
        for text in (item.key, item.name_en, item.name):  # the Vietnamese name wins a clash
            names[_norm(text)] = item.key
    return names


def _allocation_names() -> dict[str, str]:
    names = {_norm(value): value for value in AllocationRule.values}
    for language in ("en", "vi", translation.get_language() or "vi"):
        with translation.override(language):
            names |= {_norm(str(label)): value for value, label in AllocationRule.choices}
    return names


# --- Saving ----------------------------------------------------------------------------------


@dataclass
class SavedSiteYear:
    site: Site
    year: int
    rows: dict[str, int]


@dataclass
class SkippedSiteYear:
    site: Site
    year: int
    reason: str


@dataclass
class ImportResult:
    saved: list[SavedSiteYear] = field(default_factory=list)
    skipped: list[SkippedSiteYear] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def site_years(self) -> int:
        return len(self.saved)

    @property
    def rows(self) -> dict[str, int]:
        totals = dict.fromkeys(SECTIONS, 0)
        for saved in self.saved:
            for section, n in saved.rows.items():
                totals[section] += n
        return totals


def apply(
    parsed: ParsedWorkbook,
    *,
    actor: Any,
    keep_valid_only: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Save what `parse` read, in one transaction. A file with problems saves nothing unless
    `keep_valid_only`: then the sites without problems are saved and the others are listed."""
    result = ImportResult(problems=list(parsed.problems))
    if parsed.problems and (not keep_valid_only or parsed.blocked_all):
        reason = _("The file has problems; nothing was saved.")
        result.skipped = [SkippedSiteYear(sy.site, sy.year, reason) for sy in parsed.site_years]
        return result
    failed = False
    with transaction.atomic():
        for done, site_year in enumerate(parsed.site_years, start=1):
            if progress is not None:
                progress(done / len(parsed.site_years))
            if site_year.blocked:
                result.skipped.append(
                    SkippedSiteYear(
                        site_year.site, site_year.year, _("Some of its rows have problems.")
                    )
                )
                continue
            messages = _save(site_year, actor)
            if not messages:
                result.saved.append(
                    SavedSiteYear(site_year.site, site_year.year, site_year.counts())
                )
                continue
            failed = True
            result.skipped.append(SkippedSiteYear(site_year.site, site_year.year, messages[0]))
            result.problems += [
                Problem(m, site=site_year.label(), sites=frozenset({site_year.site.pk}))
                for m in messages
            ]
        if failed and not keep_valid_only:
            transaction.set_rollback(True)
            reason = _("Another site of the file could not be saved; nothing was saved.")
            result.skipped += [SkippedSiteYear(s.site, s.year, reason) for s in result.saved]
            result.saved = []
    return result


def _save(site_year: SiteYearData, actor: Any) -> list[str]:
    """Problems that keep the site's year from being saved; none when it was."""
    try:
        with transaction.atomic():
            services.site_year_save(
                actor=actor,
                site=site_year.site,
                year=site_year.year,
                allocation_rule=site_year.allocation_rule,
                outputs=site_year.outputs,
                energy=site_year.energy,
                materials=site_year.materials,
                drivers=site_year.drivers,
                is_demo=site_year.site.is_demo,
            )
    except PermissionDenied:
        return [
            _("You may not enter data for %(enterprise)s.")
            % {"enterprise": site_year.site.enterprise.name}
        ]
    except ValidationError as exc:
        return list(exc.messages)
    return []
