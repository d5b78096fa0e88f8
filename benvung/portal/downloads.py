"""An indicator's results as open data: CSV, XLSX and JSON with plain numbers.

Numbers are written as machine numbers (a dot for decimals, no grouping) whatever the page's
language; only the HTML pages format them the Vietnamese way. The records behind a figure
(`inputs`) are never published: they name organisations and their private data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from benvung.core.spreadsheet import CsvWriter, append_row, workbook_bytes
from benvung.indicators import registry
from benvung.indicators.models import IndicatorResult
from benvung.plans.models import Target

COLUMNS = (
    "indicator",
    "year",
    "scope_kind",
    "scope_key",
    "scope_label",
    "value",
    "numerator",
    "denominator",
    "unit",
    "notes",
    "withheld",
    "coverage_counted",
    "coverage_expected",
    "computed_at",
)


def _number(value: Decimal | None) -> int | float | None:
    """A stored decimal as the plain number it is (70.000000 → 70, 6.250000 → 6.25)."""
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def rows(
    definition: registry.Definition, results: Sequence[IndicatorResult]
) -> list[dict[str, Any]]:
    return [
        {
            "indicator": r.indicator,
            "year": r.year,
            "scope_kind": r.scope_kind,
            "scope_key": r.scope_key,
            "scope_label": r.label,
            "value": _number(r.value),
            "numerator": _number(r.numerator),
            "denominator": _number(r.denominator),
            "unit": str(definition.unit),
            # Sentences in the reader's language, never the stored {"msg", "args"} form.
            "notes": " ".join(registry.note_text(n) for n in r.notes or []),
            "withheld": r.withheld,
            "coverage_counted": r.coverage.get("counted") if r.coverage else None,
            "coverage_expected": r.coverage.get("expected") if r.coverage else None,
            "computed_at": r.computed_at.isoformat() if r.computed_at else None,
        }
        for r in results
    ]


def as_csv(definition: registry.Definition, results: Sequence[IndicatorResult]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese letters correctly."""
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(definition, results):
        writer.writerow(row[column] for column in COLUMNS)
    return out.getvalue().encode("utf-8-sig")


def _targets(targets: Sequence[Target]) -> list[dict[str, Any]]:
    return [
        {
            "code": t.code,
            "text": t.text,
            "value": _number(t.value),
            "min_value": _number(t.min_value),
            "max_value": _number(t.max_value),
            "unit": t.unit,
            "milestone_year": t.milestone_year,
            "baseline_year": t.baseline_year,
            "direction": t.direction,
        }
        for t in targets
    ]


def _about(definition: registry.Definition) -> dict[str, Any]:
    return {
        "code": definition.code,
        "name": str(definition.name),
        "unit": str(definition.unit),
        "description": str(definition.description),
        "method": str(definition.method),
        "coverage_rule": str(definition.coverage_rule.description)
        if definition.coverage_rule
        else "",
        "sources": [str(s) for s in definition.sources],
        "breakdowns": [
            {"scope_kind": k, "label": str(label)} for k, label in definition.breakdowns
        ],
    }


def as_json(
    definition: registry.Definition,
    targets: Sequence[Target],
    results: Sequence[IndicatorResult],
) -> bytes:
    data = {
        "indicator": _about(definition),
        "targets": _targets(targets),
        "results": rows(definition, results),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def as_xlsx(
    definition: registry.Definition,
    targets: Sequence[Target],
    results: Sequence[IndicatorResult],
) -> bytes:
    """Sheet "data": every result (a row per year and scope); "about": definition and targets.

    Sheet names and headings are the same fields as the CSV and JSON, in every language.
    """
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = "data"
    append_row(data, COLUMNS)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in rows(definition, results):
        append_row(data, (row[column] for column in COLUMNS))
    for col, width in enumerate((30, 8, 14, 14, 40, 12, 12, 12, 10, 50, 10, 10, 10, 26), start=1):
        data.column_dimensions[get_column_letter(col)].width = width
    data.freeze_panes = "A2"

    about = workbook.create_sheet("about")
    info = _about(definition)
    for key in ("code", "name", "unit", "description", "method", "coverage_rule"):
        append_row(about, [key, info[key]])
    for source in info["sources"]:
        append_row(about, ["source", source])
    about.append([])
    about.append(["target", "text", "value", "min_value", "max_value", "unit", "milestone_year"])
    for t in _targets(targets):
        append_row(
            about,
            [
                t["code"],
                t["text"],
                t["value"],
                t["min_value"],
                t["max_value"],
                t["unit"],
                t["milestone_year"],
            ],
        )
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    return workbook_bytes(workbook)
