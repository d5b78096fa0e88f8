"""The domain endpoints: each reads and writes through the pages' selectors and services, so a
user of another organisation never reads or changes the data (404 or 403, never the data)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from benvung.accounts import roles
from benvung.api import services as tokens
from benvung.conftest import make_site, make_user
from benvung.directory.models import Agency, IndustrialArea, RetailOutlet
from benvung.outreach.models import OutreachActivity
from benvung.plans.models import Plan
from benvung.reporting import services as reporting
from benvung.reporting.models import ReportingCycle
from benvung.reporting.tests.conftest import at
from benvung.reports.models import GeneratedDocument
from benvung.retail.roles import RETAIL_REPORTER

pytestmark = pytest.mark.django_db


def api(user: Any, write: bool = True) -> Client:
    _token, raw = tokens.token_issue(
        actor=user, user=user, name="ERP", scopes=["write"] if write else ["read"]
    )
    return Client(headers={"authorization": f"Bearer {raw}"})


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def other_reporter(db: Any) -> Any:
    """An agency reporter of another agency (Sở Công Thương)."""
    return make_user(Agency.objects.get(key="sct"), roles.AGENCY_REPORTER, "sct@test.example")


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


# --- Agency reports -----------------------------------------------------------------------------


@pytest.fixture
def cycle(coordinator: Any) -> ReportingCycle:
    plan = Plan.objects.get(number="202/KH-UBND")
    with at("2025-09-01"):
        cycle = reporting.cycle_create(actor=coordinator, plan=plan, year=2025)
        reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    return cycle


def test_an_agency_fills_and_submits_its_report_with_versions(
    cycle: ReportingCycle, agency_reporter: Any
) -> None:
    client = api(agency_reporter)
    assert client.get("/api/reporting/cycles").json()["count"] == 1
    started = client.post(f"/api/reporting/cycles/{cycle.pk}/report")
    assert started.status_code == 200, started.content
    report = started.json()
    assert report["editable"] and report["tasks"]
    body = {
        "version": report["version"],
        "summary": "Đã triển khai.",
        "tasks": [
            {
                "id": t["id"],
                "status": "in_progress",
                "narrative": f"Kết quả {t['task']}",
                "events_held": 2,
                "budget_vnd": {"provincial_budget": 15_000_000},
            }
            for t in report["tasks"]
        ],
    }
    saved = send(client, "put", f"/api/reporting/reports/{report['id']}", body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == report["version"] + 1
    assert saved.json()["tasks"][0]["events_held"] == 2
    # The same body again is based on the old version: refused, nothing saved.
    stale = send(client, "put", f"/api/reporting/reports/{report['id']}", body)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == report["version"] + 1
    old = send(client, "post", f"/api/reporting/reports/{report['id']}/submit", {"version": 1})
    assert old.status_code == 409
    submitted = send(
        client,
        "post",
        f"/api/reporting/reports/{report['id']}/submit",
        {"version": saved.json()["version"]},
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = send(client, "put", f"/api/reporting/reports/{report['id']}", {"summary": "Sửa"})
    assert again.status_code == 422  # submitted: no longer changed


def test_another_agency_cannot_read_or_change_the_report(
    cycle: ReportingCycle, agency_reporter: Any, other_reporter: Any
) -> None:
    report = api(agency_reporter).post(f"/api/reporting/cycles/{cycle.pk}/report").json()
    other = api(other_reporter)
    assert other.get(f"/api/reporting/reports/{report['id']}").status_code == 404
    assert report["id"] not in [
        r["id"] for r in other.get("/api/reporting/reports").json()["items"]
    ]
    changed = send(other, "put", f"/api/reporting/reports/{report['id']}", {"summary": "Chiếm"})
    assert changed.status_code == 404
    submitted = send(other, "post", f"/api/reporting/reports/{report['id']}/submit", {})
    assert submitted.status_code == 404
    # A task report of another agency's report, slipped into one's own: refused.
    own = other.post(f"/api/reporting/cycles/{cycle.pk}/report").json()
    foreign = send(
        other,
        "put",
        f"/api/reporting/reports/{own['id']}",
        {"tasks": [{"id": report["tasks"][0]["id"], "narrative": "Chiếm"}]},
    )
    assert foreign.status_code == 403


def test_an_enterprise_sees_no_reporting_cycle_in_preparation(
    coordinator: Any, enterprise_a_user: Any
) -> None:
    plan = Plan.objects.get(number="202/KH-UBND")
    draft = reporting.cycle_create(actor=coordinator, plan=plan, year=2026)
    assert api(enterprise_a_user).get(f"/api/reporting/cycles/{draft.pk}").status_code == 404
    assert api(coordinator).get(f"/api/reporting/cycles/{draft.pk}").status_code == 200


# --- Outreach -----------------------------------------------------------------------------------


def _activity_body(organiser_id: int, **more: Any) -> dict[str, Any]:
    return {
        "kind": "training",
        "title": "Tập huấn sản xuất sạch hơn",
        "start_date": "2025-03-10",
        "organiser_id": organiser_id,
        "participants": 80,
        **more,
    }


def test_an_activity_is_recorded_read_and_changed_only_by_its_agency(
    agency_reporter: Any, other_reporter: Any
) -> None:
    client = api(agency_reporter)
    created = send(
        client, "post", "/api/outreach/activities", _activity_body(agency_reporter.organisation_id)
    )
    assert created.status_code == 200, created.content
    activity = created.json()
    assert activity["owner"]["id"] == agency_reporter.organisation_id
    url = f"/api/outreach/activities/{activity['id']}"
    changed = send(
        client, "put", url, _activity_body(agency_reporter.organisation_id, participants=90)
    )
    assert changed.status_code == 200 and changed.json()["participants"] == 90
    other = api(other_reporter)
    assert other.get(url).status_code == 404
    assert other.get("/api/outreach/activities").json()["count"] == 0
    taken = send(other, "put", url, _activity_body(other_reporter.organisation_id, title="Chiếm"))
    assert taken.status_code == 404
    assert OutreachActivity.objects.get(pk=activity["id"]).participants == 90


def test_an_unknown_id_is_named_in_the_422(agency_reporter: Any) -> None:
    response = send(
        api(agency_reporter),
        "post",
        "/api/outreach/activities",
        _activity_body(agency_reporter.organisation_id, topic_ids=[999999]),
    )
    assert response.status_code == 422
    assert ["body", "topic_ids"] in [p["loc"] for p in response.json()["detail"]]


def test_an_enterprise_records_its_own_scp_model_and_another_cannot_see_it(
    enterprise_a_user: Any, enterprise_b_user: Any, enterprise_b: Any
) -> None:
    client = api(enterprise_a_user)
    body = {
        "organisation_id": enterprise_b.pk,  # ignored: an enterprise records its own
        "kind": "energy_efficiency",
        "title": "Thay động cơ hiệu suất cao",
        "year": 2024,
        "energy_saved_toe": "12.5",
    }
    created = send(client, "post", "/api/outreach/scp-models", body)
    assert created.status_code == 200, created.content
    model = created.json()
    assert model["organisation"]["id"] == enterprise_a_user.organisation_id
    assert model["state"] == "proposed"
    url = f"/api/outreach/scp-models/{model['id']}"
    assert send(client, "put", url, {**body, "title": "Động cơ mới"}).status_code == 200
    other = api(enterprise_b_user)
    assert other.get(url).status_code == 404
    assert other.get("/api/outreach/scp-models").json()["count"] == 0
    assert send(other, "put", url, {**body, "title": "Chiếm"}).status_code == 404
    nan = send(client, "post", "/api/outreach/scp-models", {**body, "energy_saved_toe": "NaN"})
    assert nan.status_code == 422


# --- Retail -------------------------------------------------------------------------------------


def test_an_outlet_records_its_survey_and_another_outlet_cannot_touch_it(
    retail_reporter: Any, supermarket: Any
) -> None:
    client = api(retail_reporter)
    body = {
        "outlet_id": supermarket.pk,
        "year": 2025,
        "eco_packaging": "partly",
        "biodegradable_bag_share": "40",
    }
    created = send(client, "post", "/api/retail/surveys", body)
    assert created.status_code == 200, created.content
    survey = created.json()
    url = f"/api/retail/surveys/{survey['id']}"
    changed = send(client, "put", url, {"eco_packaging": "yes", "ecolabelled_products": 12})
    assert changed.status_code == 200 and changed.json()["eco_packaging"] == "yes"
    shop = RetailOutlet.objects.create(name="Cửa hàng khác", outlet_type="convenience")
    other = api(make_user(shop, RETAIL_REPORTER, "khac@test.example"))
    assert other.get(url).status_code == 404
    assert other.get("/api/retail/surveys").json()["count"] == 0
    assert send(other, "put", url, {"eco_packaging": "no"}).status_code == 404
    # Nor record the first outlet's survey in its place.
    assert send(other, "post", "/api/retail/surveys", body).status_code == 422
    assert client.get(url).json()["eco_packaging"] == "yes"


# --- Directory ----------------------------------------------------------------------------------


def test_the_directory_shows_public_fields_of_what_the_caller_may_see(
    enterprise_a_user: Any, enterprise_a: Any, enterprise_b: Any
) -> None:
    own_site = make_site(enterprise_a, "Nhà máy A")
    other_site = make_site(enterprise_b, "Nhà máy B")
    client = api(enterprise_a_user, write=False)
    organisations = client.get("/api/directory/organisations").json()
    assert [o["id"] for o in organisations["items"]] == [enterprise_a.pk]
    assert organisations["items"][0]["tax_code"] == enterprise_a.tax_code
    assert "email" not in organisations["items"][0] and "phone" not in organisations["items"][0]
    assert client.get(f"/api/directory/organisations/{enterprise_b.pk}").status_code == 404
    assert [s["id"] for s in client.get("/api/directory/sites").json()["items"]] == [own_site.pk]
    assert client.get(f"/api/directory/sites/{other_site.pk}").status_code == 404
    area = IndustrialArea.objects.first()
    public = Client().get(f"/api/directory/industrial-areas/{area.pk}")
    assert public.status_code == 200 and public.json()["name"] == area.name


# --- Documents ----------------------------------------------------------------------------------


@pytest.fixture
def draft(cycle: ReportingCycle, agency_reporter: Any) -> GeneratedDocument:
    with at("2025-11-05"):
        report = reporting.report_start(
            actor=agency_reporter, cycle=cycle, agency=agency_reporter.organisation
        )
    document = GeneratedDocument.objects.create(
        kind="agency",
        cycle=cycle,
        agency_report=report,
        issuer=agency_reporter.organisation,
        issued_on=cycle.report_deadline,
        is_draft=True,
        state="done",
    )
    document.docx.save("du-thao.docx", ContentFile(b"PK\x03\x04 docx"))
    return document


def test_a_draft_is_downloaded_by_its_agency_and_by_no_other(
    draft: GeneratedDocument, agency_reporter: Any, other_reporter: Any, coordinator: Any
) -> None:
    own = api(agency_reporter, write=False)
    listed = own.get("/api/documents").json()
    assert [d["id"] for d in listed["items"]] == [draft.pk]
    assert listed["items"][0]["formats"] == ["docx"] and listed["items"][0]["is_draft"]
    download = own.get(f"/api/documents/{draft.pk}/docx")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert own.get(f"/api/documents/{draft.pk}/pdf").status_code == 404  # not made
    other = api(other_reporter, write=False)
    assert other.get("/api/documents").json()["count"] == 0
    assert other.get(f"/api/documents/{draft.pk}").status_code == 404
    assert other.get(f"/api/documents/{draft.pk}/docx").status_code == 404
    assert api(coordinator, write=False).get(f"/api/documents/{draft.pk}/docx").status_code == 200


def test_a_document_being_generated_offers_no_file(
    draft: GeneratedDocument, agency_reporter: Any
) -> None:
    GeneratedDocument.objects.filter(pk=draft.pk).update(state="rendering")
    own = api(agency_reporter, write=False)
    assert own.get(f"/api/documents/{draft.pk}").json()["formats"] == []
    assert own.get(f"/api/documents/{draft.pk}/docx").status_code == 404
