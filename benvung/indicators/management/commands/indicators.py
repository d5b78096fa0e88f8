"""benvung indicators [--plan 202/KH-UBND] [--year Y] [--json] [--recompute]: the targets.

Per target: baseline, latest value, target (value or band), milestone year and status, as the
public portal shows them (an override by the coordinator included, with its reason).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from benvung.core import years
from benvung.indicators import selectors, services
from benvung.plans.models import Plan
from benvung.plans.selectors import plan_by_number


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def progress_json(progress: selectors.Progress) -> dict[str, Any]:
    t = progress.target
    return {
        "target": t.code,
        "text": " ".join(t.text.split()),
        "indicator": t.indicator_code,
        "unit": t.unit,
        "baseline_year": progress.baseline_year,
        "baseline": _num(progress.baseline_value),
        "value": _num(progress.value),
        "value_year": progress.value_year,
        "target_value": _num(t.value),
        "target_label": progress.target_label,
        "target_min": _num(progress.target_min),
        "target_max": _num(progress.target_max),
        "milestone_year": progress.milestone_year,
        "expected_on_path": _num(progress.expected),
        "status": progress.status,
        "status_label": progress.status_label,
        "computed_status": progress.computed_status,
        "override": None
        if progress.override is None
        else {
            "status": progress.override.status,
            "reason": progress.override.reason,
            "set_at": progress.override.created_at.isoformat(),
        },
        "stale": progress.stale,
        "coverage": progress.coverage or None,
        "withheld_year": progress.withheld.year if progress.withheld else None,
        "withheld_note": progress.withheld_note,
        "notes": progress.notes,
    }


class Command(BaseCommand):
    help = "Every target of the plan with its baseline, value, target, milestone and status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default=None, help="plan number, e.g. 202/KH-UBND")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--recompute", action="store_true", help="recompute every indicator first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = plan_by_number(options["plan"])
        except Plan.DoesNotExist as exc:
            if not options["plan"]:
                raise CommandError("no plan loaded: run `benvung load_plan` first") from exc
            known = ", ".join(p.number for p in Plan.objects.all()) or "—"
            raise CommandError(f"--plan {options['plan']}: unknown plan (known: {known})") from exc
        year = options["year"]
        if year is not None and not years.in_plan(year, plan):
            raise CommandError(f"--year: {plan.period_start}-{plan.period_end}")
        with translation.override("vi"):
            if options["recompute"]:
                written = services.recompute()
                if not options["json"]:
                    self.stdout.write(f"{written} kết quả chỉ số đã được tính lại.")
            year = year or selectors.published_year(plan=plan)
            targets = [progress_json(p) for p in selectors.progress_list(plan=plan, year=year)]
            data = {"plan": plan.number, "year": year, "targets": targets}
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for p in targets:
            value = "—" if p["value"] is None else f"{p['value']:.2f}".replace(".", ",")
            self.stdout.write(
                f"{p['target']:<8} {value:>8} ({p['value_year'] or '—'})  "
                f"mục tiêu {p['target_label']} năm {p['milestone_year']}  {p['status_label']}"
            )
