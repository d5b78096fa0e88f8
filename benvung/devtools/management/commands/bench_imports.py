"""benvung bench_imports: the zip bomb's refusal and a large table import, measured and printed.

Run on a prepared database (`make prepare`): it saves outreach activities as the coordinator
persona. Figures are printed, never asserted.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import resource
import threading
import time
import tracemalloc
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from benvung.accounts.models import User


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(work: Any) -> tuple[Any, float, float]:
    """What `work()` returns, its time (s) and the process's peak resident memory after it (MB):
    cheaper than tracemalloc, which doubles the time of a long run. The process's CPU time is
    printed too: on a loaded machine the elapsed time says more about the others' work."""
    started, cpu = time.perf_counter(), _cpu()
    result = work()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"    (elapsed {seconds:.1f} s, CPU {_cpu() - cpu:.1f} s)")
    return result, seconds, peak


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
        parser.add_argument(
            "--consumption-rows",
            type=int,
            default=50_000,
            help="rows of the consumption import (all sheets); 0: not measured",
        )
        parser.add_argument("--no-table", action="store_true", help="skip the table import")
        parser.add_argument(
            "--profile", action="store_true", help="print a profile of each recomputation"
        )

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

        user = User.objects.with_role("coordinator").first()
        if user is None:
            out("no coordinator: run `make prepare` first")
            return
        if options["consumption_rows"]:
            self.consumption(user, options["consumption_rows"], profile=options["profile"])
        if options["no_table"]:
            return
        rows = options["rows"]
        table = ti.table_importer("outreach_activity")
        assert table is not None
        importer = table(user)
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

    def consumption(self, user: User, rows: int, *, profile: bool) -> None:
        """The consumption import (resources.excel) of `rows` rows through the job's steps:
        read for the preview, read again and save, then the recomputation it queued, with a
        site page requested meanwhile; then the same figures with the imported data submitted
        (the figures counted from them), which is what a large import costs once confirmed."""
        from benvung.devtools.bench_imports import consumption_workbook
        from benvung.indicators import services
        from benvung.resources import excel
        from benvung.resources.models import SiteYear

        out = self.stdout.write
        (data, written, site_years), seconds, peak = _timed(lambda: consumption_workbook(rows))
        out(
            f"consumption import: {written} rows of {site_years} site-years, "
            f"file {len(data) / 1e6:.2f} MB (built in {seconds:.1f} s)"
        )

        def read() -> excel.ParsedWorkbook:
            parsed = excel.parse(data, year=None, actor=user)
            excel.classify(parsed, viewer=user)
            return parsed

        parsed, seconds, peak = _timed(read)
        out(
            f"  parse+check {seconds:7.2f} s ({1000 * seconds / max(written, 1):.2f} ms/row), "
            f"peak RSS {peak:.0f} MB, {len(parsed.site_years)} site-years, "
            f"{parsed.problem_count} problems"
        )
        for problem in parsed.problems[:5]:
            out(f"    {problem}")
        queued: list[tuple[list[str], int | None]] = []
        real_queue = services.queue_recompute

        def queue(codes: Any, *, from_year: int | None = None) -> None:
            queued.append((list(codes), from_year))

        services.queue_recompute = queue
        try:

            def save() -> excel.ImportResult:
                again = excel.parse(data, year=None, actor=user)
                return excel.apply(again, actor=user, keep_valid_only=True, replace_submitted=True)

            result, seconds, peak = _timed(save)
        finally:
            services.queue_recompute = real_queue
        out(
            f"  parse+save  {seconds:7.2f} s ({1000 * seconds / max(written, 1):.2f} ms/row), "
            f"peak RSS {peak:.0f} MB; {len(result.saved)} site-years saved, "
            f"{len(result.skipped)} skipped; recomputations queued: {queued}"
        )
        site = SiteYear.objects.order_by("-year", "site_id").values_list("site_id", flat=True)[0]
        page = reverse("resources:site_detail", args=[site])
        self.recompute("  recompute (imported years are drafts)", queued, user, page, profile)
        imported = [(s.site.pk, s.year) for s in result.saved]
        years = sorted({year for _site, year in imported})
        submitted = SiteYear.objects.filter(
            site_id__in={site for site, _year in imported}, year__in=years
        ).update(state=SiteYear.State.SUBMITTED, submitted_at=timezone.now())
        out(f"  {submitted} imported site-years marked submitted (no signal)")
        codes = sorted({code for codes, _year in queued for code in codes})
        again = [(codes, years[0] if years else None)]
        self.recompute("  recompute (imported data counted)", again, user, page, profile)

    def recompute(
        self,
        title: str,
        queued: list[tuple[list[str], int | None]],
        user: User,
        page: str,
        profile: bool,
    ) -> None:
        """Run the queued recomputations while another thread requests `page` as `user`."""
        from benvung.indicators import services

        out = self.stdout.write
        answered: list[tuple[int, float]] = []
        stop = threading.Event()

        def visit() -> None:
            client = Client()
            client.force_login(user)
            try:
                while not stop.is_set():
                    started = time.perf_counter()
                    status = client.get(page).status_code
                    answered.append((status, time.perf_counter() - started))
                    time.sleep(0.2)
            finally:
                close_old_connections()
                connection.close()

        profiler = cProfile.Profile() if profile else None
        visitor = threading.Thread(target=visit)
        visitor.start()
        try:
            requested = timezone.now().isoformat()

            def run() -> int:
                return sum(services.run_queued(codes, requested, year) for codes, year in queued)

            if profiler is not None:
                profiler.enable()
            written, seconds, peak = _timed(run)
        finally:
            if profiler is not None:
                profiler.disable()
            stop.set()
            visitor.join()
        out(f"{title}: {seconds:7.2f} s, peak RSS {peak:.0f} MB, {written} results written")
        if answered:
            slowest = max(t for _s, t in answered)
            statuses = sorted({s for s, _t in answered})
            out(
                f"    meanwhile {page} answered {len(answered)} times "
                f"(status {statuses}), slowest {slowest * 1000:.0f} ms"
            )
        else:
            out(f"    {page} did not answer during the recomputation")
        if profiler is not None:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
            out(text.getvalue())
