"""benvung efficiency --year Y [--baseline 2021] [--json]: specific consumption and improvement.

Per enterprise and product: SEC, the norm in force, method, improvement; per focus sector and
for the province: improvement against the target band, its status, and what stands behind it.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from benvung.resources import efficiency


class Command(BaseCommand):
    help = "Specific consumption and improvement per enterprise, sector and the province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--baseline", type=int, default=None, help="default: the target's setting (2021)"
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="count the site years not yet submitted too (never published)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from benvung.core import years

        for name in ("year", "baseline"):
            value = options[name]
            if value is not None and not years.in_range(value):
                raise CommandError(f"--{name}: {years.FIRST_YEAR}-{years.LAST_YEAR}")
        from benvung.reporting.selectors import figures_final

        with translation.override("vi"):
            result = efficiency.compute(
                options["year"],
                baseline_setting=options["baseline"],
                drafts=options["include_drafts"],
                final=figures_final(options["year"]),
            )
            data = efficiency.to_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        with translation.override("vi"):
            statuses = efficiency.labels(efficiency.STATUS_LABELS)
        for s in [*data["sectors"], data["province"]]:
            improvement = s["energy_improvement"]
            shown = "—" if improvement is None else f"{improvement * 100:.2f} %".replace(".", ",")
            status = statuses.get(s["status"], s["status"])
            self.stdout.write(f"{s['name']:<32} {shown:>10}  {status:<22} {s['enterprises']} DN")
        for problem in data["problems"]:
            self.stderr.write(problem)
