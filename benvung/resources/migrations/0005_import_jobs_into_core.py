# Every import is a core.TableImportJob now: the consumption workbook's jobs move there (kind
# "consumption", the year as an option), with their state, uploader, times, file, preview and
# result, and the same token, so the links to them still lead to them. Their audit events follow
# them. Then resources.ImportJob goes.

import secrets

from django.conf import settings
from django.db import migrations
from django.utils import translation

KIND = "consumption"
# A job caught between two background steps by the update: its task was queued for a model
# that is gone, so it would wait for ever.
INTERRUPTED = {"queued", "reading", "saving"}
FIELDS = (
    "created_at",
    "uploaded_by_id",
    "organisation_id_at_upload",
    "filename",
    "size",
    "state",
    "progress",
    "preview",
    "result",
    "keep_valid_only",
    "replace_confirmed",
)
ACTIONS = ("start", "confirm", "cancel")


def _interrupted() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(
            "The import was interrupted by an update of the site; nothing of it was saved. "
            "Upload the file again."
        )


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _move_audit(apps, old_type, new_type, moved, action_from, action_to):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old_id, new_id in moved:
        events = AuditEvent.objects.filter(target_type=old_type, target_id=str(old_id))
        for action in ACTIONS:
            events.filter(action=f"{action_from}.{action}").update(action=f"{action_to}.{action}")
        events.update(target_type=new_type, target_id=str(new_id))


def into_core(apps, schema_editor):
    ImportJob = apps.get_model("resources", "ImportJob")
    TableImportJob = apps.get_model("core", "TableImportJob")
    moved = []
    for old in ImportJob.objects.order_by("pk").iterator():
        values = {name: getattr(old, name) for name in FIELDS}
        if old.state in INTERRUPTED:
            problem = {"text": _interrupted(), "message": _interrupted()}
            values |= {"state": "failed", "progress": 100}
            if old.state == "saving":
                values["result"] = {"saved": [], "skipped": [], "problems": [problem]}
            else:
                values["preview"] = {"problems": [problem], "problem_count": 1}
        token = old.token
        if TableImportJob.objects.filter(token=token).exists():  # 128 random bits: never, but
            token = secrets.token_hex(16)
        new = TableImportJob.objects.create(
            token=token,
            kind=KIND,
            file=old.file.name,
            options={"year": old.year},
            **values,
        )
        # `updated_at` is set on every save: given back with a plain update.
        TableImportJob.objects.filter(pk=new.pk).update(updated_at=old.updated_at)
        moved.append((old.pk, new.pk))
    if moved:
        _move_audit(
            apps,
            _content_type(apps, "resources", "importjob"),
            _content_type(apps, "core", "tableimportjob"),
            moved,
            "import",
            "table_import",
        )


def back_to_resources(apps, schema_editor):
    """Undo: the consumption jobs go back to resources.ImportJob (the year from the options)."""
    ImportJob = apps.get_model("resources", "ImportJob")
    TableImportJob = apps.get_model("core", "TableImportJob")
    moved = []
    for new in TableImportJob.objects.filter(kind=KIND).order_by("pk").iterator():
        old = ImportJob.objects.create(
            token=new.token,
            file=new.file.name,
            year=(new.options or {}).get("year"),
            **{name: getattr(new, name) for name in FIELDS},
        )
        ImportJob.objects.filter(pk=old.pk).update(updated_at=new.updated_at)
        moved.append((new.pk, old.pk))
    if moved:
        _move_audit(
            apps,
            _content_type(apps, "core", "tableimportjob"),
            _content_type(apps, "resources", "importjob"),
            moved,
            "table_import",
            "import",
        )
        TableImportJob.objects.filter(pk__in=[new_id for new_id, _old_id in moved]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_import_options"),
        ("resources", "0004_site_year_last_submitted_import_replace"),
    ]

    operations = [
        migrations.RunPython(into_core, back_to_resources),
        migrations.DeleteModel(name="ImportJob"),
    ]
