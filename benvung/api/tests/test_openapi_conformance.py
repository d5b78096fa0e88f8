"""Schemathesis against the live schema: every operation, called with generated data as a
demo-like enterprise's write token, answers no 5xx and nothing the OpenAPI does not document
(status code, content type, body). Runs on SQLite and PostgreSQL like the rest of the suite.

The number of examples per operation is bounded (API_FUZZ_EXAMPLES, 16 by default) so the test
takes about two minutes on one core; raise it locally to search harder.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from benvung.accounts import roles
from benvung.api import services as tokens
from benvung.conftest import make_site, make_user
from benvung.outreach import services as outreach
from benvung.plans.models import Plan
from benvung.reporting import services as reporting
from benvung.reporting.tests.conftest import at
from benvung.resources import services as resources

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "16"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def enterprise_token(enterprise_a: Any, coordinator: Any, settings: Any) -> str:
    """What a demo enterprise has: sites, a year of data, an SCP model, an open cycle."""
    settings.API_RATE_LIMIT = "100000/m"  # the limit has its own test; here it would only hide
    settings.API_ANON_RATE_LIMIT = "100000/m"
    user = make_user(enterprise_a, roles.ENTERPRISE_USER, "erp@test.example")
    site = make_site(enterprise_a, "Nhà máy dệt Biên Hòa")
    make_site(enterprise_a, "Nhà máy nhuộm Long Thành")
    resources.site_year_write(
        actor=user,
        site=site,
        year=2024,
        allocation_rule="mass",
        outputs=[{"product": "Bia", "category": "beer", "quantity": "100000", "unit": "hl"}],
        energy=[{"carrier": "grid_electricity", "quantity": "2500000", "unit": "kWh"}],
        materials=[],
        drivers=[],
    )
    outreach.scp_model_create(
        actor=user,
        data=outreach.SCPModelData(
            organisation=enterprise_a,
            kind="energy_efficiency",
            title="Thay động cơ hiệu suất cao",
            year=2024,
            energy_saved_toe=Decimal("12.5"),
        ),
    )
    with at("2025-09-01"):
        cycle = reporting.cycle_create(
            actor=coordinator, plan=Plan.objects.get(number="202/KH-UBND"), year=2025
        )
        reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    _token, raw = tokens.token_issue(actor=user, user=user, name="ERP", scopes=["write"])
    return raw


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: Any) -> None:
    # schemathesis 4.32 renames the test item through `_nodeid`, which pytest 9 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def api_schema(enterprise_token: str) -> Any:
    # The requests go through the WSGI handler, not Django's test client: like the client, keep
    # the handler from closing the database connection after each request, which would end the
    # test's transaction (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure is reproduced by running again
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, enterprise_token: str) -> None:
    # Each call in its own savepoint, as each request has its own transaction in production: a
    # database error in one case must not abort the test's transaction for all the others.
    with transaction.atomic():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {enterprise_token}"}, checks=CHECKS
        )
