"""Who may call the API: 401 for an unknown caller, 403 only for a session without its CSRF
token or a read token that writes; tokens expire, end with the password, and are rate-limited."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from benvung.api import services as tokens
from benvung.api.models import ApiToken
from benvung.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mật-khẩu-mới-2026!"


def _bearer(raw: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}"})


def _activity_post(client: Client) -> Any:
    return client.post("/api/outreach/activities", "{}", content_type="application/json")


def test_a_write_without_any_credentials_is_401_with_the_documented_body(db: Any) -> None:
    response = _activity_post(Client())
    assert response.status_code == 401
    assert set(response.json()) == {"detail"} and "API" in response.json()["detail"]


def test_a_session_without_its_csrf_token_is_403_and_with_it_goes_through(
    agency_reporter: Any,
) -> None:
    browser = client_for(agency_reporter)
    browser.handler.enforce_csrf_checks = True
    refused = _activity_post(browser)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get(reverse("accounts:home"))  # the page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    answered = browser.post(
        "/api/outreach/activities",
        "{}",
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )
    assert answered.status_code == 422  # past the CSRF check: the empty activity is refused


def test_a_read_token_cannot_write_and_says_why(agency_reporter: Any) -> None:
    _token, raw = tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="Đọc")
    client = _bearer(raw)
    assert client.get("/api/outreach/activities").status_code == 200
    refused = _activity_post(client)
    assert refused.status_code == 403
    assert "write" in refused.json()["detail"] or "ghi" in refused.json()["detail"]
    _token, raw = tokens.token_issue(
        actor=agency_reporter, user=agency_reporter, name="Ghi", scopes=["write"]
    )
    assert _activity_post(_bearer(raw)).status_code == 422  # may write; the body is empty


def test_an_expired_token_is_401(agency_reporter: Any) -> None:
    token, raw = tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="ERP", days=1)
    assert _bearer(raw).get("/api/outreach/activities").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _bearer(raw).get("/api/outreach/activities").status_code == 401


def test_a_token_gets_an_expiry_and_only_known_scopes(agency_reporter: Any) -> None:
    token, _raw = tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="ERP")
    assert token.scopes == "read"
    assert dt.timedelta(days=364) < token.expires_at - timezone.now() <= dt.timedelta(days=365)
    with pytest.raises(ValidationError) as refused:
        tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="X", scopes=["all"])
    assert list(refused.value.message_dict) == ["scopes"]
    with pytest.raises(ValidationError) as refused:
        tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="X", days=0)
    assert list(refused.value.message_dict) == ["days"]


def test_the_command_issues_a_write_token_for_the_days_asked(agency_reporter: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "api_token",
        "create",
        "--as",
        agency_reporter.email,
        "--name",
        "ERP",
        "--scope",
        "write",
        "--days",
        "30",
        stdout=out,
        stderr=err,
    )
    token = ApiToken.objects.get(user=agency_reporter)
    assert token.scopes == "read write"
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert _activity_post(_bearer(out.getvalue().strip())).status_code == 422
    listing = StringIO()
    call_command("api_token", "list", "--as", agency_reporter.email, stdout=listing)
    assert "read write" in listing.getvalue()


# --- A new password ends every token -----------------------------------------------------------


@pytest.fixture
def two_tokens(agency_reporter: Any) -> list[str]:
    return [
        tokens.token_issue(actor=agency_reporter, user=agency_reporter, name=n)[1]
        for n in ("ERP", "BI")
    ]


def _all_refused(raws: list[str]) -> bool:
    return all(_bearer(r).get("/api/outreach/activities").status_code == 401 for r in raws)


def test_the_password_change_page_revokes_the_tokens(agency_reporter: Any, two_tokens: Any) -> None:
    response = client_for(agency_reporter).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _all_refused(two_tokens)


def test_a_password_reset_revokes_the_tokens(agency_reporter: Any, two_tokens: Any) -> None:
    uid = urlsafe_base64_encode(force_bytes(agency_reporter.pk))
    key = default_token_generator.make_token(agency_reporter)
    client = Client()
    page = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, key]), follow=True
    ).redirect_chain[-1][0]
    client.post(page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    agency_reporter.refresh_from_db()
    assert agency_reporter.check_password(NEW_PASSWORD)
    assert _all_refused(two_tokens)


def test_the_admin_password_form_revokes_the_tokens(
    sysadmin: Any, agency_reporter: Any, two_tokens: Any
) -> None:
    admin = client_for(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[agency_reporter.pk])
    response = admin.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _all_refused(two_tokens)


def test_set_password_in_a_shell_revokes_the_tokens(agency_reporter: Any, two_tokens: Any) -> None:
    agency_reporter.set_password(NEW_PASSWORD)
    agency_reporter.save()
    assert _all_refused(two_tokens)


def test_a_password_made_unusable_revokes_the_tokens(agency_reporter: Any, two_tokens: Any) -> None:
    agency_reporter.set_unusable_password()
    agency_reporter.save(update_fields=["password"])
    assert _all_refused(two_tokens)


def test_other_saves_and_a_rehash_of_the_same_password_keep_the_tokens(
    agency_reporter: Any, two_tokens: Any
) -> None:
    agency_reporter.full_name = "Tên mới"
    agency_reporter.save()
    # What Django does at sign-in when the hasher's settings changed: the same password, hashed
    # again, saved without set_password's marker.
    from django.contrib.auth.hashers import make_password

    agency_reporter.password = make_password(PASSWORD)
    agency_reporter.save(update_fields=["password"])
    assert all(_bearer(r).get("/api/outreach/activities").status_code == 200 for r in two_tokens)


# --- Rate limit ----------------------------------------------------------------------------------


def test_each_token_has_its_own_rate_limit_answered_429_with_retry_after(
    agency_reporter: Any, settings: Any
) -> None:
    settings.API_RATE_LIMIT = "3/m"
    first = _bearer(tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="A")[1])
    other = _bearer(tokens.token_issue(actor=agency_reporter, user=agency_reporter, name="B")[1])
    assert [first.get("/api/outreach/activities").status_code for _ in range(3)] == [200] * 3
    limited = first.get("/api/outreach/activities")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert set(limited.json()) == {"detail"}
    assert other.get("/api/outreach/activities").status_code == 200


def test_open_data_is_limited_per_address(db: Any, settings: Any) -> None:
    settings.API_ANON_RATE_LIMIT = "2/m"
    codes = [Client().get("/api/directory/industrial-areas").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# --- The OpenAPI documents every answer --------------------------------------------------------


def test_every_operation_documents_its_errors_and_the_429_header(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"200", "404", "422", "429"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if method in ("post", "put"):
                expected |= {"400", "409"}
            assert expected <= codes, (method, path, expected - codes)
            assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_ninjas_own_422_has_the_documented_shape(agency_reporter: Any) -> None:
    _token, raw = tokens.token_issue(
        actor=agency_reporter, user=agency_reporter, name="ERP", scopes=["write"]
    )
    response = _bearer(raw).post(
        "/api/outreach/activities",
        json.dumps({"participants": "nhiều"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    for problem in response.json()["detail"]:
        assert {"loc", "msg", "type"} <= set(problem)
        assert all(isinstance(part, str | int) for part in problem["loc"])
    body = _bearer(raw).post(
        "/api/outreach/activities", "{không phải json", content_type="application/json"
    )
    assert body.status_code == 400 and set(body.json()) == {"detail"}


def test_a_service_refusal_is_a_422_naming_the_field(agency_reporter: Any) -> None:
    _token, raw = tokens.token_issue(
        actor=agency_reporter, user=agency_reporter, name="ERP", scopes=["write"]
    )
    response = _activity_post(_bearer(raw))
    assert response.status_code == 422
    fields = {tuple(p["loc"]) for p in response.json()["detail"]}
    assert ("body", "title") in fields and ("body", "organiser") in fields
    assert re.search(r"[ạảãáàâăđêôơư]", " ".join(p["msg"] for p in response.json()["detail"]))


def test_a_nul_character_or_an_id_beyond_the_database_is_a_422_not_a_server_error(
    agency_reporter: Any,
) -> None:
    # Both reached PostgreSQL before and failed there (text cannot hold U+0000; bigint overflow).
    _token, raw = tokens.token_issue(
        actor=agency_reporter, user=agency_reporter, name="ERP", scopes=["write"]
    )
    client = _bearer(raw)
    nul = client.post(
        "/api/outreach/activities",
        json.dumps({"title": "Tập huấn\x00"}),
        content_type="application/json",
    )
    assert nul.status_code == 422
    assert ["body", "payload", "title"] in [p["loc"] for p in nul.json()["detail"]]
    assert client.get(f"/api/outreach/activities/{2**64}").status_code == 422
    assert client.get(f"/api/directory/industrial-areas?offset={2**63}").status_code == 422
    assert client.get("/api/outreach/activities?kind=a%00b").status_code == 422
