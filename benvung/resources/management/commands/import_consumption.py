"""benvung import_consumption FILE --year Y --as EMAIL [--dry-run] [--keep-valid]

Enterprises' energy, output and materials from a filled-in Excel template, through the same
reading and the same service as the upload page, acting as the named user and audited as them.
Every problem is printed by sheet, row and column. A file with problems saves nothing, unless
--keep-valid: then the sites without problems are saved and the others are listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.accounts.models import User
from benvung.core.commands import AuditedCommand
from benvung.resources import excel


class Command(AuditedCommand):
    help = "Import enterprises' yearly energy, output and materials from an Excel template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the filled-in template (.xlsx)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as", dest="email", required=True, help="the acting user's e-mail")
        parser.add_argument("--dry-run", action="store_true", help="read and check; save nothing")
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help="save the sites without problems even when other rows have some",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(email)s.") % {"email": options["email"]})
        parsed = excel.parse(self._read(options["file"]), year=options["year"], actor=actor)
        self._counts(_("Read"), len(parsed.site_years), parsed.counts())
        for problem in parsed.problems:
            self.stderr.write(str(problem))
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was saved."))
            if parsed.problems:
                raise CommandError(_("%(count)s problems found.") % {"count": parsed.problem_count})
            return
        result = excel.apply(parsed, actor=actor, keep_valid_only=options["keep_valid"])
        for problem in result.problems[len(parsed.problems) :]:
            self.stderr.write(str(problem))
        for skipped in result.skipped:
            self.stdout.write(
                _("Not saved: %(site)s, %(year)s: %(reason)s")
                % {"site": skipped.site, "year": skipped.year, "reason": skipped.reason}
            )
        self._counts(_("Saved"), result.site_years, result.rows)
        if result.problems and not result.saved:
            raise CommandError(
                _("%(count)s problems found; nothing was saved.")
                % {"count": parsed.problem_count + len(result.problems) - len(parsed.problems)}
            )

    def _read(self, path: Path) -> bytes:
        try:
            # A file over the limit is refused by its size, without reading it.
            too_large = excel.size_problem(path.stat().st_size)
            if too_large is not None:
                raise CommandError(str(too_large))
            with path.open("rb") as handle:
                return handle.read(excel.MAX_BYTES + 1)  # parse() refuses what grew since
        except OSError as exc:
            raise CommandError(
                _("%(file)s cannot be read: %(problem)s")
                % {"file": path, "problem": exc.strerror or exc}
            ) from exc

    def _counts(self, label: str, site_years: int, rows: dict[str, int]) -> None:
        self.stdout.write(
            _(
                "%(label)s: %(site_years)s site-years; %(outputs)s output, %(energy)s energy, "
                "%(materials)s material and %(drivers)s driver rows."
            )
            % {"label": label, "site_years": site_years, **rows}
        )
