"""Every request logs one line with its id; a refused request is that line, without a traceback."""

import io
import json
import logging
import secrets

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from benvung.conftest import client_for
from benvung.core.health import healthz
from benvung.core.logs import JsonLineFormatter
from benvung.core.tests.test_settings import _run


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def _request_lines(records):
    return [r for r in records if r.name == "benvung.request"]


def test_a_permission_denied_is_one_line_without_a_traceback(log, enterprise_a_user, enterprise_a):
    response = client_for(enterprise_a_user).get(
        reverse("directory:invite_user", args=[enterprise_a.pk])
    )
    assert response.status_code == 403
    assert len(log.records) == 1, [r.getMessage() for r in log.records]
    (line,) = log.records
    assert line.name == "benvung.request"
    assert line.exc_info is None and line.exc_text is None
    assert line.status == 403
    assert line.reason == "Forbidden (Permission denied)"
    assert line.user_id == enterprise_a_user.pk


def test_a_csrf_failure_is_one_line_without_a_traceback(log, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert len(log.records) == 1, [r.getMessage() for r in log.records]
    (line,) = log.records
    assert line.exc_info is None
    assert line.reason.startswith("Forbidden (CSRF")


def test_the_request_line_says_who_asked_what_and_how_it_went(log, db):
    response = Client(REMOTE_ADDR="203.0.113.7").get("/healthz")
    (line,) = _request_lines(log.records)
    assert line.method == "GET"
    assert line.path == "/healthz"
    assert line.status == 200
    assert line.duration_ms >= 0
    assert line.user_id is None
    assert line.client == "203.0.113.7"
    assert line.request_id == response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


def test_a_request_id_from_an_untrusted_client_is_replaced(log, db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="forged-by-client")
    assert response["X-Request-ID"] != "forged-by-client"


@override_settings(TRUST_REQUEST_ID_HEADER=True)
def test_a_request_id_from_the_trusted_proxy_is_kept_and_returned(log, db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abc123-proxy")
    assert response["X-Request-ID"] == "abc123-proxy"
    (line,) = _request_lines(log.records)
    assert line.request_id == "abc123-proxy"
    # Text that is not an id (here a forged log line) is never copied into the logs.
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="x\n{evil}")
    assert response["X-Request-ID"] != "x\n{evil}"


def _noisy_healthz(request):
    logging.getLogger("benvung.somewhere").warning("Lỗi nhỏ %s", 1)
    return healthz(request)


urlpatterns = [path("healthz", _noisy_healthz)]


@override_settings(ROOT_URLCONF=__name__)
def test_every_line_logged_during_a_request_carries_its_id_in_json(db, monkeypatch):
    """Through the configured console handler (its request-id filter) with the JSON format."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    monkeypatch.setattr(handler, "stream", stream)
    monkeypatch.setattr(handler, "formatter", JsonLineFormatter())
    response = Client().get("/healthz")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["name"] for line in lines] == ["benvung.somewhere", "benvung.request"]
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert lines[0]["message"] == "Lỗi nhỏ 1"
    assert lines[1]["status"] == 200 and lines[1]["path"] == "/healthz"
    assert {"time", "level", "method", "duration_ms", "user_id", "client"} <= set(lines[1])


def test_production_logs_json_unless_told_otherwise(tmp_path):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    assert "LOG_FORMAT = 'json'" in _run("diffsettings", **production).stdout
    plain = _run("diffsettings", **production, LOG_FORMAT="plain").stdout
    assert "LOG_FORMAT = 'plain'" in plain
    assert "'formatter': 'plain'" in plain
