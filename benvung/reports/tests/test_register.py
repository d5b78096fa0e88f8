"""The register of numbers: per issuer and year, from 01 each 1 January, never given twice."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.accounts import roles
from benvung.conftest import make_user
from benvung.core.models import AuditEvent
from benvung.directory.models import Agency
from benvung.reports import services
from benvung.reports.models import NumberCounter, RegisteredNumber


def _reserve(actor, issuer, year=2026):
    return services.number_reserve(
        actor=actor, issuer=issuer, year=year, doc_type="BC", summary="Báo cáo thử"
    )


@pytest.mark.django_db
def test_numbers_follow_each_other_with_a_leading_zero(coordinator, doit):
    numbers = [_reserve(coordinator, doit).display for _ in range(10)]
    assert numbers[:2] == ["01/BC-SCT", "02/BC-SCT"]
    assert numbers[8:] == ["09/BC-SCT", "10/BC-SCT"]
    assert AuditEvent.objects.filter(action="document_number.reserve").count() == 10
    assert RegisteredNumber.objects.filter(issuer=doit).first().reserved_by == coordinator


@pytest.mark.django_db
def test_numbering_restarts_on_the_first_of_january(coordinator, doit):
    _reserve(coordinator, doit, 2025)
    _reserve(coordinator, doit, 2025)
    assert _reserve(coordinator, doit, 2026).display == "01/BC-SCT"
    assert _reserve(coordinator, doit, 2025).display == "03/BC-SCT"
    assert NumberCounter.objects.get(issuer=doit, year=2026).last == 1


@pytest.mark.django_db
def test_each_issuer_has_its_own_register(coordinator, agency_reporter, doit):
    _reserve(coordinator, doit)
    number = _reserve(agency_reporter, agency_reporter.organisation)
    assert number.display == "01/BC-SNNMT"


@pytest.mark.django_db
def test_an_agency_cannot_take_another_organisations_number(agency_reporter, doit):
    with pytest.raises(PermissionDenied):
        _reserve(agency_reporter, doit)
    assert not RegisteredNumber.objects.exists()


@pytest.mark.django_db
def test_an_issuer_without_a_symbol_is_refused_by_name(coordinator, doit):
    Agency.objects.filter(pk=doit.pk).update(symbol="")
    with pytest.raises(ValidationError) as excinfo:
        _reserve(coordinator, doit)
    assert doit.name in excinfo.value.messages[0]
    assert not NumberCounter.objects.exists()


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL's row locks (SQLite serialises writers anyway)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_get_the_same_number():
    """Threads race for numbers. A transactional test runs after the others, which may have
    emptied the tables: it makes its own issuer and coordinator."""
    doit = Agency.objects.create(
        key="so-thu-dong-thoi",
        name="Sở Thử Đồng Thời",
        symbol="STDT",
        agency_type="department",
        is_coordinator=True,
    )
    coordinator = make_user(doit, roles.COORDINATOR, "dieuphoi-thu@test.example")
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work() -> None:
        from django.db import connections

        try:
            start.wait()
            for _ in range(5):
                results.append(_reserve(coordinator, doit).display)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 40 == len(set(results))
    assert NumberCounter.objects.get(issuer=doit, year=2026).last == 40
    assert results[0].endswith("/BC-STDT")
