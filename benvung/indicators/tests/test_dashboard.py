"""The coordinator's dashboard: who may open it, overrides with their reason, drill-down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from benvung.conftest import client_for
from benvung.core.models import AuditEvent
from benvung.directory.models import Agency, IndustrialArea
from benvung.indicators import services
from benvung.indicators.models import IndicatorResult, Status, StatusOverride
from benvung.outreach.models import OutreachActivity
from benvung.plans.models import Target

pytestmark = pytest.mark.django_db

CODE = "outreach_industrial_areas_share"


@pytest.fixture
def figures(doit: Agency) -> dict[str, Any]:
    park = IndustrialArea.objects.filter(kind="industrial_park").order_by("name").first()
    activity = OutreachActivity.objects.create(
        owner=doit,
        organiser=doit,
        kind=OutreachActivity.Kind.TRAINING,
        title="Tập huấn sản xuất sạch hơn",
        start_date=dt.date(2024, 5, 10),
    )
    activity.industrial_areas.set([park])
    services.recompute(CODE)
    return {
        "park": park,
        "activity": activity,
        "province": IndicatorResult.objects.get(
            indicator=CODE, year=2024, scope_kind="province", scope_key=""
        ),
        "area": IndicatorResult.objects.get(
            indicator=CODE, year=2024, scope_kind="area", scope_key=str(park.pk)
        ),
    }


def pages(figures: dict[str, Any]) -> list[str]:
    return [
        reverse("indicators:dashboard"),
        reverse("indicators:target", args=["T2-2025"]),
        reverse("indicators:result_inputs", args=[figures["province"].pk]),
    ]


def test_the_dashboard_asks_anonymous_visitors_to_sign_in(figures):
    for url in pages(figures):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["agency_reporter", "enterprise_a_user", "retail_reporter"])
def test_the_dashboard_and_drill_down_are_forbidden_to_other_roles(figures, persona, request):
    client = client_for(request.getfixturevalue(persona))
    for url in pages(figures):
        assert client.get(url).status_code == 403, url
    post = client.post(
        reverse("indicators:override_set", args=["T2-2025", 2024]),
        {"status": "achieved", "reason": "Không được phép làm việc này"},
    )
    assert post.status_code == 403
    assert not StatusOverride.objects.exists()


def test_the_coordinator_sees_every_target_with_links_to_the_records(figures, coordinator):
    client = client_for(coordinator)
    body = client.get(reverse("indicators:dashboard") + "?year=2024").content.decode()
    for target in Target.objects.filter(retired_at__isnull=True):
        assert f">{target.code}</a>" in body
    assert reverse("indicators:result_inputs", args=[figures["province"].pk]) in body


def test_a_figure_opens_down_to_the_records_behind_it(figures, coordinator):
    client = client_for(coordinator)
    response = client.get(reverse("indicators:result_inputs", args=[figures["area"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tập huấn sản xuất sạch hơn" in body
    assert reverse("outreach:activity_detail", args=[figures["activity"].pk]) in body
    # The province figure lists every area counted, each linked to its page.
    body = client.get(reverse("indicators:result_inputs", args=[figures["province"].pk])).content
    assert reverse("directory:industrial_area_detail", args=[figures["park"].pk]) in body.decode()
    assert body.decode().count('<th scope="row">') == figures["province"].denominator


def test_stale_figures_are_marked_updating(figures, coordinator):
    IndicatorResult.objects.filter(indicator=CODE).update(
        stale_since=dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
    )
    body = client_for(coordinator).get(reverse("indicators:dashboard") + "?year=2024").content
    row = body.decode()[body.decode().index(">T2-2025<") :].split("</tr>")[0]
    assert "badge--warn" in row


def test_an_override_needs_a_reason_and_keeps_what_was_typed(figures, coordinator):
    client = client_for(coordinator)
    url = reverse("indicators:override_set", args=["T2-2025", 2024])
    response = client.post(url, {"status": Status.ON_TRACK, "reason": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in body and 'href="#id_reason"' in body
    assert '<option value="on_track" selected>' in body
    # Too short a reason is refused by the service, on the field.
    response = client.post(url, {"status": Status.ON_TRACK, "reason": "vì vậy"})
    body = response.content.decode()
    assert 'href="#id_reason"' in body and "vì vậy" in body
    # A status outside the list is refused.
    response = client.post(url, {"status": "perfect", "reason": "Một lý do đủ dài để ghi lại."})
    assert 'href="#id_status"' in response.content.decode()
    assert not StatusOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="indicator.status_override").exists()


def test_an_override_is_audited_shown_and_withdrawn(figures, coordinator):
    client = client_for(coordinator)
    reason = "Số liệu các khu công nghiệp mới thành lập chưa được cập nhật."
    response = client.post(
        reverse("indicators:override_set", args=["T2-2025", 2024]),
        {"status": Status.NEEDS_ACCELERATION, "reason": reason},
    )
    assert response.status_code == 302
    override = StatusOverride.objects.get(target__code="T2-2025", year=2024)
    assert override.set_by == coordinator and override.reason == reason
    event = AuditEvent.objects.get(action="indicator.status_override")
    assert event.actor == coordinator
    body = client.get(response["Location"]).content.decode()
    assert "status--needs_acceleration" in body and reason in body
    # The public page shows it too, with the reason.
    public = Client().get(reverse("portal:target_detail", args=["T2-2025"]) + "?year=2024")
    assert reason in public.content.decode()

    response = client.post(reverse("indicators:override_withdraw", args=[override.pk]))
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.withdrawn_at is not None and override.withdrawn_by == coordinator
    assert AuditEvent.objects.filter(action="indicator.status_override_withdraw").exists()
    public = Client().get(reverse("portal:target_detail", args=["T2-2025"]) + "?year=2024")
    assert reason not in public.content.decode()
    # Withdrawing twice says so instead of failing.
    response = client.post(reverse("indicators:override_withdraw", args=[override.pk]), follow=True)
    assert response.status_code == 200


def test_overrides_are_posted_only(figures, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("indicators:override_set", args=["T2-2025", 2024])).status_code == 405
    assert (
        client.post(reverse("indicators:override_set", args=["T2-2025", 1990]), {}).status_code
        == 404
    )
    assert (
        client.post(reverse("indicators:override_set", args=["T9-2099", 2024]), {}).status_code
        == 404
    )
