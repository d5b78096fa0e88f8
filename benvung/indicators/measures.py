"""How each indicator of Plan 202 is computed from the data (definitions in docs/indicators.md).

Each function takes the year and the first year of the plan (outreach and models are counted
from it) and returns one `Computed` per scope, listing the records behind each value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from .calculations import share
from .registry import (
    FIRST_VALUE,
    Computed,
    Coverage,
    CoverageRule,
    Definition,
    note,
    register,
)

# The province the plan's district target was set on, in the pre-2025 map (GSO code).
DONG_NAI_PRE2025 = "75"
DONG_NAI_2025 = "75"

REACHED_KINDS = ("industrial_park", "industrial_cluster", "craft_village")
SURVEYED_TYPES = ("supermarket", "trade_centre")
BAG_TYPES = ("supermarket", "trade_centre", "convenience_store")


def _dec(value: float | int | None, places: int = 6) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), places)))


_PK = 987654321  # stands for the record's key in a page's address, reversed once


@functools.lru_cache(maxsize=64)
def _url_pattern(url_name: str, urlconf: str, prefix: str) -> tuple[str, str] | None:
    """A page's address around the record's key: reverse() costs a quarter of a millisecond,
    and a figure after a large import lists tens of thousands of records."""
    try:
        url = reverse(url_name, args=[_PK])
    except NoReverseMatch:  # a page not routed: the record is still listed, without a link
        return None
    before, found, after = url.partition(str(_PK))
    return (before, after) if found else None


def _record(model: str, pk: int, label: str, url_name: str = "", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"model": model, "id": pk, "label": label}
    if url_name:
        urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
        pattern = _url_pattern(url_name, urlconf, get_script_prefix())
        if pattern is not None:
            item["url"] = f"{pattern[0]}{pk}{pattern[1]}"
    item.update(extra)
    return item


def _msgid(label: Any) -> str:
    """A label kept untranslated in the stored result (IndicatorResult.label translates it when
    shown), so the same figure reads right in Vietnamese and in English."""
    with translation.override("en"):
        return str(label)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


# --- 1. Energy and materials per unit of product (T1) -------------------------------------------


def resource_consumption_reduction(
    year: int, since: int, *, include_drafts: bool = False
) -> list[Computed]:
    from benvung.reporting import selectors as reporting
    from benvung.resources import efficiency
    from benvung.resources import selectors as resources

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
                _record(
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
            value=_dec(None if improvement is None else 100 * improvement),
            numerator=_dec(roll.energy.saved, 3),
            denominator=_dec(roll.energy.adjusted_baseline, 3),
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


register(
    Definition(
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
            shortfall=gettext_noop(
                "Not enough data: %(counted)s/%(expected)s enterprises submitted."
            ),
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
)


# --- The agencies' reports: cumulative counts of what they recorded ---------------------------

# The agencies' reports and the cycle's state decide whether a year's counts are in.
AGENCY_INPUTS = ("reporting.agencyreport", "reporting.reportingcycle")

AGENCY_RULE = CoverageRule(
    minimum=0.5,
    counted=gettext_noop("%(counted)s/%(expected)s agencies sent their report"),
    shortfall=gettext_noop("Not enough data: %(counted)s/%(expected)s agencies sent their report."),
    description=gettext_lazy(
        "Outreach and models are recorded by the agencies and confirmed in their yearly "
        "report: a year's figure is given once its reporting cycle is closed or at least half "
        "of the agencies expected to report have sent their report. A year no reporting cycle "
        "was run for in the system is counted as recorded."
    ),
)


def _agency_coverage(year: int) -> Coverage | None:
    from benvung.reporting import selectors as reporting

    reports = reporting.reports_in(year)
    if reports is None:
        return None
    return Coverage(reports.sent, reports.expected, complete=True if reports.closed else None)


# --- 2. Industrial parks, clusters and craft villages reached (T2) ----------------------------


def _activities(since: int, year: int) -> Any:
    from benvung.outreach.models import OutreachActivity

    return OutreachActivity.objects.filter(
        start_date__gte=dt.date(since, 1, 1), start_date__lte=_year_end(year)
    )


def outreach_industrial_areas_share(year: int, since: int) -> list[Computed]:
    from benvung.directory.models import IndustrialArea
    from benvung.outreach.models import OutreachActivity

    areas = list(
        IndustrialArea.objects.valid_on(_year_end(year))
        .filter(kind__in=REACHED_KINDS)
        .order_by("kind", "name")
    )
    through = OutreachActivity.industrial_areas.through
    reached: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for area_id, activity_id, title, start in through.objects.filter(
        outreachactivity__in=_activities(since, year)
    ).values_list(
        "industrialarea_id",
        "outreachactivity_id",
        "outreachactivity__title",
        "outreachactivity__start_date",
    ):
        reached[area_id].append(
            _record(
                "outreach.outreachactivity",
                activity_id,
                f"{title} ({start:%d/%m/%Y})",
                "outreach:activity_detail",
            )
        )
    out: list[Computed] = []
    coverage = _agency_coverage(year)

    def rate(kind: str, key: str, label: str, chosen: list[Any]) -> Computed:
        hit = [a for a in chosen if a.pk in reached]
        inputs = [
            _record("directory.industrialarea", a.pk, str(a), reached=bool(reached.get(a.pk)))
            for a in chosen
        ]
        return Computed(
            scope_kind=kind,
            scope_key=key,
            scope_label=label,
            value=_dec(share(len(hit), len(chosen))),
            numerator=Decimal(len(hit)),
            denominator=Decimal(len(chosen)),
            notes=[
                note(
                    gettext_noop("%(hit)s of %(all)s reached since %(since)s."),
                    {"hit": len(hit), "all": len(chosen), "since": since},
                )
            ],
            inputs=inputs,
            coverage=coverage,
        )

    out.append(rate("province", "", gettext_noop("Province"), areas))
    labels = dict(IndustrialArea.Kind.choices)
    for kind in REACHED_KINDS:
        chosen = [a for a in areas if a.kind == kind]
        if chosen:
            out.append(rate("area_kind", kind, _msgid(labels[kind]), chosen))
    for area in areas:
        activities = reached.get(area.pk, [])
        out.append(
            Computed(
                scope_kind="area",
                scope_key=str(area.pk),
                scope_label=str(area),
                value=Decimal(1 if activities else 0),
                inputs=activities,
                coverage=coverage,
            )
        )
    return out


register(
    Definition(
        code="outreach_industrial_areas_share",
        name=gettext_lazy("Industrial parks, clusters and craft villages reached by outreach"),
        unit="%",
        description=gettext_lazy(
            "Share of the industrial parks, industrial clusters and craft villages in operation "
            "at the end of the year that at least one outreach activity on sustainable "
            "production and consumption has reached since the plan began."
        ),
        method=gettext_lazy(
            "Counted cumulatively from the first year of the plan: an area reached in 2023 "
            "stays reached. The denominator is the areas of the directory valid on 31 December "
            "of the year."
        ),
        sources=(
            gettext_lazy("Outreach activities recorded by the agencies"),
            gettext_lazy("Directory of industrial parks, clusters and craft villages"),
        ),
        compute=outreach_industrial_areas_share,
        inputs=(
            "outreach.outreachactivity",
            "outreach.outreachactivity_industrial_areas",
            "directory.industrialarea",
            *AGENCY_INPUTS,
        ),
        breakdowns=(
            ("area_kind", gettext_lazy("By kind of area")),
            ("area", gettext_lazy("By park, cluster and craft village")),
        ),
        # Content areas: communication (11).
        content_areas=(11,),
        coverage_rule=AGENCY_RULE,
    )
)


# --- 3. SCP models (T3 and the appendix's 1-10 enterprise models per period) -----------------


def scp_models_count(year: int, since: int) -> list[Computed]:
    from benvung.outreach.models import SCPModel
    from benvung.plans.models import Task

    models = list(
        SCPModel.objects.filter(state=SCPModel.State.VERIFIED, year__gte=since, year__lte=year)
        .select_related("organisation")
        .order_by("year", "title")
    )

    def inputs(chosen: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            _record(
                "outreach.scpmodel",
                m.pk,
                f"{m.title} – {m.organisation.name} ({m.year})",
                "outreach:scp_model_detail",
            )
            for m in chosen
        ]

    coverage = _agency_coverage(year)
    out = [
        Computed(
            scope_kind="province",
            scope_key="",
            scope_label=gettext_noop("Province"),
            value=Decimal(len(models)),
            notes=[
                note(gettext_noop("Verified models put in place from %(since)s."), {"since": since})
            ],
            inputs=inputs(models),
            coverage=coverage,
        )
    ]
    labels = dict(SCPModel.Kind.choices)
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for m in models:
        by_kind[m.kind].append(m)
    for kind, chosen in sorted(by_kind.items()):
        out.append(
            Computed(
                scope_kind="model_kind",
                scope_key=kind,
                scope_label=_msgid(labels.get(kind, kind)),
                value=Decimal(len(chosen)),
                inputs=inputs(chosen),
                coverage=coverage,
            )
        )
    # The appendix counts enterprise models per period of its tasks (1-10 in 2022-2025, 1-10
    # in 2026-2030): one value per period that has begun.
    periods = sorted(
        {
            (t.period_start, t.period_end)
            for t in Task.objects.filter(
                target_indicator="scp_models_count", retired_at__isnull=True
            )
            if t.period_start and t.period_end
        }
    )
    for start, end in periods:
        if start > year:
            continue
        chosen = [
            m
            for m in models
            if start <= m.year <= min(end, year) and m.organisation.kind == "enterprise"
        ]
        out.append(
            Computed(
                scope_kind="task_period",
                scope_key=f"{start}-{end}",
                scope_label=f"{start}–{end}",
                value=Decimal(len(chosen)),
                inputs=inputs(chosen),
                coverage=coverage,
            )
        )
    return out


register(
    Definition(
        code="scp_models_count",
        name=gettext_lazy("Sustainable production and consumption models"),
        unit=gettext_lazy("models"),
        description=gettext_lazy(
            "Number of sustainable production and consumption models put in place since the "
            "plan began and verified by the Department of Industry and Trade."
        ),
        method=gettext_lazy(
            "Cumulative count of models in the verified state whose year of application is "
            "from the plan's first year to the year. Proposed and not accepted models are not "
            "counted. The appendix's enterprise models are counted per period of its tasks."
        ),
        sources=(gettext_lazy("SCP models recorded by enterprises and agencies, as reviewed"),),
        compute=scp_models_count,
        inputs=("outreach.scpmodel", "plans.task", *AGENCY_INPUTS),
        breakdowns=(
            ("model_kind", gettext_lazy("By type of model")),
            ("task_period", gettext_lazy("Enterprise models per period of the appendix")),
        ),
        is_share=False,
        # Content areas: SCP models (4).
        content_areas=(4,),
        coverage_rule=AGENCY_RULE,
    )
)


# --- 4. District-level units organising campaigns (T4) -----------------------------------------


def _district_map() -> tuple[list[Any], dict[int, set[int]], list[Any], dict[int, set[int]]]:
    """The old map's districts of Đồng Nai and the new map's communes, with, for every unit id,
    the old districts and the new communes it stands for (through the successor links)."""
    from benvung.directory.models import AdministrativeUnit as Unit
    from benvung.directory.models import AdministrativeUnitSuccession as Link

    districts = list(
        Unit.objects.filter(
            edition="pre2025", level="district", parent__code=DONG_NAI_PRE2025
        ).order_by("name")
    )
    communes = list(
        Unit.objects.filter(edition="2025", level="commune", parent__code=DONG_NAI_2025).order_by(
            "name"
        )
    )
    district_ids = {d.pk for d in districts}
    commune_ids = {c.pk for c in communes}
    old_district: dict[int, set[int]] = defaultdict(set)
    new_commune: dict[int, set[int]] = defaultdict(set)
    for pk, level, parent in Unit.objects.filter(edition="pre2025").values_list(
        "pk", "level", "parent_id"
    ):
        if pk in district_ids:
            old_district[pk].add(pk)
        elif level == "commune" and parent in district_ids:
            old_district[pk].add(parent)
    for pk in commune_ids:
        new_commune[pk].add(pk)
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in Unit.objects.filter(edition="pre2025", level="commune").values_list(
        "pk", "parent_id"
    ):
        children[parent].append(pk)
    for old, new, primary in Link.objects.values_list(
        "predecessor_id", "successor_id", "is_primary"
    ):
        # A new commune stands for the old districts its communes came from; an old commune
        # is carried to the new commune that took (most of) it.
        if new in commune_ids:
            old_district[new] |= old_district.get(old, set())
            if primary:
                new_commune[old].add(new)
    for district in district_ids:
        for child in children.get(district, []):
            new_commune[district] |= new_commune.get(child, set())
    return districts, old_district, communes, new_commune


def district_campaign_share(year: int, since: int) -> list[Computed]:
    from benvung.directory.models import Agency

    districts, old_district, communes, new_commune = _district_map()
    governed = dict(
        Agency.objects.filter(governed_unit__isnull=False).values_list("pk", "governed_unit_id")
    )
    hits_old: dict[int, list[dict[str, Any]]] = defaultdict(list)
    hits_new: dict[int, list[dict[str, Any]]] = defaultdict(list)
    activities = _activities(since, year).prefetch_related("administrative_units")
    for activity in activities:
        record = _record(
            "outreach.outreachactivity",
            activity.pk,
            f"{activity.title} ({activity.start_date:%d/%m/%Y})",
            "outreach:activity_detail",
        )
        units = {u.pk for u in activity.administrative_units.all()}
        # A campaign organised by a district's (or commune's) people's committee counts for it.
        organiser_unit = governed.get(activity.organiser_id)
        if organiser_unit is not None:
            units.add(organiser_unit)
        old = set().union(*(old_district.get(u, set()) for u in units)) if units else set()
        new = set().union(*(new_commune.get(u, set()) for u in units)) if units else set()
        for d in old:
            hits_old[d].append(record)
        for c in new:
            hits_new[c].append(record)
    coverage = _agency_coverage(year)
    out = _units_reached(
        "province",
        "district_2020",
        gettext_noop("Districts of the map before 01/07/2025"),
        gettext_noop(
            "%(hit)s of %(all)s former districts and cities with outreach since %(since)s."
        ),
        districts,
        hits_old,
        since,
        coverage,
    )
    if communes:
        out += _units_reached(
            "current_map",
            "commune_2025",
            gettext_noop("Commune-level units of the map from 01/07/2025"),
            gettext_noop(
                "%(hit)s of %(all)s current communes and wards with outreach since %(since)s."
            ),
            communes,
            hits_new,
            since,
            coverage,
        )
    return out


def _units_reached(
    kind: str,
    unit_kind: str,
    label: str,
    message: str,
    units: list[Any],
    hits: dict[int, list[dict[str, Any]]],
    since: int,
    coverage: Coverage | None = None,
) -> list[Computed]:
    """The share of `units` reached, then one row per unit (1 reached, 0 not) with the
    activities behind it: the same on the old map's districts and the new map's communes."""
    reached = [u for u in units if u.pk in hits]
    rows = [
        Computed(
            scope_kind=kind,
            scope_key="",
            scope_label=label,
            value=_dec(share(len(reached), len(units))),
            numerator=Decimal(len(reached)),
            denominator=Decimal(len(units)),
            notes=[note(message, {"hit": len(reached), "all": len(units), "since": since})],
            inputs=[
                _record("directory.administrativeunit", u.pk, u.name, reached=u.pk in hits)
                for u in units
            ],
            coverage=coverage,
        )
    ]
    for u in units:
        rows.append(
            Computed(
                scope_kind=unit_kind,
                scope_key=u.code,
                scope_label=u.name,
                value=Decimal(1 if u.pk in hits else 0),
                inputs=hits.get(u.pk, []),
                coverage=coverage,
            )
        )
    return rows


register(
    Definition(
        code="district_campaign_share",
        name=gettext_lazy("District-level units organising outreach on sustainable consumption"),
        unit="%",
        description=gettext_lazy(
            "Share of the districts and cities of Đồng Nai as they were when the plan was "
            "issued in which outreach on sustainable lifestyles and consumption has been "
            "organised since the plan began; beside it, the same measure on today's "
            "commune-level units."
        ),
        method=gettext_lazy(
            "An activity counts for a former district when it was organised by the district's "
            "people's committee or reached a unit of it: a pre-2025 commune counts for its "
            "district, and a commune of the 2025 map for every former district its communes "
            "came from (successor links). Communes that came from the former Bình Phước "
            "province are outside the 2022 target's denominator. Cumulative from the plan's "
            "first year."
        ),
        sources=(
            gettext_lazy("Outreach activities recorded by the agencies"),
            gettext_lazy("Administrative units and their successions (2025 reorganisation)"),
        ),
        compute=district_campaign_share,
        inputs=(
            "outreach.outreachactivity",
            "outreach.outreachactivity_administrative_units",
            "directory.administrativeunit",
            "directory.administrativeunitsuccession",
            *AGENCY_INPUTS,
        ),
        breakdowns=(
            ("district_2020", gettext_lazy("By former district (map before 01/07/2025)")),
            ("current_map", gettext_lazy("On the current commune-level units")),
            ("commune_2025", gettext_lazy("By commune-level unit (map from 01/07/2025)")),
        ),
        # Content areas: sustainable lifestyles (9) and communication (11).
        content_areas=(9, 11),
        coverage_rule=AGENCY_RULE,
    )
)


# --- 5. Supermarkets and trade centres using eco-friendly packaging (T5, task III.1) ------------


def _outlets(year: int, types: tuple[str, ...]) -> list[Any]:
    from benvung.directory.models import RetailOutlet

    start, end = dt.date(year, 1, 1), _year_end(year)
    return list(
        RetailOutlet.objects.filter(outlet_type__in=types)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("name")
    )


def _surveys(year: int, outlet_ids: Iterable[int]) -> dict[int, Any]:
    from benvung.retail.models import PackagingSurvey

    return {
        s.outlet_id: s
        for s in PackagingSurvey.objects.filter(year=year, outlet_id__in=list(outlet_ids))
    }


def _survey_record(survey: Any, outlet: Any) -> dict[str, Any]:
    return _record(
        "retail.packagingsurvey",
        survey.pk,
        f"{outlet.name} – {survey.year}",
        "retail:survey_detail",
        eco_packaging=survey.eco_packaging,
        bag_share=None
        if survey.biodegradable_bag_share is None
        else float(survey.biodegradable_bag_share),
    )


def retail_ecopackaging_share(year: int, since: int) -> list[Computed]:
    from benvung.directory.models import RetailOutlet

    outlets = _outlets(year, (*SURVEYED_TYPES, "convenience_store"))
    surveys = _surveys(year, [o.pk for o in outlets])
    labels = dict(RetailOutlet.OutletType.choices)

    def rate(kind: str, key: str, label: str, chosen: list[Any]) -> Computed:
        answered = [o for o in chosen if o.pk in surveys]
        yes = [o for o in answered if surveys[o.pk].eco_packaging == "yes"]
        partly = [o for o in answered if surveys[o.pk].eco_packaging == "partly"]
        notes = [
            note(
                gettext_noop(
                    "%(yes)s of %(answered)s surveyed outlets use eco-friendly packaging, "
                    "%(partly)s partly; %(answered)s of %(all)s outlets in operation were surveyed."
                ),
                {
                    "yes": len(yes),
                    "partly": len(partly),
                    "answered": len(answered),
                    "all": len(chosen),
                },
            )
        ]
        # A share of a few outlets says little about all of them ("1 of 1 surveyed: 100 %"):
        # below half of the outlets in operation surveyed, the rule withholds the share.
        return Computed(
            scope_kind=kind,
            scope_key=key,
            scope_label=label,
            value=_dec(share(len(yes), len(answered))),
            numerator=Decimal(len(yes)),
            denominator=Decimal(len(answered)),
            notes=notes,
            inputs=[_survey_record(surveys[o.pk], o) for o in answered],
            coverage=Coverage(len(answered), len(chosen)),
        )

    target = [o for o in outlets if o.outlet_type in SURVEYED_TYPES]
    out = [rate("province", "", gettext_noop("Supermarkets and trade centres"), target)]
    for outlet_type in (*SURVEYED_TYPES, "convenience_store"):
        chosen = [o for o in outlets if o.outlet_type == outlet_type]
        if chosen:
            out.append(rate("outlet_type", outlet_type, _msgid(labels[outlet_type]), chosen))
    return out


register(
    Definition(
        code="retail_ecopackaging_share",
        name=gettext_lazy("Supermarkets and trade centres using eco-friendly packaging"),
        unit="%",
        description=gettext_lazy(
            "Share of the supermarkets and trade centres surveyed in the year that use "
            "eco-friendly packaging instead of hard-to-degrade single-use plastic packaging."
        ),
        method=gettext_lazy(
            "Outlets answering “yes” in the year's packaging survey, divided by the outlets of "
            "those types surveyed that year; “partly” is shown but not counted. The baseline is "
            "the first year surveyed. Convenience stores are shown for information only."
        ),
        sources=(gettext_lazy("Yearly packaging survey of retail outlets"),),
        compute=retail_ecopackaging_share,
        inputs=("retail.packagingsurvey", "directory.retailoutlet"),
        breakdowns=(("outlet_type", gettext_lazy("By type of outlet")),),
        baseline=FIRST_VALUE,
        # Content areas: sustainable distribution (5).
        content_areas=(5,),
        coverage_rule=CoverageRule(
            minimum=0.5,
            counted=gettext_noop("%(counted)s/%(expected)s outlets in operation surveyed"),
            shortfall=gettext_noop(
                "Not enough data: %(counted)s/%(expected)s outlets in operation surveyed."
            ),
            description=gettext_lazy(
                "The share is given when at least half of the outlets in operation were "
                "surveyed in the year."
            ),
        ),
    )
)


def retail_biodegradable_bags_share(year: int, since: int) -> list[Computed]:
    from benvung.directory.models import RetailOutlet

    outlets = _outlets(year, BAG_TYPES)
    surveys = _surveys(year, [o.pk for o in outlets])
    labels = dict(RetailOutlet.OutletType.choices)

    def mean(kind: str, key: str, label: str, chosen: list[Any]) -> Computed:
        known = [
            (o, surveys[o.pk])
            for o in chosen
            if o.pk in surveys and surveys[o.pk].biodegradable_bag_share is not None
        ]
        total = sum((s.biodegradable_bag_share for _o, s in known), Decimal(0))
        notes = [
            note(
                gettext_noop("Average of %(count)s outlets that reported the share of their bags."),
                {"count": len(known)},
            )
        ]
        # As for the packaging share: a mean of fewer than half of the outlets is not given.
        return Computed(
            scope_kind=kind,
            scope_key=key,
            scope_label=label,
            value=_dec(float(total) / len(known)) if known else None,
            numerator=total,
            denominator=Decimal(len(known)),
            notes=notes,
            inputs=[_survey_record(s, o) for o, s in known],
            coverage=Coverage(len(known), len(chosen)),
        )

    out = [
        mean(
            "province",
            "",
            gettext_noop("Supermarkets, trade centres and convenience stores"),
            outlets,
        )
    ]
    for outlet_type in BAG_TYPES:
        chosen = [o for o in outlets if o.outlet_type == outlet_type]
        if chosen:
            out.append(mean("outlet_type", outlet_type, _msgid(labels[outlet_type]), chosen))
    return out


register(
    Definition(
        code="retail_biodegradable_bags_share",
        name=gettext_lazy(
            "Biodegradable bags in supermarkets, trade centres and convenience stores"
        ),
        unit="%",
        description=gettext_lazy(
            "Average share of biodegradable bags among the bags handed out by the supermarkets, "
            "trade centres and convenience stores surveyed in the year."
        ),
        method=gettext_lazy(
            "Unweighted mean of the shares the surveyed outlets reported (outlets that did not "
            "report a share are left out). The baseline is the first year surveyed."
        ),
        sources=(gettext_lazy("Yearly packaging survey of retail outlets"),),
        compute=retail_biodegradable_bags_share,
        inputs=("retail.packagingsurvey", "directory.retailoutlet"),
        breakdowns=(("outlet_type", gettext_lazy("By type of outlet")),),
        baseline=FIRST_VALUE,
        # Content areas: sustainable distribution (5).
        content_areas=(5,),
        coverage_rule=CoverageRule(
            minimum=0.5,
            counted=gettext_noop("%(counted)s/%(expected)s outlets reported their bags"),
            shortfall=gettext_noop(
                "Not enough data: %(counted)s/%(expected)s outlets reported their bags."
            ),
            description=gettext_lazy(
                "The mean is given when at least half of the outlets in operation reported "
                "the share of their bags."
            ),
        ),
    )
)


# --- 6. SCP in education (T6, qualitative) -----------------------------------------------------

EDUCATION_CONTENT_AREA = (
    9  # "Nâng cao năng lực, tăng cường giáo dục và thực hành lối sống bền vững"
)


def scp_in_education(year: int, since: int) -> list[Computed]:
    activities = list(
        _activities(since, year)
        .filter(topics__number=EDUCATION_CONTENT_AREA)
        .distinct()
        .order_by("start_date")
    )
    return [
        Computed(
            scope_kind="province",
            scope_key="",
            scope_label=gettext_noop("Province"),
            value=Decimal(len(activities)),
            notes=[
                note(
                    gettext_noop(
                        "A qualitative target: the number of outreach and training activities "
                        "on education and sustainable lifestyles is shown as evidence; the "
                        "status is the coordinator's assessment."
                    )
                )
            ],
            inputs=[
                _record(
                    "outreach.outreachactivity",
                    a.pk,
                    f"{a.title} ({a.start_date:%d/%m/%Y})",
                    "outreach:activity_detail",
                )
                for a in activities
            ],
            coverage=_agency_coverage(year),
        )
    ]


register(
    Definition(
        code="scp_in_education",
        name=gettext_lazy("Sustainable production and consumption in education and training"),
        unit=gettext_lazy("activities"),
        description=gettext_lazy(
            "Activities integrating sustainable production and consumption into teaching and "
            "training, since the plan began."
        ),
        method=gettext_lazy(
            "Cumulative count of outreach activities on the plan's content area 9 (capacity, "
            "education and sustainable lifestyles). The target has no number: its status is "
            "insufficient data until the coordinator records an assessment with its reason."
        ),
        sources=(gettext_lazy("Outreach activities recorded by the agencies"),),
        compute=scp_in_education,
        inputs=("outreach.outreachactivity", "outreach.outreachactivity_topics", *AGENCY_INPUTS),
        is_share=False,
        qualitative=True,
        # Content areas: education and capacity (9).
        content_areas=(9,),
        coverage_rule=AGENCY_RULE,
    )
)
