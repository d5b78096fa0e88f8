"""Importing a filled-in Excel template: upload, read in the background, preview, confirm.

Nothing reaches the site-year data before the uploader has seen every problem and confirmed;
a file with problems saves nothing unless they choose to keep only the sites without any.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from benvung.accounts import permissions
from benvung.accounts.models import Role
from benvung.core import audit

from . import excel
from .models import ImportJob

logger = logging.getLogger(__name__)


def can_import(user: Any) -> bool:
    return permissions.is_coordinator(user) or getattr(user, "role", None) == Role.ENTERPRISE_USER


def import_list(*, viewer: Any) -> QuerySet[ImportJob]:
    """The viewer's own imports (coordinators see every import)."""
    qs = ImportJob.objects.select_related("uploaded_by")
    if permissions.is_coordinator(viewer):
        return qs
    return qs.filter(uploaded_by_id=getattr(viewer, "pk", None))


def import_start(*, actor: Any, upload: UploadedFile, year: int | None) -> ImportJob:
    """Keep the file and queue its reading. Too large a file is refused before it is stored."""
    if not can_import(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    size = upload.size or 0
    too_large = excel.size_problem(size)
    if too_large is not None:
        raise ValidationError({"file": [too_large.message]})
    with transaction.atomic():
        job = ImportJob(
            token=secrets.token_hex(16),
            uploaded_by=actor,
            organisation_id_at_upload=getattr(actor, "organisation_id", None),
            filename=(upload.name or "import.xlsx")[:255],
            size=size,
            year=year,
        )
        job.file.save(job.token, upload, save=False)
        job.save()
        audit.record(
            actor=actor,
            action="import.start",
            target=job,
            after={"file": job.filename, "size": size, "year": year},
        )
        from .tasks import read_import

        transaction.on_commit(lambda: read_import.enqueue(job.pk))
    return job


def _reporter(job: ImportJob, start: int, end: int) -> Callable[[float], None]:
    """Writes the job's progress (start..end %) as the work advances; the page polls it."""

    def report(fraction: float) -> None:
        value = int(start + (end - start) * fraction)
        # A plain update: inside the saving transaction on PostgreSQL another session would not
        # see it before the commit; the reading phase runs outside any transaction.
        ImportJob.objects.filter(pk=job.pk).update(progress=value)

    return report


def _problem_dict(problem: excel.Problem) -> dict[str, Any]:
    return {
        "text": str(problem),
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "header": problem.header,
        "message": problem.message,
        "site": problem.site,
    }


def import_read(job: ImportJob) -> ImportJob:
    """Read the stored file (background task); the preview is kept on the job."""
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.READING, progress=10)
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        parsed = excel.parse(
            data, year=job.year, actor=job.uploaded_by, progress=_reporter(job, 10, 95)
        )
    except Exception as exc:  # an unreadable file is reported, never left "reading" forever
        job.state = ImportJob.State.FAILED
        job.preview = {"problems": [{"text": str(exc)}], "problem_count": 1}
        job.progress = 100
        job.save(update_fields=["state", "preview", "progress", "updated_at"])
        logger.exception("import %s could not be read", job.pk)
        return job
    job.preview = {
        "counts": parsed.counts(),
        "site_years": [
            {"label": sy.label(), "counts": sy.counts(), "blocked": sy.blocked}
            for sy in parsed.site_years
        ],
        "problems": [_problem_dict(p) for p in parsed.problems],
        "problem_count": parsed.problem_count,
        "blocked_all": parsed.blocked_all,
        "valid": len(parsed.valid_site_years),
    }
    job.state = ImportJob.State.PREVIEW
    job.progress = 100
    job.save(update_fields=["preview", "state", "progress", "updated_at"])
    return job


def _own(actor: Any, job: ImportJob) -> None:
    if not (permissions.is_coordinator(actor) or job.uploaded_by_id == getattr(actor, "pk", None)):
        raise PermissionDenied(_("You are not allowed to do this."))


def import_confirm(*, actor: Any, job: ImportJob, keep_valid_only: bool) -> ImportJob:
    """The uploader has seen the preview: save (in the background)."""
    _own(actor, job)
    with transaction.atomic():
        # Two clicks on "save" must not queue two saves.
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        return _confirm_locked(actor, job, keep_valid_only)


def _confirm_locked(actor: Any, job: ImportJob, keep_valid_only: bool) -> ImportJob:
    if job.state != ImportJob.State.PREVIEW:
        raise ValidationError(_("This import is %(state)s.") % {"state": job.get_state_display()})
    preview = job.preview
    if preview.get("problem_count") and not keep_valid_only:
        raise ValidationError(_("The file has problems: correct it, or keep only the valid sites."))
    if keep_valid_only and (preview.get("blocked_all") or not preview.get("valid")):
        raise ValidationError(_("No site of the file is free of problems: nothing can be saved."))
    with transaction.atomic():
        job.state = ImportJob.State.SAVING
        job.progress = 50
        job.keep_valid_only = keep_valid_only
        job.save(update_fields=["state", "progress", "keep_valid_only", "updated_at"])
        audit.record(
            actor=actor,
            action="import.confirm",
            target=job,
            after={"keep_valid_only": keep_valid_only},
        )
        from .tasks import save_import

        transaction.on_commit(lambda: save_import.enqueue(job.pk))
    return job


def import_save(job: ImportJob) -> ImportJob:
    """Read the file again and save it (background task), as the uploader."""
    try:
        with job.file.open("rb") as fh:
            parsed = excel.parse(
                fh.read(), year=job.year, actor=job.uploaded_by, progress=_reporter(job, 50, 70)
            )
        result = excel.apply(
            parsed,
            actor=job.uploaded_by,
            keep_valid_only=job.keep_valid_only,
            progress=_reporter(job, 70, 99),
        )
    except Exception as exc:  # the page must not wait for ever on a job that died
        logger.exception("import %s could not be saved", job.pk)
        job.state = ImportJob.State.FAILED
        job.progress = 100
        job.result = {"saved": [], "skipped": [], "problems": [{"text": str(exc)}]}
        job.save(update_fields=["state", "progress", "result", "updated_at"])
        return job
    job.result = {
        "saved": [
            {"label": f"{s.site.enterprise.name} – {s.site.name}, {s.year}", "rows": s.rows}
            for s in result.saved
        ],
        "skipped": [
            {"label": f"{s.site.enterprise.name} – {s.site.name}, {s.year}", "reason": s.reason}
            for s in result.skipped
        ],
        "problems": [_problem_dict(p) for p in result.problems[: excel.MAX_PROBLEMS]],
    }
    job.state = ImportJob.State.SAVED
    job.progress = 100
    job.save(update_fields=["result", "state", "progress", "updated_at"])
    return job


def import_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    _own(actor, job)
    if job.state not in {ImportJob.State.PREVIEW, ImportJob.State.QUEUED}:
        raise ValidationError(_("This import is %(state)s.") % {"state": job.get_state_display()})
    with transaction.atomic():
        job.state = ImportJob.State.CANCELLED
        job.save(update_fields=["state", "updated_at"])
        audit.record(actor=actor, action="import.cancel", target=job)
    return job
