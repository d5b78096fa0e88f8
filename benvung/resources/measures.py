"""The indicator measured from the enterprises' consumption and output (definitions in
docs/indicators.md): the reduction of energy and materials per unit of product (T1).

Registered from `hooks.py` into `benvung.indicators.registry`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from benvung.indicators.measures import dec, record
from benvung.indicators.registry import Computed, Coverage, CoverageRule, Definition, note
from benvung.reporting import selectors as reporting

from . import efficiency
from . import selectors as resources

# --- 1. Energy and materials per unit of product (T1) -------------------------------------------


def resource_consumption_reduction(
    year: int, since: int, *, include_drafts: bool = False
) -> list[Computed]:
    result = efficiency.compute(year, drafts=include_drafts, final=reporting.figures_final(year))
    coverage = resources.reporting_coverage(year, drafts=include_drafts)
    out: list[Computed] = []
    by_sector: dict[str, list[Any]] = defaultdict(list)
    for product in result.products:
        if product.contribution is not None:
            by_sector[product.category.focus_sector.key].append(product)

    def computed(kind: str, key: str, label: str, roll: Any, products: list[Any]) -> Computed:
        improvement = roll.energy.improvement
        saved = round(roll.energy.saved)
        notes = [
            note(
                gettext_noop(
                    "%(count)s enterprises; energy saved %(saved)s GJ against the baseline."
                ),
                {"count": roll.enterprises, "saved": saved},
            )
            if saved >= 0
            else note(
                gettext_noop(
                    "%(count)s enterprises; %(extra)s GJ more energy used than at baseline "
                    "performance."
                ),
                {"count": roll.enterprises, "extra": -saved},
            )
        ]
        if roll.materials.improvement is not None:
            # "2 % more", never "-2 % less".
            less = roll.materials.improvement >= 0
            notes.append(
                note(
                    gettext_noop(
                        "Materials per unit of product: %(value)s %% less than in the baseline "
                        "year."
                    )
                    if less
                    else gettext_noop(
                        "Materials per unit of product: %(value)s %% more than in the baseline "
                        "year."
                    ),
                    {"value": abs(round(100 * roll.materials.improvement, 2))},
                )
            )
        if roll.drafts:
            # Only on the coordinator's page with drafts counted: stored figures have none.
            notes.append(
                note(
                    gettext_noop(
                        "%(count)s of the figures behind this value are drafts not yet submitted."
                    ),
                    {"count": roll.drafts},
                )
            )
        if improvement is None:
            notes.append(
                note(gettext_noop("No enterprise reported both the year and its baseline year."))
            )
        seen: set[int] = set()
        inputs = []
        for p in products:
            if p.site_year_id in seen:
                continue
            seen.add(p.site_year_id)
            inputs.append(
                record(
                    "resources.siteyear",
                    p.site_year_id,
                    f"{p.site.enterprise_name} – {p.site.site_name}, {year}",
                    url=reverse("resources:site_detail", args=[p.site.site_id]),
                    sector=p.category.focus_sector.key,
                    improvement=None if p.improvement is None else round(100 * p.improvement, 4),
                )
            )
        counted, expected = coverage.of("*" if kind == "province" else key)
        return Computed(
            scope_kind=kind,
            scope_key=key,
            scope_label=label,
            value=dec(None if improvement is None else 100 * improvement),
            numerator=dec(roll.energy.saved, 3),
            denominator=dec(roll.energy.adjusted_baseline, 3),
            notes=notes,
            inputs=inputs,
            coverage=Coverage(counted, expected),
        )

    all_products = [p for ps in by_sector.values() for p in ps]
    out.append(computed("province", "", gettext_noop("Province"), result.province, all_products))
    for sector in result.sectors:
        out.append(
            computed("sector", sector.key, sector.name, sector, by_sector.get(sector.key, []))
        )
    return out


RESOURCE_CONSUMPTION_REDUCTION = Definition(
    code="resource_consumption_reduction",
    name=gettext_lazy("Reduction of energy and materials per unit of product"),
    unit="%",
    description=gettext_lazy(
        "How much less energy the eight focus industries use per unit of product than in "
        "the baseline year, weighted by production."
    ),
    method=gettext_lazy(
        "Each enterprise's specific energy consumption per product is compared with its "
        "baseline year (by ratio, or normalised by regression when enough monthly data "
        "exist); the sector and province figures are the energy saved divided by the energy "
        "the same production would have used at baseline performance."
    ),
    sources=(
        gettext_lazy("Yearly consumption and output reported by enterprises"),
        gettext_lazy("Energy conversion factors of the Ministry of Industry and Trade (TOE)"),
        gettext_lazy("Energy norms of the Ministry of Industry and Trade"),
    ),
    compute=resource_consumption_reduction,
    inputs=(
        "resources.siteyear",
        "resources.conversionfactor",
        "resources.energynorm",
        "resources.qualityconfirmation",
        # A closed cycle makes the year's figures final (achieved or not achieved).
        "reporting.reportingcycle",
    ),
    breakdowns=(("sector", gettext_lazy("By sector")),),
    # Content areas: resources (2) and cleaner production (4).
    content_areas=(2, 4),
    coverage_rule=CoverageRule(
        minimum=0.5,
        counted=gettext_noop("%(counted)s/%(expected)s enterprises submitted"),
        shortfall=gettext_noop("Not enough data: %(counted)s/%(expected)s enterprises submitted."),
        description=gettext_lazy(
            "The figure is given when at least half of the enterprises expected to report "
            "(those in operation that have reported output of the sector in any year up to "
            "this one) have submitted the year's figures; drafts are never counted."
        ),
    ),
    negative_phrase=gettext_lazy("no reduction but an increase of %(value)s"),
    compute_with_drafts=lambda year, since: resource_consumption_reduction(
        year, since, include_drafts=True
    ),
)


DEFINITIONS = (RESOURCE_CONSUMPTION_REDUCTION,)
