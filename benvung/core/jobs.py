"""The life of an uploaded file on its way in, shared by the consumption import
(benvung.resources.imports, ImportJob) and the table import (benvung.core.tableimport,
TableImportJob): stored privately, read in a background task that reports its progress,
previewed, then saved in the background once its uploader confirms, or cancelled.

Both job models have the same states and the same fields for this (token, uploaded_by, file,
size, state, progress, preview, result, keep_valid_only, replace_confirmed); what the file
holds and how it is read and saved stays with each import.

Nothing already stored is replaced silently: the preview says which records a file would
replace, and those an import protects (submitted site-years, recorded surveys) are replaced only
when the uploader confirms it (`replace_confirmed`), which the import's `check` enforces.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from benvung.core import access, audit

from .xlsx import Problem, size_problem

logger = logging.getLogger(__name__)
J = TypeVar("J", bound=models.Model)


def progress_reporter(job: Any, start: int, end: int) -> Callable[[float], None]:
    """Writes the job's progress (start..end %) as the work advances; the page polls it."""

    def report(fraction: float) -> None:
        value = int(start + (end - start) * fraction)
        # A plain update: inside the saving transaction on PostgreSQL another session would not
        # see it before the commit; the reading phase runs outside any transaction.
        type(job).objects.filter(pk=job.pk).update(progress=value)

    return report


def problem_dict(problem: Problem, *extra: str) -> dict[str, Any]:
    """A problem as the job keeps it (JSON), with the `extra` attributes its import shows."""
    return {
        "text": str(problem),
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "header": problem.header,
        "message": problem.message,
        **{name: getattr(problem, name) for name in extra},
    }


def own(actor: Any, job: Any) -> None:
    """Only its uploader (or whoever oversees every import: the coordinators) acts on it."""
    if not (
        access.may(access.OVERSEE_IMPORTS, actor)
        or job.uploaded_by_id == getattr(actor, "pk", None)
    ):
        raise PermissionDenied(_("You are not allowed to do this."))


def _finish(job: Any, state: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.state = state
    job.progress = 100
    job.save(update_fields=[*fields, "state", "progress", "updated_at"])


def _refuse_unless(job: Any, states: set[str]) -> None:
    if job.state not in states:
        raise ValidationError(_("This import is %(state)s.") % {"state": job.get_state_display()})


@dataclass(frozen=True)
class Flow:
    """How the jobs of one import go; what differs between the imports is told here."""

    model: type[Any]  # ImportJob, TableImportJob
    action: str  # the audit log's actions are "<action>.start", "<action>.confirm"...
    # The background tasks (django_tasks) by import path, queued with the job's key; imported
    # when queued, since the tasks module imports the import's module.
    read_task: str
    save_task: str
    # Refuses (ValidationError, in the import's own words) a preview that cannot be saved so:
    # check(preview, keep_valid_only, replace_confirmed).
    check: Callable[[Mapping[str, Any], bool, bool], None]
    saving_from: int  # the progress shown when the save is queued (%)

    def start(self, *, actor: Any, upload: UploadedFile, **fields: Any) -> Any:
        """Keep the file and queue its reading. Too large a file is refused before it is
        stored. `fields` are the model's own (the year, the kind); the audit log keeps them."""
        size = upload.size or 0
        too_large = size_problem(size)
        if too_large is not None:
            raise ValidationError({"file": [too_large.message]})
        with transaction.atomic():
            job = self.model(
                token=secrets.token_hex(16),
                uploaded_by=actor,
                organisation_id_at_upload=getattr(actor, "organisation_id", None),
                filename=(upload.name or "import.xlsx")[:255],
                size=size,
                **fields,
            )
            job.file.save(job.token, upload, save=False)
            job.save()
            audit.record(
                actor=actor,
                action=f"{self.action}.start",
                target=job,
                after={**fields, "file": job.filename, "size": size},
            )
            transaction.on_commit(lambda: import_string(self.read_task).enqueue(job.pk))
        return job

    def read(self, job: J, reading_from: int, preview: Callable[[bytes], Mapping[str, Any]]) -> J:
        """Read the stored file (background task): `preview` reads it and tells what the
        page shows; it is kept on the job."""
        stored: Any = job
        self.model.objects.filter(pk=job.pk).update(
            state=self.model.State.READING, progress=reading_from
        )
        try:
            with stored.file.open("rb") as fh:
                shown = dict(preview(fh.read()))
        except Exception as exc:  # an unreadable file is reported, never left "reading" forever
            logger.exception("%s %s could not be read", self.model.__name__, job.pk)
            failed = {"problems": [{"text": str(exc)}], "problem_count": 1}
            _finish(job, self.model.State.FAILED, preview=failed)
            return job
        _finish(job, self.model.State.PREVIEW, preview=shown)
        return job

    def save(self, job: J, work: Callable[[bytes], tuple[Mapping[str, Any], str]]) -> J:
        """Read the file again and save it (background task): `work` does both and tells
        the result the page shows and the state the job ends in."""
        stored: Any = job
        try:
            with stored.file.open("rb") as fh:
                result, state = work(fh.read())
        except Exception as exc:  # the page must not wait for ever on a job that died
            logger.exception("%s %s could not be saved", self.model.__name__, job.pk)
            result = {"saved": [], "skipped": [], "problems": [{"text": str(exc)}]}
            state = self.model.State.FAILED
        _finish(job, state, result=dict(result))
        return job

    def confirm(
        self, *, actor: Any, job: J, keep_valid_only: bool, replace_confirmed: bool = False
    ) -> J:
        """The uploader has seen the preview: save (in the background). `replace_confirmed`:
        they confirmed that the records the preview said would be replaced are replaced."""
        own(actor, job)
        with transaction.atomic():
            # Two clicks on "save" must not queue two saves.
            locked = self.model.objects.select_for_update().get(pk=job.pk)
            _refuse_unless(locked, {self.model.State.PREVIEW})
            self.check(locked.preview, keep_valid_only, replace_confirmed)
            locked.state = self.model.State.SAVING
            locked.progress = self.saving_from
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
                action=f"{self.action}.confirm",
                target=locked,
                after={"keep_valid_only": keep_valid_only, "replace_confirmed": replace_confirmed},
            )
            transaction.on_commit(lambda: import_string(self.save_task).enqueue(locked.pk))
        confirmed: J = locked
        return confirmed

    def cancel(self, *, actor: Any, job: J) -> J:
        """Drop an import not yet saved (nothing of it was)."""
        own(actor, job)
        with transaction.atomic():
            locked = self.model.objects.select_for_update().get(pk=job.pk)
            _refuse_unless(locked, {self.model.State.PREVIEW, self.model.State.QUEUED})
            locked.state = self.model.State.CANCELLED
            locked.save(update_fields=["state", "updated_at"])
            audit.record(actor=actor, action=f"{self.action}.cancel", target=locked)
        cancelled: J = locked
        return cancelled
