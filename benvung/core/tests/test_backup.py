"""`benvung backup` and `benvung restore`: nothing the site holds is lost on the way.

Each site here is a separate process with its own database (a SQLite file, or a PostgreSQL
database of its own when the suite runs on PostgreSQL) and its own storage folders, as a
restored server would be. The source site is seeded once (backup_site.py): reference data, a
report with an attachment (private storage), a generated document (private storage) and a
media file (default storage).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
DATABASE = settings.DATABASES["default"]
ON_POSTGRES = DATABASE["ENGINE"].endswith("postgresql")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        host=DATABASE["HOST"] or None,
        port=DATABASE["PORT"] or None,
        user=DATABASE["USER"] or None,
        password=DATABASE["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


@dataclass
class Site:
    folder: Path
    database_url: str
    database_name: str

    @property
    def env(self) -> dict[str, str]:
        clean = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "VAR_DIR", "MEDIA_ROOT", "PRIVATE_FILES_ROOT"}
        }
        return {
            **clean,
            "DEBUG": "1",
            "ALLOWED_HOSTS": "testserver",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "DATABASE_URL": self.database_url,
            "VAR_DIR": str(self.folder),
            "MEDIA_ROOT": str(self.folder / "media"),
            "PRIVATE_FILES_ROOT": str(self.folder / "private"),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def benvung(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("-m", "benvung", *args)

    def script(self, *args: str) -> dict[str, Any]:
        result = self.run("-m", "benvung.core.tests.backup_site", *args)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def inspect(self, ids: dict[str, Any]) -> dict[str, Any]:
        return self.script("inspect", json.dumps(ids))

    def stored_files(self) -> list[Path]:
        return sorted(
            p for folder in ("media", "private") for p in (self.folder / folder).rglob("*")
        )


def _new_site(root: Path, name: str) -> Site:
    """An empty place: no database content, empty storage folders."""
    folder = root / name
    folder.mkdir(parents=True)
    if ON_POSTGRES:
        database = f"{DATABASE['NAME']}_bk_{name}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
        _pg_admin(f'CREATE DATABASE "{database}"')
        auth = DATABASE["USER"] + (f":{DATABASE['PASSWORD']}" if DATABASE["PASSWORD"] else "")
        url = f"postgres://{auth}@{DATABASE['HOST']}:{DATABASE['PORT'] or 5432}/{database}"
        return Site(folder, url, database)
    path = folder / "benvung.sqlite3"
    return Site(folder, f"sqlite:///{path}", str(path))


@dataclass
class Source:
    site: Site
    ids: dict[str, Any]
    archive: Path
    seen: dict[str, Any]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup")
    yield folder
    if ON_POSTGRES:
        for site in folder.iterdir():
            _pg_admin(f'DROP DATABASE IF EXISTS "{DATABASE["NAME"]}_bk_{site.name}"')


@pytest.fixture(scope="module")
def source(root) -> Source:
    site = _new_site(root, "source")
    ids = site.script("seed")
    archive = root / "benvung.tar.gz"
    result = site.benvung("backup", "--out", str(archive))
    assert result.returncode == 0, result.stderr
    return Source(site, ids, archive, site.inspect(ids))


def _same_as_source(target: Site, source: Source) -> None:
    seen = target.inspect(source.ids)
    assert seen["tables"].keys() == source.seen["tables"].keys()
    for table, rows in source.seen["tables"].items():
        assert seen["tables"][table] == rows, f"table {table} differs"
    assert seen["files"] == source.seen["files"]
    # Through the real views, with the restored database and storages.
    for download in ("attachment", "document"):
        assert source.seen["downloads"][download]["status"] == 200
        assert seen["downloads"][download] == source.seen["downloads"][download], download


def test_a_site_restored_into_an_empty_place_has_every_row_and_file_and_serves_them(root, source):
    assert {*source.seen["files"]["private"]} and {*source.seen["files"]["default"]}
    target = _new_site(root, "restored")
    result = target.benvung("restore", str(source.archive))
    assert result.returncode == 0, result.stderr
    _same_as_source(target, source)
    assert "private: 2" in result.stdout


def test_the_formerly_documented_backup_of_database_and_media_loses_the_private_files(root, source):
    """What docs/deploy.md said to copy (the database, MEDIA_ROOT) fails the same checks: the
    attachment and the document are rows whose files were never copied (finding F1)."""
    target = _new_site(root, "documented")
    if ON_POSTGRES:
        dump = root / "documented.dump"
        env = {
            **source.site.env,
            "PGHOST": DATABASE["HOST"],
            "PGPORT": str(DATABASE["PORT"] or 5432),
            "PGUSER": DATABASE["USER"],
            "PGPASSWORD": DATABASE["PASSWORD"] or "",
        }
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", source.site.database_name],
            env=env,
            check=True,
        )
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={target.database_name}", str(dump)],
            env=env,
            check=True,
        )
    else:
        with (
            sqlite3.connect(source.site.database_name) as live,
            sqlite3.connect(target.database_name) as copy,
        ):
            live.backup(copy)
    shutil.copytree(source.site.folder / "media", target.folder / "media")
    seen = target.inspect(source.ids)
    # 500, not 404: the rows came back, their files did not.
    assert seen["downloads"]["attachment"]["status"] == 500
    assert seen["downloads"]["document"]["status"] == 500


def test_a_target_holding_data_or_files_is_refused_unless_replace_is_asked(root, source):
    target = _new_site(root, "occupied")
    assert target.benvung("restore", str(source.archive)).returncode == 0
    stray = target.folder / "private" / "la.txt"
    stray.write_bytes(b"not in the archive")

    refused = target.benvung("restore", str(source.archive))
    assert refused.returncode != 0
    assert "--replace" in refused.stderr
    assert "private" in refused.stderr
    assert stray.exists()

    replaced = target.benvung("restore", "--replace", str(source.archive))
    assert replaced.returncode == 0, replaced.stderr
    assert not stray.exists()
    _same_as_source(target, source)


def _rewrite(archive: Path, out: Path, change: Any) -> None:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    with tarfile.open(archive, "r:gz") as old, tarfile.open(out, "w:gz") as new:
        for info in old:
            data = change(info.name, old.extractfile(info).read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _untouched(target: Site) -> None:
    """No file written, no table created."""
    assert target.stored_files() == []
    if ON_POSTGRES:
        import psycopg

        with psycopg.connect(target.database_url) as db:
            tables = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
    elif Path(target.database_name).exists():
        with sqlite3.connect(target.database_name) as db:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    else:
        tables = 0
    assert tables == 0


def test_an_archive_with_one_byte_changed_is_refused_before_anything_is_written(root, source):
    target = _new_site(root, "damaged")

    def flip_one_byte(name: str, data: bytes) -> bytes:
        if not name.startswith("storages/private/reports/"):
            return data
        return data[:10] + bytes([data[10] ^ 1]) + data[11:]

    damaged = root / "damaged.tar.gz"
    _rewrite(source.archive, damaged, flip_one_byte)
    result = target.benvung("restore", str(damaged))
    assert result.returncode != 0
    assert "storages/private/reports/" in result.stderr
    assert "checksum" in result.stderr or "tổng kiểm" in result.stderr
    _untouched(target)

    # One byte changed in the compressed file itself is refused too (by gzip's own check).
    raw = bytearray(source.archive.read_bytes())
    raw[len(raw) // 2] ^= 1
    damaged.write_bytes(bytes(raw))
    result = target.benvung("restore", str(damaged))
    assert result.returncode != 0
    _untouched(target)


def test_an_archive_from_another_database_engine_is_refused(root, source):
    target = _new_site(root, "other_engine")
    other = "sqlite" if ON_POSTGRES else "postgresql"

    def relabel(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["engine"] = other
        return json.dumps(manifest).encode()

    foreign = root / "foreign.tar.gz"
    _rewrite(source.archive, foreign, relabel)
    result = target.benvung("restore", str(foreign))
    assert result.returncode != 0
    assert other in result.stderr
    _untouched(target)
