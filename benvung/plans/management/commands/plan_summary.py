"""benvung plan_summary --plan 202/KH-UBND [--json]: the plan's groups, tasks and targets."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from benvung.plans import selectors
from benvung.plans.models import Plan


class Command(BaseCommand):
    help = "Summarise a loaded plan: groups, tasks (lead agency, period), targets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default=None, help="plan number (default: the current plan)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, help="resolve agencies on this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = selectors.plan_by_number(options["plan"])
        except Plan.DoesNotExist as exc:
            raise CommandError(
                f"No plan {options['plan'] or '(none loaded)'}: run `benvung load_plan` first."
            ) from exc
        with translation.override("vi"):
            summary = selectors.plan_summary(plan, options["on"])
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{summary['plan']['number']} — {summary['plan']['title']}")
        self.stdout.write(f"{len(summary['targets'])} targets, {summary['task_count']} tasks")
        for target in summary["targets"]:
            band = (
                f"{target['range']['min']:g}-{target['range']['max']:g}"
                if target["range"]
                else (f"{target['value']:g}" if target["value"] is not None else "-")
            )
            self.stdout.write(
                f"  {target['code']:<8} {band:>7} {target['unit']:<8} by {target['milestone_year']}"
            )
        for group in summary["groups"]:
            self.stdout.write(f"{group['numeral']}. {group['title']} ({group['task_count']})")
            for task in group["tasks"]:
                lead = ", ".join(a["label"] for a in task["lead"])
                period = f"{task['period']['start']}-{task['period']['end']}"
                self.stdout.write(f"  {task['code']:<7} {period}  {lead}")
