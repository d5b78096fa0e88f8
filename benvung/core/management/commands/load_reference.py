"""benvung load_reference: every app's reference data, in dependency order (idempotent)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from benvung.core.commands import AuditedCommand
from benvung.core.loading import reference_loaders


class Command(AuditedCommand):
    help = (
        "Load or refresh the reference data the apps register (administrative units, VSIC, "
        "parks, agencies, energy factors and norms)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            choices=sorted(loader.key for loader in reference_loaders()),
            action="append",
            help="Load only this part (repeatable). Parts load in dependency order.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["only"]
        for loader in reference_loaders():
            if wanted and loader.key not in wanted:
                continue
            for report in loader.load():
                self.stdout.write(f"  {report}")
        self.stdout.write(self.style.SUCCESS(_("Reference data loaded.")))
