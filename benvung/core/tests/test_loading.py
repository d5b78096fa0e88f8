"""The idempotent upsert every reference loader uses."""

import pytest

from benvung.core.loading import Upserter
from benvung.core.models import AuditEvent
from benvung.directory.models import FocusSector

pytestmark = pytest.mark.django_db


def _load(rows, prune=False):
    # The loader's scope is its own rows (position 99), as each real loader passes a queryset.
    upserter = Upserter(
        FocusSector,
        ["key"],
        report_name="test",
        action="focus_sector",
        queryset=FocusSector.objects.filter(position=99),
    )
    for key, name in rows:
        upserter.upsert({"key": key}, {"name": name, "name_en": "Test", "position": 99})
    return upserter.finish(source="test", prune=prune)


def test_a_second_identical_load_changes_nothing_and_audits_nothing():
    first = _load([("thu-a", "Thử A"), ("thu-b", "Thử B")])
    events = AuditEvent.objects.count()
    second = _load([("thu-a", "Thử A"), ("thu-b", "Thử B")])
    assert (first.created, second.created, second.updated) == (2, 0, 0)
    assert AuditEvent.objects.count() == events


def test_a_changed_row_is_updated_and_its_old_value_kept_in_the_audit():
    _load([("thu-a", "Thử A")])
    report = _load([("thu-a", "Thử A mới")])
    assert report.updated == 1
    event = AuditEvent.objects.filter(action="focus_sector.update").latest("id")
    assert event.before == {"name": "Thử A"} and event.after == {"name": "Thử A mới"}


def test_pruning_deletes_rows_the_source_no_longer_lists():
    _load([("thu-a", "Thử A"), ("thu-b", "Thử B")])
    report = _load([("thu-b", "Thử B")], prune=True)
    assert report.deleted == 1
    assert list(FocusSector.objects.filter(position=99).values_list("key", flat=True)) == ["thu-b"]
    assert AuditEvent.objects.filter(action="focus_sector.delete").count() == 1
    assert FocusSector.objects.exclude(position=99).count() == 8  # outside the scope: untouched
