"""Workbooks for measuring the Excel imports: a zip bomb and large, realistic files.

Used by `benvung bench_imports` (which prints the figures) and by the tests that check a bomb
is refused; nothing here asserts a time.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.db.models import F

_NS = "http://schemas.openxmlformats.org"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = f"{_NS}/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_NS}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    f'{_XML}<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_NS}/spreadsheetml/2006/main" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
)


def zip_bomb(shared_strings_mb: int = 200) -> bytes:
    """A valid-looking workbook of about half a megabyte whose xl/sharedStrings.xml unpacks to
    `shared_strings_mb` MB (the file of finding F4). Written in chunks: building it holds a
    megabyte, never the whole part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET)
        head = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        item = b"<si><t>" + b"a" * 1000 + b"</t></si>"
        chunk = item * (1024 * 1024 // len(item))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(head)
            for _ in range(shared_strings_mb):
                part.write(chunk)
            part.write(b"</sst>")
    return buffer.getvalue()


def consumption_workbook(rows: int, *, factor: str = "1.02") -> tuple[bytes, int, int]:
    """A consumption workbook of about `rows` data rows (all sheets together) re-stating the
    stored data of the demo enterprises' site-years, newest years first, every row by month (a
    yearly row becomes twelve), each quantity times `factor` so that every site-year changes.
    Returns the file, its data rows and its site-years."""
    from collections import defaultdict
    from decimal import Decimal

    from openpyxl import Workbook

    from benvung.resources import excel
    from benvung.resources.models import EnergyUse, MaterialUse, Output, SiteYear

    scale = Decimal(factor)
    specs = {section: excel.sheet_spec(section) for section in excel.SECTIONS}
    stored: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    queries: dict[str, Any] = {
        excel.OUTPUTS: Output.objects.values(
            "site_year_id",
            "product",
            "month",
            "quantity",
            "unit",
            "capacity",
            "value_vnd",
            category_name=F("category__name"),
        ),
        excel.ENERGY: EnergyUse.objects.values(
            "site_year_id", "product", "month", "quantity", "unit", carrier_name=F("carrier__name")
        ),
        excel.MATERIALS: MaterialUse.objects.values(
            "site_year_id", "product", "material", "month", "quantity", "unit"
        ),
    }
    for section, query in queries.items():
        for values in query.order_by("pk"):
            for name in ("category", "carrier"):
                if f"{name}_name" in values:
                    values[name] = values.pop(f"{name}_name")
            stored[values["site_year_id"]][section].append(values)
    sheets: dict[str, list[list[Any]]] = {section: [] for section in excel.SECTIONS}
    site_years = SiteYear.objects.select_related("site__enterprise").order_by("-year", "site_id")
    written = 0
    count = 0
    for site_year in site_years:
        identity = {
            "tax_code": site_year.site.enterprise.tax_code,
            "site": site_year.site.name,
            "year": site_year.year,
        }
        lines: list[tuple[str, list[Any]]] = []
        for section, items in stored[site_year.pk].items():
            spec = specs[section]
            for row in items:
                quantity = Decimal(row["quantity"]) * scale
                monthly = bool(row.get("month"))
                share = quantity if monthly else quantity / 12
                for month in [row["month"]] if monthly else range(1, 13):
                    values = {**identity, **row, "month": month, "quantity": round(share, 2)}
                    lines.append((section, [_cell(values.get(c.field)) for c in spec.columns]))
        if written + len(lines) > rows:  # whole site-years only, within `rows`
            break
        for section, line in lines:
            sheets[section].append(line)
        written += len(lines)
        count += 1
    workbook = Workbook(write_only=True)
    for section, spec in specs.items():
        sheet = workbook.create_sheet(spec.title)
        sheet.append([c.header for c in spec.columns])
        for values in sheets[section]:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), written, count


def _cell(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value
