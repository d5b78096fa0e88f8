"""benvung bench_efficiency --enterprises N --years 10: import and recomputation on synthetic data.

Creates N synthetic enterprises (one site each, the demo's products and figures, every site
month by month), writes `years` years of data in bulk ("import"), times `site_year_save` on a
sample of site-years, then times `efficiency.compute(last year)` ("full recomputation") and
reports the memory it took. `--profile` adds the functions where the recomputation spends its
time.

Real data cannot be touched:
- by default everything happens in a new SQLite file under var/bench/ (migrated and loaded with
  the reference data by a child process whose DATABASE_URL names that file), deleted afterwards
  unless --keep is given;
- --database-url runs the same in another database, which must be empty (no tables at all);
- --in-place uses the configured database inside one transaction that is rolled back at the
  end (the synthetic enterprises are named "BENCH ..." and marked demo). On SQLite this holds
  the write lock for the whole run, and the recomputation then also reads the data already
  there. The tests use it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils.translation import gettext as _

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core import years
from benvung.core.audit import audit_context
from benvung.directory.models import AdministrativeUnit, Enterprise, FocusSector, Organisation, Site
from benvung.resources import demo as synthetic
from benvung.resources import efficiency, services
from benvung.resources.models import ProductCategory

PREFIX = "BENCH"
CHUNK = 100  # sites whose rows are built and written together: memory stays flat while importing


def _rss_mb() -> float | None:
    """Resident memory now (Linux), in MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, else KB


