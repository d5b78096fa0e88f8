"""benvung restore FILE: put a backup archive back, after checking it, into an empty site."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benvung.core import backup
from benvung.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Restore a backup archive: checks every checksum first, refuses a site that already "
        "holds data unless --replace, restores the database and the files, checks them again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the data and files this site already holds (they are lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": archive})
        started = time.monotonic()
        try:
            report = backup.restore(archive, replace=options["replace"], progress=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = ", ".join(
            _("%(alias)s: %(count)d files") % {"alias": alias, "count": count}
            for alias, count in report.files.items()
        )
        self.stdout.write(
            _(
                "Restored from %(path)s in %(seconds)s s: %(engine)s database with %(tables)d "
                "tables and %(rows)d rows; %(files)s (%(size)s)."
            )
            % {
                "path": archive,
                "seconds": number_format(time.monotonic() - started, 1),
                "engine": report.engine,
                "tables": report.tables,
                "rows": report.rows,
                "files": files,
                "size": filesizeformat(report.bytes),
            }
        )
        if report.replaced:
            self.stdout.write(_("What the site held before was replaced."))
