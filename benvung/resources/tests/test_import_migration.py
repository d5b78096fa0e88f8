"""The consumption imports made before there was one import pipeline (resources.ImportJob) move
into core.TableImportJob with everything they had: state, uploader, times, file, preview,
result, token (so their links still lead to them) and audit trail; one waiting for its preview
can still be confirmed and saved. The migration can be undone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.conftest import client_for, valid_tax_code
from benvung.core import tableimport
from benvung.core.models import AuditEvent, TableImportJob
from benvung.core.storage import private_storage
from benvung.directory.models import AdministrativeUnit, Enterprise, Site
from benvung.resources import excel, imports
from benvung.resources.models import SiteYear
from benvung.resources.tests.test_excel import put, template, xlsx

# A transaction per test cannot hold SQLite's schema changes: the migrations run for real.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("core", "0005_table_import_replace_confirmed"),
    ("resources", "0004_site_year_last_submitted_import_replace"),
]
AFTER = [("core", "0006_import_options"), ("resources", "0005_import_jobs_into_core")]
YEAR = 2023


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_the_end():
    """Whatever the test did, the database ends fully migrated for the tests after it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def site() -> Site:
    # Transactional tests after another one find the reference data flushed: a commune is
    # made again if missing (the workbook below needs no other reference data).
    unit = AdministrativeUnit.objects.filter(level="commune").first() or (
        AdministrativeUnit.objects.create(
            edition="2025",
            level="commune",
            code="99161",
            name="Phường Di Chuyển",
            unit_type="phường",
            search_key="phuong di chuyen",
        )
    )
    enterprise = Enterprise.objects.create(
        name="Công ty Nước Cũ", tax_code=valid_tax_code("360000170"), administrative_unit=unit
    )
    return Site.objects.create(
        enterprise=enterprise, name="Nhà máy nước", address="Số 170", administrative_unit=unit
    )


@pytest.fixture
def owner(site: Site) -> User:
    return User.objects.create_user(
        email="nuoc-cu@test.example",
        full_name="Người Nhập Cũ",
        organisation=site.enterprise,
        role=roles.ENTERPRISE_USER,
    )


def _workbook(site: Site) -> bytes:
    workbook = template(YEAR)
    put(workbook, excel.MATERIALS, site, material="Nước", quantity=1200, unit="m3")
    return xlsx(workbook)


def test_old_consumption_imports_move_into_the_one_job_model_and_back(
    site, owner, at_the_end, django_capture_on_commit_callbacks
):
    old = migrate(BEFORE).get_model("resources", "ImportJob")
    data = _workbook(site)
    parsed = excel.parse(data, year=YEAR, actor=owner)
    excel.classify(parsed, viewer=owner)
    preview = imports.preview_of(parsed)
    assert preview["to_save"] == 1 and preview["problem_count"] == 0
    created = timezone.now() - dt.timedelta(days=40)

    def job(token: str, **fields: Any) -> Any:
        name = private_storage().save(f"imports/2025/01/{token}.xlsx", ContentFile(data))
        row = old.objects.create(
            token=token,
            uploaded_by_id=owner.pk,
            organisation_id_at_upload=site.enterprise_id,
            filename=f"{token}.xlsx",
            file=name,
            size=len(data),
            created_at=created,
            **fields,
        )
        old.objects.filter(pk=row.pk).update(updated_at=created)
        return row

    waiting = job("a" * 32, year=YEAR, state="preview", progress=100, preview=preview)
    saved = job(
        "b" * 32,
        state="saved",
        progress=100,
        preview=preview,
        result={"saved": [{"label": "x", "site": site.pk, "year": YEAR}], "skipped": []},
        keep_valid_only=True,
        replace_confirmed=True,
    )
    reading = job("c" * 32, year=YEAR, state="reading", progress=40)
    saving = job("d" * 32, year=YEAR, state="saving", progress=60, preview=preview)
    old_type = ContentType.objects.get_or_create(app_label="resources", model="importjob")[0]
    AuditEvent.objects.create(
        action="import.start",
        actor=owner,
        actor_label=str(owner),
        target_type=old_type,
        target_id=str(waiting.pk),
        after={"year": YEAR, "file": waiting.filename},
    )

    migrate(AFTER)

    jobs = {j.token: j for j in TableImportJob.objects.all()}
    assert set(jobs) == {"a" * 32, "b" * 32, "c" * 32, "d" * 32}
    moved = jobs["a" * 32]
    assert (moved.kind, moved.options, moved.state, moved.preview) == (
        imports.KIND,
        {"year": YEAR},
        "preview",
        preview,
    )
    assert moved.uploaded_by == owner and moved.organisation_id_at_upload == site.enterprise_id
    assert moved.file.name == waiting.file.name and moved.size == len(data)
    assert moved.created_at == created and moved.updated_at == created
    done = jobs["b" * 32]
    assert (done.state, done.options, done.keep_valid_only, done.replace_confirmed) == (
        "saved",
        {"year": None},
        True,
        True,
    )
    assert done.result == saved.result
    # Caught between two steps by the update: their task will never come; said so, not hidden.
    assert jobs["c" * 32].state == "failed" and "tải tệp lên lại" in str(jobs["c" * 32].preview)
    assert jobs["d" * 32].state == "failed" and "tải tệp lên lại" in str(jobs["d" * 32].result)
    assert saving.pk  # (its old preview is kept)
    assert jobs["d" * 32].preview == preview
    event = AuditEvent.objects.get(after__file=waiting.filename)
    assert event.action == "table_import.start"
    assert event.target_type == ContentType.objects.get_for_model(TableImportJob)
    assert event.target_id == str(moved.pk)

    # Its page and its old address, and the save it was waiting for.
    client = client_for(owner)
    page = client.get(reverse("imports:detail", args=[moved.token])).content.decode()
    assert "Nhà máy nước" in page and "Lưu số liệu" in page
    response = client.get(f"/resources/import/{moved.token}/")
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:detail", args=[moved.token]
    )
    with django_capture_on_commit_callbacks(execute=True):
        tableimport.job_confirm(actor=owner, job=moved, keep_valid_only=False)
    moved.refresh_from_db()
    assert moved.state == "saved", moved.result
    assert SiteYear.objects.get(site=site, year=YEAR).materials.get().material == "Nước"
    assert reading.pk

    # Undone: the consumption imports go back, with their year and their audit trail.
    back = migrate(BEFORE).get_model("resources", "ImportJob")
    assert TableImportJob.objects.count() == 0
    restored = back.objects.get(token="a" * 32)
    assert (restored.year, restored.state, restored.uploaded_by_id) == (YEAR, "saved", owner.pk)
    assert back.objects.get(token="b" * 32).year is None
    event.refresh_from_db()
    assert event.action == "import.start" and event.target_type == old_type
    assert event.target_id == str(restored.pk)
