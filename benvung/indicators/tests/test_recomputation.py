"""A change to any input marks the figures it feeds stale and queues their recomputation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from benvung.directory.models import IndustrialArea
from benvung.indicators import services
from benvung.indicators.models import IndicatorResult

pytestmark = pytest.mark.django_db

CODE = "outreach_industrial_areas_share"


@pytest.fixture
def queued(monkeypatch: Any) -> list[list[str]]:
    """The recomputations queued (the tests' task backend would run them at once)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(
        services, "queue_recompute", lambda codes, from_year=None: calls.append(list(codes))
    )
    return calls


def test_saving_an_activity_marks_its_indicators_stale_and_queues_one_task(
    make_activity: Any, queued: list[list[str]], django_capture_on_commit_callbacks: Any
) -> None:
    services.recompute(CODE, 2024)
    assert not IndicatorResult.objects.filter(stale_since__isnull=False).exists()
    park = IndustrialArea.objects.filter(kind="industrial_park").first()
    requested_at = timezone.now().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        # Two activities, many rows and links saved: one task all the same.
        make_activity(dt.date(2024, 3, 1), areas=[park])
        make_activity(dt.date(2024, 4, 1), areas=[park])
        assert IndicatorResult.objects.filter(indicator=CODE, stale_since__isnull=False).exists()
        assert queued == []  # nothing is queued before the commit
    assert len(queued) == 1
    codes = queued[0]
    assert CODE in codes and "district_campaign_share" in codes
    # The worker runs it: figures are fresh and count the new activities.
    services.run_queued(codes, requested_at)
    fresh = IndicatorResult.objects.get(indicator=CODE, year=2024, scope_kind="province")
    assert fresh.stale_since is None
    assert fresh.numerator == 1
    # A second, older request is already covered: nothing is recomputed twice.
    assert services.run_queued([CODE], requested_at) == 0


def test_a_rolled_back_change_queues_nothing_and_the_next_change_still_queues(
    make_activity: Any, queued: list[list[str]], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_activity(dt.date(2024, 3, 1))
        raise RuntimeError("cancelled")
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        make_activity(dt.date(2024, 5, 1))
    assert len(queued) == 1


def test_a_change_during_a_recomputation_keeps_the_figure_stale(
    make_activity: Any, queued: list[list[str]]
) -> None:
    services.recompute(CODE, 2024)
    started = timezone.now()
    make_activity(dt.date(2024, 3, 1))  # marked after the recomputation began
    services.recompute(CODE, 2024, started=started)
    row = IndicatorResult.objects.get(indicator=CODE, year=2024, scope_kind="province")
    assert row.stale_since is not None
