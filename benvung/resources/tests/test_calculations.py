"""The formulas, checked against hand calculations written out here and published factors."""

import math

import pytest

from benvung.resources import calculations as calc
from benvung.resources.calculations import Factor, Month, Output

# The Ministry of Industry and Trade's TOE factors (letter 3505/BCT-KHCN, 2011, annex) and the
# IPCC 2006 net calorific value of gas/diesel oil (Vol. 2, Table 1.2: 43.0 TJ/Gg).
FACTORS = [
    Factor("diesel", "t", "toe", 1.02, "3505/BCT-KHCN"),
    Factor("diesel", "1000 l", "toe", 0.88, "3505/BCT-KHCN"),
    Factor("diesel", "t", "GJ", 43.0, "IPCC 2006", status="partial"),
    Factor("grid_electricity", "kWh", "toe", 0.0001543, "3505/BCT-KHCN"),
    Factor("fuel_oil", "t", "toe", 0.99, "3505/BCT-KHCN"),
]


def test_a_tonne_of_diesel_uses_the_ipcc_value_for_gj_and_the_ministry_factor_for_toe():
    energy = calc.energy_of("diesel", 2, "t", FACTORS)
    assert energy.gj == pytest.approx(2 * 43.0)  # 86 GJ
    assert energy.toe == pytest.approx(2 * 1.02)  # 2.04 TOE
    assert energy.unconfirmed  # the IPCC row is only partly verified


def test_litres_of_diesel_take_the_per_1000_litre_factor_and_derive_gj_from_toe():
    energy = calc.energy_of("diesel", 5_000, "l", FACTORS)
    assert energy.toe == pytest.approx(5 * 0.88)  # 4.4 TOE
    assert energy.gj == pytest.approx(4.4 * 41.868)  # 184.2192 GJ, derived, and said so
    assert any("41,868" in note for note in energy.notes)


def test_electricity_is_3_6_mj_per_kwh_and_counts_as_primary_energy_in_toe():
    energy = calc.energy_of("grid_electricity", 1_000_000, "kWh", FACTORS)
    assert energy.gj == pytest.approx(3_600)
    assert energy.toe == pytest.approx(154.3)


def test_purchased_steam_in_gj_needs_no_factor():
    energy = calc.energy_of("steam", 500, "GJ", FACTORS)
    assert energy.gj == 500 and energy.toe == pytest.approx(500 / 41.868)  # 11.9423 TOE


def test_a_carrier_without_a_factor_is_an_error_not_a_guess():
    with pytest.raises(calc.CalculationError):
        calc.energy_of("biomass", 10, "t", FACTORS)
    with pytest.raises(calc.CalculationError):
        calc.energy_of("diesel", 10, "m2", FACTORS)  # a unit that no factor converts from
    with pytest.raises(calc.CalculationError):
        calc.energy_of("diesel", -1, "t", FACTORS)


def test_sec_of_a_brewery_in_mj_per_hectolitre():
    # 2,500,000 kWh (9,000 GJ) and 70 t of fuel oil (70 × 0.99 × 41.868 = 2,901.45 GJ)
    # for 100,000 hl of beer: 11,901.45 GJ / 100,000 hl = 119.01 MJ/hl.
    energy = calc.energy_of("grid_electricity", 2_500_000, "kWh", FACTORS) + calc.energy_of(
        "fuel_oil", 70, "t", FACTORS
    )
    assert energy.gj == pytest.approx(9_000 + 70 * 0.99 * 41.868)
    assert calc.sec(energy.gj, 100_000, "hl", "MJ/hl") == pytest.approx(119.01452, rel=1e-6)
    # The same beer counted in litres gives the same figure.
    assert calc.sec(energy.gj, 10_000_000, "l", "MJ/hl") == pytest.approx(119.01452, rel=1e-6)


def test_sec_of_a_shrimp_plant_in_kwh_per_tonne():
    # 3,690,000 kWh for 1,800 t of shrimp-equivalent product = 2,050 kWh/t (the TT 52/2018 norm).
    gj = calc.energy_of("grid_electricity", 3_690_000, "kWh", FACTORS).gj
    assert calc.sec(gj, 1_800, "t", "kWh/t") == pytest.approx(2_050)


def test_allocation_by_mass_value_and_submetering():
    outputs = [
        Output("a", "packaging paper", 600, "t", value_vnd=9e9),
        Output("b", "tissue paper", 400_000, "kg", value_vnd=1e9),
    ]
    assert calc.allocate(outputs, "mass").shares == pytest.approx({"a": 0.6, "b": 0.4})
    assert calc.allocate(outputs, "value").shares == pytest.approx({"a": 0.9, "b": 0.1})
    metered = calc.allocate(outputs, "submetering", {"a": 300.0, "b": 100.0})
    assert metered.shares == pytest.approx({"a": 0.75, "b": 0.25})
    assert calc.allocate(outputs[:1], "value").rule == "single"


