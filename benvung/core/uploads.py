"""What an uploaded file really is, judged by its content, not by its name.

Every upload of evidence (an agency report's attachments, the evidence of an outreach activity,
an SCP model or a retail survey) accepts PDF, DOCX, XLSX, PNG and JPEG. A file whose bytes are
not of the type its name claims (an executable renamed .pdf, a spreadsheet renamed .docx) is
refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


@dataclass(frozen=True)
class Verdict:
    kind: str | None  # the detected kind, or None when the content is none we accept
    claimed: str | None  # the kind the file name claims

    @property
    def acceptable(self) -> bool:
        return self.kind is not None and self.kind == self.claimed


def claimed_kind(filename: str) -> str | None:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return EXTENSIONS.get(extension)


def detect(head: bytes, whole: bytes | None = None) -> str | None:
    """The kind of a file from its first bytes (and, for Office files, its ZIP directory)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        return _office_kind(whole)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def judge(filename: str, data: bytes) -> Verdict:
    return Verdict(kind=detect(data[:16], data), claimed=claimed_kind(filename))
