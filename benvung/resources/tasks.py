"""Background work of the resource-efficiency app: reading and saving imported workbooks."""

from __future__ import annotations

from django_tasks import task

from benvung.core.audit import audit_context


@task()
def read_import(job_id: int) -> str:
    from . import imports
    from .models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    with audit_context(source="task", task="read_import"):
        return imports.import_read(job).state


@task()
def save_import(job_id: int) -> str:
    from . import imports
    from .models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    with audit_context(source="task", task="save_import"):
        return imports.import_save(job).state
