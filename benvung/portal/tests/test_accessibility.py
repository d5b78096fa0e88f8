"""Public pages in a real browser: axe-core finds nothing serious; they work without JavaScript.

Debian's chromium (installed by `make setup-test` when run as root) is driven by Playwright;
axe-core comes pinned inside the axe-playwright-python wheel. Without chromium or Playwright
these tests are skipped with the reason. Select them with `-m browser`, leave them out with
`-m "not browser"`.

The site is served from a thread that shares the test's database connection, so it sees the
reference data, the plan and the demo data loaded here inside a transaction that is rolled back
afterwards. pytest-django's `live_server` would need `transactional_db`, which empties every
table after each test (the session's reference data included) and makes each test reload it.
The server answers one request at a time because one connection must not run two queries at
once.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import close_old_connections, connections, transaction
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

T = TypeVar("T")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What fails a page; axe's "minor" and "moderate" findings are printed only.
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class PublicPage:
    """A page anyone can open, and what must be on it even without JavaScript."""

    name: str
    path: Callable[[], str]  # called with the test data loaded (may look up a primary key)
    content: str  # CSS selector of the page's main content


def _first_pk(model_path: str, **filters: Any) -> int:
    from django.apps import apps

    model = apps.get_model(model_path)
    pk = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None, f"no {model_path} in the test data"
    return int(pk)


def _target_code(*, quantitative: bool = False) -> str:
    """A target of the plan the portal follows (with a computed indicator if `quantitative`)."""
    from benvung.indicators import registry
    from benvung.portal import selectors

    plan = selectors.current_plan()
    assert plan is not None, "no plan in the test data"
    for target in selectors.target_list(plan).order_by("pk"):
        code = target.indicator_code
        if not quantitative or (registry.known(code) and not registry.get(code).qualitative):
            return str(target.code)
    raise AssertionError("no quantitative target in the plan")


def _indicator_code() -> str:
    from benvung.portal import selectors

    plan = selectors.current_plan()
    assert plan is not None
    target = selectors.target_list(plan).get(code=_target_code(quantitative=True))
    return str(target.indicator_code)


def _scp_model_pk() -> int:
    from benvung.portal import selectors

    pk = selectors.scp_catalogue().values_list("pk", flat=True).first()
    assert pk is not None, "no verified SCP model in the demo data"
    return int(pk)


# Every public page of the portal, and the public reference pages it links to. Add a page here
# when one is written; `content` names what a reader came for (usually the table of figures).
PUBLIC_PAGES = [
    PublicPage("home", lambda: reverse("portal:home"), "main table"),
    PublicPage("progress", lambda: reverse("portal:progress"), "main table"),
    PublicPage(
        "target",
        lambda: reverse("portal:target_detail", args=[_target_code(quantitative=True)]),
        "main dl.facts",
    ),
    PublicPage(
        "indicator",
        lambda: reverse("portal:indicator_detail", args=[_indicator_code()]),
        "main table",
    ),
    PublicPage("coverage map", lambda: reverse("portal:coverage_map"), "main table"),
    PublicPage("SCP models", lambda: reverse("portal:scp_model_list"), "main table"),
    PublicPage(
        "SCP model", lambda: reverse("portal:scp_model_detail", args=[_scp_model_pk()]), "main dl"
    ),
    PublicPage("sign in", lambda: reverse("accounts:login"), "main form input[type=password]"),
    PublicPage("password reset", lambda: reverse("accounts:password_reset"), "main form"),
    PublicPage("plans", lambda: reverse("plans:plan_list"), "main a[href^='/plans/']"),
    PublicPage(
        "plan",
        lambda: reverse("plans:plan_detail", args=[_first_pk("plans.Plan")]),
        "main table",
    ),
    PublicPage(
        "plan tasks",
        lambda: reverse("plans:task_list", args=[_first_pk("plans.Plan")]),
        "main table",
    ),
    PublicPage(
        "plan task",
        lambda: reverse("plans:task_detail", args=[_first_pk("plans.Task")]),
        "main h1",
    ),
    PublicPage("industrial areas", lambda: reverse("directory:industrial_area_list"), "main table"),
    PublicPage(
        "industrial area",
        lambda: reverse(
            "directory:industrial_area_detail", args=[_first_pk("directory.IndustrialArea")]
        ),
        "main h1",
    ),
    PublicPage("communes", lambda: reverse("directory:commune_list"), "main table"),
    PublicPage(
        "commune",
        lambda: reverse(
            "directory:commune_detail",
            args=[_first_pk("directory.AdministrativeUnit", level="commune")],
        ),
        "main h1",
    ),
    PublicPage("old address lookup", lambda: reverse("directory:address_lookup"), "main form"),
    PublicPage("resource reference", lambda: reverse("resources:reference"), "main table"),
]


# --- The server -------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _SharedConnectionServer:
    """The site on a free loopback port, in a thread using the caller's database connection."""

    def __init__(self) -> None:
        # Not threaded: Django then answers "Connection: close", so one request runs at a time.
        self.httpd = WSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(WSGIHandler()))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._connection = connections["default"]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        connections["default"] = self._connection
        self.httpd.serve_forever(poll_interval=0.1)

    def __enter__(self) -> _SharedConnectionServer:
        # Each request would otherwise close the connection, and the transaction with it.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self._connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)
        self._connection.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@dataclass
