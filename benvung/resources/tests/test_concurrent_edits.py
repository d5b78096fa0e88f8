"""Twenty people of one enterprise add a material row to the same site-year at once (finding F2).

Each writer reads the year (the page, or the API's JSON), adds its own row to what it read and
saves. A writer is either told "saved" (and its row is there at the end) or refused with the
name of the person who saved in between, its typed row kept; reading again and saving then
adds its row to the others. No writer is told "saved" while its row is missing.

Transactional tests with threads: each thread has its own database connection and session.
They may run after tests that emptied the tables, so they make their own data.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.api import services as tokens
from benvung.conftest import valid_tax_code
from benvung.core.tests.html_forms import form_values
from benvung.directory.models import AdministrativeUnit, Enterprise, Site
from benvung.resources import services
from benvung.resources.models import MaterialUse, SiteYear

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 20
YEAR = 2025


def form_fields(html: str) -> dict[str, Any]:
    return form_values(html, having="mat-TOTAL_FORMS")


def _unit() -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(level="commune").first()
    if unit is None:
        unit = AdministrativeUnit.objects.create(
            edition="2025",
            level="commune",
            code="99160",
            name="Phường Thử",
            unit_type="phường",
            search_key="phuong thu",
        )
    return unit


@pytest.fixture
def year_of_twenty() -> tuple[Site, list[User]]:
    """A site whose 2025 data hold one material row, and twenty users of its enterprise."""
    unit = _unit()
    enterprise = Enterprise.objects.create(
        name="Công ty TNHH Hai Mươi Người",
        tax_code=valid_tax_code("360000160"),
        administrative_unit=unit,
    )
    site = Site.objects.create(
        enterprise=enterprise, name="Nhà máy 160", address="Số 160", administrative_unit=unit
    )
    users = [
        User.objects.create_user(
            email=f"nguoi{i}@test.example",
            full_name=f"Người Nhập {i}",
            organisation=enterprise,
            role=roles.ENTERPRISE_USER,
        )
        for i in range(WRITERS)
    ]
    services.site_year_save(
        actor=users[0],
        site=site,
        year=YEAR,
        materials=[{"material": "Bông xơ", "quantity": "10", "unit": "t"}],
    )
    return site, users


def _race(work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(i)` for every writer at once, each in its own thread (own connection)."""
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as exc:  # reported by the caller's assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _stored_materials(site: Site) -> set[str]:
    return set(
        MaterialUse.objects.filter(site_year__site=site, site_year__year=YEAR).values_list(
            "material", flat=True
        )
    )


def _add_row(client: Client, url: str, material: str) -> Any:
    """Read the page, type `material` into the first empty row, save."""
    data = form_fields(client.get(url).content.decode())
    row = next(n for n in range(int(data["mat-TOTAL_FORMS"])) if not data.get(f"mat-{n}-material"))
    data.update(
        {f"mat-{row}-material": material, f"mat-{row}-quantity": "1", f"mat-{row}-unit": "t"}
    )
    return client.post(url, data)


def test_twenty_people_adding_rows_through_the_form_lose_nothing(year_of_twenty):
    site, users = year_of_twenty
    url = reverse("resources:site_year_edit", args=[site.pk, YEAR])
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    saved: set[int] = set()
    refused: dict[int, str] = {}

    def work(i: int) -> None:
        response = _add_row(clients[i], url, f"Vật liệu của người {i}")
        if response.status_code == 302:
            saved.add(i)
        else:
            assert response.status_code == 200, response.content[:500]
            refused[i] = response.content.decode()

    errors = _race(work)

    assert errors == []
    assert saved and saved.isdisjoint(refused) and saved | set(refused) == set(range(WRITERS))
    # Every writer told "saved" has its row stored; no refused writer's row was written.
    assert _stored_materials(site) == {"Bông xơ"} | {f"Vật liệu của người {i}" for i in saved}
    assert SiteYear.objects.get(site=site, year=YEAR).version == 1 + len(saved)
    for i, body in refused.items():
        # The refusal names who saved in between; the typed row is still on the form.
        assert re.search(r"Người Nhập \d+ đã lưu dữ liệu của Nhà máy 160 năm 2025", body)
        assert f"Vật liệu của người {i}" in form_fields(body).values()
    # A refused writer reads the year again and saves: its row joins the others.
    for i in sorted(refused)[:2]:
        assert _add_row(clients[i], url, f"Vật liệu của người {i}").status_code == 302
        saved.add(i)
    assert _stored_materials(site) == {"Bông xơ"} | {f"Vật liệu của người {i}" for i in saved}


def _read_and_add(client: Client, site: Site, material: str) -> Any:
    """Read the year through the API, add `material` to its rows, send it with the version."""
    stored = client.get(f"/api/resources/sites/{site.pk}/years/{YEAR}").json()
    item = {
        "tax_code": site.enterprise.tax_code,
        "site": site.name,
        "year": YEAR,
        "version": stored["version"],
        "materials": [
            {k: m[k] for k in ("material", "quantity", "unit", "product", "month")}
            for m in stored["materials"]
        ]
        + [{"material": material, "quantity": "1", "unit": "t"}],
    }
    return client.post(
        "/api/resources/site-years",
        json.dumps({"items": [item]}),
        content_type="application/json",
    )


def test_twenty_api_clients_adding_rows_lose_nothing(year_of_twenty):
    site, users = year_of_twenty
    clients = []
    for user in users:
        _token, raw = tokens.token_issue(
            actor=user, user=user, name="ERP", scopes=("read", "write")
        )
        clients.append(Client(headers={"authorization": f"Bearer {raw}"}))
    saved: set[int] = set()
    refused: dict[int, dict[str, Any]] = {}

    def work(i: int) -> None:
        response = _read_and_add(clients[i], site, f"Vật liệu API {i}")
        if response.status_code == 200:
            saved.add(i)
        else:
            assert response.status_code == 409, response.content
            refused[i] = response.json()

    errors = _race(work)

    assert errors == []
    assert saved and saved.isdisjoint(refused) and saved | set(refused) == set(range(WRITERS))
    assert _stored_materials(site) == {"Bông xơ"} | {f"Vật liệu API {i}" for i in saved}
    assert SiteYear.objects.get(site=site, year=YEAR).version == 1 + len(saved)
    for answer in refused.values():
        assert answer["saved"] == 0
        (stale,) = answer["stale"]
        assert re.match(r"Người Nhập \d+$", stale["updated_by"]), stale
        assert stale["updated_by"] in answer["message"]
    for i in sorted(refused)[:2]:
        assert _read_and_add(clients[i], site, f"Vật liệu API {i}").status_code == 200
        saved.add(i)
    assert _stored_materials(site) == {"Bông xơ"} | {f"Vật liệu API {i}" for i in saved}


def test_a_client_that_sends_no_version_still_saves_as_before(year_of_twenty):
    """Older clients (no `version`) keep working: their save replaces the year, as before."""
    site, users = year_of_twenty
    _token, raw = tokens.token_issue(
        actor=users[1], user=users[1], name="ERP", scopes=("read", "write")
    )
    client = Client(headers={"authorization": f"Bearer {raw}"})
    item = {
        "tax_code": site.enterprise.tax_code,
        "site": site.name,
        "year": YEAR,
        "materials": [{"material": "Sợi", "quantity": "2", "unit": "t"}],
    }
    response = client.post(
        "/api/resources/site-years",
        json.dumps({"items": [item]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert _stored_materials(site) == {"Sợi"}
