"""The backup reads and writes files through the Storage API only, so any file storage works:
local folders, Django's in-memory storage and S3-compatible object storage (moto)."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import timezone

from benvung.core import backup

FILES = {
    "default": {"anh/logo.png": b"\x89PNG" + b"\x01" * 40},
    "private": {
        "reports/2025/1/5a83": b"%PDF-1.4 bao cao",
        "documents/2025/bao-cao-nam.docx": b"PK\x03\x04" + bytes(range(256)) * 8,
        "outreach/evidence/205/anh hoi nghi.jpg": b"\xff\xd8\xff" + b"\x02" * 100,
    },
}


@contextmanager
def _in_memory() -> Iterator[None]:
    backend = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    with override_settings(
        STORAGES={
            "default": backend,
            "private": backend,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@contextmanager
def _s3(bucket: str) -> Iterator[None]:
    import boto3

    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)

    def backend(location: str) -> dict[str, Any]:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "location": location, "region_name": "us-east-1"},
        }

    with override_settings(
        STORAGES={
            "default": backend("media"),
            "private": backend("private"),
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@pytest.fixture(params=["in-memory", "s3"])
def place(request, monkeypatch):
    """A way to make an empty pair of file storages (a new one on each call)."""
    if request.param == "in-memory":
        return _in_memory
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    mock = mock_aws()
    mock.start()
    request.addfinalizer(mock.stop)
    buckets = iter(range(100))
    return lambda: _s3(f"benvung-{next(buckets)}")


def _all_files() -> dict[str, dict[str, bytes]]:
    found: dict[str, dict[str, bytes]] = {}
    for alias in backup.file_storage_aliases():
        storage = storages[alias]
        found[alias] = {}
        for name in backup.storage_files(storage):
            with storage.open(name, "rb") as f:
                found[alias][name] = f.read()
    return found


def _archive(tmp_path) -> backup.Unpacked:
    manifest = backup.Manifest(
        format=backup.FORMAT,
        created_at=timezone.now().isoformat(),
        engine="sqlite",
        migrations=[],
        tables={},
        storages=backup.file_storage_aliases(),
    )
    path = tmp_path / "files.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        backup.archive_files(archive, manifest, progress=lambda _: None)
        body = manifest.to_json()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    folder = tmp_path / "unpacked"
    folder.mkdir()
    return backup.unpack(path, folder)


def test_every_file_of_every_storage_goes_into_the_archive_and_comes_back(tmp_path, place):
    with place():
        for alias, files in FILES.items():
            for name, data in files.items():
                assert storages[alias].save(name, ContentFile(data)) == name
        assert _all_files() == FILES
        unpacked = _archive(tmp_path)

    assert {m.name for m in unpacked.manifest.members} == {
        f"storages/{alias}/{name}" for alias, files in FILES.items() for name in files
    }
    with place():
        assert _all_files() == {"default": {}, "private": {}}
        files, written = backup.restore_files(unpacked, progress=lambda _: None)
        assert _all_files() == FILES
    assert files == {"default": 1, "private": 3}
    assert written == sum(len(d) for f in FILES.values() for d in f.values())


def test_restoring_over_a_storage_leaves_exactly_the_archives_files(tmp_path, place):
    with place():
        for alias, files in FILES.items():
            for name, data in files.items():
                storages[alias].save(name, ContentFile(data))
        unpacked = _archive(tmp_path)
        storages["private"].save("la/tep-la.txt", ContentFile(b"not in the archive"))
        storages["private"].delete("reports/2025/1/5a83")
        backup.restore_files(unpacked, progress=lambda _: None)
        assert _all_files() == FILES
