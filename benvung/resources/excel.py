"""Enterprises' yearly energy and output data as an Excel workbook.

`template()` is the workbook to fill in (Vietnamese headers, drop-down lists); `parse()` reads a
filled one and saves nothing: it returns, per site and year, the rows in the form
`services.site_year_save` takes, and every problem named by sheet, row and column; `apply()`
saves them once the user has confirmed what the preview showed.

The sheet names and column headers are the file's format, not interface text: a workbook
downloaded in one language must read in the other, so they are fixed Vietnamese strings. What
the user reads about the file (instructions, problems) is translated.

Each site-year is replaced as a whole by `services.site_year_write`, so a site-year with one
bad row is not saved at all (saving the rest would drop that row's data); a problem stops only
the site-year its row belongs to, and with `keep_valid_only` the other site-years are saved. A
row that names no known site belongs to no site-year: it stops nothing but itself.

`classify` says, before anything is saved, what saving each site-year would do: create it,
change a draft, change submitted data (which then must be submitted again), or nothing.

The upload, preview page, confirmation and background work are the site's one import pipeline
(benvung.core.tableimport); this workbook is its importer "consumption" (benvung.resources.imports).
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from benvung.core import units, xlsx, years
from benvung.core.concurrency import StaleEdit
from benvung.core.numbers import NumberProblem, read_decimal
from benvung.core.spreadsheet import workbook_bytes
from benvung.directory import permissions as directory_permissions
from benvung.directory.models import Enterprise, Site
from benvung.directory.validators import clean_tax_code

from . import changes, permissions, selectors, services
from .models import AllocationRule, Carrier, ProductCategory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from benvung.accounts.models import User

TEMPLATE_ROWS = 2_000  # rows of a fresh template that carry the drop-down lists
MATERIAL_UNITS = services.MATERIAL_UNITS

# What every Excel import shares lives in benvung.core.xlsx (other apps read with it, never
# with this module); short names for this module and the management command.
MAX_BYTES = xlsx.MAX_BYTES
MAX_UNPACKED_BYTES = xlsx.MAX_UNPACKED_BYTES
# Data rows of a file, all its sheets together (a file cannot pass it four times over by
# spreading its rows on the four sheets). Measured with `benvung bench_imports` on the 2-core
# server while six other jobs ran on it (elapsed times inflated about four times): a file of
# 49,968 rows of 737 site-years, every row by month, is read and checked for the preview in
# 20 s of CPU (0.4 ms a row; 74 s elapsed), read again and saved in 49 s of CPU (1 ms a row;
# 162 s elapsed), peak 240 MB; the recomputation it queues (five years, 45 figures) takes
# 9 s. 50,000 rows stay: the largest file costs the worker about a minute of CPU per step.
MAX_ROWS = xlsx.MAX_ROWS
MAX_PROBLEMS = xlsx.MAX_PROBLEMS
Problem = xlsx.Problem
size_problem = xlsx.size_problem
_Unreadable = xlsx.Unreadable
_norm = xlsx.norm
_as_text = xlsx.as_text
_shown = xlsx.shown
_rows = xlsx.sheet_rows
_is_formula = xlsx.is_formula
_whole = xlsx.whole

OUTPUTS, ENERGY, MATERIALS, DRIVERS = changes.SECTIONS
SECTIONS = changes.SECTIONS

SiteYearKey = tuple[int, int | None]  # (site id, year); year None: every year of the site

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
    blocked: bool = False  # a row of this site-year (or the file) has a problem
    # What saving it would do (set by `classify`, for site-years without problems), and the
    # stored version it was compared with (0: nothing stored).
    change: changes.YearChange | None = None
    version: int = 0
    submitted_at: Any = None
    # Rows that may have been meant for this site-year but name no known site of its
    # enterprise: not problems of this site-year, but worth a look.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.site.pk, self.year)

    def rows(self, section: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = getattr(self, section)
        return rows

    def counts(self) -> dict[str, int]:
        return {s: len(self.rows(s)) for s in SECTIONS}

    def label(self, actor: User | None = None) -> str:
        """The site-year as a message names it; to a user who may not write the site, by the
        tax code they wrote, never by the enterprise's name."""
        if actor is not None and not permissions.can_write_site(actor, self.site):
            return f"{self.site.enterprise.tax_code} – {self.site.name}, {self.year}"
        return f"{self.site.enterprise.name} – {self.site.name}, {self.year}"


