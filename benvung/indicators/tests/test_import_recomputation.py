"""A large import queues one recomputation, of only the indicators and years it touches (F5)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from benvung.core import tableimport as ti
from benvung.indicators import registry, services
from benvung.plans.selectors import current_plan

pytestmark = pytest.mark.django_db

ROWS = 40
YEAR = 2025


def activities_workbook(importer: ti.Importer, rows: int, year: int) -> bytes:
    workbook = load_workbook(io.BytesIO(ti.template(importer)))
    sheet = workbook[str(importer.sheet_title)]
    for i in range(rows):
        start = dt.date(year, 1 + i % 12, 1 + i % 28)
        sheet.append([f"Tập huấn tiết kiệm năng lượng số {i}", "Lớp tập huấn", start])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_large_import_recomputes_once_only_the_indicators_and_years_it_touches(
    coordinator: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[tuple[list[str], int | None]] = []

    def queue(codes: list[str], from_year: int | None = None) -> None:
        queued.append((list(codes), from_year))

    monkeypatch.setattr(services, "queue_recompute", queue)
    importer = ti.importer_class("outreach_activity")(coordinator)  # type: ignore[misc]
    parsed = ti.parse(importer, activities_workbook(importer, ROWS, YEAR))
    assert len(parsed.rows) == ROWS, parsed.problems[:3]
    requested_at = timezone.now().isoformat()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
        transaction.atomic(),
    ):
        for row in parsed.rows:
            assert ti._save_row(importer, row) is None
    # Marking the figures stale costs a query per indicator, not three per saved row.
    marks = [q for q in queries if 'UPDATE "indicators_indicatorresult"' in q["sql"]]
    affected = set(registry.affected_by("outreach.outreachactivity"))
    assert len(marks) <= len(affected)
    assert len(queued) == 1
    codes, from_year = queued[0]
    assert set(codes) == affected | set(
        registry.affected_by("outreach.outreachactivity_industrial_areas")
    ) | set(registry.affected_by("outreach.outreachactivity_administrative_units")) | set(
        registry.affected_by("outreach.outreachactivity_topics")
    )
    assert from_year == YEAR

    recomputed: list[tuple[str, int | None]] = []
    original = services.recompute

    def counting(code: str | None = None, year: int | None = None, **kwargs: Any) -> int:
        recomputed.append((str(code), year))
        return original(code, year, **kwargs)

    monkeypatch.setattr(services, "recompute", counting)
    services.run_queued(codes, requested_at, from_year)
    # Each affected indicator once per year from the import's first year: not the years
    # before, not the indicators the import does not feed.
    expected = {
        (code, year)
        for code in codes
        for year in services.plan_years(current_plan())
        if year >= YEAR
    }
    assert sorted(recomputed, key=str) == sorted(expected, key=str)
