"""benvung bench_imports: the zip bomb's refusal and a large table import, measured and printed.

Run on a prepared database (`make prepare`): it saves outreach activities as the coordinator
persona. Figures are printed, never asserted.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
import tracemalloc
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.utils import timezone


def _measured(work: Any) -> tuple[Any, float, float]:
    """What `work()` returns, its time (s) and its memory peak (MB, Python allocations)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = work()
        return result, time.perf_counter() - started, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


class Command(BaseCommand):
    help = "Measure the refusal of a zip bomb and a large table import; print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=2_000, help="rows of the table import")

    def handle(self, *args: Any, **options: Any) -> None:
        from openpyxl import load_workbook

        from benvung.accounts.models import User
        from benvung.core import tableimport as ti
        from benvung.core import xlsx
        from benvung.devtools.bench_imports import zip_bomb
        from benvung.indicators import services

        out = self.stdout.write
        bomb = zip_bomb(200)
        problem, seconds, peak = _measured(lambda: xlsx.read_workbook(bomb, lambda w, a: None))
        out(f"zip bomb ({len(bomb) / 1e6:.2f} MB file, 200 MB sharedStrings)")
        out(f"  refused in {seconds * 1000:.1f} ms, peak {peak:.2f} MB: {problem}")

        rows = options["rows"]
        user = User.objects.filter(role="coordinator").first()
        if user is None:
            out("no coordinator: run `make prepare` first")
            return
        importer = ti.importer_class("outreach_activity")(user)  # type: ignore[misc]
        workbook = load_workbook(io.BytesIO(ti.template(importer)))
        sheet = workbook[str(importer.sheet_title)]
        for i in range(rows):
            start = dt.date(2025, 1 + i % 12, 1 + i % 28)
            sheet.append([f"Tập huấn sản xuất và tiêu dùng bền vững số {i}", "Lớp tập huấn", start])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        out(f"table import: {rows} outreach activities, file {len(data) / 1e6:.2f} MB")
        parsed, seconds, peak = _measured(lambda: ti.parse(importer, data))
        out(
            f"  parse      {seconds:7.2f} s ({1000 * seconds / max(rows, 1):.1f} ms/row), "
            f"peak {peak:.1f} MB, {len(parsed.rows)} rows valid, {parsed.problem_count} problems"
        )
        if not parsed.rows:
            out(f"  refused: {parsed.problems[0] if parsed.problems else ''}")
            return
        queued: list[tuple[list[str], int | None]] = []
        real_queue = services.queue_recompute

        def queue(codes: Any, *, from_year: int | None = None) -> None:
            queued.append((list(codes), from_year))

        services.queue_recompute = queue
        try:

            def save() -> None:
                with transaction.atomic():
                    for row in parsed.rows:
                        ti._save_row(importer, row)

            _nothing, seconds, peak = _measured(save)
        finally:
            services.queue_recompute = real_queue
        out(
            f"  save       {seconds:7.2f} s ({1000 * seconds / len(parsed.rows):.1f} ms/row), "
            f"peak {peak:.1f} MB; recomputations queued: {queued}"
        )
        answered: list[tuple[int, float]] = []
        stop = threading.Event()

        def visit() -> None:
            client = Client()
            try:
                while not stop.is_set():
                    started = time.perf_counter()
                    status = client.get("/").status_code
                    answered.append((status, time.perf_counter() - started))
                    time.sleep(0.2)
            finally:
                close_old_connections()
                connection.close()

        visitor = threading.Thread(target=visit)
        visitor.start()
        try:
            written = 0
            requested = timezone.now().isoformat()

            def recompute() -> int:
                return sum(services.run_queued(codes, requested, year) for codes, year in queued)

            written, seconds, peak = _measured(recompute)
        finally:
            stop.set()
            visitor.join()
        out(f"  recompute  {seconds:7.2f} s, peak {peak:.1f} MB, {written} results written")
        if answered:
            slowest = max(t for _s, t in answered)
            statuses = sorted({s for s, _t in answered})
            out(
                f"  during the recomputation the home page answered {len(answered)} times "
                f"(status {statuses}), slowest {slowest * 1000:.0f} ms"
            )
        else:
            out("  the home page did not answer during the recomputation")