@dataclass
class ParsedWorkbook:
    year: int | None
    site_years: list[SiteYearData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    blocked: set[Any] = field(default_factory=set)  # SiteYearKey of the site-years stopped
    blocked_all: bool = False
    # Rows naming an unknown site of a known enterprise: (enterprise id, year or None, problem).
    strays: list[tuple[int, int | None, Problem]] = field(default_factory=list)

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

    def stops(self, site_year: SiteYearData) -> bool:
        """Whether a problem of the file stops this site-year."""
        site, year = site_year.key
        return self.blocked_all or bool({(site, year), (site, None)} & self.blocked)

    def problems_of(self, site_year: SiteYearData) -> list[Problem]:
        site, year = site_year.key
        mine = {(site, year), (site, None)}
        return [p for p in self.problems if p.blocks_all or mine & p.records]

    def add(self, problem: Problem) -> None:
        if problem.blocks_all:
            self.blocked_all = True
        self.blocked |= problem.records
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_not_listed += 1


# --- The template ----------------------------------------------------------------------------


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
    return workbook_bytes(workbook)


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
    return xlsx.write_lists(
        sheet, {name: (LIST_TITLES.get(name, name), values) for name, values in lists.items()}
    )


def _write_header(sheet: Worksheet, spec: SheetSpec) -> None:
    for index, column in enumerate(spec.columns, start=1):
        dimension = xlsx.write_heading(sheet, index, column, hint_height=80)
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
    title = column.header
    if source is not None:
        return xlsx.validation("list", _("Choose a value from the list."), title, source)
    if column.kind == QUANTITY:
        error = _("Enter a number, zero or more.")
        return xlsx.validation("decimal", error, title, "0", operator="greaterThanOrEqual")
    if column.kind == YEAR:
        error = _("Enter the year of the data.")
        if year is None:
            bounds = (str(years.FIRST_YEAR), str(years.LAST_YEAR))
            return xlsx.validation("whole", error, title, *bounds, operator="between")
        return xlsx.validation("whole", error, title, str(year), operator="equal")
    return None


def _write_guide(
    sheet: Worksheet,
    year: int | None,
    carriers: Sequence[Carrier],
    categories: Sequence[ProductCategory],
) -> None:
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
    xlsx.write_guide(sheet, rows, (48, 22, 22, 40))


# --- Reading ---------------------------------------------------------------------------------


_FORMULA = object()  # stands for a cell with a formula, already reported


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


def parse(
    data: bytes,
    *,
    year: int | None,
    actor: User | None = None,
    progress: Callable[[float], None] | None = None,
) -> ParsedWorkbook:
    """Read a filled-in template; nothing is saved. With `actor`, rows for sites that user may
    not write are problems too (else `apply` reports them)."""
    parsed = ParsedWorkbook(year=year)
    if year is not None and (year_problem := years.year_problem(year)) is not None:
        parsed.add(Problem(year_problem, blocks_all=True))
        return parsed
    if (future := years.future_year_problem(year)) is not None:
        parsed.add(Problem(future, blocks_all=True))
        return parsed

    def read(workbook: Any, archive: zipfile.ZipFile) -> None:
        _Reader(parsed, year, actor, progress).read(workbook, archive)

    refusal = xlsx.read_workbook(data, read)
    if refusal is not None:
        parsed.add(refusal)  # the file could not be opened, or openpyxl failed while reading
    order = {spec.title: i for i, spec in enumerate(SHEETS)}
    parsed.problems.sort(
        key=lambda p: (order.get(p.sheet, -1), p.row or 0, len(p.column), p.column)
    )
    for site_year in parsed.site_years:
        site_year.blocked = parsed.stops(site_year)
        site_year.warnings = [
            problem
            for enterprise_id, year, problem in parsed.strays
            if enterprise_id == site_year.site.enterprise_id and year in (None, site_year.year)
        ]
    if parsed.problems_not_listed:
        parsed.problems.append(xlsx.not_listed(parsed.problems_not_listed))
    return parsed


class _Reader:
    def __init__(
        self,
        parsed: ParsedWorkbook,
        year: int | None,
        actor: User | None,
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
        self.drafts: dict[tuple[int, int], _Draft] = {}
        self.letters: dict[str, dict[str, str]] = defaultdict(dict)
        # The site-year each sheet row belongs to, so a merged range stops just those.
        self.row_keys: dict[tuple[str, int], frozenset[SiteYearKey]] = {}
        self.data_rows = 0
        self.sheet_rows = 0  # rows of the sheets read so far, for the file's limit

    # -- problems --

    def add(
        self,
        message: str,
        spec: SheetSpec | None = None,
        row: int | None = None,
        column: Column | None = None,
        value: Any = None,
        keys: frozenset[SiteYearKey] = frozenset(),
        *,
        letter: str = "",
        blocks_all: bool = False,
    ) -> Problem:
        if column is not None and not letter and spec is not None:
            letter = self.letters[spec.section].get(column.field, "")
        problem = Problem(
            message,
            sheet=spec.title if spec else "",
            row=row,
            column=letter,
            header=column.header if column else "",
            value=_shown(value),
            records=frozenset(keys),
            blocks_all=blocks_all,
        )
        self.parsed.add(problem)
        return problem

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

        def too_many(_message: str, number: int) -> None:
            self.add(
                _(
                    "The file has more than %(count)s rows of data, all its sheets together; "
                    "split it into several files."
                )
                % {"count": MAX_ROWS},
                spec,
                number,
                blocks_all=True,
            )

        # The limit is the file's: what is left of it after the sheets already read.
        last = 1
        for number, cells in xlsx.within_limit(rows, too_many, MAX_ROWS - self.sheet_rows):
            self.read_row(spec, columns, number, cells)
            last = number
        self.sheet_rows += last - 1

    def read_header(self, spec: SheetSpec, cells: Sequence[Any]) -> dict[int, Column] | None:
        def report(message: str, column: Column | None, value: Any, letter: str) -> None:
            self.add(message, spec, 1, column, value, letter=letter, blocks_all=True)

        return xlsx.read_header(
            cells,
            spec.columns,
            {_norm(c.header): c for c in spec.columns},
            self.letters[spec.section],
            # Without a year for the whole file, each row must give its own.
            lambda c: c.required or (c.kind == YEAR and self.year is None),
            report,
        )

    def read_row(
        self, spec: SheetSpec, columns: dict[int, Column], number: int, cells: Sequence[Any]
    ) -> None:
        found = xlsx.row_cells(cells, columns)
        raw = found.values
        meaningful = set(raw) - {"year", "note"}
        if not meaningful and not found.formulas and not found.stray:
            return  # an empty row (or one with only a year or a note)
        self.data_rows += 1
        for index, _value in found.formulas:
            if index in columns:  # its own problem is enough: not also "missing"
                raw[columns[index].field] = _FORMULA
        draft, keys = self.identify(spec, number, raw)
        self.row_keys[(spec.title, number)] = keys

        def report(message: str, column: Column | None, value: Any, letter: str) -> None:
            self.add(message, spec, number, column, value, keys, letter=letter)

        row = _Row(number, {}, bad=found.report(columns, report))
        for column in spec.columns:
            if column.kind in (TAX_CODE, SITE, YEAR, NOTE) or column.field in row.bad:
                continue
            self.read_cell(spec, column, row, raw.get(column.field), keys)
        if draft is not None:
            draft.rows[spec.section].append(row)

    def read_cell(
        self,
        spec: SheetSpec,
        column: Column,
        row: _Row,
        value: Any,
        keys: frozenset[SiteYearKey],
    ) -> None:
        def problem(message: str) -> None:
            row.bad.add(column.field)
            self.add(message, spec, row.number, column, value, keys)

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
    ) -> tuple[_Draft | None, frozenset[SiteYearKey]]:
        """The site-year a row belongs to, and the keys its problems stop: that site-year
        only. A row that names no site the user may write belongs to no site-year: its
        problems are its own, whatever else the file holds."""
        columns = {c.field: c for c in spec.columns}
        site: Site | None = None
        enterprise = self.enterprise(spec, number, columns["tax_code"], raw.get("tax_code"))
        year_hint = _whole(raw.get("year")) or self.year
        if enterprise is not None:
            if self.actor is not None and not directory_permissions.can_manage_sites(
                self.actor, enterprise
            ):
                # Never the enterprise's name: the user is not entitled to learn it.
                self.add(
                    not_yours(enterprise.tax_code),
                    spec,
                    number,
                    columns["tax_code"],
                    raw.get("tax_code"),
                )
                return None, frozenset()
            site = self.site(spec, number, columns["site"], raw.get("site"), enterprise, year_hint)
        # A row whose year cannot be read still belongs to its site: to the year of the file,
        # or (a file of several years) to every year of the site.
        keys: frozenset[SiteYearKey] = (
            frozenset({(site.pk, self.year)}) if site is not None else frozenset()
        )
        year = self.row_year(spec, number, columns["year"], raw.get("year"), keys)
        if site is None or year is None:
            return None, keys
        draft = self.drafts.get((site.pk, year))
        if draft is None:
            draft = self.drafts[(site.pk, year)] = _Draft(site, year)
        return draft, frozenset({(site.pk, year)})

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

    def sites_of(self, enterprise: Enterprise) -> list[Site]:
        """The enterprise's sites, read once."""
        if enterprise.pk not in self.sites:
            sites = list(Site.objects.filter(enterprise=enterprise).select_related("enterprise"))
            self.sites[enterprise.pk] = sites
            by_name: dict[str, list[Site]] = defaultdict(list)
            for site in sites:
                by_name[_norm(site.name)].append(site)
            self.site_names[enterprise.pk] = dict(by_name)
        return self.sites[enterprise.pk]

    def site(
        self,
        spec: SheetSpec,
        number: int,
        column: Column,
        value: Any,
        enterprise: Enterprise,
        year: int | None,
    ) -> Site | None:
        if value is _FORMULA:
            return None
        sites = self.sites_of(enterprise)
        if value is None:
            problem = self.add(_("Write the site's name."), spec, number, column)
            self.parsed.strays.append((enterprise.pk, year, problem))
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
                "names": "; ".join(s.name for s in sites) or "—"
            }
        # The row's error only: the enterprise's other site-years stay valid, with a warning
        # that this row might have been meant for one of them.
        problem = self.add(message, spec, number, column, value)
        self.parsed.strays.append((enterprise.pk, year, problem))
        return None

    def row_year(
        self,
        spec: SheetSpec,
        number: int,
        column: Column,
        value: Any,
        keys: frozenset[SiteYearKey],
    ) -> int | None:
        if value is _FORMULA:
            return None
        if value is None:
            if self.year is None:
                self.add(_("Write the year."), spec, number, column, None, keys)
            return self.year
        year = _whole(value)
        if year is None or not years.in_range(year):
            self.add(
                _("The year must be a whole number from %(min)s to %(max)s.")
                % {"min": years.FIRST_YEAR, "max": years.LAST_YEAR},
                spec,
                number,
                column,
                value,
                keys,
            )
            return None
        if (future := years.future_year_problem(year)) is not None:
            self.add(future, spec, number, column, value, keys)
            return None
        if self.year is not None and year != self.year:
            self.add(
                _("This file is being imported for %(year)s.") % {"year": self.year},
                spec,
                number,
                column,
                value,
                keys,
            )
            return None
        return year

    def check_merged(self, archive: zipfile.ZipFile, sheet: Any, spec: SheetSpec) -> None:
        xlsx.merged_ranges(archive, sheet, lambda merged: self.merged(spec, merged))

    def merged(self, spec: SheetSpec, merged: xlsx.MergedRange) -> None:
        first_row = merged.first_row
        keys: frozenset[SiteYearKey] = frozenset()
        for number in range(first_row, min(merged.last_row, first_row + MAX_ROWS) + 1):
            keys |= self.row_keys.get((spec.title, number), frozenset())
        self.add(
            _("The cells %(range)s are merged; unmerge them and fill in each cell.")
            % {"range": merged.ref},
            spec,
            first_row,
            None,
            None,
            keys,
            letter=get_column_letter(merged.first_column),
            # Across the headings no cell can be trusted; elsewhere, the rows' site-years.
            blocks_all=first_row == 1,
        )

    # -- checks across rows of a site's year --

    def cross_check(self) -> None:
        for draft in self.drafts.values():
            keys: frozenset[SiteYearKey] = frozenset({(draft.site.pk, draft.year)})
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
                        keys,
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
                        keys,
                    )
            self.yearly_or_monthly(OUTPUTS, outputs, lambda r: r.values.get("product"), keys)
            self.yearly_or_monthly(
                ENERGY,
                draft.rows[ENERGY],
                lambda r: (r.values.get("carrier"), r.values.get("product") or ""),
                keys,
            )
            # The service lets materials mix the two, but their totals would count twice too.
            self.yearly_or_monthly(
                MATERIALS,
                draft.rows[MATERIALS],
                lambda r: (r.values.get("product") or "", r.values.get("material")),
                keys,
            )
            self.product_references(outputs, draft, keys)
            self.duplicate_drivers(draft.rows[DRIVERS], keys)

    def product_references(
        self, outputs: list[_Row], draft: _Draft, keys: frozenset[SiteYearKey]
    ) -> None:
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
                        keys,
                    )

    def duplicate_drivers(self, rows: list[_Row], keys: frozenset[SiteYearKey]) -> None:
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
                    keys,
                )

    def yearly_or_monthly(
        self, section: str, rows: list[_Row], key: Any, keys: frozenset[SiteYearKey]
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
                    keys,
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


def _number(value: Any, *, signed: bool = False) -> tuple[Decimal | None, str]:
    """The cell as a number, or why it is not one. Text is refused unless it is plain digits:
    "1.234" means a thousand and more in Vietnamese and one and a bit in English."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None, _("The cell must hold a number (it holds a date or another value).")
    try:
        # Text typed in a cell is read as everywhere else: 1.234,5 yes, "1,234" asked about.
        number = read_decimal(value)
    except NumberProblem as problem:
        return None, problem.message
    if number < 0 and not signed:
        return None, _("The quantity cannot be negative.")
    return number, ""


def not_yours(tax_code: str) -> str:
    """The refusal of a tax code the user may not enter data for: it names no enterprise."""
    return _(
        "The tax code %(code)s is not the tax code of one of your enterprises; you may enter "
        "data only for the enterprises you manage."
    ) % {"code": tax_code}


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


# --- What saving would do --------------------------------------------------------------------


def classify(parsed: ParsedWorkbook, *, viewer: User | AnonymousUser) -> None:
    """Compare each site-year without problems with what is stored (nothing is saved): new,
    changes a draft, changes submitted data, or unchanged, with the rows added, removed and
    changed. A site-year the service would refuse becomes a problem of that site-year alone."""
    valid = parsed.valid_site_years
    stored = selectors.stored_years(viewer=viewer, keys=[sy.key for sy in valid])
    for site_year in valid:
        try:
            checked = services.site_year_check(
                year=site_year.year,
                allocation_rule=site_year.allocation_rule,
                outputs=site_year.outputs,
                energy=site_year.energy,
                materials=site_year.materials,
                drivers=site_year.drivers,
            )
        except ValidationError as exc:
            for message in exc.messages:
                parsed.add(
                    Problem(message, site=site_year.label(), records=frozenset({site_year.key}))
                )
            site_year.blocked = True
            continue
        old = stored.get(site_year.key)
        site_year.change = changes.compare(
            old.rows if old else None, checked.rows(), old.state if old else None
        )
        site_year.version = old.version if old else 0
        site_year.submitted_at = old.submitted_at if old else None


def replaces_submitted(parsed: ParsedWorkbook) -> list[SiteYearData]:
    """The site-years without problems whose submitted data the file would replace."""
    return [
        sy
        for sy in parsed.valid_site_years
        if sy.change is not None and sy.change.status == changes.SUBMITTED
    ]


# --- Saving ----------------------------------------------------------------------------------


@dataclass
class SavedSiteYear:
    site: Site
    year: int
    rows: dict[str, int]
    status: str = changes.NEW  # what the save did (changes.NEW, DRAFT, SUBMITTED)

    @property
    def must_resubmit(self) -> bool:
        return self.status == changes.SUBMITTED


@dataclass
class SkippedSiteYear:
    site: Site
    year: int
    reason: str
    shown: str = ""  # how to name it, when not by its enterprise's name


@dataclass(frozen=True)
class Seen:
    """A site-year as the preview showed it: the version compared and what saving would do."""

    version: int
    status: str


@dataclass
class ImportResult:
    saved: list[SavedSiteYear] = field(default_factory=list)
    skipped: list[SkippedSiteYear] = field(default_factory=list)
    unchanged: list[SavedSiteYear] = field(default_factory=list)  # the same as stored
    problems: list[Problem] = field(default_factory=list)

    @property
    def site_years(self) -> int:
        return len(self.saved)

    @property
    def to_resubmit(self) -> list[SavedSiteYear]:
        """Saved over submitted data: now drafts, out of the figures until submitted again."""
        return [s for s in self.saved if s.must_resubmit]

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
    actor: User,
    keep_valid_only: bool = False,
    replace_submitted: bool = False,
    seen: Mapping[tuple[int, int], Seen] | None = None,
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Save what `parse` read, in one transaction. A file with problems saves nothing unless
    `keep_valid_only`: then the site-years without problems are saved and the others listed.

    Submitted data are replaced only with `replace_submitted`, and, when the preview the user
    confirmed is given (`seen`), only for the site-years it showed as changing submitted data
    and only if nobody saved them since. A site-year with the same data as stored is not
    written (it stays submitted if it was)."""
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
            written, messages = _save(site_year, actor, replace_submitted, seen)
            if written is not None:
                saved = SavedSiteYear(
                    site_year.site, site_year.year, site_year.counts(), written.change.status
                )
                if written.change.status == changes.UNCHANGED:
                    result.unchanged.append(saved)
                else:
                    result.saved.append(saved)
                continue
            failed = True
            shown = site_year.label(actor)
            result.skipped.append(
                SkippedSiteYear(site_year.site, site_year.year, messages[0], shown)
            )
            result.problems += [
                Problem(m, site=shown, records=frozenset({site_year.key})) for m in messages
            ]
        if failed and not keep_valid_only:
            transaction.set_rollback(True)
            reason = _("Another site of the file could not be saved; nothing was saved.")
            result.skipped += [SkippedSiteYear(s.site, s.year, reason) for s in result.saved]
            result.saved = []
    return result


def _save(
    site_year: SiteYearData,
    actor: User,
    replace_submitted: bool,
    seen: Mapping[tuple[int, int], Seen] | None,
) -> tuple[services.SiteYearWrite | None, list[str]]:
    """What the save did, or the problems that kept the site-year from being saved."""
    expected: int | None = None
    if seen is not None:
        shown = seen.get(site_year.key)
        if shown is None:
            return None, [_("This site-year was not in the preview; upload the file again.")]
        expected = shown.version
        # Only the submitted years the user saw and confirmed are replaced.
        replace_submitted = replace_submitted and shown.status == changes.SUBMITTED
    try:
        with transaction.atomic():
            written = services.site_year_write(
                actor=actor,
                site=site_year.site,
                year=site_year.year,
                allocation_rule=site_year.allocation_rule,
                outputs=site_year.outputs,
                energy=site_year.energy,
                materials=site_year.materials,
                drivers=site_year.drivers,
                is_demo=site_year.site.is_demo,
                replace_submitted=replace_submitted,
                expected_version=expected,
            )
    except StaleEdit:
        return None, [
            _(
                "The data of %(site)s for %(year)s were changed since they were checked; "
                "check the file again."
            )
            % {"site": site_year.site.name, "year": site_year.year}
        ]
    except PermissionDenied:
        return None, [not_yours(site_year.site.enterprise.tax_code)]
    except ValidationError as exc:
        return None, list(exc.messages)
    return written, []
