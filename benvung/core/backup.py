"""One archive with everything the site knows: the database and every file storage.

A backup is a tar.gz holding `database/<engine dump>`, `storages/<alias>/<name>` for every file
of every file storage (settings.STORAGES except staticfiles, which `collectstatic` rebuilds) and
`manifest.json`: format, creation time, engine, applied migrations, rows per table, and every
member with its size and SHA-256. Files are read and written through the Storage API only, so
the same code serves a local folder and S3-compatible object storage.

A restore checks every member against the manifest before it touches anything, refuses a target
that already holds data (unless told to replace it) or an archive from another engine, and
checks the files and the row counts again once written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/sqlite3.db", "postgresql": "database/postgresql.dump"}
CHUNK = 1024 * 1024
# Tables `migrate` fills by itself: a freshly migrated database holds no one's data.
MIGRATE_OWN_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    format: int
    created_at: str
    engine: str
    migrations: list[list[str]]
    tables: dict[str, int]
    storages: list[str]
    members: list[Member] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {**self.__dict__, "members": [m.__dict__ for m in self.members]}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        data["members"] = [Member(**m) for m in data["members"]]
        return cls(**data)


@dataclass
class RestoreReport:
    engine: str
    tables: int
    rows: int
    files: dict[str, int]
    bytes: int
    replaced: bool


# --- what there is to back up ------------------------------------------------------------------


def file_storage_aliases() -> list[str]:
    """Every configured file storage but the static files, which are rebuilt from the code."""
    return [alias for alias in settings.STORAGES if alias != "staticfiles"]


def storage_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in a storage, recursively, in a stable order."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local storage whose folder was never created holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from storage_files(storage, posixpath.join(path, directory) if path else directory)


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(
            _("Database engine %(engine)s is not supported.") % {"engine": connection.vendor}
        )
    return connection.vendor


def table_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the database (all of them, not only Django's models)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):  # SQLite's own bookkeeping (sequences, statistics)
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


# --- the database, engine by engine --------------------------------------------------------------


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never shows in `ps`."""
    params = connection.settings_dict
    values = {
        "PGHOST": params.get("HOST") or "",
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": params.get("USER") or "",
        "PGPASSWORD": params.get("PASSWORD") or "",
        "PGDATABASE": params["NAME"],
        "PGSSLMODE": (params.get("OPTIONS") or {}).get("sslmode", ""),
    }
    return {**os.environ, **{k: v for k, v in values.items() if v}}


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed on this server.") % {"program": command[0]}
        ) from exc
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()}
        )


