"""Load carriers, conversion factors, product categories and energy norms from reviewed files.

The factor and norm files are the shared reference tables as received (fixtures/reference/);
`energy-carriers.csv` and `product-categories.csv` say which of their rows belong to which
carrier and product category. A value the tables leave empty stays empty ("no norm known").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from benvung.core.loading import LoadReport, Upserter
from benvung.core.units import UNITS
from benvung.directory.models import FocusSector

from .models import Carrier, ConversionFactor, EnergyNorm, ProductCategory

if TYPE_CHECKING:
    from benvung.accounts.models import User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REFERENCE = FIXTURES / "reference"

# The Ministry of Industry and Trade's letter giving the TOE factors (its annex is the table).
TOE_INSTRUMENT = "Công văn 3505/BCT-KHCN"
TOE_SINCE = dt.date(2011, 4, 19)
IPCC_INSTRUMENT = "IPCC 2006 Guidelines, Vol. 2"

# Norm rows that name a group of categories rather than one.
GROUP_ROWS = {
    "(all categories)": "beer_beverages",
    "(packaging / building / household-engineering plastics)": "plastics",
    "(packaging / building materials / household / engineering plastics)": "plastics",
}


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            yield line, {k: (v or "").strip() for k, v in row.items()}


def _unit(code: str, path: Path, line: int) -> str:
    if code not in UNITS:
        raise ValueError(f"{path.name}, dòng {line}: đơn vị “{code}” không có trong danh mục")
    return code


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def load_resource_reference(*, actor: User | None = None) -> list[LoadReport]:
    with transaction.atomic():
        carriers = _load_carriers(actor)
        factors = _load_factors(actor, carriers)
        categories = _load_categories(actor)
        norms = _load_norms(actor, categories)
    return [carriers.report, factors, categories.report, norms]


def _load_carriers(actor: User | None, path: Path = FIXTURES / "energy-carriers.csv") -> Upserter:
    carriers = Upserter(
        Carrier, ["key"], report_name=_("energy carriers"), action="carrier", actor=actor
    )
    for line, row in _rows(path):
        carriers.upsert(
            {"key": row["key"]},
            {
                "name": row["name_vi"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "units": [_unit(u.strip(), path, line) for u in row["units"].split(";")],
                "counts_in_total": row["counts_in_total"] == "yes",
                "position": int(row["position"]),
                "note": row["note"],
            },
        )
    carriers.finish(source=path.name)
    return carriers


def _load_factors(actor: User | None, carriers: Upserter) -> LoadReport:
    by_toe_row: dict[str, Carrier] = {}
    by_ipcc_row: dict[str, Carrier] = {}
    for _line, row in _rows(FIXTURES / "energy-carriers.csv"):
        carrier = carriers.existing[(row["key"],)]
        if row["toe_factor_row"]:
            by_toe_row[row["toe_factor_row"]] = carrier
        if row["ipcc_fuel_row"]:
            by_ipcc_row[row["ipcc_fuel_row"]] = carrier
    factors = Upserter(
        ConversionFactor,
        ["carrier", "unit", "target", "instrument", "valid_from"],
        report_name=_("conversion factors"),
        action="conversion_factor",
        actor=actor,
    )
    path = REFERENCE / "toe-factors.csv"
    previous_source = ""
    for line, row in _rows(path):
        source = previous_source if row["source"].startswith("same") else row["source"]
        previous_source = source
        carrier = by_toe_row.get(row["carrier"])
        if carrier is None:
            continue  # a carrier enterprises do not report here (jet fuel)
        factors.upsert(
            {
                "carrier": carrier,
                "unit": _unit(row["unit"], path, line),
                "target": ConversionFactor.Target.TOE,
                "instrument": TOE_INSTRUMENT,
                "valid_from": TOE_SINCE,
            },
            {
                "value": Decimal(row["toe_per_unit"]),
                "source": source,
                "note": row["source"] if row["source"] != source else "",
                "source_status": row["status"],
            },
        )
    path = REFERENCE / "ipcc-2006-stationary-combustion.csv"
    previous_source = ""
    for _line, row in _rows(path):
        source = previous_source if row["source"].startswith("same") else row["source"]
        previous_source = source
        carrier = by_ipcc_row.get(row["fuel"])
        if carrier is None:
            continue
        # A net calorific value in TJ/Gg is the same number in GJ/t.
        factors.upsert(
            {
                "carrier": carrier,
                "unit": "t",
                "target": ConversionFactor.Target.GJ,
                "instrument": IPCC_INSTRUMENT,
                "valid_from": None,
            },
            {
                "value": Decimal(row["ncv_tj_per_gg"]),
                "source": source,
                "note": row["source"] if row["source"] != source else "",
                "source_status": row["status"],
            },
        )
    return factors.finish(source="toe-factors.csv, ipcc-2006-stationary-combustion.csv")


def _load_categories(
    actor: User | None, path: Path = FIXTURES / "product-categories.csv"
) -> Upserter:
    sectors = {s.key: s for s in FocusSector.objects.all()}
    categories = Upserter(
        ProductCategory,
        ["key"],
        report_name=_("product categories"),
        action="product_category",
        actor=actor,
    )
    for line, row in _rows(path):
        sector = sectors.get(row["focus_sector"])
        if sector is None:
            raise ValueError(f"{path.name}, dòng {line}: ngành “{row['focus_sector']}” không có")
        categories.upsert(
            {"key": row["key"]},
            {
                "focus_sector": sector,
                "name": row["name_vi"],
                "name_en": row["norm_name"],
                "output_unit": _unit(row["output_unit"], path, line),
                "sec_unit": _unit(row["sec_unit"], path, line),
                "capacity_unit": _unit(row["capacity_unit"], path, line)
                if row["capacity_unit"]
                else "",
                "position": int(row["position"]),
            },
        )
    categories.finish(source=path.name)
    return categories


def _load_norms(actor: User | None, categories: Upserter) -> LoadReport:
    by_name = {(c.focus_sector.key, c.name_en): c for c in categories.existing.values()}
    norms = Upserter(
        EnergyNorm,
        ["category", "instrument", "capacity_min", "valid_from"],
        report_name=_("energy norms"),
        action="energy_norm",
        actor=actor,
    )
    path = REFERENCE / "energy-norms.csv"
    for line, row in _rows(path):
        group = GROUP_ROWS.get(row["product_category"])
        if group:
            targets = [c for (s, _n), c in by_name.items() if s == group]
        else:
            category = by_name.get((row["sector"], row["product_category"]))
            if category is None:
                raise ValueError(
                    f"{path.name}, dòng {line}: sản phẩm “{row['product_category']}” "
                    "chưa có trong product-categories.csv"
                )
            targets = [category]
        for category in targets:
            unit = row["unit"] or category.sec_unit
            if unit != category.sec_unit:
                raise ValueError(
                    f"{path.name}, dòng {line}: đơn vị {unit} khác đơn vị suất tiêu hao "
                    f"{category.sec_unit} của “{category.name}”"
                )
            norms.upsert(
                {
                    "category": category,
                    "instrument": row["instrument"],
                    "capacity_min": _decimal(row["capacity_min"]),
                    "valid_from": _date(row["period_start"]),
                },
                {
                    "capacity_max": _decimal(row["capacity_max"]),
                    "valid_to": _date(row["period_end"]),
                    "value": _decimal(row["value"]),
                    "unit": unit,
                    "source": row["source"],
                    "source_status": row["status"],
                },
            )
    return norms.finish(source=path.name)
