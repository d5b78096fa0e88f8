"""The indicators measured from the yearly packaging survey of retail outlets (definitions in
docs/indicators.md): eco-friendly packaging (T5) and biodegradable bags.

Registered from `hooks.py` into `benvung.indicators.registry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy, gettext_noop

from benvung.directory.models import RetailOutlet
from benvung.indicators.calculations import share
from benvung.indicators.measures import dec, msgid, record, year_end
from benvung.indicators.registry import (
    FIRST_VALUE,
    Computed,
    Coverage,
    CoverageRule,
    Definition,
    note,
)

from .models import PackagingSurvey

SURVEYED_TYPES = ("supermarket", "trade_centre")
BAG_TYPES = ("supermarket", "trade_centre", "convenience_store")


def _outlets(year: int, types: tuple[str, ...]) -> list[Any]:
    start, end = dt.date(year, 1, 1), year_end(year)
    return list(
        RetailOutlet.objects.filter(outlet_type__in=types)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("name")
    )


def _surveys(year: int, outlet_ids: Iterable[int]) -> dict[int, Any]:
    return {
        s.outlet_id: s
        for s in PackagingSurvey.objects.filter(year=year, outlet_id__in=list(outlet_ids))
    }


def _survey_record(survey: Any, outlet: Any) -> dict[str, Any]:
    return record(
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
            value=dec(share(len(yes), len(answered))),
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
            out.append(rate("outlet_type", outlet_type, msgid(labels[outlet_type]), chosen))
    return out


ECOPACKAGING_SHARE = Definition(
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


def retail_biodegradable_bags_share(year: int, since: int) -> list[Computed]:
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
            value=dec(float(total) / len(known)) if known else None,
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
            out.append(mean("outlet_type", outlet_type, msgid(labels[outlet_type]), chosen))
    return out


BIODEGRADABLE_BAGS_SHARE = Definition(
    code="retail_biodegradable_bags_share",
    name=gettext_lazy("Biodegradable bags in supermarkets, trade centres and convenience stores"),
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


DEFINITIONS = (ECOPACKAGING_SHARE, BIODEGRADABLE_BAGS_SHARE)
