"""No page waits on the worker (F5): while the figures are being recomputed after an import,
the site's page and the indicators' page answer.

The recomputation runs in another thread, on its own connection, and is held still inside the
transaction that stores a figure (its rows locked, SQLite's write lock taken) until the pages
have answered. A page that waited on it would run into the lock timeout set below (PostgreSQL)
or the busy timeout (SQLite) and fail, never hang the run.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from benvung.accounts import roles
from benvung.conftest import make_enterprise, make_site, make_user
from benvung.directory.models import Agency, Sector
from benvung.indicators import services
from benvung.indicators.models import IndicatorResult
from benvung.resources import services as resources

CODE = "resource_consumption_reduction"


@pytest.fixture
def reference(transactional_db: Any) -> None:
    """A transactional test runs after the others, one of which may have emptied the tables:
    the reference data are loaded again if they are gone."""
    if Sector.objects.exists():
        return
    from benvung.directory import loaders
    from benvung.plans.loader import load_plan
    from benvung.resources.loaders import load_resource_reference

    with translation.override("vi"):
        loaders.load_administrative_units()
        loaders.load_sectors()
        loaders.load_industrial_areas()
        loaders.load_agencies()
        load_resource_reference()
        load_plan()


def _year(hl: float, kwh: float) -> dict[str, Any]:
    return {
        "outputs": [{"product": "Bia lon", "category": "beer", "quantity": hl, "unit": "hl"}],
        "energy": [{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
    }


@pytest.mark.django_db(transaction=True)
def test_pages_answer_while_the_worker_holds_a_figure_being_stored(
    reference: None, monkeypatch: Any
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite has one write lock for the whole file, and every transaction takes it at once "
            "(IMMEDIATE): a page that writes (its session, the audit) waits for the worker's "
            "current figure, a transaction of milliseconds. Holding that transaction open, as "
            "this test does, is meaningful only with PostgreSQL's row locks."
        )
    coordinator = make_user(Agency.objects.get(key="sct"), roles.COORDINATOR, "dp-tg@test.example")
    site = make_site(make_enterprise("Công ty Bia Đồng Thời", "312345670", "1103"), "Nhà máy")
    for year, hl, kwh in ((2022, 100_000, 2_500_000), (2025, 110_000, 2_600_000)):
        site_year = resources.site_year_save(
            actor=coordinator, site=site, year=year, **_year(hl, kwh)
        )
        resources.site_year_submit(actor=coordinator, site_year=site_year)
    services.recompute(CODE)
    assert IndicatorResult.objects.filter(indicator=CODE, year=2025).exists()

    inside = threading.Event()  # the worker is in a figure's transaction, its rows locked
    release = threading.Event()
    original = IndicatorResult.objects.bulk_update
    main = threading.current_thread()

    def held(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not main and not inside.is_set():
            inside.set()
            release.wait(timeout=120)
        return original(*args, **kwargs)

    monkeypatch.setattr(IndicatorResult.objects, "bulk_update", held)
    errors: list[BaseException] = []
    written: list[int] = []

    def recompute() -> None:
        try:
            written.append(services.run_queued([CODE], timezone.now().isoformat(), 2025))
        except BaseException as exc:  # reported by the assertions below
            errors.append(exc)
        finally:
            inside.set()
            connections.close_all()

    requested = timezone.now()
    figures = IndicatorResult.objects.filter(indicator=CODE, year__gte=2025)
    figures.update(stale_since=requested)
    thread = threading.Thread(target=recompute)
    thread.start()
    try:
        assert inside.wait(timeout=120) and not errors, errors
        assert thread.is_alive()  # the recomputation is in progress, holding its locks
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
        client = Client()
        client.force_login(coordinator)
        for page in (reverse("resources:site_detail", args=[site.pk]), "/"):
            response = client.get(page)
            assert response.status_code == 200, page
        # Still in progress: the pages did not wait for it to finish.
        assert thread.is_alive() and not written
    finally:
        release.set()
        thread.join(timeout=120)
    assert errors == [] and written and written[0] > 0
    assert not figures.filter(stale_since__isnull=False).exists()
