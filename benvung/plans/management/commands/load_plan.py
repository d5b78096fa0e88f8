"""benvung load_plan FILE: load or refresh a plan from its reviewed data file (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.core.commands import AuditedCommand
from benvung.plans.loader import DEFAULT_PLAN_FILE, PlanFileError, load_plan


class Command(AuditedCommand):
    help = "Load a plan file (YAML, see docs/plan-file.md); nothing changes if it has errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_PLAN_FILE))
        parser.add_argument(
            "--check", action="store_true", help="Only check the file; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from benvung.plans.loader import check

        path = Path(options["file"])
        try:
            if options["check"]:
                check(path)
                self.stdout.write(self.style.SUCCESS(_("%(file)s is valid.") % {"file": path.name}))
                return
            result = load_plan(path)
        except PlanFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("%(file)s was not loaded: %(count)s problem(s); nothing was changed.")
                % {"file": exc.file_name, "count": len(exc.problems)}
            ) from exc
        for report in result.reports:
            self.stdout.write(f"  {report}")
        self.stdout.write(
            self.style.SUCCESS(_("Plan %(number)s loaded.") % {"number": result.plan.number})
        )
