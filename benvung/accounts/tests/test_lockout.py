"""The lock-out counts by account and by client address, whatever the browser says it is (F7)."""

import pytest
from django.test import Client
from django.urls import reverse

from benvung.conftest import PASSWORD
from benvung.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"


def attempt(email: str, password: str, *, address: str, agent: str = "Firefox"):
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, follow=True
    )


def test_spraying_many_accounts_with_changing_browsers_locks_the_address(coordinator, settings):
    # F7: twelve wrong passwords on twelve accounts, each from a "different browser".
    for n in range(12):
        attempt(f"guess{n}@test.example", "sai", address=OFFICE, agent=f"Browser/{n}")
    response = attempt(coordinator.email, PASSWORD, address=OFFICE, agent="Browser/new")
    assert response.status_code == 429
    assert not response.context["user"].is_authenticated
    # Another address is not affected: the account itself was never guessed.
    elsewhere = attempt(coordinator.email, PASSWORD, address="198.51.100.9")
    assert elsewhere.context["user"].is_authenticated


def test_an_account_is_locked_whatever_the_addresses_the_guesses_come_from(coordinator, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(coordinator.email, "sai", address=f"198.51.100.{n + 1}", agent=f"Agent/{n}")
    response = attempt(coordinator.email, PASSWORD, address="192.0.2.50", agent="Other")
    assert response.status_code == 429
    assert not response.context["user"].is_authenticated
    assert AuditEvent.objects.filter(action="user.locked_out").exists()


def test_colleagues_behind_one_address_get_more_tries_than_one_account(
    coordinator, agency_reporter, settings
):
    """The address's limit is higher than the account's: an office is not locked out when one
    person locks their own account."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(agency_reporter.email, "sai", address=OFFICE)
    assert attempt(agency_reporter.email, PASSWORD, address=OFFICE).status_code == 429
    colleague = attempt(coordinator.email, PASSWORD, address=OFFICE)
    assert colleague.context["user"].is_authenticated


def test_a_successful_sign_in_does_not_forgive_the_failures_on_other_accounts(
    coordinator, settings
):
    """Signing in to one's own account between guesses must not reset the address's count."""
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        attempt(f"guess{n}@test.example", "sai", address=OFFICE, agent=f"B/{n}")
    assert attempt(coordinator.email, PASSWORD, address=OFFICE).context["user"].is_authenticated
    attempt("one-more@test.example", "sai", address=OFFICE)
    assert attempt(coordinator.email, PASSWORD, address=OFFICE).status_code == 429
