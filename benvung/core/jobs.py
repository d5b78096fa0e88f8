"""The life of an uploaded workbook on its way in (TableImportJob): stored privately, read in a
background task that reports its progress, previewed, then saved in the background once its
uploader confirms, or cancelled.

Every import of the site goes this way, whatever the file holds. What is read, what the preview
shows, how it is saved and who may do what are the importer's (benvung.core.tableimport): this
module knows no domain, and asks the importer.

Nothing already stored is replaced silently: the preview says which records a file would
replace, and those an importer protects (submitted site-years, recorded surveys) are replaced
only when the uploader confirms it (`replace_confirmed`), which the importer's `check` enforces.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from benvung.core import audit

from .models import TableImportJob
from .xlsx import Problem, size_problem

if TYPE_CHECKING:
    from .tableimport import BaseImporter

logger = logging.getLogger(__name__)

# The audit log's actions are "table_import.start", ".confirm", ".cancel", for every importer
# (the job names its kind).
ACTION = "table_import"
READ_TASK = "benvung.core.tasks.read_table_import"
SAVE_TASK = "benvung.core.tasks.save_table_import"

State = TableImportJob.State


def progress_reporter(job: TableImportJob, start: int, end: int) -> Callable[[float], None]:
    """Writes the job's progress (start..end %) as the work advances; the page polls it."""

    def report(fraction: float) -> None:
        value = int(start + (end - start) * fraction)
        # A plain update: inside the saving transaction on PostgreSQL another session would not
        # see it before the commit; the reading phase runs outside any transaction.
        TableImportJob.objects.filter(pk=job.pk).update(progress=value)

    return report


def problem_dict(problem: Problem) -> dict[str, Any]:
    """A problem as the job keeps it (JSON): where it is, what the cell holds, and the site-year
    it concerns (the consumption workbook's problems found when saving)."""
    return {
        "text": str(problem),
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "header": problem.header,
        "message": problem.message,
        "value": problem.value,
        "site": problem.site,
    }


def may_act(actor: Any, job: TableImportJob, importer: type[BaseImporter] | None) -> bool:
    """Its uploader acts on an import, and whoever the importer lets oversee every import of
    its kind (the coordinator)."""
    if job.uploaded_by_id == getattr(actor, "pk", None):
        return True
    return importer is not None and importer.can_oversee(actor)


def own(actor: Any, job: TableImportJob, importer: type[BaseImporter] | None) -> None:
    if not may_act(actor, job, importer):
        raise PermissionDenied(_("You are not allowed to do this."))


def _finish(job: TableImportJob, state: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.state = state
    job.progress = 100
    job.save(update_fields=[*fields, "state", "progress", "updated_at"])


def _refuse_unless(job: TableImportJob, states: set[str]) -> None:
    if job.state not in states:
        raise ValidationError(_("This import is %(state)s.") % {"state": job.get_state_display()})


def _enqueue(task: str, job_id: int) -> None:
    # Imported when queued: the tasks module imports the import's module.
    from django.utils.module_loading import import_string

    import_string(task).enqueue(job_id)


def start(
    *, actor: Any, upload: UploadedFile, kind: str, options: Mapping[str, Any]
) -> TableImportJob:
    """Keep the file and queue its reading. Too large a file is refused before it is stored.
    The audit log keeps the kind and the options."""
    size = upload.size or 0
    too_large = size_problem(size)
    if too_large is not None:
        raise ValidationError({"file": [too_large.message]})
    with transaction.atomic():
        job = TableImportJob(
            token=secrets.token_hex(16),
            kind=kind,
            options=dict(options),
            uploaded_by=actor,
            organisation_id_at_upload=getattr(actor, "organisation_id", None),
            filename=(upload.name or "import.xlsx")[:255],
            size=size,
        )
        job.file.save(job.token, upload, save=False)
        job.save()
        audit.record(
            actor=actor,
            action=f"{ACTION}.start",
            target=job,
            after={"kind": kind, **options, "file": job.filename, "size": size},
        )
        transaction.on_commit(lambda: _enqueue(READ_TASK, job.pk))
    return job


def read(
    job: TableImportJob, reading_from: int, preview: Callable[[bytes], Mapping[str, Any]]
) -> TableImportJob:
    """Read the stored file (background task): `preview` reads it and tells what the page
    shows; it is kept on the job."""
    TableImportJob.objects.filter(pk=job.pk).update(state=State.READING, progress=reading_from)
    try:
        with job.file.open("rb") as fh:
            shown = dict(preview(fh.read()))
    except Exception as exc:  # an unreadable file is reported, never left "reading" forever
        logger.exception("import %s could not be read", job.pk)
        failed = {"problems": [{"text": str(exc)}], "problem_count": 1}
        _finish(job, State.FAILED, preview=failed)
        return job
    _finish(job, State.PREVIEW, preview=shown)
    return job


def save(
    job: TableImportJob, work: Callable[[bytes], tuple[Mapping[str, Any], str]]
) -> TableImportJob:
    """Read the file again and save it (background task): `work` does both and tells the
    result the page shows and the state the job ends in."""
    try:
        with job.file.open("rb") as fh:
            result, state = work(fh.read())
    except Exception as exc:  # the page must not wait for ever on a job that died
        logger.exception("import %s could not be saved", job.pk)
        result = {"saved": [], "skipped": [], "problems": [{"text": str(exc)}]}
        state = State.FAILED
    _finish(job, state, result=dict(result))
    return job


def confirm(
    *,
    actor: Any,
    job: TableImportJob,
    importer: type[BaseImporter] | None,
    keep_valid_only: bool,
    replace_confirmed: bool,
) -> TableImportJob:
    """The uploader has seen the preview: save (in the background). `replace_confirmed`:
    they confirmed that the records the preview said would be replaced are replaced."""
    own(actor, job, importer)
    if importer is None:
        raise ValidationError(_("Unknown kind of import: %(kind)s") % {"kind": job.kind})
    with transaction.atomic():
        # Two clicks on "save" must not queue two saves.
        locked = TableImportJob.objects.select_for_update().get(pk=job.pk)
        _refuse_unless(locked, {State.PREVIEW})
        importer.check(locked.preview, keep_valid_only, replace_confirmed)
        locked.state = State.SAVING
        locked.progress = importer.saving_from
        locked.keep_valid_only = keep_valid_only
        locked.replace_confirmed = replace_confirmed
        locked.save(
            update_fields=[
                "state",
                "progress",
                "keep_valid_only",
                "replace_confirmed",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action=f"{ACTION}.confirm",
            target=locked,
            after={"keep_valid_only": keep_valid_only, "replace_confirmed": replace_confirmed},
        )
        transaction.on_commit(lambda: _enqueue(SAVE_TASK, locked.pk))
    return locked


def cancel(
    *, actor: Any, job: TableImportJob, importer: type[BaseImporter] | None
) -> TableImportJob:
    """Drop an import not yet saved (nothing of it was)."""
    own(actor, job, importer)
    with transaction.atomic():
        locked = TableImportJob.objects.select_for_update().get(pk=job.pk)
        _refuse_unless(locked, {State.PREVIEW, State.QUEUED})
        locked.state = State.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        audit.record(actor=actor, action=f"{ACTION}.cancel", target=locked)
    return locked
