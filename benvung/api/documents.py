"""/api/documents: the official documents generated from the data — their metadata, and their
files (DOCX, PDF, XLSX) for those who may download them on the pages.

The same selector as the pages: coordinators see every document, others those their own
organisation issued — drafts included, and only those; another organisation's documents and
drafts are "not found". A file is delivered only once the document is ready.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from benvung.reports import selectors, services
from benvung.reports.models import GeneratedDocument

from .common import MAX_OFFSET, Id, answers, iso, paged

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="annual (the province's synthesis) or agency (one agency's)")
    year: int = Field(description="the year reported on")
    issuer: str
    number: str | None = Field(description="the registered number; none for a draft")
    issued_on: str
    is_draft: bool
    state: str = Field(description="queued, rendering, done or failed")
    progress: int
    agency_report: int | None
    data_as_of: str | None
    formats: list[str] = Field(description="the files that can be downloaded now")


class DocumentList(Schema):
    count: int
    items: list[DocumentOut]


def _formats(document: GeneratedDocument) -> list[str]:
    if document.state != GeneratedDocument.State.DONE:
        return []
    return [fmt for fmt in services.FORMATS if getattr(document, fmt)]


def _document(document: GeneratedDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "year": document.cycle.year,
        "issuer": document.issuer.name,
        "number": document.number.display if document.number else None,
        "issued_on": document.issued_on.isoformat(),
        "is_draft": document.is_draft,
        "state": document.state,
        "progress": document.progress,
        "agency_report": document.agency_report_id,
        "data_as_of": iso(document.data_as_of),
        "formats": _formats(document),
    }


def _visible(request: HttpRequest, document_id: Id) -> GeneratedDocument:
    return get_object_or_404(selectors.document_list(viewer=request.user), pk=document_id)


@router.get("", response=answers(DocumentList), summary="Documents the caller may read")
def document_list(
    request: HttpRequest,
    is_draft: bool | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    documents = selectors.document_list(viewer=request.user)
    if is_draft is not None:
        documents = documents.filter(is_draft=is_draft)
    return paged(documents.order_by("-created_at", "-pk"), limit, offset, _document)


@router.get("/{document_id}", response=answers(DocumentOut), summary="One document's metadata")
def document_detail(request: HttpRequest, document_id: Id) -> dict[str, Any]:
    return _document(_visible(request, document_id))


_FILE = {"type": "string", "format": "binary"}


@router.get(
    "/{document_id}/{fmt}",
    response=answers(None),
    summary="Download the document as DOCX, PDF or XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "the file",
                "content": {
                    services.CONTENT_TYPES[fmt]: {"schema": _FILE} for fmt in services.FORMATS
                },
            }
        }
    },
)
def document_download(
    request: HttpRequest, document_id: Id, fmt: Literal["docx", "pdf", "xlsx"]
) -> FileResponse:
    """`fmt`: docx, pdf or xlsx. 404 for a format the document does not have, or while it is
    being generated (or after it failed)."""
    document = _visible(request, document_id)
    if fmt not in services.FORMATS:
        raise Http404
    stored = getattr(document, fmt)
    if not stored or document.state != GeneratedDocument.State.DONE:
        raise Http404
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=services.file_name(document, fmt),
        content_type=services.CONTENT_TYPES[fmt],
    )
