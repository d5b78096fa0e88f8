"""Energy by site and year (benvung.core.energy's rules), checked against a hand calculation.

A site-year of 2024 reports:
  grid electricity          4,000,000 kWh
  fuel oil (FO)                    70 t
  self-generated electricity  500,000 kWh  (recorded, not counted: its fuel is counted)

The factors are the reference rows loaded from fixtures/reference/:
  TOE  electricity 0.0001543 toe/kWh, fuel oil 0.99 toe/t   (Công văn 3505/BCT-KHCN, annex)
  GJ   fuel oil 40.4 GJ/t (IPCC 2006 net calorific value); kWh is an energy: 1 kWh = 3.6 MJ

  TOE = 4,000,000 × 0.0001543 + 70 × 0.99   = 617.2 + 69.3           = 686.5 TOE
  MJ  = 4,000,000 × 3.6       + 70 × 40,400 = 14,400,000 + 2,828,000 = 17,228,000 MJ
"""

from decimal import Decimal

import pytest

from benvung.conftest import make_enterprise, make_site
from benvung.core import energy as shared
from benvung.resources import calculations as calc
from benvung.resources import energy, selectors, services
from benvung.resources.models import ConversionFactor

pytestmark = pytest.mark.django_db

TOE = 686.5
MJ = 17_228_000.0

ROWS = [
    {"carrier": "grid_electricity", "quantity": "4000000", "unit": "kWh"},
    {"carrier": "fuel_oil", "quantity": "70", "unit": "t"},
    {"carrier": "self_generated_electricity", "quantity": "500000", "unit": "kWh"},
]


@pytest.fixture
def plant(coordinator):
    enterprise = make_enterprise("Công ty Năng lượng Thử", "312345670")
    site = make_site(enterprise)
    services.site_year_save(actor=coordinator, site=site, year=2024, energy=ROWS)
    return site


def _factor(carrier, target, unit):
    return ConversionFactor.objects.get(carrier__key=carrier, target=target, unit=unit)


def test_a_site_years_energy_in_toe_and_mj_with_the_factors_used(plant):
    [found] = selectors.site_year_energy(years=[2024], site_ids=[plant.pk], include_drafts=True)
    assert found.toe == pytest.approx(TOE)
    assert found.mj == pytest.approx(MJ)
    assert found.rows == 2  # the self-generated electricity is not counted
    electricity, fuel_oil = found.carriers
    assert (electricity.carrier, electricity.unit, electricity.quantity) == (
        "grid_electricity",
        "kWh",
        4_000_000,
    )
    assert electricity.toe == pytest.approx(617.2)
    assert electricity.mj == pytest.approx(14_400_000)
    assert fuel_oil.toe == pytest.approx(69.3)
    assert fuel_oil.mj == pytest.approx(2_828_000)
    # Each figure names the reference row it came from.
    toe_row = _factor("grid_electricity", "toe", "kWh")
    assert [(f.id, f.value, f.instrument) for f in electricity.factors] == [
        (toe_row.pk, 0.0001543, "Công văn 3505/BCT-KHCN")
    ]
    assert {f.id for f in fuel_oil.factors} == {
        _factor("fuel_oil", "GJ", "t").pk,
        _factor("fuel_oil", "toe", "t").pk,
    }
    assert found.factors == electricity.factors + fuel_oil.factors


def test_drafts_count_only_when_asked(plant):
    assert selectors.site_year_energy(years=[2024], site_ids=[plant.pk]) == []


def test_other_domains_read_it_through_core_rounded_once(plant):
    total = shared.enterprise_energy(plant.enterprise_id, 2024, include_drafts=True)
    assert total is not None and total.known
    assert total.toe == pytest.approx(TOE)
    assert total.rounded_toe() == Decimal("686.500")
    assert total.rounded_mj() == Decimal("17228000")
    assert shared.enterprise_energy(plant.enterprise_id, 2023, include_drafts=True) is None


def test_a_row_that_cannot_be_converted_leaves_the_total_unknown():
    # The year's factors without any for fuel oil: its row cannot be converted.
    factors = [calc.Factor("grid_electricity", "kWh", "toe", 0.0001543, "3505/BCT-KHCN")]

    def per_unit(carrier, unit):
        return calc.energy_of(carrier, 1.0, unit, factors)

    rows = [
        energy.Row("grid_electricity", 4_000_000, "kWh"),
        energy.Row("fuel_oil", 70, "t"),
        energy.Row("grid_electricity", -5, "kWh"),
    ]
    found = energy.site_year_energy(rows, per_unit, site_id=1, enterprise_id=1, year=2024)
    assert found.toe is None and found.gj is None and found.mj is None and not found.known
    assert len(found.problems) == 2
    assert "fuel_oil" in found.problems[0] and "-5" in found.problems[1]
    # What could be converted is still shown, with its factor.
    [electricity] = found.carriers
    assert electricity.toe == pytest.approx(617.2)
    # Never a partial sum over several site-years either.
    good = energy.site_year_energy(rows[:1], per_unit, site_id=2, enterprise_id=1, year=2024)
    assert shared.EnergyTotal((good, found)).toe is None
    assert shared.EnergyTotal((good,)).rounded_toe() == Decimal("617.200")


def test_totals_are_rounded_half_away_from_zero_on_the_decimal_figure():
    assert shared.round_toe(0.0125) == Decimal("0.013")
    assert shared.round_toe(2.675) == Decimal("2.675")
    assert shared.round_toe(1.0005) == Decimal("1.001")  # 1.000499999... in binary
    assert shared.round_toe(686.4999) == Decimal("686.500")
    assert shared.round_mj(17_227_999.5) == Decimal("17228000")


def test_sub_metered_energy_is_kept_per_product():
    def per_unit(carrier, unit):
        return calc.energy_of(carrier, 1.0, unit, [])

    rows = [
        energy.Row("grid_electricity", 1000, "kWh", "Bia lon"),
        energy.Row("grid_electricity", 500, "kWh", "Bia chai"),
        energy.Row("grid_electricity", 250, "kWh"),
    ]
    found = energy.site_year_energy(rows, per_unit, site_id=1, enterprise_id=1, year=2024)
    assert found.metered_gj == {"Bia lon": pytest.approx(3.6), "Bia chai": pytest.approx(1.8)}
    assert found.gj == pytest.approx(6.3)  # 1,750 kWh × 3.6 MJ
