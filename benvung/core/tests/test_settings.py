"""Settings from the environment: production is deploy-clean, SQLite is tuned for concurrency."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "VAR_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-m", "benvung", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="benvung.dongnai.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _make_run_environment() -> dict[str, str]:
    """The variables `make run` exports (the Makefile's `run: export NAME ?= value` lines)."""
    found: dict[str, str] = {}
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("run: export "):
            name, _op, value = line.removeprefix("run: export ").partition("=")
            found[name.rstrip("?: ").strip()] = value.strip()
    return found


def test_make_run_serves_with_debug_off_and_only_https_left_out(tmp_path):
    exported = _make_run_environment()
    assert exported["DEBUG"] == "0"
    key_file = tmp_path / "secret-key"
    key_file.write_text(secrets.token_urlsafe(50))
    laptop = {
        name: value
        for name, value in exported.items()
        if "$(" not in value  # the key file, hosts and site address name make's variables
    }
    result = _run(
        "check",
        "--deploy",
        **laptop,
        SECRET_KEY_FILE=str(key_file),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    warnings = sorted(set(re.findall(r"\(security\.(W\d+)\)", output)))
    # HTTPS only, which a laptop serving http://127.0.0.1 cannot have: HSTS, the redirect to
    # https, and cookies marked Secure (session and CSRF).
    assert warnings == ["W004", "W008", "W012", "W016"], output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run("check", DEBUG="0", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(60))
    result = _run(
        "diffsettings",
        DEBUG="0",
        SECRET_KEY_FILE=str(key_file),
        ALLOWED_HOSTS="x.example",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "SESSION_COOKIE_SECURE = True" in result.stdout
    assert "SECURE_HSTS_SECONDS = 31536000" in result.stdout


def test_the_console_command_runs_django_commands_with_the_projects_settings(tmp_path):
    result = _run("help", DEBUG="1", VAR_DIR=str(tmp_path))
    assert result.returncode == 0
    for command in ("load_reference", "load_demo", "demo_signins", "db_worker", "migrate"):
        assert command in result.stdout
    script = Path(sys.executable).with_name("benvung")
    assert script.exists(), "the package installs a `benvung` console script"


def test_time_zone_and_language_defaults():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]
    # An in-memory test database reports "memory"; a file database reports "wal".
    assert mode in {"wal", "memory"}
    assert foreign_keys == 1


def test_the_default_database_is_a_sqlite_file_under_var(tmp_path):
    result = _run(
        "shell",
        "-c",
        "from django.conf import settings; d=settings.DATABASES['default']; "
        "print('DB', d['ENGINE'], d['NAME'])",
        DEBUG="1",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("DB "))
    _label, engine, name = line.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "benvung.sqlite3")
