"""Shared test set-up: reference data loaded once per run, and one persona per role.

Personas:
- `coordinator`: Department of Industry and Trade (the plan's coordinator);
- `sysadmin`: system administrator, same department;
- `agency_reporter`: Department of Agriculture and Environment;
- `enterprise_a_user` / `enterprise_b_user`: two unrelated enterprises;
- `retail_reporter`: a supermarket.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from stdnum.vn import mst

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.directory import selectors
from benvung.directory.models import (
    Agency,
    Enterprise,
    EnterpriseSector,
    RetailOutlet,
    Sector,
    Site,
)
from benvung.retail.roles import RETAIL_REPORTER

PASSWORD = "Mật-khẩu-thử-2025"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The whole reference data set, loaded once into the test database."""
    from benvung.directory import loaders

    # As `benvung load_reference` does: the audit trail is written in Vietnamese.
    with django_db_blocker.unblock(), translation.override("vi"):
        loaders.load_administrative_units()
        loaders.load_sectors()
        loaders.load_industrial_areas()
        loaders.load_agencies()
        from benvung.plans.loader import load_plan
        from benvung.resources.loaders import load_resource_reference

        load_resource_reference()

        load_plan()


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: cached public pages must not leak between tests
    whose databases happen to have the same data version."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese() -> Any:
    """Tests read messages the way users see them: in Vietnamese."""
    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _two_factor_not_required(request: Any, settings: Any) -> None:
    """force_login gives a session that no second factor verified, and most tests are about
    something else: for them no role must use two-step sign-in (users who set it up still need
    their code). Tests marked `two_factor_required` keep the real rule of config/settings.py."""
    if request.node.get_closest_marker("two_factor_required") is None:
        settings.TWO_FACTOR_REQUIRED_ROLES = []


def valid_tax_code(body9: str) -> str:
    return body9 + mst.calc_check_digit(body9)


def make_user(organisation: Any, role: str, email: str) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=email.split("@")[0].title(),
        organisation=organisation,
        role=role,
        is_superuser=role == roles.SYSTEM_ADMIN,
    )


def make_enterprise(name: str, body9: str, sector_code: str = "1311") -> Enterprise:
    enterprise = Enterprise.objects.create(
        name=name,
        tax_code=valid_tax_code(body9),
        administrative_unit=selectors.current_communes().first(),
    )
    EnterpriseSector.objects.create(
        enterprise=enterprise, sector=Sector.objects.get(code=sector_code), is_primary=True
    )
    return enterprise


def make_site(enterprise: Enterprise, name: str = "Nhà máy 1") -> Site:
    commune = selectors.current_communes().get(name="Phường Trấn Biên")
    return Site.objects.create(
        enterprise=enterprise,
        name=name,
        address="Số 1 đường thử",
        administrative_unit=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
    )


@pytest.fixture
def doit(db: Any) -> Agency:
    return Agency.objects.get(key="sct")


@pytest.fixture
def enterprise_a(db: Any) -> Enterprise:
    return make_enterprise("Công ty TNHH Dệt Thử A", "360000001")


@pytest.fixture
def enterprise_b(db: Any) -> Enterprise:
    return make_enterprise("Công ty TNHH Thép Thử B", "360000002", "2410")


@pytest.fixture
def supermarket(db: Any) -> RetailOutlet:
    return RetailOutlet.objects.create(
        name="Siêu thị Thử", outlet_type=RetailOutlet.OutletType.SUPERMARKET
    )


@pytest.fixture
def coordinator(doit: Agency) -> User:
    return make_user(doit, roles.COORDINATOR, "dieuphoi@test.example")


@pytest.fixture
def sysadmin(doit: Agency) -> User:
    return make_user(doit, roles.SYSTEM_ADMIN, "quantri@test.example")


@pytest.fixture
def agency_reporter(db: Any) -> User:
    return make_user(Agency.objects.get(key="snnmt"), roles.AGENCY_REPORTER, "coquan@test.example")


@pytest.fixture
def enterprise_a_user(enterprise_a: Enterprise) -> User:
    return make_user(enterprise_a, roles.ENTERPRISE_USER, "dn.a@test.example")


@pytest.fixture
def enterprise_b_user(enterprise_b: Enterprise) -> User:
    return make_user(enterprise_b, roles.ENTERPRISE_USER, "dn.b@test.example")


@pytest.fixture
def retail_reporter(supermarket: RetailOutlet) -> User:
    return make_user(supermarket, RETAIL_REPORTER, "banle@test.example")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def browser() -> Any:
    """Debian's chromium driven by Playwright (benvung/portal/tests/browser.py), for the browser
    tests of any app; skipped, with the reason, without chromium or Playwright."""
    import shutil
    from pathlib import Path

    from benvung.portal.tests.browser import CHROMIUM, Browser

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(
            f"no browser at {CHROMIUM}: `make setup-test` installs Debian's chromium when run "
            "as root (or set CHROMIUM to a Chromium executable)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: run `make setup-test`"
    )
    browser = Browser()
    try:
        browser.start(sync_api)
        yield browser
    finally:
        browser.stop()
