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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from benvung.portal.tests.browser import Browser, SharedConnectionServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

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
    from benvung.plans.selectors import current_plan
    from benvung.portal import selectors

    plan = current_plan()
    assert plan is not None, "no plan in the test data"
    for target in selectors.target_list(plan).order_by("pk"):
        code = target.indicator_code
        if not quantitative or (registry.known(code) and not registry.get(code).qualitative):
            return str(target.code)
    raise AssertionError("no quantitative target in the plan")


def _indicator_code() -> str:
    from benvung.plans.selectors import current_plan
    from benvung.portal import selectors

    plan = current_plan()
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


@dataclass
class Site:
    url: str
    paths: dict[str, str]  # page name -> path, resolved against the loaded data


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """Reference data, the plan and the demo province, served; all rolled back at the end."""
    from benvung.directory import demo
    from benvung.directory.models import AdministrativeUnit
    from benvung.outreach import demo as demo_outreach
    from benvung.reporting import demo as demo_reporting
    from benvung.resources import demo as demo_resources
    from benvung.retail import demo as demo_retail

    with django_db_blocker.unblock(), transaction.atomic(), translation.override("vi"):
        if not AdministrativeUnit.objects.exists():
            # A transactional test ran earlier and emptied the tables: load what the session did.
            _load_reference()
        # As `benvung load_demo` does, with the site-years written in bulk (seconds, not half a
        # minute): the same figures.
        demo.generate()
        demo_reporting.generate(demo.DEFAULT_SEED)
        demo_resources.generate(demo.DEFAULT_SEED, bulk=True)
        demo_outreach.generate(demo.DEFAULT_SEED)
        demo_retail.generate(demo.DEFAULT_SEED)
        paths = {page.name: page.path() for page in PUBLIC_PAGES}
        with SharedConnectionServer() as server:
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
    public_page: PublicPage, browser: Browser, axe: Any, site: Site
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
    public_page: PublicPage, browser: Browser, site: Site
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
