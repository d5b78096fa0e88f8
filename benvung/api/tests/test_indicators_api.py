"""The open-data indicator endpoints: no sign-in, the same figures as the command, no names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from benvung.directory.models import IndustrialArea
from benvung.indicators import services
from benvung.outreach.models import OutreachActivity

pytestmark = pytest.mark.django_db


def test_targets_are_open_and_list_every_target(doit: Any) -> None:
    services.recompute(year=2025)
    response = Client().get("/api/indicators/targets?year=2025")
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2025
    codes = [t["target"] for t in data["targets"]]
    assert "T1-2025" in codes and "T5-2030" in codes
    assert Client().get("/api/indicators/targets?year=1999").status_code == 404


def test_an_indicator_has_its_series_and_breakdowns_without_the_records_behind(doit: Any) -> None:
    park = IndustrialArea.objects.filter(kind="industrial_park").first()
    activity = OutreachActivity.objects.create(
        owner=doit,
        organiser=doit,
        kind="training",
        title="Tập huấn SX&TDBV KCN thử",
        start_date=dt.date(2024, 5, 6),
    )
    activity.industrial_areas.set([park])
    services.recompute("outreach_industrial_areas_share")
    data = Client().get("/api/indicators/outreach_industrial_areas_share?year=2024").json()
    by_year = {r["year"]: r for r in data["series"]}
    assert by_year[2024]["numerator"] == 1 and by_year[2024]["denominator"] == 46
    areas = {r["key"]: r for r in data["breakdowns"]["area"]}
    assert areas[str(park.pk)]["value"] == 1
    assert "inputs" not in areas[str(park.pk)]
    assert "Tập huấn" not in str(data)  # the activities behind are for the coordinator only
    assert Client().get("/api/indicators/no_such_indicator").status_code == 404
