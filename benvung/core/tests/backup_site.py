"""A site for the backup tests, run in its own process with its own DATABASE_URL, MEDIA_ROOT,
PRIVATE_FILES_ROOT and VAR_DIR (see test_backup.py):

    python -m benvung.core.tests.backup_site seed     # reference data, a report with an
                                                      # attachment, a generated document
    python -m benvung.core.tests.backup_site inspect  # every row, every file, two downloads

Each prints one JSON object on its last line of output.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed() -> dict[str, Any]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.utils import translation

    from benvung.accounts import roles
    from benvung.conftest import make_user
    from benvung.directory import loaders
    from benvung.directory.models import Agency
    from benvung.plans.loader import load_plan
    from benvung.plans.models import Plan
    from benvung.reporting import services as reporting
    from benvung.reporting.tests.conftest import at
    from benvung.reports import services as reports

    call_command("migrate", verbosity=0, interactive=False)
    with translation.override("vi"):
        loaders.load_administrative_units()
        loaders.load_sectors()
        loaders.load_agencies()
        load_plan()
        coordinator = make_user(Agency.objects.get(key="sct"), roles.COORDINATOR, "dp@test.example")
        reporter = make_user(
            Agency.objects.get(key="snnmt"), roles.AGENCY_REPORTER, "cq@test.example"
        )
        with at("2025-09-01"):
            plan = Plan.objects.get(number="202/KH-UBND")
            cycle = reporting.cycle_create(actor=coordinator, plan=plan, year=2025)
            reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
        with at("2025-11-10"):
            report = reporting.report_start(
                actor=reporter, cycle=cycle, agency=reporter.organisation
            )
            attachment = reporting.attachment_add(
                actor=reporter, report=report, filename="bao-cao.pdf", data=PDF
            )
            document = reports.document_draft(
                actor=coordinator, kind="annual", cycle=cycle, formats={"docx"}, background=False
            )
    # Something in the media storage too, so both file storages are exercised.
    storages["default"].save("anh/logo-so.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x01" * 64))
    return {
        "coordinator": coordinator.email,
        "reporter": reporter.email,
        "attachment": attachment.pk,
        "document": document.pk,
    }


def _download(email: str, url: str) -> dict[str, Any]:
    from django.test import Client, override_settings

    from benvung.accounts.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=email))
    # The downloads are what is checked here, not the sign-in: a session with no second step
    # (force_login) is let through, as in the rest of the suite (benvung/conftest.py).
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=[]):
        response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    digest = hashlib.sha256(body).hexdigest() if response.status_code == 200 else ""
    return {"status": response.status_code, "sha256": digest}


def inspect(ids: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.storage import storages
    from django.db import connection
    from django.urls import reverse

    from benvung.core.backup import file_storage_aliases, storage_files

    tables: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    files = {}
    for alias in file_storage_aliases():
        storage = storages[alias]
        files[alias] = {}
        for name in storage_files(storage):
            with storage.open(name, "rb") as f:
                files[alias][name] = hashlib.sha256(f.read()).hexdigest()
    downloads = {
        "attachment": _download(
            ids["reporter"], reverse("reporting:attachment_download", args=[ids["attachment"]])
        ),
        "document": _download(
            ids["coordinator"],
            reverse("reports:document_download", args=[ids["document"], "docx"]),
        ),
    }
    return {"tables": tables, "files": files, "downloads": downloads}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    command = sys.argv[1]
    result = seed() if command == "seed" else inspect(json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
