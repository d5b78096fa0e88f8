"""STORAGE_BACKEND=s3: both storages in the object store; private files never get a URL."""

import secrets

import pytest

from benvung.core.storage import PrivateS3Storage
from benvung.core.tests.test_settings import _run


def test_a_private_file_in_s3_has_no_url():
    storage = PrivateS3Storage(bucket_name="benvung", access_key="k", secret_key="s")
    with pytest.raises(NotImplementedError):
        storage.url("private/reports/bao-cao.pdf")


def _settings(tmp_path, **env):
    return _run(
        "diffsettings",
        DEBUG="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
        **env,
    )


def test_the_environment_puts_both_storages_in_s3(tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    result = _settings(
        tmp_path,
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="benvung",
        AWS_S3_ENDPOINT_URL="https://s3.example.gov.vn",
        AWS_S3_ACCESS_KEY_ID="key",
        AWS_S3_SECRET_ACCESS_KEY_FILE=str(secret),
    )
    assert result.returncode == 0, result.stderr
    storages = next(line for line in result.stdout.splitlines() if line.startswith("STORAGES"))
    assert "'default': {'BACKEND': 'storages.backends.s3.S3Storage'" in storages
    assert "'private': {'BACKEND': 'benvung.core.storage.PrivateS3Storage'" in storages
    assert "'secret_key': 'from-a-file'" in storages
    assert "'default_acl': 'private'" in storages
    assert "'file_overwrite': False" in storages


def test_s3_without_a_bucket_refuses_to_start(tmp_path):
    result = _settings(tmp_path, STORAGE_BACKEND="s3")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
