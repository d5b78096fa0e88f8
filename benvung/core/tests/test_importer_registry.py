"""Importers come from the apps' hooks.py, and a kind the core has never heard of goes through
the one pipeline: upload, preview by sheet/row/column, save only the valid rows, nobody else's."""

from __future__ import annotations

import io
from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for
from benvung.core import tableimport as ti
from benvung.core.models import TableImportJob
from benvung.core.registry import AlreadyRegistered

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_importers_from_its_hooks():
    kinds = dict(ti.IMPORTERS.items())
    assert {"consumption", "retail_survey", "outreach_activity", "scp_model"} <= set(kinds)
    assert kinds["consumption"].__module__ == "benvung.resources.imports"
    assert kinds["retail_survey"].__module__ == "benvung.retail.imports"
    with pytest.raises(AlreadyRegistered):
        ti.IMPORTERS.register("consumption", kinds["retail_survey"])


class NoteImporter(ti.Importer):
    """A throw-away table: a text and a count per row."""

    kind = "test_note"
    title = "Notes"
    sheet_title = "Notes"
    columns = (
        ti.Column("text", "Text", required=True),
        ti.Column("count", "Count", kind=ti.INTEGER, minimum=0),
    )
    saved: ClassVar[list[dict[str, Any]]] = []

    @classmethod
    def can_use(cls, user: Any) -> bool:
        return user.is_authenticated

    def build(self, values: dict[str, Any]) -> tuple[Any, dict[str, list[str]]]:
        return values, {}

    def label(self, data: Any) -> str:
        return str(data["text"])

    def save_row(self, data: Any) -> Any:
        NoteImporter.saved.append(data)


@pytest.fixture
def notes():
    ti.register(NoteImporter)
    NoteImporter.saved = []
    yield NoteImporter
    ti.IMPORTERS.unregister(NoteImporter.kind)


def test_a_new_kind_goes_through_the_shared_pages(
    notes, enterprise_a_user, enterprise_b_user, django_capture_on_commit_callbacks
):
    client = client_for(enterprise_a_user)
    template = client.get(reverse("imports:template", args=["test_note"]))
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["Notes"]
    sheet.append(["Một", 1])
    sheet.append(["Hai", "nhiều"])  # not a number
    sheet.append(["Ba", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:new", args=["test_note"]),
            {"file": SimpleUploadedFile("notes.xlsx", buffer.getvalue())},
        )
    job = TableImportJob.objects.get(kind="test_note")
    assert job.state == "preview" and job.preview["valid"] == 2
    [problem] = job.preview["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Notes", 3, "B")
    url = reverse("imports:detail", args=[job.token])
    body = client.get(url).content.decode()
    assert reverse("imports:action", args=[job.token, "keep-valid"]) in body
    assert client_for(enterprise_b_user).get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:action", args=[job.token, "keep-valid"]))
    job.refresh_from_db()
    assert job.state == "saved" and [n["text"] for n in notes.saved] == ["Một", "Ba"]
