"""Two-step sign-in in a real browser, on a 375 px phone: a coordinator signs in, is sent to
enrolment, adds the key to "their app" (the code computed from the key the page shows), keeps
the recovery codes, signs out, signs in again with password and code, and reaches their home
page. The enrolment and code pages fit the phone in Vietnamese and in English.

Driven in Debian's chromium through Playwright (benvung/portal/tests/browser.py); skipped, with
the reason, without chromium or Playwright.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP

from benvung.conftest import PASSWORD
from benvung.portal.tests.browser import Browser, SharedConnectionServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.two_factor_required]

PHONE = {"width": 375, "height": 812}
COORDINATOR_HOME_HEADING = {
    "vi": "Doanh nghiệp thuộc các ngành trọng tâm của Kế hoạch",
    "en": "Enterprises in the plan's focus sectors",
}

ACCOUNT_STATUS_ON = {"vi": "Đang bật", "en": "On"}


def code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page."""
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + reverse("accounts:login"), wait_until="load")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_coordinator_enrols_then_signs_in_with_password_and_code_on_a_phone(
    language: str, browser: Browser, coordinator: Any
) -> None:
    def scenario(base: str) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        context = browser._browser.new_context(viewport=PHONE, locale=f"{language}-VN")
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
        )
        page = context.new_page()
        try:
            sign_in(page, base, coordinator.email)
            seen["enrol_url"] = page.url
            seen["enrol_width"] = page_width(page)
            seen["qr_visible"] = page.locator("svg.qr-code").is_visible()
            secret = page.locator("#totp-secret").inner_text()
            page.fill("#id_code", code_from_secret(secret))
            page.click("main form button[type=submit]")
            page.wait_for_load_state("load")
            seen["codes_url"] = page.url
            seen["codes_width"] = page_width(page)
            seen["codes_shown"] = page.locator("ol.recovery-codes li").count()
            page.click("main form button[type=submit]")  # "I have kept these codes"
            page.wait_for_load_state("load")
            seen["home_after_enrolment"] = page.locator("main").inner_text()

            page.click("form[action$='/logout/'] button[type=submit]")
            page.wait_for_load_state("load")
            sign_in(page, base, coordinator.email)
            seen["verify_url"] = page.url
            seen["verify_width"] = page_width(page)
            # The code of this period was used at enrolment; the app shows the next one soon.
            page.fill("#id_code", code_from_secret(secret, steps_ahead=1))
            page.click("main form button[type=submit]")
            page.wait_for_load_state("load")
            seen["final_url"] = page.url
            seen["final_main"] = page.locator("main").inner_text()
            seen["lang"] = page.locator("html").get_attribute("lang")
            page.goto(base + reverse("accounts:account"), wait_until="load")
            seen["account_width"] = page_width(page)
            seen["account_main"] = page.locator("main").inner_text()
            return seen
        finally:
            context.close()

    with SharedConnectionServer() as server:
        seen = browser.call(scenario, server.url)

    assert reverse("accounts:two_factor_enrol") in seen["enrol_url"]
    assert seen["qr_visible"]
    assert reverse("accounts:recovery_codes") in seen["codes_url"]
    assert seen["codes_shown"] == 10
    assert COORDINATOR_HOME_HEADING[language] in seen["home_after_enrolment"]
    assert reverse("accounts:two_factor_verify") in seen["verify_url"]
    assert seen["final_url"].endswith(reverse("accounts:home"))
    assert COORDINATOR_HOME_HEADING[language] in seen["final_main"]
    assert seen["lang"] == language
    assert ACCOUNT_STATUS_ON[language] in seen["account_main"]
    for name in ("enrol_width", "codes_width", "verify_width", "account_width"):
        assert seen[name] <= PHONE["width"], f"{name} ({language}): {seen[name]} px"
