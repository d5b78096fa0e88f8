"""Cases a review found: each was a wrong figure, a crash or a hole before it was fixed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from benvung.conftest import client_for, make_enterprise, make_site
from benvung.indicators import selectors as indicator_selectors
from benvung.plans.models import Target
from benvung.plans.selectors import current_plan
from benvung.resources import calculations as calc
from benvung.resources import efficiency, services
from benvung.resources.calculations import Output
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db


def test_sub_metering_needs_every_products_meter():
    outputs = [Output("A", "x", 100, "t"), Output("B", "x", 100, "t")]
    with pytest.raises(calc.CalculationError, match="B"):
        calc.allocate(outputs, "submetering", {"A": 50.0})


def test_the_2030_path_starts_from_the_2025_band():
    # 4.5 % in 2026: the path runs from 5 % in 2025 to 7 % in 2030, so 5.4 % is expected;
    # 4.5 % is below where the path starts, off track (though better than the baseline).
    status, expected = calc.band_status(0.045, 0.07, 2026, 2021, 2030, start=(2025, 0.05))
    assert expected == pytest.approx(0.054) and status == calc.OFF_TRACK


def test_the_plan_gives_the_2030_path_its_start(db):
    assert efficiency.path_start(2027) == (2025, 0.05)
    assert efficiency.path_start(2023) is None


def test_the_efficiency_path_starts_where_the_targets_own_path_does(db):
    """One rule for where a path starts (indicators.selectors.path_start): a target of the
    same indicator for another scope is not the one the 2030 target continues."""
    plan = current_plan()
    Target.objects.create(
        plan=plan,
        code="X-2028",
        period_label="2028",
        text="Giảm 20-25 % tiêu hao toàn tỉnh (thử)",
        indicator_code=efficiency.INDICATOR,
        unit="%",
        scope_kind="province",
        min_value=20,
        max_value=25,
        milestone_year=2028,
        direction=Target.Direction.INCREASE,
    )
    target_2030 = Target.objects.get(plan=plan, code="T1-2030")
    assert indicator_selectors.path_start(target_2030) == (2025, 5.0)
    assert efficiency.path_start(2029) == (2025, 0.05)


def test_a_model_without_output_is_never_chosen():
    # Energy follows temperature here, output does nothing: no valid model may be kept.
    temperature = [20, 22, 25, 28, 30, 31, 31, 30, 29, 27, 24, 21]
    output = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 101]
    months = [
        calc.Month(1000 + 10 * t, {"P": p, "temp": t})
        for t, p in zip(temperature, output, strict=True)
    ]
    model, _reasons, tried = calc.best_model(months, ["P", "temp"], required=["P"])
    assert tried == 2  # {P} and {P, temp}; {temp} alone is not tried
    assert model is None or "P" in model.variables


@pytest.fixture
def site(coordinator):
    return make_site(make_enterprise("Công ty Hóa chất Thử", "356789012", sector_code="2011"))


def test_a_material_given_for_the_year_and_by_month_is_refused(site, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.site_year_save(
            actor=coordinator,
            site=site,
            year=2024,
            outputs=[
                {"product": "Xút", "category": "basic-chemicals", "quantity": 1000, "unit": "t"}
            ],
            energy=[{"carrier": "grid_electricity", "quantity": 100000, "unit": "kWh"}],
            materials=[
                {"product": "Xút", "material": "Muối", "quantity": 1200, "unit": "t"},
                {"product": "Xút", "material": "Muối", "quantity": 100, "unit": "t", "month": 1},
            ],
        )
    assert any(
        "Nguyên vật liệu và nước" in m and "không nhập cả hai" in m for m in excinfo.value.messages
    )


def test_a_dot_between_three_digits_is_asked_not_guessed(site, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.site_year_save(
            actor=coordinator,
            site=site,
            year=2024,
            outputs=[
                {"product": "Xút", "category": "basic-chemicals", "quantity": "12.500", "unit": "t"}
            ],
        )
    assert any("12500" in m and "12,500" in m for m in excinfo.value.messages)


def test_a_product_added_since_the_baseline_falls_back_to_the_ratio_method(site, coordinator):
    def year(outputs):
        return {
            "outputs": [
                {
                    "product": p,
                    "category": "basic-chemicals",
                    "quantity": 100 + m,
                    "unit": "t",
                    "month": m,
                }
                for p in outputs
                for m in range(1, 13)
            ],
            "energy": [
                {
                    "carrier": "grid_electricity",
                    "quantity": (1000 + 20 * m) * len(outputs),
                    "unit": "kWh",
                    "month": m,
                }
                for m in range(1, 13)
            ],
        }

    for y, made in ((2021, ["A"]), (2023, ["A", "B"])):
        saved = services.site_year_save(actor=coordinator, site=site, year=y, **year(made))
        services.site_year_submit(actor=coordinator, site_year=saved)
    products = {p.product: p for p in efficiency.compute(2023).products}
    assert products["A"].method == efficiency.RATIO
    assert "khác với năm cơ sở" in products["A"].fallback[0]
    assert products["B"].contribution is None and products["B"].improvement is None


def test_peers_need_five_other_enterprises_not_five_products(coordinator):
    enterprise = make_enterprise("Công ty Nhiều Nhà Máy", "377777777", sector_code="1701")
    for i in range(4):
        services.site_year_save(
            actor=coordinator,
            site=make_site(enterprise, f"Nhà máy {i}"),
            year=2024,
            outputs=[
                {"product": "Giấy", "category": "packaging-paper", "quantity": 1000, "unit": "t"}
            ],
            energy=[{"carrier": "steam", "quantity": 1800 + i, "unit": "GJ"}],
        )
    other = make_site(make_enterprise("Công ty Khác", "388888888", sector_code="1701"))
    services.site_year_save(
        actor=coordinator,
        site=other,
        year=2024,
        outputs=[{"product": "Giấy", "category": "packaging-paper", "quantity": 1000, "unit": "t"}],
        energy=[{"carrier": "steam", "quantity": 1900, "unit": "GJ"}],
    )
    assert all(p.peer is None for p in efficiency.compute(2024).products)


def test_a_year_out_of_range_is_no_server_error(coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("resources:index") + "?year=0").status_code == 200
    assert (
        client.get(reverse("resources:sector_detail", args=["paper"]) + "?year=99999").status_code
        == 200
    )


def test_saving_the_web_form_keeps_the_monthly_drivers(site, coordinator):
    services.site_year_save(
        actor=coordinator,
        site=site,
        year=2024,
        outputs=[{"product": "Xút", "category": "basic-chemicals", "quantity": 1000, "unit": "t"}],
        energy=[{"carrier": "grid_electricity", "quantity": 100000, "unit": "kWh"}],
        drivers=[{"name": "Nhiệt độ", "month": 1, "value": 24}],
    )
    data = {
        "allocation_rule": "mass",
        "out-TOTAL_FORMS": "1",
        "out-INITIAL_FORMS": "0",
        "out-0-product": "Xút",
        "out-0-category": "basic-chemicals",
        "out-0-quantity": "1100",
        "out-0-unit": "t",
        "en-TOTAL_FORMS": "1",
        "en-INITIAL_FORMS": "0",
        "en-0-carrier": "grid_electricity",
        "en-0-quantity": "100000",
        "en-0-unit": "kWh",
        "mat-TOTAL_FORMS": "0",
        "mat-INITIAL_FORMS": "0",
    }
    response = client_for(coordinator).post(
        reverse("resources:site_year_edit", args=[site.pk, 2024]), data
    )
    assert response.status_code == 302
    site_year = SiteYear.objects.get(site=site, year=2024)
    assert site_year.outputs.get().quantity == 1100
    assert list(site_year.drivers.values_list("name", "month")) == [("Nhiệt độ", 1)]
