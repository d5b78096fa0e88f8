"""Each indicator computed from records made here, against counts worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from benvung.directory.models import (
    AdministrativeUnit,
    AdministrativeUnitSuccession,
    Agency,
    IndustrialArea,
    RetailOutlet,
)
from benvung.indicators import registry, services
from benvung.indicators.models import IndicatorResult
from benvung.outreach.models import SCPModel
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db


def result(code: str, year: int, kind: str = "province", key: str = "") -> IndicatorResult:
    return IndicatorResult.objects.get(indicator=code, year=year, scope_kind=kind, scope_key=key)


# --- Parks, clusters and craft villages ---------------------------------------------------------


def test_areas_reached_are_counted_from_the_plan_start_and_stay_reached(make_activity: Any) -> None:
    # The reference directory holds 46 parks and clusters (fixtures/industrial-parks-seed.csv)
    # and no craft village.
    assert IndustrialArea.objects.filter(is_demo=False).count() == 46
    park, cluster = (
        IndustrialArea.objects.filter(kind="industrial_park").first(),
        IndustrialArea.objects.filter(kind="industrial_cluster").first(),
    )
    make_activity(dt.date(2021, 6, 1), areas=[cluster])  # before the plan: not counted
    make_activity(dt.date(2023, 3, 8), areas=[park])
    make_activity(dt.date(2024, 9, 2), areas=[park, cluster])
    services.recompute("outreach_industrial_areas_share")
    y2023 = result("outreach_industrial_areas_share", 2023)
    assert (y2023.numerator, y2023.denominator) == (1, 46)
    assert y2023.value == Decimal("2.173913")  # 1 / 46
    y2024 = result("outreach_industrial_areas_share", 2024)
    assert y2024.numerator == 2
    assert y2024.value == Decimal("4.347826")  # 2 / 46
    assert result("outreach_industrial_areas_share", 2022).numerator == 0
    # Breakdowns: the park is reached (with the two activities behind it), by kind too.
    area = result("outreach_industrial_areas_share", 2024, "area", str(park.pk))
    assert area.value == 1
    assert len(area.inputs) == 2
    parks = result("outreach_industrial_areas_share", 2024, "area_kind", "industrial_park")
    assert parks.numerator == 1


# --- District-level units -----------------------------------------------------------------------


def _old_district(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(edition="pre2025", level="district", code=code)


def test_districts_are_counted_on_the_old_map_through_communes_committees_and_successors(
    make_activity: Any,
) -> None:
    districts = AdministrativeUnit.objects.filter(
        edition="pre2025", level="district", parent__code="75"
    )
    assert districts.count() == 11  # Đồng Nai before 01/07/2025: 2 cities and 9 districts
    # 1. An event in an old commune counts for its district.
    link = AdministrativeUnitSuccession.objects.filter(
        predecessor__level="commune",
        predecessor__parent__parent__code="75",
        successor__parent__code="75",
    ).first()
    assert link is not None
    old_commune, new_commune = link.predecessor, link.successor
    make_activity(dt.date(2023, 4, 1), units=[old_commune])
    # 2. An event organised by a district's people's committee counts for that district.
    committee = Agency.objects.get(key="ubnd-huyen-740")  # Long Thành
    make_activity(dt.date(2024, 5, 1), organiser=committee)
    # 3. After the reorganisation, an event in a new commune counts for the old district its
    #    communes came from.
    third = (
        AdministrativeUnitSuccession.objects.filter(
            successor__parent__code="75", predecessor__parent__parent__code="75"
        )
        .exclude(predecessor__parent__code__in=[old_commune.parent.code, "740"])
        .first()
    )
    assert third is not None
    make_activity(dt.date(2025, 9, 1), units=[third.successor])
    services.recompute("district_campaign_share")
    y2024 = result("district_campaign_share", 2024)
    expected_2024 = {old_commune.parent.code, "740"}
    assert y2024.numerator == len(expected_2024)
    assert y2024.denominator == 11
    y2025 = result("district_campaign_share", 2025)
    assert y2025.numerator >= len(expected_2024) + 1
    assert (
        result(
            "district_campaign_share", 2025, "district_2020", third.predecessor.parent.code
        ).value
        == 1
    )
    assert result("district_campaign_share", 2024, "district_2020", "740").value == 1
    # The same measure on today's map: the old commune is carried to its new commune.
    assert result("district_campaign_share", 2023, "commune_2025", new_commune.code).value == 1
    today = result("district_campaign_share", 2025, "current_map")
    assert today.denominator == 95


# --- SCP models ----------------------------------------------------------------------------------


def test_only_verified_models_from_the_plan_start_are_counted(doit: Any, enterprise_a: Any) -> None:
    def model(year: int, state: str, kind: str = "cleaner_production") -> SCPModel:
        return SCPModel.objects.create(
            owner=doit,
            organisation=enterprise_a,
            kind=kind,
            title=f"Mô hình {year} {state}",
            year=year,
            state=state,
        )

    model(2021, "verified")  # before the plan
    model(2022, "verified")
    model(2023, "verified", "circular_economy")
    model(2023, "proposed")
    model(2024, "rejected")
    model(2026, "verified")
    services.recompute("scp_models_count")
    assert result("scp_models_count", 2023).value == 2
    assert result("scp_models_count", 2025).value == 2
    assert result("scp_models_count", 2026).value == 3
    assert result("scp_models_count", 2023, "model_kind", "circular_economy").value == 1
    # The appendix's periods: 2 enterprise models in 2022-2025, 1 so far in 2026-2030.
    assert result("scp_models_count", 2026, "task_period", "2022-2025").value == 2
    assert result("scp_models_count", 2026, "task_period", "2026-2030").value == 1


# --- Retail packaging -----------------------------------------------------------------------------


def test_the_retail_share_counts_yes_among_surveyed_supermarkets_and_trade_centres(
    doit: Any,
) -> None:
    def outlet(name: str, kind: str) -> RetailOutlet:
        return RetailOutlet.objects.create(name=name, outlet_type=kind)

    answers = [
        (outlet("ST Một", "supermarket"), "yes", "80"),
        (outlet("ST Hai", "supermarket"), "yes", "60"),
        (outlet("TTTM Ba", "trade_centre"), "partly", None),
        (outlet("TTTM Bốn", "trade_centre"), "no", "10"),
        (outlet("CHTL Năm", "convenience_store"), "no", "30"),
    ]
    outlet("ST Sáu (chưa khảo sát)", "supermarket")
    for shop, answer, bags in answers:
        PackagingSurvey.objects.create(
            outlet=shop,
            year=2024,
            eco_packaging=answer,
            owner=doit,
            biodegradable_bag_share=None if bags is None else Decimal(bags),
        )
    services.recompute("retail_ecopackaging_share", 2024)
    services.recompute("retail_biodegradable_bags_share", 2024)
    share = result("retail_ecopackaging_share", 2024)
    # 2 "yes" of the 4 supermarkets and trade centres surveyed (the convenience store is not
    # in the target; the sixth outlet was not surveyed): 50 %.
    assert (share.numerator, share.denominator, share.value) == (2, 4, Decimal("50.000000"))
    assert result("retail_ecopackaging_share", 2024, "outlet_type", "trade_centre").value == 0
    bags = result("retail_biodegradable_bags_share", 2024)
    # (80 + 60 + 10 + 30) / 4 outlets that gave a share = 45 %.
    assert bags.value == Decimal("45.000000")
    assert bags.denominator == 4


def test_every_input_a_definition_names_is_a_model_whose_changes_are_watched() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    from benvung.indicators import registry

    models = {
        f"{m._meta.app_label}.{m._meta.model_name}": m
        for m in apps.get_models(include_auto_created=True)
    }
    for definition in registry.all_definitions():
        for label in definition.inputs:
            assert label in models, f"{definition.code}: {label} is not a model"
            if not models[label]._meta.auto_created:
                assert post_save.has_listeners(models[label]), label


def test_a_share_of_fewer_than_half_of_the_outlets_is_not_given(doit: Any) -> None:
    shops = [
        RetailOutlet.objects.create(name=f"Siêu thị số {i}", outlet_type="supermarket")
        for i in range(3)
    ]
    PackagingSurvey.objects.create(
        outlet=shops[0],
        year=2026,
        eco_packaging="yes",
        owner=doit,
        biodegradable_bag_share=Decimal("95"),
    )
    services.recompute("retail_ecopackaging_share", 2026)
    services.recompute("retail_biodegradable_bags_share", 2026)
    # 1 of 3 surveyed: "100 %" would say nothing about the province. The numerator goes too:
    # with the denominator it would give the share away.
    row = result("retail_ecopackaging_share", 2026)
    assert row.value is None and (row.numerator, row.denominator) == (None, 1)
    assert row.coverage == {"counted": 1, "expected": 3, "minimum": 0.5, "met": False}
    with translation.override("vi"):
        assert registry.note_text(row.notes[0]) == (
            "Chưa đủ số liệu: 1/3 cơ sở bán lẻ đang hoạt động được khảo sát."
        )
    assert result("retail_biodegradable_bags_share", 2026).value is None
    PackagingSurvey.objects.create(outlet=shops[1], year=2026, eco_packaging="no", owner=doit)
    services.recompute("retail_ecopackaging_share", 2026)
    assert result("retail_ecopackaging_share", 2026).value == Decimal("50.000000")  # 1 of 2
