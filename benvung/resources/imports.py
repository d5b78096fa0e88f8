"""Importing a filled-in Excel template: upload, read in the background, preview, confirm.

Nothing reaches the site-year data before the uploader has seen every problem and confirmed;
a file with problems saves nothing unless they choose to keep only the sites without any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from benvung.accounts import permissions
from benvung.accounts.models import Role
from benvung.core import jobs

from . import excel
from .models import ImportJob


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
    return _FLOW.start(actor=actor, upload=upload, year=year)


# A name of this module, looked up at each call, so that a test can watch the progress.
_reporter = jobs.progress_reporter


def _problem_dict(problem: excel.Problem) -> dict[str, Any]:
    return jobs.problem_dict(problem, "site")


def import_read(job: ImportJob) -> ImportJob:
    """Read the stored file (background task); the preview is kept on the job."""

    def preview(data: bytes) -> dict[str, Any]:
        parsed = excel.parse(
            data, year=job.year, actor=job.uploaded_by, progress=_reporter(job, 10, 95)
        )
        return {
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

    return _FLOW.read(job, 10, preview)


def import_save(job: ImportJob) -> ImportJob:
    """Read the file again and save it (background task), as the uploader."""

    def work(data: bytes) -> tuple[dict[str, Any], str]:
        parsed = excel.parse(
            data, year=job.year, actor=job.uploaded_by, progress=_reporter(job, 50, 70)
        )
        result = excel.apply(
            parsed,
            actor=job.uploaded_by,
            keep_valid_only=job.keep_valid_only,
            progress=_reporter(job, 70, 99),
        )
        return {
            "saved": [
                {"label": f"{s.site.enterprise.name} – {s.site.name}, {s.year}", "rows": s.rows}
                for s in result.saved
            ],
            "skipped": [
                {"label": f"{s.site.enterprise.name} – {s.site.name}, {s.year}", "reason": s.reason}
                for s in result.skipped
            ],
            "problems": [_problem_dict(p) for p in result.problems[: excel.MAX_PROBLEMS]],
        }, ImportJob.State.SAVED

    return _FLOW.save(job, work)


def import_confirm(*, actor: Any, job: ImportJob, keep_valid_only: bool) -> ImportJob:
    """The uploader has seen the preview: save (in the background)."""
    return _FLOW.confirm(actor=actor, job=job, keep_valid_only=keep_valid_only)


def import_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    return _FLOW.cancel(actor=actor, job=job)


def _saveable(preview: Mapping[str, Any], keep_valid_only: bool) -> None:
    """A file with problems saves nothing unless the uploader keeps only the valid sites."""
    if preview.get("problem_count") and not keep_valid_only:
        raise ValidationError(_("The file has problems: correct it, or keep only the valid sites."))
    if keep_valid_only and (preview.get("blocked_all") or not preview.get("valid")):
        raise ValidationError(_("No site of the file is free of problems: nothing can be saved."))


# Saving starts at 50 %: the file is read again (to 70 %), then saved.
_FLOW = jobs.Flow(
    ImportJob,
    "import",
    "benvung.resources.tasks.read_import",
    "benvung.resources.tasks.save_import",
    _saveable,
    saving_from=50,
)
