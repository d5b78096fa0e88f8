"""benvung cycle_status --plan 202/KH-UBND --year 2025 [--json]: who has (not) reported."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from benvung.plans.models import Plan
from benvung.plans.selectors import plan_by_number
from benvung.reporting import selectors
from benvung.reporting.models import ReportingCycle


class Command(BaseCommand):
    help = "Reporting status of a cycle: per expected agency, counts, on-time rate, who owes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default=None, help="plan number (default: the current plan)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        plan: Plan | None = None
        try:
            plan = plan_by_number(options["plan"])
            cycle = ReportingCycle.objects.select_related("plan").get(
                plan=plan, year=options["year"]
            )
        except (Plan.DoesNotExist, ReportingCycle.DoesNotExist) as exc:
            with translation.override("vi"):
                message = _("There is no %(year)s reporting cycle for plan %(plan)s.") % {
                    "year": options["year"],
                    "plan": plan.number if plan else options["plan"],
                }
            raise CommandError(message) from exc
        with translation.override("vi"):
            status = selectors.cycle_status(cycle)
            data = selectors.cycle_status_data(status)
            if options["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
                return
            self.stdout.write(
                f"{data['plan']} {data['year']} ({cycle.get_state_display()}), "
                f"hạn {cycle.report_deadline:%d/%m/%Y}: {data['expected']} cơ quan"
            )
            for key, count in data["counts"].items():
                self.stdout.write(f"  {selectors.STATUS_LABELS[key]}: {count}")
            rate = data["on_time_rate"]
            self.stdout.write(f"  đúng hạn: {rate * 100:.1f} %" if rate is not None else "")
            for row in status.rows:
                self.stdout.write(f"  {row.label:<22} {row.agency.name}")
