"""Public figure pages come from the cache, and never show figures older than the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benvung.conftest import client_for
from benvung.directory.models import IndustrialArea
from benvung.indicators import services
from benvung.outreach.models import OutreachActivity
from benvung.plans.models import Target

pytestmark = pytest.mark.django_db

CODE = "outreach_industrial_areas_share"


def test_a_second_visit_is_served_from_the_cache_with_one_query() -> None:
    services.recompute(CODE, 2025)
    Client().get("/chi-tieu/?year=2025")
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/chi-tieu/?year=2025")
    assert response.status_code == 200
    assert len(queries) == 1  # the data version, nothing else


def test_a_change_in_the_data_shows_at_once(doit: Any, coordinator: Any) -> None:
    services.recompute(CODE)
    first = Client().get("/chi-tieu/T6-2025/?year=2025").content.decode()
    assert "Sở GD&amp;ĐT đã lồng ghép" not in first
    services.status_override_set(
        actor=coordinator,
        target=Target.objects.get(code="T6-2025"),
        year=2025,
        status="on_track",
        reason="Sở GD&ĐT đã lồng ghép nội dung vào chương trình ngoại khóa.",
    )
    assert (
        "Sở GD&amp;ĐT đã lồng ghép" in Client().get("/chi-tieu/T6-2025/?year=2025").content.decode()
    )
    # A new activity marks the figure stale at once: the page says it is being updated.
    park = IndustrialArea.objects.filter(kind="industrial_park").first()
    activity = OutreachActivity.objects.create(
        owner=doit,
        organiser=doit,
        kind="campaign",
        title="Tuyên truyền mới",
        start_date=dt.date(2025, 3, 1),
    )
    activity.industrial_areas.set([park])
    page = Client().get(f"/chi-so/{CODE}/?year=2025").content.decode()
    assert "đang cập nhật" in page
    services.recompute(CODE)  # what the queued task does
    page = Client().get(f"/chi-so/{CODE}/?year=2025").content.decode()
    assert "đang cập nhật" not in page


def test_signed_in_users_get_their_own_page(agency_reporter: Any) -> None:
    services.recompute(CODE, 2025)
    Client().get("/chi-tieu/?year=2025")
    page = client_for(agency_reporter).get("/chi-tieu/?year=2025").content.decode()
    assert agency_reporter.full_name in page
