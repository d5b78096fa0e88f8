"""benvung benchmark: time the loaders, the lookups and the main pages; print the figures.

Run it on a fresh database to see first-load times (`make benchmark` does): timings are
measured here, printed, and never asserted in tests.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test import Client
from django.urls import reverse

from benvung.core.audit import audit_context


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


class Command(BaseCommand):
    help = "Measure loading, lookups and page response times on this database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="requests per page")

    def handle(self, *args: Any, **options: Any) -> None:
        from benvung.directory import address_lookup, demo, loaders, selectors
        from benvung.directory.models import AdministrativeUnit

        out = self.stdout.write
        empty = not AdministrativeUnit.objects.exists()
        out(f"Database: {'empty (first load measured)' if empty else 'already loaded'}")
        with audit_context(source="command", command="benchmark"):
            for name, loader in (
                ("units", loaders.load_administrative_units),
                ("sectors", loaders.load_sectors),
                ("areas", loaders.load_industrial_areas),
                ("agencies", loaders.load_agencies),
            ):
                first = _timed(loader)
                again = _timed(loader)
                out(
                    f"load_reference {name:<9} {first:6.2f} s, again (nothing to do) {again:6.2f} s"
                )
            out(
                f"load_demo               {_timed(demo.generate):6.2f} s, "
                f"again {_timed(demo.generate):6.2f} s"
            )

        addresses = [
            "Phường Trảng Dài, Thành phố Biên Hòa, Đồng Nai",
            "xã Minh Hưng, huyện Chơn Thành, Bình Phước",
            "Xã Xuân Tâm, Huyện Xuân Lộc, Đồng Nai",
            "Huyện Nhơn Trạch, Đồng Nai",
        ]
        samples = [_timed(partial(address_lookup.lookup_old_address, a)) for a in addresses * 10]
        out(f"old-address lookup      {_percentiles(samples)}")
        selectors.point_is_in_province(10.9447, 106.8243)  # fills the centroid cache
        points = [(10.9447 + i * 0.01, 106.8243 + i * 0.01) for i in range(50)]
        samples = [_timed(partial(selectors.point_is_in_province, *p)) for p in points]
        out(f"point in province       {_percentiles(samples)}")

        from benvung.plans.loader import load_plan
        from benvung.reporting import selectors as reporting
        from benvung.reporting.models import ReportingCycle

        out(f"load_plan               {_timed(load_plan):6.2f} s, again {_timed(load_plan):6.2f} s")
        cycle = ReportingCycle.objects.order_by("-year").first()
        if cycle is not None:
            samples = [_timed(partial(reporting.cycle_status, cycle)) for _ in range(10)]
            out(f"cycle status {cycle.year}       {_percentiles(samples)}")

        from benvung.accounts.models import User

        coordinator = User.objects.filter(email__startswith="dieuphoi@").first()
        enterprise_user = User.objects.filter(email__startswith="doanhnghiep@").first()
        pages: list[tuple[str, str, Any]] = [
            ("public home", reverse("portal:home"), None),
            ("communes list", reverse("directory:commune_list"), None),
            ("parks list", reverse("directory:industrial_area_list"), None),
            ("coordinator home", reverse("accounts:home"), coordinator),
            ("organisations (coord.)", reverse("directory:organisation_list"), coordinator),
            ("audit trail (coord.)", reverse("core:audit_list"), coordinator),
            ("enterprise home", reverse("accounts:home"), enterprise_user),
            ("plan task table", reverse("plans:task_list", args=[1]), None),
        ]
        if cycle is not None:
            pages += [
                (
                    "cycle board (coord.)",
                    reverse("reporting:cycle_detail", args=[cycle.pk]),
                    coordinator,
                ),
                (
                    "task table XLSX",
                    reverse("reporting:task_table_xlsx", args=[cycle.pk]),
                    coordinator,
                ),
            ]
        for label, url, user in pages:
            client = Client()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm-up
            samples = []
            for _ in range(options["requests"]):
                start = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            out(f"{label:<23} {_percentiles(samples)}")