def dump_database(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], list]:
    """A consistent copy of the database while the site runs, with the rows per table and the
    applied migrations of exactly that copy."""
    if _engine(connection) == "sqlite":
        # SQLite's online backup API copies a consistent snapshot page by page, WAL included.
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            tables = [
                row[0]
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            rows = {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
            migrations = (
                sorted(
                    [app, name]
                    for app, name in copy.execute("SELECT app, name FROM django_migrations")
                )
                if "django_migrations" in tables
                else []
            )
        finally:
            copy.close()
        return rows, migrations
    # pg_dump reads the snapshot this transaction exports, so the rows counted here are
    # exactly the rows dumped even while the site writes; the custom format is compressed.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            _pg_environment(connection),
        )
        return table_rows(connection), _applied_migrations(connection)


def _drop_all_tables(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")


def load_database(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Make the database exactly the dumped one; whatever it held before is gone."""
    if connection.vendor == "sqlite":
        # The backup API in the other direction replaces every page of the live database,
        # through its connection, so the WAL and other connections stay coherent.
        dump = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if dump.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(_("The database in the archive is damaged."))
            connection.ensure_connection()
            dump.backup(connection.connection)
        finally:
            dump.close()
    else:
        # The archive recreates every table, so the tables already there go first: they hold
        # nothing (a freshly migrated database) or --replace was given. pg_restore then loads
        # everything in one transaction, all or nothing.
        _drop_all_tables(connection)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            _pg_environment(connection),
        )
    connection.close()


# --- writing and reading the archive -----------------------------------------------------------


def _add(archive: tarfile.TarFile, name: str, stream: IO[bytes], manifest: Manifest) -> int:
    """Add one member, spooled once so its size and checksum are those of the bytes stored."""
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spool:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            spool.write(chunk)
        size = spool.tell()
        spool.seek(0)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o600
        archive.addfile(info, spool)
    manifest.members.append(Member(name=name, size=size, sha256=digest.hexdigest()))
    return size


def backup(
    out: Path, *, using: str = "default", progress: Callable[[str], None] = lambda _: None
) -> Manifest:
    """Write the archive to `out` (through a temporary name, so a failed backup leaves none)."""
    connection = connections[using]
    engine = _engine(connection)
    aliases = file_storage_aliases()
    manifest = Manifest(
        format=FORMAT,
        created_at=timezone.now().isoformat(),
        engine=engine,
        migrations=[],
        tables={},
        storages=aliases,
    )
    partial = out.with_name(out.name + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Personal data and password hashes: the archive is for the operator's eyes only.
        with (
            open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive,
            tempfile.TemporaryDirectory(prefix="benvung-backup-") as work,
        ):
            # The database first, then the files: a file uploaded meanwhile is an extra file,
            # never a row without its file.
            dump = Path(work) / "database"
            manifest.tables, manifest.migrations = dump_database(connection, dump)
            with dump.open("rb") as stream:
                _add(archive, DATABASE_MEMBER[engine], stream, manifest)
            progress(
                _("Database: %(tables)d tables, %(rows)d rows.")
                % {"tables": len(manifest.tables), "rows": sum(manifest.tables.values())}
            )
            archive_files(archive, manifest, progress)
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(body))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


@dataclass
class Unpacked:
    """An archive checked against its manifest, its members in a temporary folder."""

    manifest: Manifest
    folder: Path
    paths: dict[str, Path]


def unpack(archive_path: Path, folder: Path) -> Unpacked:
    """Extract every member to `folder` under a numbered name (never a path from the archive)
    and check each one's size and SHA-256 against the manifest."""
    found: dict[str, tuple[Path, int, str]] = {}
    manifest_raw = None
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            for number, info in enumerate(archive):
                if not info.isfile():
                    raise BackupError(
                        _("The archive holds an unexpected entry: %(name)s.") % {"name": info.name}
                    )
                stream = archive.extractfile(info)
                assert stream is not None  # a regular file always has content
                if info.name == MANIFEST:
                    manifest_raw = stream.read()
                    continue
                target = folder / f"{number:08d}"
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[info.name] = (target, size, digest.hexdigest())
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(
            _("The file is not a readable backup archive (%(error)s).") % {"error": exc}
        ) from exc
    if manifest_raw is None:
        raise BackupError(_("The archive has no manifest: it is not a Bền Vững backup."))
    try:
        manifest = Manifest.from_json(manifest_raw)
    except (ValueError, TypeError, KeyError) as exc:
        raise BackupError(_("The archive's manifest cannot be read.")) from exc
    if manifest.format != FORMAT:
        raise BackupError(
            _("The archive has format %(found)s; this version reads format %(expected)s.")
            % {"found": manifest.format, "expected": FORMAT}
        )
    listed = {m.name: m for m in manifest.members}
    for name in sorted(set(found) - set(listed)):
        raise BackupError(_("%(name)s is in the archive but not in its manifest.") % {"name": name})
    for name, member in listed.items():
        if name not in found:
            raise BackupError(_("%(name)s is missing from the archive.") % {"name": name})
        _path, size, sha256 = found[name]
        if size != member.size or sha256 != member.sha256:
            raise BackupError(
                _("%(name)s does not match its checksum in the manifest: the archive is damaged.")
                % {"name": name}
            )
    return Unpacked(manifest, folder, {name: found[name][0] for name in listed})


def archive_files(
    archive: tarfile.TarFile, manifest: Manifest, progress: Callable[[str], None]
) -> None:
    """Every file of the manifest's storages into the archive, read through the Storage API."""
    for alias in manifest.storages:
        storage = storages[alias]
        count = 0
        for name in storage_files(storage):
            with storage.open(name, "rb") as stream:
                _add(archive, f"storages/{alias}/{name}", stream, manifest)
            count += 1
        progress(_("Storage %(alias)s: %(count)d files.") % {"alias": alias, "count": count})


def restore_files(
    unpacked: Unpacked, progress: Callable[[str], None]
) -> tuple[dict[str, int], int]:
    """Make each storage hold exactly the archive's files, each read back and checked."""
    manifest = unpacked.manifest
    files: dict[str, int] = {}
    written = 0
    for alias in manifest.storages:
        storage = storages[alias]
        for name in list(storage_files(storage)):
            storage.delete(name)
        prefix = f"storages/{alias}/"
        count = 0
        for member in manifest.members:
            if not member.name.startswith(prefix):
                continue
            name = member.name[len(prefix) :]
            with unpacked.paths[member.name].open("rb") as stream:
                saved = storage.save(name, File(stream, name=name))
            if saved != name:
                raise BackupError(
                    _("File storage %(alias)s stored %(name)s as %(saved)s.")
                    % {"alias": alias, "name": name, "saved": saved}
                )
            with storage.open(name, "rb") as stream:
                if _sha256(stream) != member.sha256:
                    raise BackupError(
                        _(
                            "%(name)s in file storage %(alias)s differs from the archive "
                            "after writing."
                        )
                        % {"name": name, "alias": alias}
                    )
            count += 1
            written += member.size
        files[alias] = count
        progress(
            _("Storage %(alias)s: %(count)d files written and checked.")
            % {"alias": alias, "count": count}
        )
    return files, written


# --- restoring -----------------------------------------------------------------------------------


def database_data(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Tables holding rows beyond what `migrate` writes by itself."""
    return {
        table: rows
        for table, rows in table_rows(connection).items()
        if rows and table not in MIGRATE_OWN_TABLES
    }


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def restore(
    archive_path: Path,
    *,
    replace: bool = False,
    using: str = "default",
    progress: Callable[[str], None] = lambda _: None,
) -> RestoreReport:
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="benvung-restore-") as work:
        unpacked = unpack(archive_path, Path(work))
        manifest = unpacked.manifest
        progress(
            _("Archive checked: %(count)d members match the manifest (made %(when)s).")
            % {"count": len(manifest.members), "when": manifest.created_at}
        )

        # Everything that could refuse the restore is checked before anything is written.
        engine = _engine(connection)
        if manifest.engine != engine:
            raise BackupError(
                _(
                    "The archive holds a %(archive)s database but this site uses %(site)s: "
                    "restore it on a site with the same database engine."
                )
                % {"archive": manifest.engine, "site": engine}
            )
        missing = [alias for alias in manifest.storages if alias not in settings.STORAGES]
        if missing:
            raise BackupError(
                _("This site has no file storage named %(aliases)s.")
                % {"aliases": ", ".join(missing)}
            )
        holding = database_data(connection)
        occupied = {
            alias: sum(1 for _name in storage_files(storages[alias])) for alias in manifest.storages
        }
        occupied = {alias: count for alias, count in occupied.items() if count}
        if (holding or occupied) and not replace:
            parts = []
            if holding:
                parts.append(
                    _("the database holds data (%(rows)d rows in %(tables)d tables)")
                    % {"rows": sum(holding.values()), "tables": len(holding)}
                )
            for alias, count in occupied.items():
                parts.append(
                    _("file storage %(alias)s holds %(count)d files")
                    % {"alias": alias, "count": count}
                )
            raise BackupError(
                _(
                    "The target is not empty: %(what)s. Nothing was changed. "
                    "To replace everything with the archive, run the command again with --replace."
                )
                % {"what": "; ".join(parts)}
            )

        load_database(connection, unpacked.paths[DATABASE_MEMBER[engine]])
        progress(_("Database restored."))

        files, written = restore_files(unpacked, progress)

        restored = table_rows(connection)
        if restored != manifest.tables:
            raise BackupError(_("The restored database's rows differ from the manifest."))
        if _applied_migrations(connection) != manifest.migrations:
            raise BackupError(_("The restored database's migrations differ from the manifest."))
    return RestoreReport(
        engine=engine,
        tables=len(restored),
        rows=sum(restored.values()),
        files=files,
        bytes=written,
        replaced=bool(holding or occupied),
    )