class Command(BaseCommand):
    help = (
        "Time the import and the full recomputation of the resource-efficiency figures on "
        "synthetic monthly data, in a throwaway database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=100)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--sample", type=int, default=20, help="site-years saved through site_year_save"
        )
        parser.add_argument(
            "--profile", action="store_true", help="profile the recomputation (run once more)"
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="measure the recomputation's Python memory peak (run once more, slower)",
        )
        parser.add_argument(
            "--database-url", help="an empty database to use instead of a new SQLite file"
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="use the configured database; everything written is rolled back",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the SQLite file under var/bench/"
        )
        parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enterprises"] < 1 or options["years"] < 1:
            raise CommandError(_("Give at least one enterprise and one year."))
        first_year = options["last_year"] - options["years"] + 1
        if not (years.in_range(first_year) and years.in_range(options["last_year"])):
            raise CommandError(
                _("The years must lie from %(min)s to %(max)s.")
                % {"min": years.FIRST_YEAR, "max": years.LAST_YEAR}
            )
        with audit_context(source="command", command="bench_efficiency"):
            if options["in_place"]:
                self._run(options, rollback=True)
            elif options["worker"]:
                self._prepare_empty_database()
                self._run(options, rollback=False)
            else:
                self._spawn(options)

    # --- The throwaway database ----------------------------------------------------------------

    def _spawn(self, options: dict[str, Any]) -> None:
        """Run the benchmark in a child process whose default database is the throwaway one."""
        path: Path | None = None
        url = options["database_url"]
        if not url:
            folder = Path(settings.VAR_DIR) / "bench"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.sqlite3"
            url = f"sqlite:///{path}"
        argv = [sys.executable, "-m", "benvung", "bench_efficiency", "--worker"]
        for name in ("enterprises", "years", "last_year", "seed", "sample"):
            argv += [f"--{name.replace('_', '-')}", str(options[name])]
        argv += [f"--{flag}" for flag in ("profile", "tracemalloc") if options[flag]]
        self.stdout.write(f"Database: {path or _without_password(url)}")
        try:
            with subprocess.Popen(
                argv,
                env={**os.environ, "DATABASE_URL": url},
                stdout=subprocess.PIPE,
                text=True,
            ) as child:
                assert child.stdout is not None
                for line in child.stdout:
                    self.stdout.write(line.rstrip("\n"))
            if child.returncode:
                raise CommandError(
                    _("The benchmark failed (exit status %(code)s).") % {"code": child.returncode}
                )
        finally:
            if path is not None and not options["keep"]:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)

    def _prepare_empty_database(self) -> None:
        if connection.introspection.table_names():
            raise CommandError(
                _(
                    "This database is not empty: the benchmark only prepares a new one "
                    "(or use --in-place, which rolls everything back)."
                )
            )
        start = time.perf_counter()
        quiet = io.StringIO()
        call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
        call_command("load_reference", stdout=quiet)
        call_command("load_plan", stdout=quiet)
        self.stdout.write(
            f"prepare database        {time.perf_counter() - start:8.2f} s  "
            "(migrate, load_reference, load_plan)"
        )

    # --- The benchmark -------------------------------------------------------------------------

    def _run(self, options: dict[str, Any], *, rollback: bool) -> None:
        if not ProductCategory.objects.exists() or not FocusSector.objects.exists():
            raise CommandError(_("Load the reference data first: benvung load_reference"))
        with transaction.atomic():
            try:
                self._bench(options)
            finally:
                if rollback:
                    transaction.set_rollback(True)
        if rollback:
            self.stdout.write("Everything written was rolled back.")

    def _bench(self, options: dict[str, Any]) -> None:
        out = self.stdout.write
        n, seed, last = options["enterprises"], options["seed"], options["last_year"]
        years = list(range(last - options["years"] + 1, last + 1))
        out(
            f"{n} enterprises × {len(years)} years ({years[0]}-{last}), monthly data, "
            f"seed {seed}, {connection.vendor}"
        )

        start = time.perf_counter()
        sites = self._sites(n)
        out(f"create enterprises      {time.perf_counter() - start:8.2f} s")

        ref = synthetic.Reference()
        sectors = list(FocusSector.objects.order_by("position").values_list("key", flat=True))
        plans: list[synthetic.SitePlan] = []
        build = write = 0.0
        rows = site_years = 0
        gc.collect()
        rss_start = _rss_mb()
        for offset in range(0, len(sites), CHUNK):
            t0 = time.perf_counter()
            batch: list[tuple[synthetic.SitePlan, int, synthetic.Payload]] = []
            for i, site in enumerate(sites[offset : offset + CHUNK], start=offset):
                plan = synthetic.site_plan(seed, site, sectors[i % len(sectors)], ref)
                if plan is None:
                    continue
                plan.monthly = True
                plans.append(plan)
                batch += [
                    (plan, year, synthetic.site_year_payload(seed, plan, year, ref))
                    for year in years
                ]
            t1 = time.perf_counter()
            synthetic.bulk_write(batch, [], ref)
            write += time.perf_counter() - t1
            build += t1 - t0
            site_years += len(batch)
            rows += sum(
                len(p["outputs"]) + len(p["energy"]) + len(p["materials"]) for _pl, _y, p in batch
            )
        out(
            f"import (bulk)           {build + write:8.2f} s  = build rows {build:.2f} s "
            f"+ write {write:.2f} s; {site_years:,} site-years, {rows:,} rows "
            f"({rows / max(build + write, 1e-9):,.0f} rows/s)"
        )
        self._service_sample(plans, last, seed, ref, options["sample"])

        # A worker recomputes many times: the first call's imports (statsmodels, the pint
        # registry) are not part of a recomputation.
        start = time.perf_counter()
        efficiency.compute(last, site_ids=[plans[0].site.pk] if plans else [])
        out(f"warm-up (one site)      {time.perf_counter() - start:8.2f} s")
        gc.collect()
        rss_before = _rss_mb()
        start = time.perf_counter()
        result = efficiency.compute(last)
        elapsed = time.perf_counter() - start
        methods = Counter(p.method or "none" for p in result.products)
        per_site = elapsed / max(len(plans), 1) * 1000
        out(
            f"recompute {last}          {elapsed:8.2f} s  ({per_site:.1f} ms per site); "
            f"{len(result.products)} products, methods {dict(methods)}, "
            f"{len(result.problems)} problems"
        )
        if rss_start is not None and rss_before is not None:
            out(
                f"memory (RSS)            before import {rss_start:.0f} MB, before recompute "
                f"{rss_before:.0f} MB, peak of the process {_peak_rss_mb():.0f} MB"
            )
        else:
            out(f"memory (RSS)            peak of the process {_peak_rss_mb():.0f} MB")
        del result
        if options["tracemalloc"]:
            gc.collect()
            tracemalloc.start()
            efficiency.compute(last)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out(
                f"recompute, Python peak  {peak / 2**20:8.1f} MB  "
                f"({peak / max(len(plans), 1) / 1024:.1f} KB per site; tracemalloc)"
            )
        if options["profile"]:
            self._profile(last)

    def _sites(self, n: int) -> list[Site]:
        """N synthetic enterprises with one site each (enterprises one by one: multi-table
        inheritance rules out bulk_create)."""
        unit = AdministrativeUnit.objects.order_by("pk").first()
        if unit is None:
            raise CommandError(_("Load the reference data first: benvung load_reference"))
        stamp = time.strftime("%Y%m%d%H%M%S")
        enterprises = [
            Enterprise.objects.create(
                key=f"bench-{stamp}-{i:05d}",
                name=f"{PREFIX} {stamp} {i:05d}",
                tax_code=f"9{i:09d}",
                administrative_unit=unit,
                is_demo=True,
            )
            for i in range(1, n + 1)
        ]
        sites = Site.objects.bulk_create(
            Site(
                enterprise=e,
                name="Nhà máy số 1",
                address=PREFIX,
                administrative_unit=unit,
                is_demo=True,
            )
            for e in enterprises
        )
        for site, enterprise in zip(sites, enterprises, strict=True):
            site.enterprise = enterprise
        return sites

    def _service_sample(
        self,
        plans: list[synthetic.SitePlan],
        year: int,
        seed: int,
        ref: synthetic.Reference,
        size: int,
    ) -> None:
        """site_year_save on `size` site-years of the last year, with the same rows (so the
        figures do not change): the cost of one site-year through the service."""
        if size <= 0 or not plans:
            return
        organisation = Organisation.objects.filter(kind=Organisation.Kind.AGENCY).first()
        actor = User.objects.create_user(
            email=f"bench-{time.time_ns()}@benvung.example",
            full_name=f"{PREFIX} coordinator",
            organisation=organisation or plans[0].site.enterprise,
            role=roles.COORDINATOR,
            is_demo=True,
        )
        step = max(1, len(plans) // size)
        samples = []
        rows = 0
        for plan in plans[::step][:size]:
            payload = synthetic.site_year_payload(seed, plan, year, ref)
            rows += len(payload["outputs"]) + len(payload["energy"]) + len(payload["materials"])
            start = time.perf_counter()
            services.site_year_save(actor=actor, site=plan.site, year=year, is_demo=True, **payload)
            samples.append(time.perf_counter() - start)
        ms = sorted(s * 1000 for s in samples)
        self.stdout.write(
            f"site_year_save          median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms "
            f"per monthly site-year (n={len(ms)}, replacing the same rows, "
            f"{rows / len(ms):.0f} rows each)"
        )

    def _profile(self, year: int) -> None:
        profiler = cProfile.Profile()
        profiler.enable()
        efficiency.compute(year)
        profiler.disable()
        for order, count in (("cumulative", 30), ("tottime", 20)):
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order)
            stats.print_stats(count)
            self.stdout.write(f"--- profile of the recomputation, by {order} ---")
            self.stdout.write(stream.getvalue().strip())
