"""benvung load_demo: the deterministic demo province (everything marked as demo)."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.core import demo
from benvung.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Create or refresh the demo data (enterprises, outlets, one user per role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts (with a published password) even with DEBUG off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Demo accounts have a published password; with DEBUG off, pass "
                "--allow-production to load them anyway (training installations only)."
            )
        try:
            # Each app's builder (its hooks.py registers it), in their declared order.
            reports = demo.generate(options["seed"])
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            self.stdout.write(f"  {report}")
        self.stdout.write(self.style.SUCCESS(_("Demo data ready (marked as demo).")))
