"""The documents' pages on a 375 px wide phone, in Vietnamese and in English: nothing wider than
the screen (a wide table scrolls inside its own frame), and the buttons that make a draft and
issue it are there to press.

Driven in Debian's chromium through Playwright, served as the portal's browser tests serve the
site (benvung/portal/tests/test_accessibility.py: a thread sharing the test's database
connection, everything rolled back at the end). Skipped, with the reason, without chromium or
Playwright. Select with `-m browser`, leave out with `-m "not browser"`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from benvung.portal.tests.browser import Browser, SharedConnectionServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 375, "height": 812}


@dataclass
class Site:
    url: str
    session: str  # the coordinator's session cookie
    paths: dict[str, str]


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """A 2025 cycle with a finished draft of its annual report, served to a signed-in
    coordinator; all rolled back at the end."""
    from benvung.accounts import roles
    from benvung.conftest import make_user
    from benvung.directory.models import Agency
    from benvung.plans.models import Plan
    from benvung.reporting import services as reporting
    from benvung.reports import services
    from benvung.reports.tests.conftest import ready_to_issue

    with django_db_blocker.unblock(), transaction.atomic(), translation.override("vi"):
        coordinator = make_user(
            Agency.objects.get(key="sct"), roles.COORDINATOR, "dieuphoi-phone@test.example"
        )
        plan = Plan.objects.get(number="202/KH-UBND")
        cycle = reporting.cycle_create(actor=coordinator, plan=plan, year=2025)
        reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
        ready_to_issue(cycle, coordinator)
        draft = services.document_draft(
            actor=coordinator, kind="annual", cycle=cycle, formats=["docx"], background=False
        )
        client = Client()
        client.force_login(coordinator)
        paths = {
            "documents": reverse("reports:document_list"),
            "generate": reverse("reports:annual_generate", args=[cycle.pk]),
            "draft": reverse("reports:document_detail", args=[draft.pk]),
        }
        with SharedConnectionServer() as server:
            yield Site(server.url, client.cookies[settings.SESSION_COOKIE_NAME].value, paths)
        transaction.set_rollback(True)


# The elements reaching past the right edge of the screen, outside a scrolling frame: what to
# fix when a page is too wide.
WIDER_THAN_THE_SCREEN = """
[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !(e.parentElement && e.parentElement.closest(".table-wrap")))
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " "
       + Math.round(e.getBoundingClientRect().right) + "px: "
       + (e.textContent || "").trim().slice(0, 40))
"""

# What must be there to press on each page (CSS selectors).
ACTIONS = {
    "documents": "main a[href*='/generate/']",
    "generate": "main form button[type=submit]",
    "draft": "main form[action$='/issue/'] button[type=submit]",
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_documents_pages_fit_a_phone(
    name: str, language: str, browser: Browser, site: Site
) -> None:
    def look() -> tuple[int, int, bool, str, list[str]]:
        context = browser._browser.new_context(viewport=PHONE, locale=f"{language}-VN")
        context.add_cookies(
            [
                {"name": settings.SESSION_COOKIE_NAME, "value": site.session, "url": site.url},
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url},
            ]
        )
        page = context.new_page()
        try:
            response = page.goto(site.url + site.paths[name], wait_until="load")
            status = response.status if response is not None else 0
            keep = os.environ.get("BENVUNG_KEEP_RENDERED")  # a folder: keep what was seen
            if keep:
                page.screenshot(
                    path=str(Path(keep, f"phone-{name}-{language}.png")), full_page=True
                )
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(WIDER_THAN_THE_SCREEN)
            action = page.locator(ACTIONS[name])
            visible = action.count() > 0 and action.first.is_visible()
            return status, width, visible, page.locator("html").get_attribute("lang") or "", wide
        finally:
            context.close()

    status, width, visible, lang, wide = browser.call(look)
    assert status == 200
    assert lang.startswith(language)
    assert width <= PHONE["width"], f"{name} ({language}) is {width} px wide: {wide}"
    assert visible, f"{name} ({language}): nothing to press at {ACTIONS[name]}"
