"""benvung import_consumption FILE --year Y --as EMAIL [--dry-run] [--keep-valid]
[--replace-submitted]

Enterprises' energy, output and materials from a filled-in Excel template, through the same
reading and the same service as the upload page, acting as the named user and audited as them.
Every problem is printed by sheet, row and column, then what saving each site-year would do:
new, changes a draft, changes submitted data, or unchanged (with -v 2, the rows old → new).

A file with problems saves nothing, unless --keep-valid: then the site-years without problems
are saved whole and the others are listed. Submitted data are never replaced without
--replace-submitted: the command names the site-years and saves nothing. Those replaced go
back to draft and must be submitted again; the command lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benvung.accounts.models import User
from benvung.core.commands import AuditedCommand
from benvung.resources import changes, excel


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
            help="save the site-years without problems even when other rows have some",
        )
        parser.add_argument(
            "--replace-submitted",
            action="store_true",
            help="replace data already submitted (those years go back to draft and must be "
            "submitted again)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(email)s.") % {"email": options["email"]})
        parsed = excel.parse(self._read(options["file"]), year=options["year"], actor=actor)
        excel.classify(parsed, viewer=actor)
        self._counts(_("Read"), len(parsed.site_years), parsed.counts())
        for problem in parsed.problems:
            self.stderr.write(str(problem))
        self._classification(parsed, int(options["verbosity"]))
        submitted = excel.replaces_submitted(parsed)
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was saved."))
            if submitted and not options["replace_submitted"]:
                self.stdout.write(
                    _("Saving would need --replace-submitted: it replaces submitted data.")
                )
            if parsed.problems:
                raise CommandError(_("%(count)s problems found.") % {"count": parsed.problem_count})
            return
        if (
            submitted
            and not options["replace_submitted"]
            and (not parsed.problems or options["keep_valid"])
        ):
            raise CommandError(
                ngettext(
                    "Nothing was saved: the file replaces the submitted data of %(count)s "
                    "site-year (%(names)s). Run again with --replace-submitted to replace it; it "
                    "then goes back to draft and must be submitted again.",
                    "Nothing was saved: the file replaces the submitted data of %(count)s "
                    "site-years (%(names)s). Run again with --replace-submitted to replace them; "
                    "they then go back to draft and must be submitted again.",
                    len(submitted),
                )
                % {"count": len(submitted), "names": "; ".join(sy.label() for sy in submitted)}
            )
        result = excel.apply(
            parsed,
            actor=actor,
            keep_valid_only=options["keep_valid"],
            replace_submitted=options["replace_submitted"],
            # What was just shown is what may be saved: a year saved or submitted by someone
            # else in the meantime is not replaced.
            seen={
                sy.key: excel.Seen(sy.version, sy.change.status)
                for sy in parsed.valid_site_years
                if sy.change is not None
            },
        )
        for problem in result.problems[len(parsed.problems) :]:
            self.stderr.write(str(problem))
        for skipped in result.skipped:
            self.stdout.write(
                _("Not saved: %(site)s, %(year)s: %(reason)s")
                % {"site": skipped.site, "year": skipped.year, "reason": skipped.reason}
            )
        for same in result.unchanged:
            self.stdout.write(
                _("Unchanged, nothing saved: %(site)s, %(year)s")
                % {"site": same.site, "year": same.year}
            )
        self._counts(_("Saved"), result.site_years, result.rows)
        for saved in result.to_resubmit:
            self.stdout.write(
                _("Back to draft, submit again: %(site)s, %(year)s")
                % {"site": saved.site, "year": saved.year}
            )
        if result.problems and not result.saved:
            raise CommandError(
                _("%(count)s problems found; nothing was saved.")
                % {"count": parsed.problem_count + len(result.problems) - len(parsed.problems)}
            )

    def _classification(self, parsed: excel.ParsedWorkbook, verbosity: int) -> None:
        """One line per site-year: what saving it would do; the rows with -v 2."""
        labels = {
            changes.NEW: _("New"),
            changes.DRAFT: _("Changes a draft"),
            changes.SUBMITTED: _("Changes submitted data"),
            changes.UNCHANGED: _("Unchanged"),
        }
        for sy in parsed.site_years:
            if sy.blocked or sy.change is None:
                self.stdout.write(_("Not importable (problems): %(label)s") % {"label": sy.label()})
                continue
            counts = sy.change.counts()
            summary = "; ".join(
                _("%(section)s +%(added)s −%(removed)s ~%(changed)s")
                % {"section": excel.sheet_spec(section).title, **counts[section]}
                for section in changes.SECTIONS
                if any(counts[section].values())
            )
            line = f"{labels[sy.change.status]}: {sy.label()}"
            if sy.change.status in (changes.DRAFT, changes.SUBMITTED) and summary:
                line += f" ({summary})"
            self.stdout.write(line)
            if verbosity < 2 or sy.change.status == changes.NEW:
                continue
            if sy.change.allocation:
                self.stdout.write(f"    allocation_rule: {' → '.join(sy.change.allocation)}")
            for item in sy.change.items:
                for row in item.rows:
                    month = row.month or "-"
                    old = ", ".join(v or "" for v in row.old) if row.old else "—"
                    new = ", ".join(v or "" for v in row.new) if row.new else "—"
                    name = " / ".join(part for part in item.item if part)
                    sheet = excel.sheet_spec(item.section).title
                    self.stdout.write(f"    {sheet}, {name} [{month}]: {old} → {new}")

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
