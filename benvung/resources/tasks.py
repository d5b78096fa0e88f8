"""Background work of the resource-efficiency app: reading and saving imported workbooks."""

from __future__ import annotations

from django_tasks import task

from benvung.core.tasks import run_job

from . import imports
from .models import ImportJob


@task()
def read_import(job_id: int) -> str:
    return run_job(ImportJob, job_id, "read_import", imports.import_read)


@task()
def save_import(job_id: int) -> str:
    return run_job(ImportJob, job_id, "save_import", imports.import_save)
