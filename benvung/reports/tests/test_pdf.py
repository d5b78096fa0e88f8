"""PDF through LibreOffice when the server has it; a clear refusal when not."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from benvung.reports import pdf
from benvung.reports.docx import render_docx

from .render_samples import sample_document


def test_without_libreoffice_pdf_is_unavailable_with_a_message(monkeypatch: Any) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfUnavailable) as raised:
        pdf.to_pdf(b"PK")
    assert "LibreOffice" in raised.value.message


def test_a_failing_libreoffice_gives_pdf_unavailable(monkeypatch: Any) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/bin/false")
    with pytest.raises(pdf.PdfUnavailable):
        pdf.to_pdf(b"PK")


@pytest.mark.skipif(pdf.libreoffice() is None, reason="LibreOffice is not installed")
def test_with_libreoffice_the_document_becomes_a_pdf() -> None:
    with translation.override("vi"):
        docx = render_docx(sample_document())
    assert pdf.to_pdf(docx).startswith(b"%PDF")
