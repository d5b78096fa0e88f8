"""Background work of the official documents: rendering a generated document's files."""

from __future__ import annotations

from django_tasks import task

from benvung.core.audit import audit_context


@task()
def render_document(document_id: int, formats: list[str]) -> str:
    from . import services

    with audit_context(source="task", task="render_document"):
        return str(services.document_render(document_id, formats).state)
