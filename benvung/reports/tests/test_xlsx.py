"""The XLSX annex: the appendix tables, one sheet each, after a sheet naming the document."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from benvung.reports.xlsx import parse_number, render_xlsx

from .render_samples import SECTORS, TARGETS, TASKS, sample_document


@pytest.fixture(scope="module")
def workbook() -> Any:
    with translation.override("vi"):
        return load_workbook(io.BytesIO(render_xlsx(sample_document(), content_hash="sample")))


def _header_row(sheet: Any) -> int:
    return next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value in ("TT", "Ngành"))


def test_one_sheet_for_the_document_then_one_per_appendix_table(workbook: Any) -> None:
    assert workbook.sheetnames == ["Văn bản", "Phụ lục I", "Phụ lục II", "Phụ lục III"]


def test_the_document_sheet_gives_number_date_and_issuer(workbook: Any) -> None:
    values = {
        row[0].value: row[1].value for row in workbook["Văn bản"].iter_rows(min_row=1, max_col=2)
    }
    assert "05/BC-SCT" in values.values()
    assert "SỞ CÔNG THƯƠNG" in values.values()
    assert "Đồng Nai, ngày 05 tháng 01 năm 2026" in values.values()
    assert dt.datetime(2026, 1, 5) in values.values()
    assert "sample" in values.values()  # the data's hash


def test_each_table_has_one_row_per_item_plus_the_header(workbook: Any) -> None:
    for name, items in (("Phụ lục I", TARGETS), ("Phụ lục II", TASKS), ("Phụ lục III", SECTORS)):
        sheet = workbook[name]
        header = _header_row(sheet)
        assert sheet.max_row - header == len(items)
    sheet = workbook["Phụ lục I"]
    assert sheet["A1"].value == "Phụ lục I"
    assert sheet["A2"].value == "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025"
    assert sheet["A3"].value == (
        "(Kèm theo Báo cáo số 05/BC-SCT ngày 05 tháng 01 năm 2026 của Sở Công Thương)"
    )
    assert sheet.cell(row=_header_row(sheet) + 1, column=2).value == TARGETS[0][0]


def test_figures_are_numbers_and_the_task_sheet_prints_landscape(workbook: Any) -> None:
    sheet = workbook["Phụ lục III"]
    first = _header_row(sheet) + 1
    assert sheet.cell(row=first, column=2).value == pytest.approx(1245.6)
    assert sheet.cell(row=first, column=4).value == pytest.approx(-0.053)
    assert sheet.cell(row=first, column=4).number_format == "0.0%"
    assert sheet.cell(row=first, column=1).font.name == "Times New Roman"
    assert workbook["Phụ lục II"].page_setup.orientation == "landscape"
    assert workbook["Phụ lục I"].page_setup.orientation == "portrait"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.245,6", (1245.6, "#,##0.0")),
        ("12.480", (12480.0, "#,##0")),
        ("7", (7.0, "#,##0")),
        ("18,5%", (0.185, "0.0%")),
        ("-5,30%", (-0.053, "0.00%")),
        ("≥ 10", None),
        ("20-25%", None),
        ("", None),
    ],
)
def test_vietnamese_numbers_are_read_back(text: str, expected: Any) -> None:
    parsed = parse_number(text)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed[0] == pytest.approx(expected[0])
        assert parsed[1] == expected[1]
