"""The indicators measured from what the agencies recorded of outreach and models (definitions
in docs/indicators.md): areas reached (T2), SCP models (T3), district-level units reached (T4)
and SCP in education (T6).

Each function takes the year and the first year of the plan (outreach and models are counted
from it). Registered from `hooks.py` into `benvung.indicators.registry`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from benvung.directory.models import AdministrativeUnit as Unit
from benvung.directory.models import AdministrativeUnitSuccession as Link
from benvung.directory.models import Agency, IndustrialArea
from benvung.indicators.calculations import share
from benvung.indicators.measures import (
    AGENCY_INPUTS,
    AGENCY_RULE,
    agency_coverage,
    dec,
    msgid,
    record,
    year_end,
)
from benvung.indicators.registry import Computed, Coverage, Definition, note
from benvung.plans.models import Task

from .models import OutreachActivity, SCPModel

# The province the plan's district target was set on, in the pre-2025 map (GSO code).
DONG_NAI_PRE2025 = "75"
DONG_NAI_2025 = "75"

REACHED_KINDS = ("industrial_park", "industrial_cluster", "craft_village")


def _activities(since: int, year: int) -> Any:
    """The outreach activities that began from the plan's first year to the end of `year`."""
    return OutreachActivity.objects.filter(
        start_date__gte=dt.date(since, 1, 1), start_date__lte=year_end(year)
    )


# --- 2. Industrial parks, clusters and craft villages reached (T2) ----------------------------


def outreach_industrial_areas_share(year: int, since: int) -> list[Computed]:
    areas = list(
        IndustrialArea.objects.valid_on(year_end(year))
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
            record(
                "outreach.outreachactivity",
                activity_id,
                f"{title} ({start:%d/%m/%Y})",
                "outreach:activity_detail",
            )
        )
    out: list[Computed] = []
    coverage = agency_coverage(year)

    def rate(kind: str, key: str, label: str, chosen: list[Any]) -> Computed:
        hit = [a for a in chosen if a.pk in reached]
        inputs = [
            record("directory.industrialarea", a.pk, str(a), reached=bool(reached.get(a.pk)))
            for a in chosen
        ]
        return Computed(
            scope_kind=kind,
            scope_key=key,
            scope_label=label,
            value=dec(share(len(hit), len(chosen))),
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
            out.append(rate("area_kind", kind, msgid(labels[kind]), chosen))
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


AREAS_REACHED = Definition(
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


# --- 3. SCP models (T3 and the appendix's 1-10 enterprise models per period) -----------------


def scp_models_count(year: int, since: int) -> list[Computed]:
    models = list(
        SCPModel.objects.filter(state=SCPModel.State.VERIFIED, year__gte=since, year__lte=year)
        .select_related("organisation")
        .order_by("year", "title")
    )

    def inputs(chosen: Iterable[Any]) -> list[dict[str, Any]]:
        return [
            record(
                "outreach.scpmodel",
                m.pk,
                f"{m.title} – {m.organisation.name} ({m.year})",
                "outreach:scp_model_detail",
            )
            for m in chosen
        ]

    coverage = agency_coverage(year)
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
                scope_label=msgid(labels.get(kind, kind)),
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


SCP_MODELS = Definition(
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


# --- 4. District-level units organising campaigns (T4) -----------------------------------------


def _district_map() -> tuple[list[Any], dict[int, set[int]], list[Any], dict[int, set[int]]]:
    """The old map's districts of Đồng Nai and the new map's communes, with, for every unit id,
    the old districts and the new communes it stands for (through the successor links)."""
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
    districts, old_district, communes, new_commune = _district_map()
    governed = dict(
        Agency.objects.filter(governed_unit__isnull=False).values_list("pk", "governed_unit_id")
    )
    hits_old: dict[int, list[dict[str, Any]]] = defaultdict(list)
    hits_new: dict[int, list[dict[str, Any]]] = defaultdict(list)
    activities = _activities(since, year).prefetch_related("administrative_units")
    for activity in activities:
        reached = record(
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
            hits_old[d].append(reached)
        for c in new:
            hits_new[c].append(reached)
    coverage = agency_coverage(year)
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
            value=dec(share(len(reached), len(units))),
            numerator=Decimal(len(reached)),
            denominator=Decimal(len(units)),
            notes=[note(message, {"hit": len(reached), "all": len(units), "since": since})],
            inputs=[
                record("directory.administrativeunit", u.pk, u.name, reached=u.pk in hits)
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


DISTRICTS_REACHED = Definition(
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
                record(
                    "outreach.outreachactivity",
                    a.pk,
                    f"{a.title} ({a.start_date:%d/%m/%Y})",
                    "outreach:activity_detail",
                )
                for a in activities
            ],
            coverage=agency_coverage(year),
        )
    ]


SCP_IN_EDUCATION = Definition(
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

DEFINITIONS = (AREAS_REACHED, SCP_MODELS, DISTRICTS_REACHED, SCP_IN_EDUCATION)
