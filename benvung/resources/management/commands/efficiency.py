"""benvung efficiency --year Y [--baseline 2021] [--json]: specific consumption and improvement.

Per enterprise and product: SEC, the norm in force, method, improvement; per focus sector and
for the province: improvement against the target band, its status, and what stands behind it.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from benvung.resources import efficiency


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(value, places)


def as_json(result: efficiency.EfficiencyResult) -> dict[str, Any]:
    def sector(s: efficiency.SectorResult) -> dict[str, Any]:
        return {
            "key": s.key,
            "name": s.name,
            "energy_improvement": _round(s.energy.improvement),
            "energy_saved_gj": _round(s.energy.saved, 3),
            "adjusted_baseline_gj": _round(s.energy.adjusted_baseline, 3),
            "materials_improvement": _round(s.materials.improvement),
            "target_band": list(s.band) if s.band else None,
            "milestone_year": s.milestone_year,
            "expected_on_path": _round(s.expected),
            "status": s.status,
            "enterprises": s.enterprises,
            "share_of_energy": _round(s.energy_share),
            "share_of_output": {k: _round(v) for k, v in sorted(s.output_shares.items())},
        }

    return {
        "year": result.year,
        "baseline_setting": result.baseline_setting,
        "products": [
            {
                "enterprise": p.site.enterprise_name,
                "site": p.site.site_name,
                "demo": p.site.is_demo,
                "sector": p.category.focus_sector.key,
                "category": p.category.key,
                "product": p.product,
                "output": _round(p.output, 4),
                "output_unit": p.category.output_unit,
                "energy_gj": _round(p.energy.gj, 4),
                "energy_toe": _round(p.energy.toe, 4),
                "allocation": p.allocation,
                "sec": _round(p.sec, 4),
                "sec_unit": p.category.sec_unit,
                "unconfirmed_factors": p.energy.unconfirmed,
                "norm": None
                if p.norm is None
                else {
                    "instrument": p.norm.instrument,
                    "value": p.norm_value,
                    "status": p.norm.source_status,
                },
                "above_norm": p.above_norm,
                "baseline_year": p.baseline.year if p.baseline else None,
                "baseline_substituted": p.baseline.substituted if p.baseline else None,
                "sec_baseline": _round(p.sec_baseline, 4),
                "method": p.method,
                "improvement": _round(p.improvement),
                "fallback_reasons": p.fallback,
                "materials_per_unit": {k: _round(v) for k, v in p.materials_per_unit.items()},
            }
            for p in result.products
        ],
        "sectors": [sector(s) for s in result.sectors],
        "province": sector(result.province),
        "problems": result.problems,
    }


class Command(BaseCommand):
    help = "Specific consumption and improvement per enterprise, sector and the province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--baseline", type=int, default=efficiency.DEFAULT_BASELINE_YEAR)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            result = efficiency.compute(options["year"], baseline_setting=options["baseline"])
            data = as_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for s in [*data["sectors"], data["province"]]:
            improvement = s["energy_improvement"]
            shown = "—" if improvement is None else f"{improvement * 100:.2f} %".replace(".", ",")
            self.stdout.write(
                f"{s['name']:<32} {shown:>10}  {s['status']:<18} {s['enterprises']} DN"
            )
        for problem in data["problems"]:
            self.stderr.write(problem)