def test_allocation_refuses_what_it_cannot_do():
    beer = [Output("a", "beer", 1000, "hl"), Output("b", "soft drinks", 500, "t")]
    with pytest.raises(calc.CalculationError, match="khối lượng"):
        calc.allocate(beer, "mass")
    with pytest.raises(calc.CalculationError):
        calc.allocate(beer, "value")  # no production values
    with pytest.raises(calc.CalculationError):
        calc.allocate(beer, "weather")


def test_the_baseline_is_the_setting_or_the_first_reported_year_flagged():
    assert calc.choose_baseline([2021, 2022], 2021) == calc.BaselineChoice(2021, 2021, False)
    assert calc.choose_baseline([2023, 2022, 2025], 2021) == calc.BaselineChoice(2022, 2021, True)
    assert calc.choose_baseline([2019, 2020], 2021) is None


def test_ratio_improvement():
    # SEC 140 MJ/hl in 2021, 130.2 MJ/hl in 2025: 1 − 130.2/140 = 7 %.
    assert calc.ratio_improvement(130.2, 140) == pytest.approx(0.07)


# --- The normalised method -------------------------------------------------------------------


def _ols(xs, ys):
    """Least squares by hand: slope = Sxy / Sxx, intercept = ȳ − slope · x̄."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sxy / sxx
    return my - slope * mx, slope


BASE_PRODUCTION = [150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250, 200]
# Energy = 500 + 2 × production, with a deterministic ±5 wobble (meter reading dates).
BASE_ENERGY = [500 + 2 * p + (5 if i % 2 else -5) for i, p in enumerate(BASE_PRODUCTION)]


def _months(energy, production):
    return [Month(e, {"production": p}) for e, p in zip(energy, production, strict=True)]


def test_the_regression_matches_least_squares_by_hand():
    model = calc.fit(_months(BASE_ENERGY, BASE_PRODUCTION), ["production"])
    intercept, slope = _ols(BASE_PRODUCTION, BASE_ENERGY)
    assert model.intercept == pytest.approx(intercept)
    assert model.coefficients["production"] == pytest.approx(slope)
    assert model.r_squared > 0.99 and model.statistically_valid


def test_when_output_falls_the_ratio_method_sees_a_loss_and_the_normalised_method_a_gain():
    # The reporting year makes 160 units a month (inside the baseline range 150-250) and uses 5 %
    # less energy than the baseline model predicts for that output.
    intercept, slope = _ols(BASE_PRODUCTION, BASE_ENERGY)
    predicted = intercept + slope * 160
    reporting = _months([0.95 * predicted] * 12, [160] * 12)
    result, reasons = calc.normalised_improvement(
        _months(BASE_ENERGY, BASE_PRODUCTION), reporting, ["production"]
    )
    assert reasons == []
    assert result.adjusted_baseline == pytest.approx(12 * predicted)
    assert result.senpi == pytest.approx(0.95)
    assert result.improvement == pytest.approx(0.05)
    # The ratio method on the same data: SEC rises because the fixed load is spread on less output.
    sec_base = sum(BASE_ENERGY) / sum(BASE_PRODUCTION)
    sec_year = 0.95 * predicted / 160
    assert calc.ratio_improvement(sec_year, sec_base) < 0


def test_an_energy_use_unrelated_to_output_gives_no_valid_model():
    # Months come in pairs of equal energy whose outputs average 200 whatever the energy:
    # R² ≈ 0, the F-test fails.
    energy = [1000, 1000, 1010, 1010, 990, 990, 1005, 1005, 995, 995, 1000, 1000]
    production = [150, 250, 160, 240, 170, 230, 180, 220, 190, 210, 200, 200]
    result, reasons = calc.normalised_improvement(
        _months(energy, production), _months([1000] * 12, [200] * 12), ["production"]
    )
    assert result is None
    assert reasons and ("F" in reasons[0] and "R²" in reasons[0])


def test_a_reporting_year_far_outside_the_baseline_is_not_extrapolated():
    result, reasons = calc.normalised_improvement(
        _months(BASE_ENERGY, BASE_PRODUCTION), _months([5000] * 12, [1000] * 12), ["production"]
    )
    assert result is None and "production" in reasons[0]


def test_too_few_baseline_months_is_said():
    result, reasons = calc.normalised_improvement(
        _months(BASE_ENERGY[:6], BASE_PRODUCTION[:6]), _months([900], [200]), ["production"]
    )
    assert result is None and "6" in reasons[0]


def test_the_best_valid_subset_of_variables_is_kept():
    # A second variable (hours of rain) that has nothing to do with energy is dropped.
    rain = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    months = [
        Month(e, {"production": p, "rain": r})
        for e, p, r in zip(BASE_ENERGY, BASE_PRODUCTION, rain, strict=True)
    ]
    model, reasons, tried = calc.best_model(months, ["production", "rain"])
    assert tried == 3 and model.variables == ("production",) and reasons == []


# --- Roll-up and status ----------------------------------------------------------------------


def test_the_roll_up_weighs_each_enterprise_by_its_production():
    # A saves 100 GJ of 1,000; B uses 60 GJ more than its 3,000: (100 − 60) / 4,000 = 1 %.
    rolled = calc.roll_up([calc.Contribution(900, 1000), calc.Contribution(3060, 3000)])
    assert rolled.improvement == pytest.approx(0.01) and rolled.count == 2
    assert calc.roll_up([]).improvement is None


@pytest.mark.parametrize(
    ("improvement", "year", "final", "status", "expected"),
    [
        (0.06, 2025, False, calc.ACHIEVED, 0.05),
        # 2025's figures final: the milestone is missed. Not yet final: 4 of 5 points, 0.8.
        (0.04, 2025, True, calc.NOT_ACHIEVED, 0.05),
        (0.04, 2025, False, calc.NEEDS_ACCELERATION, 0.05),
        (0.03, 2023, False, calc.ON_TRACK, 0.025),  # path: 5 % × (2023 − 2021) / (2025 − 2021)
        (0.02, 2023, False, calc.NEEDS_ACCELERATION, 0.025),  # 0.8 of the pace
        (0.01, 2023, True, calc.OFF_TRACK, 0.025),  # 0.4 of the pace (final: not the milestone)
        (-0.01, 2023, False, calc.DETERIORATING, 0.025),
        (None, 2023, False, calc.INSUFFICIENT, None),
    ],
)
def test_status_against_the_band_and_the_straight_path(improvement, year, final, status, expected):
    got, path = calc.band_status(improvement, 0.05, year, 2021, 2025, final=final)
    assert got == status
    assert (path is None and expected is None) or math.isclose(path, expected)


# --- Published figures: the US DOE EnPI tool -------------------------------------------------
# ORNL-AMO/Py-EnPI (ORNL's clone of the DOE EnPI tool), Acme_Mclean.json, years 2 and 3 against
# the year-1 model ("ForeCast"); MMBtu. Published: total improvement 8.4421578765 % and
# 9.5033728949 %, annual improvement 1.0612150184 % in year 3, savings 66,219.674083415 and
# 78,582.6510304835 MMBtu.


def test_senpi_improvement_and_savings_match_the_enpi_tool():
    year2 = calc.senpi_improvement(718173.073028778, 784392.7471121929)
    year3 = calc.senpi_improvement(748309.5681783421, 826892.2192088256)
    assert year2[1] * 100 == pytest.approx(8.4421578765, abs=1e-8)
    assert year3[1] * 100 == pytest.approx(9.5033728949, abs=1e-8)
    assert year2[2] == pytest.approx(66219.674083415, rel=1e-9)
    assert year3[2] == pytest.approx(78582.6510304835, rel=1e-9)
    annual = calc.annual_improvement(year3[1], year2[1])
    assert annual * 100 == pytest.approx(1.0612150184, abs=1e-8)


@pytest.mark.parametrize(
    ("variables", "f_critical"),
    [(1, 3.2850), (2, 3.0065), (3, 2.9238), (4, 2.9605), (5, 3.1075)],
)
def test_the_f_test_threshold_is_the_one_enpi_lite_tabulates_for_12_months(variables, f_critical):
    # LBNL EnPI Lite, "valid model requirements": F-critical values for a 12-month data set,
    # i.e. the 90th percentile of F(k, 12 − k − 1), the p < 0.10 rule the calculator applies.
    from scipy import stats

    assert stats.f.ppf(1 - calc.F_TEST_P_MAX, variables, 12 - variables - 1) == pytest.approx(
        f_critical, abs=5e-5
    )


# --- Peers and data quality ------------------------------------------------------------------


def test_peer_percentile_and_quartiles():
    secs = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 160.0, 170.0]
    position = calc.peer_position(130.0, secs)
    # 3 lower, 1 equal (itself): (3 + 0.5) / 8 = 43.75 %.
    assert position.percentile == pytest.approx(43.75)
    # Inclusive quartiles of 100..170 step 10: 117.5, 135, 152.5.
    assert (position.p25, position.median, position.p75) == pytest.approx((117.5, 135, 152.5))
    assert calc.peer_position(130.0, secs[:4]) is None  # too few to stay anonymous


def test_the_modified_z_score_flags_an_outlier_by_hand():
    values = [10.0, 11.0, 12.0, 12.0, 13.0, 14.0, 40.0]
    # median 12; |deviations| 2,1,0,0,1,2,28 → MAD 1; z(40) = 0.6745 × 28 / 1 = 18.886.
    assert calc.modified_z(40.0, values) == pytest.approx(18.886)
    assert abs(calc.modified_z(13.0, values)) < calc.OUTLIER_Z
    assert calc.modified_z(5.0, [5.0] * 6) is None


def test_year_change():
    assert calc.year_change(130.0, 100.0) == pytest.approx(0.30)
    assert calc.year_change(1.0, 0.0) is None
