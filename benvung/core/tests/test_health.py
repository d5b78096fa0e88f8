"""/healthz answers "ok" to anyone, without the database."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_ok_without_a_query(db):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert len(queries) == 0


def test_healthz_only_answers_reads(db):
    assert Client().post("/healthz").status_code == 405
