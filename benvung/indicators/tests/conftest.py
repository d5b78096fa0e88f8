from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from benvung.directory.models import AdministrativeUnit, Agency, Organisation
from benvung.outreach.models import OutreachActivity


@pytest.fixture
def make_activity(doit: Agency) -> Any:
    def make(
        start: dt.date,
        *,
        areas: list[Any] = (),  # type: ignore[assignment]
        units: list[AdministrativeUnit] = (),  # type: ignore[assignment]
        organiser: Organisation | None = None,
        kind: str = OutreachActivity.Kind.CAMPAIGN,
        topics: list[Any] = (),  # type: ignore[assignment]
    ) -> OutreachActivity:
        activity = OutreachActivity.objects.create(
            owner=doit,
            organiser=organiser or doit,
            kind=kind,
            title=f"Hoạt động thử {start:%d/%m/%Y}",
            start_date=start,
        )
        activity.industrial_areas.set(areas)
        activity.administrative_units.set(units)
        activity.topics.set(topics)
        return activity

    return make
