"""Figures of a year from stored data, checked against hand calculations written out here."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from benvung.conftest import make_enterprise, make_site
from benvung.resources import calculations as calc
from benvung.resources import efficiency, services

pytestmark = pytest.mark.django_db

# A brewery of 150 million litres a year (the top band of TT 19/2016: 129 MJ/hl in 2021-2025).
#   2021: 100,000 hl; 2,500,000 kWh = 9,000 GJ; 70 t fuel oil × 40.4 GJ/t (IPCC NCV) = 2,828 GJ
#         → 11,828 GJ, SEC = 11,828,000 MJ / 100,000 hl = 118.28 MJ/hl
#   2023: 110,000 hl; 2,600,000 kWh = 9,360 GJ; 65 t fuel oil = 2,626 GJ
#         → 11,986 GJ, SEC = 108.9636... MJ/hl
#   improvement = 1 − 108.96364 / 118.28 = 7.87653 %
#   adjusted baseline = 0.11828 GJ/hl × 110,000 hl = 13,010.8 GJ; saved 1,024.8 GJ
BREWERY_2021 = 11_828.0
BREWERY_2023 = 11_986.0


def _brewery_year(year, hl, kwh, fo_t):
    return {
        "outputs": [
            {
                "product": "Bia lon",
                "category": "beer",
                "quantity": hl,
                "unit": "hl",
                "capacity": 150_000_000,
            },
        ],
        "energy": [
            {"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"},
            {"carrier": "fuel_oil", "quantity": fo_t, "unit": "t"},
        ],
        "materials": [
            {"product": "Bia lon", "material": "Malt", "quantity": hl * 0.016, "unit": "t"},
            {"material": "Nước", "quantity": hl * 0.5, "unit": "m3"},
        ],
    }


def _submitted(actor, site, year, **data):
    """Saved and submitted: the figures count submitted site years only."""
    site_year = services.site_year_save(actor=actor, site=site, year=year, **data)
    return services.site_year_submit(actor=actor, site_year=site_year)


@pytest.fixture
def brewery(coordinator):
    enterprise = make_enterprise("Công ty Bia Thử nghiệm", "312345678", sector_code="1103")
    site = make_site(enterprise, "Nhà máy bia Long Thành")
    _submitted(coordinator, site, 2021, **_brewery_year(2021, 100_000, 2_500_000, 70))
    _submitted(coordinator, site, 2023, **_brewery_year(2023, 110_000, 2_600_000, 65))
    return site


def test_a_brewerys_sec_norm_and_ratio_improvement(brewery):
    result = efficiency.compute(2023)
    [beer] = [p for p in result.products if p.site.site_id == brewery.pk]
    assert beer.energy.gj == pytest.approx(BREWERY_2023)
    assert beer.energy.toe == pytest.approx(2_600_000 * 0.0001543 + 65 * 0.99)
    assert beer.sec == pytest.approx(BREWERY_2023 * 1000 / 110_000)  # 108.96 MJ/hl
    assert beer.sec_baseline == pytest.approx(BREWERY_2021 * 1000 / 100_000)  # 118.28 MJ/hl
    assert beer.method == efficiency.RATIO
    assert beer.improvement == pytest.approx(
        1 - (BREWERY_2023 / 110_000) / (BREWERY_2021 / 100_000)
    )
    assert beer.improvement == pytest.approx(0.0787653, abs=1e-7)
    assert beer.norm.instrument == "19/2016/TT-BCT" and beer.norm_value == 129
    assert beer.above_norm is False
    assert beer.energy.unconfirmed  # the IPCC value for fuel oil is not yet verified
    assert beer.baseline == calc.BaselineChoice(2021, 2021, False)
    # Materials: 0.016 t of malt per hl both years, so no change.
    assert beer.materials_per_unit == {"Malt": pytest.approx(0.016)}


def test_the_sector_and_province_roll_up_with_status_and_coverage(brewery):
    result = efficiency.compute(2023)
    beverages = next(s for s in result.sectors if s.key == "beer_beverages")
    assert beverages.energy.adjusted_baseline == pytest.approx(0.11828 * 110_000)
    assert beverages.energy.saved == pytest.approx(0.11828 * 110_000 - BREWERY_2023)
    assert beverages.energy.improvement == pytest.approx(0.0787653, abs=1e-7)
    assert beverages.band == (0.05, 0.08) and beverages.milestone_year == 2025
    # 2023 on the path from 0 % (2021) to 5 % (2025) expects 2.5 %; 7.9 % is already in the band.
    assert beverages.expected == pytest.approx(0.025)
    assert beverages.status == calc.ACHIEVED
    assert beverages.enterprises == 1 and beverages.energy_share == pytest.approx(1)
    assert beverages.output_shares == {"beer": pytest.approx(1)}
    assert beverages.materials.improvement == pytest.approx(0)
    steel = next(s for s in result.sectors if s.key == "steel")
    assert steel.status == calc.INSUFFICIENT and steel.energy.improvement is None


def test_from_2025_the_new_circular_has_no_transcribed_value_so_no_norm_is_known(
    brewery, coordinator
):
    _submitted(coordinator, brewery, 2025, **_brewery_year(2025, 120_000, 2_700_000, 60))
    [beer] = [p for p in efficiency.compute(2025).products if p.site.site_id == brewery.pk]
    assert beer.norm.instrument == "28/2024/TT-BCT" and beer.norm_value is None
    assert beer.above_norm is None


def test_a_site_without_baseline_data_uses_its_first_year_and_says_so(coordinator):
    site = make_site(make_enterprise("Công ty Giấy Thử", "398765432", sector_code="1701"))
    for year, tonnes, kwh in ((2022, 8_000, 4_000_000), (2024, 9_000, 4_200_000)):
        _submitted(
            coordinator,
            site,
            year,
            outputs=[
                {
                    "product": "Giấy bao bì",
                    "category": "packaging-paper",
                    "quantity": tonnes,
                    "unit": "t",
                    "capacity": 9_500,
                }
            ],
            energy=[{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
        )
    [paper] = efficiency.compute(2024).products
    assert paper.baseline == calc.BaselineChoice(2022, 2021, True)
    # 4,200,000 kWh × 3.6 MJ / 9,000 t = 1,680 MJ/t; 2022: 14,400,000 / 8,000 = 1,800 MJ/t.
    assert paper.sec == pytest.approx(1_680) and paper.sec_baseline == pytest.approx(1_800)
    assert paper.improvement == pytest.approx(1 - 1_680 / 1_800)
    assert paper.norm_value == 5_482  # below 10,000 t/year, 2021-2025 (TT 24/2017)


def test_monthly_data_are_normalised_for_output(coordinator):
    # Energy = 500 + 2 × output in 2021; in 2023 output is lower and the plant 5 % better.
    site = make_site(make_enterprise("Công ty Thủy sản Thử", "376543210", sector_code="1020"))
    base_output = [150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250, 200]
    base_kwh = [(500 + 2 * t + (5 if i % 2 else -5)) / 0.0036 for i, t in enumerate(base_output)]

    def rows(outputs, kwhs):
        return {
            "outputs": [
                {"product": "Tôm", "category": "shrimp", "quantity": t, "unit": "t", "month": m}
                for m, t in enumerate(outputs, start=1)
            ],
            "energy": [
                {"carrier": "grid_electricity", "quantity": round(k, 4), "unit": "kWh", "month": m}
                for m, k in enumerate(kwhs, start=1)
            ],
        }

    _submitted(coordinator, site, 2021, **rows(base_output, base_kwh))
    model = calc.fit(
        [calc.Month(k * 0.0036, {"Tôm": t}) for k, t in zip(base_kwh, base_output, strict=True)],
        ["Tôm"],
    )
    predicted_gj = model.predict({"Tôm": 160})
    _submitted(coordinator, site, 2023, **rows([160] * 12, [0.95 * predicted_gj / 0.0036] * 12))
    [shrimp] = efficiency.compute(2023).products
    assert shrimp.method == efficiency.NORMALISED
    assert shrimp.improvement == pytest.approx(0.05, abs=1e-6)


def test_bad_rows_are_all_reported_and_nothing_is_saved(brewery, coordinator):
    before = brewery.resource_years.get(year=2023).outputs.count()
    with pytest.raises(ValidationError) as excinfo:
        services.site_year_save(
            actor=coordinator,
            site=brewery,
            year=2023,
            outputs=[{"product": "Bia", "category": "beer", "quantity": "nhiều", "unit": "t"}],
            energy=[
                {"carrier": "than-lau", "quantity": 5, "unit": "t"},
                {"carrier": "diesel", "quantity": -3, "unit": "thùng"},
            ],
        )
    messages = excinfo.value.messages
    assert any("dòng 1" in m and "nhiều" in m for m in messages)
    assert any("than-lau" in m for m in messages)
    assert any("dòng 2" in m and "thùng" in m for m in messages)
    assert brewery.resource_years.get(year=2023).outputs.count() == before


def test_another_enterprise_cannot_write_this_sites_data(brewery, enterprise_b_user):
    with pytest.raises(PermissionDenied):
        services.site_year_save(actor=enterprise_b_user, site=brewery, year=2024)


def test_the_efficiency_command_prints_json(brewery):
    out = StringIO()
    call_command("efficiency", "--year", "2023", "--json", stdout=out)
    data = json.loads(out.getvalue())
    [beer] = [p for p in data["products"] if p["site"] == "Nhà máy bia Long Thành"]
    assert beer["sec_unit"] == "MJ/hl" and beer["method"] == "ratio"
    assert beer["improvement"] == pytest.approx(0.0787653, abs=1e-6)  # rounded to 6 places
    assert beer["norm"] == {"instrument": "19/2016/TT-BCT", "value": 129.0, "status": "verified"}
    sector = next(s for s in data["sectors"] if s["key"] == "beer_beverages")
    assert sector["status"] == "achieved" and sector["target_band"] == [0.05, 0.08]


def test_site_years_are_read_by_their_enterprise_and_the_coordinator_only(
    brewery, coordinator, enterprise_b_user
):
    from benvung.conftest import make_user
    from benvung.resources import selectors

    own = make_user(brewery.enterprise, "enterprise_user", "bia@test.example")
    assert selectors.site_year_list(viewer=own).count() == 2
    assert selectors.site_year_list(viewer=coordinator).filter(site=brewery).count() == 2
    assert not selectors.site_year_list(viewer=enterprise_b_user).filter(site=brewery).exists()


def test_loading_the_reference_again_changes_nothing():
    from benvung.resources.loaders import load_resource_reference

    reports = load_resource_reference()
    assert [r.created + r.updated for r in reports] == [0, 0, 0, 0]
    assert [r.unchanged for r in reports] == [13, 18, 27, 53]


# --- Data quality: flags, confirmation, submission -------------------------------------------


def test_a_big_jump_is_flagged_and_must_be_confirmed_or_corrected_before_submitting(
    brewery, coordinator
):
    from benvung.resources.models import SiteYear

    # 2024: the same beer with three times the electricity (a meter read in Wh, say).
    services.site_year_save(
        actor=coordinator, site=brewery, year=2024, **_brewery_year(2024, 110_000, 7_800_000, 65)
    )
    site_year = SiteYear.objects.get(site=brewery, year=2024)
    flags = services.open_flags(site_year)
    assert [f.code for f in flags] == ["year_change:Bia lon"]
    with pytest.raises(ValidationError):
        services.site_year_submit(actor=coordinator, site_year=site_year)
    with pytest.raises(ValidationError):
        services.quality_confirm(
            actor=coordinator, site_year=site_year, code="year_change:Bia lon", note=" "
        )
    services.quality_confirm(
        actor=coordinator,
        site_year=site_year,
        code="year_change:Bia lon",
        note="Lắp thêm dây chuyền lạnh.",
    )
    submitted = services.site_year_submit(actor=coordinator, site_year=site_year)
    assert submitted.state == "submitted"
    # A correction is a new version: back to draft, and checked afresh (now nothing to flag).
    services.site_year_save(
        actor=coordinator, site=brewery, year=2024, **_brewery_year(2024, 110_000, 2_600_000, 65)
    )
    site_year.refresh_from_db()
    assert site_year.state == "draft" and services.open_flags(site_year) == []


def test_a_figure_far_from_the_peers_is_flagged_and_peers_stay_anonymous(coordinator):
    # Six paper mills of 1,700-1,900 MJ/t submitted; a seventh enters 9,000 MJ/t as a draft.
    sites = []
    for i, mj_per_t in enumerate([1_700, 1_750, 1_800, 1_850, 1_900, 1_800, 9_000]):
        site = make_site(make_enterprise(f"Công ty Giấy {i}", f"30000{i:04d}", sector_code="1701"))
        data = {
            "outputs": [
                {"product": "Giấy", "category": "packaging-paper", "quantity": 1_000, "unit": "t"}
            ],
            "energy": [{"carrier": "steam", "quantity": mj_per_t, "unit": "GJ"}],
        }
        if mj_per_t < 9_000:
            _submitted(coordinator, site, 2024, **data)
        else:
            draft = services.site_year_save(actor=coordinator, site=site, year=2024, **data)
        sites.append(site)
    # The draft is checked against the submitted peers (as the enterprise sees it before
    # submitting), and refused until corrected or explained.
    assert [f.code for f in services.open_flags(draft)] == ["peer:Giấy"]
    with pytest.raises(ValidationError):
        services.site_year_submit(actor=coordinator, site_year=draft)
    result = efficiency.compute(2024, drafts=frozenset([sites[-1].pk]))
    by_site = {p.site.site_id: p for p in result.products}
    outlier = by_site[sites[-1].pk]
    assert [f.code for f in outlier.flags] == ["peer:Giấy"]
    # The public figures never see it.
    assert sites[-1].pk not in {p.site.site_id for p in efficiency.compute(2024).products}
    assert outlier.peer.count == 7 and outlier.peer.percentile == pytest.approx(100 * 6.5 / 7)
    assert by_site[sites[0].pk].flags == []
    # What an enterprise is shown of its peers: counts and quartiles, no names.
    assert set(vars(outlier.peer)) == {"percentile", "count", "lower", "p25", "median", "p75"}


def test_the_baseline_year_is_a_setting_of_the_target(brewery):
    from benvung.plans.models import Target

    assert efficiency.baseline_for(2023) == 2021  # the plan file's setting
    Target.objects.filter(code="T1-2025").update(baseline_year=2022)
    # No 2022 data: the brewery counts from its first year after the setting, 2023 itself.
    result = efficiency.compute(2023)
    assert result.baseline_setting == 2022
    [beer] = [p for p in result.products if p.site.site_id == brewery.pk]
    assert beer.baseline == calc.BaselineChoice(2023, 2022, True) and beer.improvement is None


def test_oversized_numbers_long_names_nan_and_repeated_drivers_are_row_errors(brewery, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.site_year_save(
            actor=coordinator,
            site=brewery,
            year=2024,
            outputs=[{"product": "B" * 201, "category": "beer", "quantity": "1e16", "unit": "hl"}],
            drivers=[
                {"name": "Nhiệt độ", "month": 1, "value": "NaN"},
                {"name": "Nhiệt độ", "month": 1, "value": -2},
                {"name": "Nhiệt độ", "month": 2, "value": -3.5},
            ],
        )
    messages = excinfo.value.messages
    assert any("dòng 1, sản phẩm" in m and "200" in m for m in messages)
    assert any("dòng 1, số lượng" in m and "quá lớn" in m for m in messages)
    assert any("Yếu tố ảnh hưởng đến năng lượng, dòng 1, giá trị" in m for m in messages)
    assert any("dòng 2, tháng" in m and "dòng 1" in m for m in messages)
    assert not any("dòng 3" in m for m in messages)  # a negative temperature is fine


# --- Corrections of reference values ---------------------------------------------------------


def test_a_corrected_factor_applies_from_its_date_and_the_old_one_stays(brewery, coordinator):
    import datetime as dt
    from decimal import Decimal

    from benvung.resources.models import ConversionFactor

    old = ConversionFactor.objects.get(carrier__key="fuel_oil", target="GJ")
    new = services.reference_correct(
        actor=coordinator,
        row=old,
        value=Decimal("41.0"),
        valid_from=dt.date(2023, 1, 1),
        instrument="IPCC 2006",
        source="IPCC 2006 Vol. 2 Table 1.2 (bản gốc)",
        status="verified",
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2022, 12, 31) and old.value == Decimal("40.4")
    assert new.value == Decimal("41.0") and new.source_status == "verified"
    result = efficiency.compute(2023)
    [beer] = [p for p in result.products if p.site.site_id == brewery.pk]
    # 2023 uses 41.0 GJ/t: 9,360 + 65 × 41.0 = 12,025 GJ; 2021 keeps 40.4: 11,828 GJ.
    assert beer.energy.gj == pytest.approx(9_360 + 65 * 41.0)
    assert beer.sec_baseline == pytest.approx(BREWERY_2021 * 1000 / 100_000)
    assert not beer.energy.unconfirmed


def test_only_coordinators_correct_reference_values_and_bad_corrections_are_refused(
    coordinator, enterprise_b_user
):
    import datetime as dt

    from benvung.resources.models import ConversionFactor

    row = ConversionFactor.objects.get(carrier__key="grid_electricity", target="toe")
    with pytest.raises(PermissionDenied):
        services.reference_correct(
            actor=enterprise_b_user,
            row=row,
            value=1,
            valid_from=dt.date(2026, 1, 1),
            instrument="x",
            source="x",
            status="verified",
        )
    with pytest.raises(ValidationError) as excinfo:
        services.reference_correct(
            actor=coordinator,
            row=row,
            value=0,
            valid_from=dt.date(2010, 1, 1),
            instrument="x",
            source="",
            status="maybe",
        )
    assert set(excinfo.value.message_dict) == {"value", "valid_from", "source", "status"}
