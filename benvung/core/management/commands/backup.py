"""benvung backup --out FILE: the database and every stored file in one checked archive."""

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
        "Write one archive with the database and every file storage (attachments, evidence, "
        "generated documents, media), with a manifest of checksums. Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        started = time.monotonic()
        try:
            manifest = backup.backup(out, progress=self.stdout.write)
        except (backup.BackupError, OSError) as exc:  # OSError: the archive's place unwritable
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Backup written to %(path)s: %(members)d members, %(size)s, in %(seconds)s s.")
            % {
                "path": out,
                "members": len(manifest.members),
                "size": filesizeformat(out.stat().st_size),
                "seconds": number_format(time.monotonic() - started, 1),
            }
        )
