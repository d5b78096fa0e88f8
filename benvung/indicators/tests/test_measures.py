"""Each indicator computed from records made here, against counts worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from benvung.directory.models import (
    AdministrativeUnit,
    AdministrativeUnitSuccession,
    Agency,
    IndustrialArea,
)
from benvung.indicators import registry, services
from benvung.indicators.models import IndicatorResult
from benvung.outreach.models import SCPModel

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


def test_every_input_a_definition_names_is_a_model_whose_changes_are_watched() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    models = {
        f"{m._meta.app_label}.{m._meta.model_name}": m
        for m in apps.get_models(include_auto_created=True)
    }
    for definition in registry.all_definitions():
        for label in definition.inputs:
            assert label in models, f"{definition.code}: {label} is not a model"
            if not models[label]._meta.auto_created:
                assert post_save.has_listeners(models[label]), label
