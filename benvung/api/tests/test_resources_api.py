"""The JSON endpoints: bulk submission all or nothing, scoped reads, tokens."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from benvung.api import services as tokens
from benvung.conftest import make_site, make_user
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(enterprise_a):
    return make_site(enterprise_a, "Nhà máy bia Biên Hòa")


@pytest.fixture
def owner(site):
    return make_user(site.enterprise, "enterprise_user", "bia@test.example")


def _client(user):
    _token, raw = tokens.token_issue(actor=user, user=user, name="ERP", scopes=["write"])
    return Client(headers={"authorization": f"Bearer {raw}"})


def _item(site, year, hl="100000", kwh="2500000"):
    return {
        "tax_code": site.enterprise.tax_code,
        "site": site.name,
        "year": year,
        "outputs": [{"product": "Bia", "category": "beer", "quantity": hl, "unit": "hl"}],
        "energy": [{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
    }


def _post(client, items):
    return client.post(
        "/api/resources/site-years", json.dumps({"items": items}), content_type="application/json"
    )


def test_a_bulk_submission_is_saved_and_the_figures_follow(site, owner, coordinator):
    response = _post(_client(owner), [_item(site, 2021), _item(site, 2023, "110000", "2600000")])
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["saved"], answer["unchanged"], answer["problems"]) == (2, 0, [])
    assert [i["status"] for i in answer["items"]] == ["new", "new"]
    assert answer["must_resubmit"] == [] and answer["message"] == ""
    # Saved as drafts: the figures count submitted data only, unless the drafts are asked for.
    figures = _client(coordinator).get("/api/resources/efficiency?year=2023").json()
    assert [p for p in figures["products"] if p["site"] == site.name] == []
    assert figures["drafts_counted"] is False
    figures = (
        _client(coordinator).get("/api/resources/efficiency?year=2023&include_drafts=true").json()
    )
    assert figures["drafts_counted"] is True
    [beer] = [p for p in figures["products"] if p["site"] == site.name]
    # 2,600,000 kWh × 3.6 MJ / 110,000 hl = 85.09 MJ/hl; 2021: 90 MJ/hl.
    assert beer["sec"] == pytest.approx(85.0909, abs=1e-4)
    assert beer["improvement"] == pytest.approx(1 - 85.090909 / 90, abs=1e-6)


def test_one_bad_item_saves_nothing_and_names_the_item_and_row(site, owner):
    bad = _item(site, 2023, hl="nhiều")
    response = _post(_client(owner), [_item(site, 2021), bad])
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems[0]["item"] == 2
    assert "Sản lượng, dòng 1, số lượng: “nhiều” không phải là số." in problems[0]["messages"]
    assert not SiteYear.objects.filter(site=site).exists()


def test_another_enterprise_can_neither_write_nor_read_the_site(site, enterprise_b_user, owner):
    _post(_client(owner), [_item(site, 2021)])
    other = _client(enterprise_b_user)
    response = _post(other, [_item(site, 2022)])
    assert response.status_code == 422 and response.json()["saved"] == 0
    assert other.get(f"/api/resources/sites/{site.pk}/years/2021").status_code == 404
    assert other.get("/api/resources/efficiency?year=2021").status_code == 403
    assert _client(owner).get(f"/api/resources/sites/{site.pk}/years/2021").status_code == 200


def test_no_token_a_wrong_one_or_a_revoked_one_is_refused(site, owner):
    assert Client().get("/api/resources/efficiency?year=2021").status_code == 401
    wrong = Client(headers={"authorization": "Bearer khong-dung"})
    assert wrong.get("/api/resources/efficiency?year=2021").status_code == 401
    token, raw = tokens.token_issue(actor=owner, user=owner, name="ERP")
    tokens.token_revoke(actor=owner, token=token)
    revoked = Client(headers={"authorization": f"Bearer {raw}"})
    assert revoked.get(f"/api/resources/sites/{site.pk}/years/2021").status_code == 401


def test_a_signed_in_browser_needs_the_csrf_token(site, owner):
    from benvung.conftest import client_for

    browser = client_for(owner)
    browser.handler.enforce_csrf_checks = True
    assert _post(browser, [_item(site, 2021)]).status_code == 403


def test_tokens_from_the_shell_are_shown_once_and_stored_hashed(owner):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token", "create", "--as", owner.email, "--name", "ERP", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert len(raw) > 30 and raw not in str(list(owner.api_tokens.values()))
    assert (
        Client(headers={"authorization": f"Bearer {raw}"})
        .get("/api/resources/efficiency?year=2021")
        .status_code
        == 403
    )  # authenticated, but not a coordinator


def test_the_api_documentation_is_served_without_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "cdn" not in page.lower() and "/static/" in page


# --- Submitted data are not replaced silently ----------------------------------------------------


def _submitted(site, owner, year=2023):
    from django.utils import timezone

    assert _post(_client(owner), [_item(site, year)]).status_code == 200
    now = timezone.now()
    SiteYear.objects.filter(site=site, year=year).update(
        state="submitted", submitted_at=now, last_submitted_at=now
    )


def test_replacing_a_submitted_year_is_refused_with_409_and_the_changes(site, owner):
    _submitted(site, owner)
    response = _post(_client(owner), [_item(site, 2021), _item(site, 2023, hl="120000")])
    assert response.status_code == 409
    answer = response.json()
    assert answer["saved"] == 0 and "replace_submitted" in answer["message"]
    [conflict] = answer["conflicts"]
    assert (conflict["item"], conflict["year"], conflict["status"]) == (2, 2023, "submitted")
    assert conflict["must_resubmit"] and conflict["page"].endswith(f"/{site.pk}/2023/")
    [beer] = conflict["changes"]["items"]
    assert beer["old_total"] == {"hl": "100000"} and beer["new_total"] == {"hl": "120000"}
    # All or nothing: the new 2021 item was not saved either; 2023 is as submitted.
    assert not SiteYear.objects.filter(site=site, year=2021).exists()
    stored = SiteYear.objects.get(site=site, year=2023)
    assert stored.state == "submitted" and stored.outputs.get().quantity == 100_000


def test_with_replace_submitted_the_year_is_replaced_and_must_be_submitted_again(site, owner):
    from benvung.core.models import AuditEvent

    _submitted(site, owner)
    response = _client(owner).post(
        "/api/resources/site-years",
        json.dumps({"items": [_item(site, 2023, hl="120000")], "replace_submitted": True}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["saved"] == 1 and answer["message"]
    [again] = answer["must_resubmit"]
    assert (again["year"], again["status"]) == (2023, "submitted")
    stored = SiteYear.objects.get(site=site, year=2023)
    assert stored.state == "draft" and stored.needs_resubmission
    event = AuditEvent.objects.get(action="site_year.replace_submitted")
    assert event.before["outputs"][0][3] == "100000.0000"


def test_sending_a_submitted_year_unchanged_keeps_it_submitted(site, owner):
    _submitted(site, owner)
    response = _post(_client(owner), [_item(site, 2023)])
    assert response.status_code == 200
    answer = response.json()
    assert (answer["saved"], answer["unchanged"]) == (0, 1)
    assert answer["items"][0]["status"] == "unchanged" and answer["must_resubmit"] == []
    assert SiteYear.objects.get(site=site, year=2023).state == "submitted"


def test_the_openapi_description_says_submitted_data_need_replace_submitted(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/resources/site-years"]["post"]
    assert "409" in operation["responses"]
    assert "replace_submitted" in operation["description"]


def test_a_site_year_sent_with_an_older_version_is_409_and_nothing_is_saved(site, owner):
    client = _client(owner)
    assert _post(client, [_item(site, 2021)]).status_code == 200
    read = client.get(f"/api/resources/sites/{site.pk}/years/2021").json()
    changed = {**_item(site, 2021, hl="120000"), "version": read["version"]}
    assert _post(client, [changed]).status_code == 200
    stale = {**_item(site, 2021, hl="130000"), "version": read["version"]}
    response = _post(client, [stale, _item(site, 2022)])
    assert response.status_code == 409
    assert response.json()["stale"][0]["current_version"] == read["version"] + 1
    assert not SiteYear.objects.filter(site=site, year=2022).exists()
    stored = client.get(f"/api/resources/sites/{site.pk}/years/2021").json()
    assert stored["outputs"][0]["quantity"].startswith("120000")
