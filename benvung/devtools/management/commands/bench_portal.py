"""benvung bench_portal: the public pages under 50 concurrent clients, on a production server.

Serves the site with gunicorn (as docs/deploy.md does: sync workers, DEBUG off, the static files
collected and served by WhiteNoise) on a free loopback port, then sends it requests from
`--clients` threads, one page after the other: the trivial /healthz (the cost of the server and
the middleware alone), the plan's progress overview and one indicator's page. For each it prints
p50/p95/p99 latency, throughput, errors, and how much slower than /healthz its p95 is. It prints
figures and asserts nothing.

Which database:
- by default the configured one (`make run`'s var/benvung.sqlite3, or DATABASE_URL), read only;
- --prepare: a new SQLite file under var/bench/ (or the empty database --database-url names),
  prepared with migrate, load_reference, load_plan and the demo data (--no-demo leaves it out),
  deleted afterwards unless --keep.

The load and the server share this machine's cores: the figures compare pages with each other
more than they measure what a server of its own would do.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import NoReverseMatch, reverse

HOST = "127.0.0.1"


@dataclass
class Sample:
    """What the clients saw on one page during the measured seconds."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, timeout: float) -> int:
    """One request on a new connection (gunicorn's sync workers close each one), read in full."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "vi", "Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _load(port: int, path: str, *, clients: int, seconds: float, timeout: float) -> Sample:
    """`clients` threads requesting `path` back to back for `seconds`."""
    sample = Sample()
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client() -> None:
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status = _get(port, path, timeout)
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                continue
            if status == 200:
                latencies.append(time.perf_counter() - t0)
            else:
                errors[f"HTTP {status}"] += 1
        with lock:
            sample.latencies += latencies
            sample.errors.update(errors)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.elapsed = time.perf_counter() - start
    return sample


class Command(BaseCommand):
    help = (
        "Load the public pages with concurrent clients on a production server (gunicorn, "
        "DEBUG off) on loopback, and print latency and throughput per page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
        parser.add_argument("--seconds", type=float, default=10.0, help="measured, per page")
        parser.add_argument(
            "--warmup", type=float, default=2.0, help="seconds of load per page before measuring"
        )
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md runs 3)"
        )
        parser.add_argument(
            "--page",
            action="append",
            metavar="PATH",
            help="a path to load instead of the overview and the indicator page (repeatable; "
            "/healthz is always loaded first)",
        )
        parser.add_argument(
            "--timeout", type=float, default=30.0, help="seconds before a request counts as failed"
        )
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="a new database with the reference data, the plan and the demo data",
        )
        parser.add_argument(
            "--database-url", help="with --prepare: an empty database to prepare and use"
        )
        parser.add_argument("--no-demo", action="store_true", help="with --prepare: no demo data")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the SQLite file --prepare made under var/bench/",
        )
        parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clients"] < 1 or options["seconds"] <= 0 or options["warmup"] < 0:
            raise CommandError("Give at least one client and a positive number of seconds.")
        if options["database_url"] and not options["prepare"]:
            raise CommandError("--database-url is for --prepare (the database it prepares).")
        if options["prepare"] and not options["worker"]:
            self._spawn(options)
            return
        if options["worker"]:
            self._prepare_empty_database(demo=not options["no_demo"])
        self._bench(options)

    # --- The prepared database -----------------------------------------------------------------

    def _spawn(self, options: dict[str, Any]) -> None:
        """Run again in a child whose default database is the one to prepare."""
        path: Path | None = None
        url = options["database_url"]
        if not url:
            folder = Path(settings.VAR_DIR) / "bench"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"portal-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.sqlite3"
            url = f"sqlite:///{path}"
        argv = [sys.executable, "-m", "benvung", "bench_portal", "--worker", "--prepare"]
        for name in ("clients", "seconds", "warmup", "workers", "timeout"):
            argv += [f"--{name}", str(options[name])]
        for page in options["page"] or []:
            argv += ["--page", page]
        if options["no_demo"]:
            argv.append("--no-demo")
        # The child prepares with the laptop profile (load_demo refuses to run with DEBUG off);
        # the server it starts runs with DEBUG off all the same.
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
        try:
            with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:
                assert child.stdout is not None
                for line in child.stdout:
                    self.stdout.write(line.rstrip("\n"))
            if child.returncode:
                raise CommandError(f"The benchmark failed (exit status {child.returncode}).")
        finally:
            if path is not None and not options["keep"]:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)

    def _prepare_empty_database(self, *, demo: bool) -> None:
        if connection.introspection.table_names():
            raise CommandError(
                "This database is not empty: --prepare only prepares a new one "
                "(without --prepare the configured database is used as it is)."
            )
        start = time.perf_counter()
        quiet = io.StringIO()
        call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
        call_command("load_reference", stdout=quiet)
        call_command("load_plan", stdout=quiet)
        if demo:
            call_command("load_demo", stdout=quiet)
        self.stdout.write(
            f"prepare database   {time.perf_counter() - start:6.1f} s  (migrate, load_reference, "
            f"load_plan{', load_demo' if demo else ''})"
        )

    # --- The benchmark -------------------------------------------------------------------------

    def _pages(self, options: dict[str, Any]) -> list[tuple[str, str]]:
        if options["page"]:
            return [(path, path) for path in options["page"]]
        return [("overview", self._overview_path()), ("indicator", self._indicator_path())]

    def _overview_path(self) -> str:
        try:
            return reverse("portal:progress")
        except NoReverseMatch:
            return reverse("portal:home")

    def _indicator_path(self) -> str:
        """The page of the indicator of the current plan's first quantitative target."""
        from benvung.indicators import registry
        from benvung.plans.selectors import current_plan

        plan = current_plan()
        codes = (
            plan.targets.filter(retired_at__isnull=True)
            .order_by("pk")
            .values_list("indicator_code", flat=True)
            if plan is not None
            else []
        )
        for code in codes:
            if code and registry.known(code) and not registry.get(code).qualitative:
                try:
                    return reverse("portal:indicator_detail", args=[code])
                except NoReverseMatch:
                    break
        self.stdout.write("(no indicator page: no plan with a quantitative target; using /)")
        return reverse("portal:home")

    def _server_env(self) -> dict[str, str]:
        """Production settings, less what needs HTTPS in front (plain HTTP on loopback here)."""
        return {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": settings.DATABASE_URL,
            "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),  # as docs/deploy.md
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(Path(settings.VAR_DIR) / "bench" / "static"),
            "LOG_LEVEL": "WARNING",
        }

    def _collectstatic(self, env: dict[str, str]) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "benvung", "collectstatic", "--no-input", "-v0"],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CommandError(
                "collectstatic failed (with DEBUG off the pages need the collected, hashed "
                f"files):\n{result.stderr.strip()[-2000:]}"
            )

    def _start_server(self, env: dict[str, str], port: int, workers: int) -> subprocess.Popen[str]:
        log = Path(env["STATIC_ROOT"]).parent / f"gunicorn-{port}.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
                "--error-logfile",
                str(log),
                "--chdir",
                str(settings.BASE_DIR),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise CommandError(f"gunicorn stopped (exit status {server.returncode}):\n{tail}")
            try:
                if _get(port, reverse("healthz"), 2) == 200:
                    log.unlink(missing_ok=True)
                    return server
            except OSError:
                pass
            time.sleep(0.2)
        self._stop_server(server)
        raise CommandError("gunicorn did not answer /healthz within 60 s.")

    @staticmethod
    def _stop_server(server: subprocess.Popen[str]) -> None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    def _bench(self, options: dict[str, Any]) -> None:
        out = self.stdout.write
        pages = [("trivial", reverse("healthz")), *self._pages(options)]
        env = self._server_env()
        start = time.perf_counter()
        self._collectstatic(env)
        out(f"collectstatic      {time.perf_counter() - start:6.1f} s  (into {env['STATIC_ROOT']})")
        port = _free_port()
        server = self._start_server(env, port, options["workers"])
        try:
            # What a page is worth depends on what is in the database: say what it holds.
            out(
                f"server             gunicorn, {options['workers']} sync workers, DEBUG off, "
                f"http://{HOST}:{port}/, database {connection.vendor} "
                f"{connection.settings_dict['NAME']}"
            )
            out(
                f"load               {options['clients']} clients, {options['warmup']:g} s warm-up "
                f"+ {options['seconds']:g} s measured per page, one page after the other"
            )
            results: list[tuple[str, str, Sample]] = []
            for label, path in pages:
                # The status before loading: a page that fails is reported, not measured blind.
                try:
                    status = _get(port, path, options["timeout"])
                except OSError as exc:
                    raise CommandError(f"{path} did not answer: {exc}") from exc
                if status != 200:
                    out(f"{label} {path}: HTTP {status} before loading")
                load = {"clients": options["clients"], "timeout": options["timeout"]}
                if options["warmup"] > 0:
                    _load(port, path, seconds=options["warmup"], **load)
                results.append((label, path, _load(port, path, seconds=options["seconds"], **load)))
        finally:
            self._stop_server(server)
        self._report(results)

    def _report(self, results: list[tuple[str, str, Sample]]) -> None:
        out = self.stdout.write
        base = results[0][2].percentile(0.95)
        out("")
        out(
            f"{'page':<10} {'path':<40} {'ok':>7} {'errors':>6} {'req/s':>7} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95 / trivial':>14}"
        )
        for label, path, s in results:
            ratio = f"{s.percentile(0.95) / base:13.1f}×" if base and s.latencies else f"{'-':>14}"
            out(
                f"{label:<10} {path[:40]:<40} {len(s.latencies):>7} {sum(s.errors.values()):>6} "
                f"{len(s.latencies) / s.elapsed:>7.1f} {s.percentile(0.5) * 1000:>8.1f} "
                f"{s.percentile(0.95) * 1000:>8.1f} {s.percentile(0.99) * 1000:>8.1f} {ratio}"
            )
        for label, _path, s in results:
            if s.errors:
                errors = ", ".join(f"{kind} ×{n}" for kind, n in s.errors.most_common())
                out(f"errors on {label}: {errors}")
        if results and len(results[0][2].latencies) > 1:
            median = statistics.median(results[0][2].latencies) * 1000
            out(f"(/healthz median {median:.1f} ms: the floor of server, middleware and client)")
