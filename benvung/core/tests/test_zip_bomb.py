"""A workbook that unpacks to far more than any import needs is refused before it is read."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest

from benvung.core import xlsx
from benvung.devtools.bench_imports import zip_bomb


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(200)  # F4: half a megabyte, 200 MB of shared strings


def test_a_zip_bomb_is_refused_naming_its_part_and_the_limit(bomb: bytes) -> None:
    assert len(bomb) < 1024 * 1024
    read: list[Any] = []
    tracemalloc.start()
    try:
        problem = xlsx.read_workbook(bomb, lambda workbook, archive: read.append(workbook))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem is not None and problem.blocks_all
    assert read == []  # openpyxl never got to it
    assert "xl/sharedStrings.xml" in problem.message
    assert xlsx._mb(xlsx.MAX_PART_BYTES) in problem.message
    # Only the ZIP directory was read: not a part of the 200 MB (the memory, not a time).
    assert peak < 5 * 1024 * 1024


def test_a_part_larger_than_its_directory_says_stops_at_the_limit(
    bomb: bytes, monkeypatch: Any
) -> None:
    """The directory may lie: the counting reader stops at the limit whatever it says."""
    monkeypatch.setattr(xlsx, "archive_problem", lambda archive: None)
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 2 * 1024 * 1024)
    problem = xlsx.read_workbook(bomb, lambda workbook, archive: None)
    assert problem is not None and problem.blocks_all
    assert "xl/sharedStrings.xml" in problem.message


def test_a_part_compressed_like_a_bomb_is_refused_below_the_size_limit(bomb: bytes) -> None:
    small = zip_bomb(xlsx.MAX_PART_BYTES // (1024 * 1024) // 2)
    problem = xlsx.read_workbook(small, lambda workbook, archive: None)
    assert problem is not None and "xl/sharedStrings.xml" in problem.message
    assert str(xlsx.MAX_RATIO) in problem.message


def test_an_ordinary_workbook_is_read(monkeypatch: Any) -> None:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for i in range(2_000):
        sheet.append([f"Nhà máy {i}", i, i * 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows: list[int] = []

    def read(book: Any, archive: Any) -> None:
        rows.extend(n for n, _cells in xlsx.sheet_rows(book.worksheets[0]))

    started = time.perf_counter()
    assert xlsx.read_workbook(buffer.getvalue(), read) is None
    assert len(rows) == 2_000, time.perf_counter() - started