class Site:
    url: str
    paths: dict[str, str]  # page name -> path, resolved against the loaded data


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """Reference data, the plan and the demo province, served; all rolled back at the end."""
    from benvung.devtools import demo, demo_outreach, demo_resources
    from benvung.directory.models import AdministrativeUnit

    with django_db_blocker.unblock(), transaction.atomic(), translation.override("vi"):
        if not AdministrativeUnit.objects.exists():
            # A transactional test ran earlier and emptied the tables: load what the session did.
            _load_reference()
        # As `benvung load_demo` does, with the site-years written in bulk (seconds, not half a
        # minute): the same figures.
        demo.generate()
        demo_resources.generate(demo.DEFAULT_SEED, bulk=True)
        demo_outreach.generate(demo.DEFAULT_SEED)
        paths = {page.name: page.path() for page in PUBLIC_PAGES}
        with _SharedConnectionServer() as server:
            yield Site(server.url, paths)
        transaction.set_rollback(True)


def _load_reference() -> None:
    from benvung.directory import loaders
    from benvung.plans.loader import load_plan
    from benvung.resources.loaders import load_resource_reference

    loaders.load_administrative_units()
    loaders.load_sectors()
    loaders.load_industrial_areas()
    loaders.load_agencies()
    load_resource_reference()
    load_plan()


# --- The browser ------------------------------------------------------------------------------


class _Browser:
    """Chromium, driven from a thread of its own.

    Playwright's sync API keeps an event loop running in the thread that uses it, and Django
    refuses database work in such a thread (the tests' transactions are database work).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright: Any = None
        self._browser: Any = None

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        return self._pool.submit(fn, *args).result(timeout=60)

    def start(self, sync_api: Any) -> None:
        self._playwright = self.call(lambda: sync_api.sync_playwright().start())
        self._browser = self.call(
            lambda: self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        )

    def stop(self) -> None:
        if self._browser is not None:
            self.call(self._browser.close)
        if self._playwright is not None:
            self.call(self._playwright.stop)
        self._pool.shutdown()

    def open(self, url: str, *, javascript: bool) -> Any:
        """In the browser's thread: a new context (no cookies shared) with `url` loaded."""
        context = self._browser.new_context(java_script_enabled=javascript, locale="vi-VN")
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response and response.status)
        return page


@pytest.fixture(scope="module")
def browser() -> Iterator[_Browser]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(
            f"no browser at {CHROMIUM}: `make setup-test` installs Debian's chromium when run "
            "as root (or set CHROMIUM to a Chromium executable)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: run `make setup-test`"
    )
    browser = _Browser()
    try:
        browser.start(sync_api)
        yield browser
    finally:
        browser.stop()


@pytest.fixture(scope="module")
def axe() -> Any:
    module = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python is missing: run `make setup-test`",
    )
    return module.Axe()


def _describe(violation: dict[str, Any]) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return (
        f"{violation['impact']:>8} {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])}×: {targets})"
    )


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda p: p.name)
def test_axe_finds_no_serious_or_critical_violation(
    public_page: PublicPage, browser: _Browser, axe: Any, site: Site
) -> None:
    def violations() -> list[dict[str, Any]]:
        page = browser.open(site.url + site.paths[public_page.name], javascript=True)
        try:
            return list(axe.run(page).response["violations"])
        finally:
            page.context.close()

    found = browser.call(violations)
    blocking = [v for v in found if v["impact"] in BLOCKING_IMPACTS]
    for violation in found:
        if violation not in blocking:
            print(f"{public_page.name}: {_describe(violation)}")
    assert not blocking, f"{public_page.name}: " + "\n".join(_describe(v) for v in blocking)


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda p: p.name)
def test_the_main_content_is_there_without_javascript(
    public_page: PublicPage, browser: _Browser, site: Site
) -> None:
    def main_content() -> tuple[int, bool]:
        page = browser.open(site.url + site.paths[public_page.name], javascript=False)
        try:
            content = page.locator(public_page.content)
            count = content.count()
            return count, count > 0 and content.first.is_visible()
        finally:
            page.context.close()

    count, visible = browser.call(main_content)
    assert count > 0, f"{public_page.name}: nothing matches {public_page.content}"
    assert visible, f"{public_page.name}: {public_page.content} is hidden"
