"""benvung load_reference: the map, sectors, parks and clusters, agencies (idempotent)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from benvung.core.commands import AuditedCommand
from benvung.directory import loaders
from benvung.resources.loaders import load_resource_reference

PARTS = {
    "units": loaders.load_administrative_units,
    "sectors": loaders.load_sectors,
    "areas": loaders.load_industrial_areas,
    "agencies": loaders.load_agencies,
    "resources": load_resource_reference,
}


class Command(AuditedCommand):
    help = (
        "Load or refresh the reference data (administrative units, VSIC, parks, agencies, "
        "energy factors and norms)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            choices=sorted(PARTS),
            action="append",
            help="Load only this part (repeatable). Parts load in dependency order.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["only"] or list(PARTS)
        for name, loader in PARTS.items():
            if name not in wanted:
                continue
            for report in loader():
                self.stdout.write(f"  {report}")
        self.stdout.write(self.style.SUCCESS(_("Reference data loaded.")))
