"""The EnPI regression report: every figure checked against statsmodels fitted here, in the test,
on monthly data written out by hand; failed checks said with their numbers; who sees the page."""

import io
import json
from io import StringIO

import numpy as np
import pytest
import statsmodels.api as sm
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for, make_enterprise, make_site, make_user
from benvung.core.spreadsheet import safe_text
from benvung.resources import calculations as calc
from benvung.resources import efficiency, enpi, exports, services

# A seafood plant, month by month. Baseline (2021): energy = 500 + 2.1 × output + 3 × hours run,
# plus a fixed "noise" (meter readings on different days), kept to 4 decimals as stored.
OUTPUT = [150, 162, 171, 185, 190, 204, 212, 219, 233, 241, 250, 198]  # t
HOURS = [400, 420, 380, 450, 470, 430, 410, 460, 480, 440, 455, 395]
NOISE = [3.2, -4.1, 1.5, -2.7, 5.0, -1.3, 2.2, -3.8, 0.7, 4.4, -2.9, -1.6]
ENERGY = [round(500 + 2.1 * t + 3 * h + e, 4) for t, h, e in zip(OUTPUT, HOURS, NOISE, strict=True)]
# Reporting year (2024): inside the baseline ranges, and a better plant: 480 + 2.0 t + 2.9 h.
OUTPUT_R = [170, 175, 180, 190, 200, 205, 210, 215, 220, 225, 230, 180]
HOURS_R = [410, 415, 420, 430, 440, 445, 450, 440, 430, 420, 410, 400]
ENERGY_R = [round(480 + 2.0 * t + 2.9 * h, 4) for t, h in zip(OUTPUT_R, HOURS_R, strict=True)]

PRODUCT, DRIVER = "Tôm", "Giờ chạy máy"
REL = 1e-9


def _months(energy, output, hours):
    return [
        calc.Month(e, {PRODUCT: t, DRIVER: h})
        for e, t, h in zip(energy, output, hours, strict=True)
    ]


class Expected:
    """What statsmodels says, fitted here: columns in the report's order (variables sorted:
    "Giờ chạy máy" before "Tôm")."""

    def __init__(self):
        x = sm.add_constant(np.column_stack([HOURS, OUTPUT]).astype(float))
        self.fit = sm.OLS(np.array(ENERGY, dtype=float), x).fit()
        b0, b_hours, b_output = self.fit.params
        self.actual = sum(ENERGY_R)
        self.adjusted = sum(
            b0 + b_hours * h + b_output * t for t, h in zip(OUTPUT_R, HOURS_R, strict=True)
        )
        self.senpi = self.actual / self.adjusted
        self.savings = self.adjusted - self.actual


def _assert_matches(report: calc.ModelReport, expected: Expected) -> None:
    fit = expected.fit
    assert report.variables == (DRIVER, PRODUCT)
    terms = [report.intercept, *report.terms]
    for i, term in enumerate(terms):
        assert term.coefficient == pytest.approx(fit.params[i], rel=REL)
        assert term.std_error == pytest.approx(fit.bse[i], rel=REL)
        assert term.t_value == pytest.approx(fit.tvalues[i], rel=REL)
        assert term.p_value == pytest.approx(fit.pvalues[i], rel=REL)
    assert report.r_squared == pytest.approx(fit.rsquared, rel=REL)
    assert report.adj_r_squared == pytest.approx(fit.rsquared_adj, rel=REL)
    assert report.f_statistic == pytest.approx(fit.fvalue, rel=REL)
    assert report.f_p_value == pytest.approx(fit.f_pvalue, rel=REL)
    assert report.baseline_months == 12 and report.reporting_months == 12
    assert report.applied
    assert report.adjusted_baseline == pytest.approx(expected.adjusted, rel=REL)
    assert report.actual == pytest.approx(expected.actual, rel=REL)
    assert report.senpi == pytest.approx(expected.senpi, rel=REL)
    assert report.improvement == pytest.approx(1 - expected.senpi, rel=REL)
    assert report.savings == pytest.approx(expected.savings, rel=REL)
    # The drivers' ranges, by numpy (standard deviation of a sample: ddof=1).
    for g, series, reporting in (
        (report.ranges[0], HOURS, HOURS_R),
        (report.ranges[1], OUTPUT, OUTPUT_R),
    ):
        assert (g.baseline_min, g.baseline_max) == (min(series), max(series))
        assert g.baseline_mean == pytest.approx(np.mean(series), rel=REL)
        assert g.baseline_sd == pytest.approx(np.std(series, ddof=1), rel=REL)
        assert g.reporting_mean == pytest.approx(np.mean(reporting), rel=REL)
        assert g.within is True
    assert all(c.passed for c in report.checks)
    # One check per rule, and the range once per variable.
    assert [c.code for c in report.checks] == [
        calc.CHECK_F_TEST,
        calc.CHECK_VARIABLES_P,
        calc.CHECK_ONE_VARIABLE_P,
        calc.CHECK_R_SQUARED,
        calc.CHECK_MONTHS,
        calc.CHECK_RANGE,
        calc.CHECK_RANGE,
    ]


def test_the_report_matches_statsmodels_fitted_in_the_test():
    expected = Expected()
    assessed = calc.assess(
        _months(ENERGY, OUTPUT, HOURS),
        _months(ENERGY_R, OUTPUT_R, HOURS_R),
        [DRIVER, PRODUCT],
        required=[PRODUCT],
    )
    assert assessed.reasons == [] and assessed.result is not None
    _assert_matches(assessed.report, expected)
    # The figure the method uses is the report's (one fit, not two).
    assert assessed.result.adjusted_baseline == pytest.approx(expected.adjusted, rel=REL)
    assert assessed.result.improvement == pytest.approx(assessed.report.improvement, rel=REL)
    # {Tôm} and {Giờ chạy máy, Tôm}; hours alone is no efficiency measure and is not tried.
    assert assessed.report.candidates == 2


def test_the_report_matches_the_textbook_formulas_without_statsmodels():
    """The product fits with statsmodels: the same figures by the formulas written out here
    (normal equations, σ² = RSS / (n − k − 1), F = (ESS / k) / (RSS / (n − k − 1))), with
    scipy's t and F distributions only for the p-values."""
    from scipy import stats

    x = np.column_stack([np.ones(12), HOURS, OUTPUT]).astype(float)
    y = np.array(ENERGY, dtype=float)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    residuals = y - x @ beta
    n, k = 12, 2
    rss = float(residuals @ residuals)
    tss = float(((y - y.mean()) ** 2).sum())
    sigma2 = rss / (n - k - 1)
    std_errors = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))
    t_values = beta / std_errors
    p_values = 2 * stats.t.sf(np.abs(t_values), n - k - 1)
    r2 = 1 - rss / tss
    f_value = ((tss - rss) / k) / (rss / (n - k - 1))
    report = calc.assess(
        _months(ENERGY, OUTPUT, HOURS),
        _months(ENERGY_R, OUTPUT_R, HOURS_R),
        [DRIVER, PRODUCT],
        required=[PRODUCT],
    ).report
    assert report is not None
    for i, term in enumerate([report.intercept, *report.terms]):
        assert term.coefficient == pytest.approx(beta[i], rel=1e-7)
        assert term.std_error == pytest.approx(std_errors[i], rel=1e-7)
        assert term.t_value == pytest.approx(t_values[i], rel=1e-7)
        assert term.p_value == pytest.approx(p_values[i], rel=1e-6)
    assert report.r_squared == pytest.approx(r2, rel=1e-9)
    assert report.adj_r_squared == pytest.approx(1 - (1 - r2) * (n - 1) / (n - k - 1), rel=1e-9)
    assert report.f_statistic == pytest.approx(f_value, rel=1e-7)
    assert report.f_p_value == pytest.approx(stats.f.sf(f_value, k, n - k - 1), rel=1e-6)
    adjusted = sum(
        beta[0] + beta[1] * h + beta[2] * t for t, h in zip(OUTPUT_R, HOURS_R, strict=True)
    )
    assert report.adjusted_baseline == pytest.approx(adjusted, rel=1e-9)
    assert report.savings == pytest.approx(adjusted - sum(ENERGY_R), rel=1e-7)


# --- From the stored data: the report on the result, in the JSON and in the workbook ----------


def _year(energy, output, hours):
    return {
        "outputs": [
            {"product": PRODUCT, "category": "shrimp", "quantity": t, "unit": "t", "month": m}
            for m, t in enumerate(output, start=1)
        ],
        # Purchased steam is declared in GJ: the stored figures are the model's own numbers.
        "energy": [
            {"carrier": "steam", "quantity": e, "unit": "GJ", "month": m}
            for m, e in enumerate(energy, start=1)
        ],
        "drivers": [{"name": DRIVER, "month": m, "value": h} for m, h in enumerate(hours, start=1)],
    }


def _submitted(actor, site, year, **data):
    """Saved and submitted: the figures count submitted site years only."""
    site_year = services.site_year_save(actor=actor, site=site, year=year, **data)
    return services.site_year_submit(actor=actor, site_year=site_year)


@pytest.fixture
def plant(coordinator):
    site = make_site(make_enterprise("Công ty Thủy sản EnPI", "376543219", "1020"), "Nhà máy tôm")
    _submitted(coordinator, site, 2021, **_year(ENERGY, OUTPUT, HOURS))
    _submitted(coordinator, site, 2024, **_year(ENERGY_R, OUTPUT_R, HOURS_R))
    return site


@pytest.mark.django_db
def test_the_report_of_stored_data_and_its_json_match_statsmodels(plant):
    expected = Expected()
    [shrimp] = efficiency.compute(2024).products
    assert shrimp.method == efficiency.NORMALISED
    _assert_matches(shrimp.model, expected)
    assert shrimp.improvement == pytest.approx(1 - expected.senpi, rel=REL)
    assert shrimp.model.units == {PRODUCT: "t", DRIVER: ""}
    out = StringIO()
    call_command("efficiency", "--year", "2024", "--json", stdout=out)
    [product] = json.loads(out.getvalue())["products"]
    model = product["model"]
    fit = expected.fit
    assert model["applied"] is True and model["scope"] == "site"
    assert model["intercept"]["coefficient"] == pytest.approx(fit.params[0], rel=REL)
    assert [v["name"] for v in model["variables"]] == [DRIVER, PRODUCT]
    for i, variable in enumerate(model["variables"], start=1):
        assert variable["coefficient"] == pytest.approx(fit.params[i], rel=REL)
        assert variable["std_error"] == pytest.approx(fit.bse[i], rel=REL)
        assert variable["t"] == pytest.approx(fit.tvalues[i], rel=REL)
        assert variable["p_value"] == pytest.approx(fit.pvalues[i], rel=REL)
        assert variable["within_range"] is True
    assert model["variables"][1]["unit"] == "t" and model["variables"][0]["unit"] is None
    assert model["r_squared"] == pytest.approx(fit.rsquared, rel=REL)
    assert model["adj_r_squared"] == pytest.approx(fit.rsquared_adj, rel=REL)
    assert model["f_statistic"] == pytest.approx(fit.fvalue, rel=REL)
    assert model["f_p_value"] == pytest.approx(fit.f_pvalue, rel=REL)
    assert model["adjusted_baseline_gj"] == pytest.approx(expected.adjusted, rel=REL)
    assert model["senpi"] == pytest.approx(expected.senpi, rel=REL)
    assert model["savings_gj"] == pytest.approx(expected.savings, rel=REL)
    assert model["baseline_months"] == 12 and all(c["passed"] for c in model["checks"])
    # The command speaks Vietnamese: the equation names the variables as the enterprise does.
    assert model["equation"].startswith("Năng lượng (GJ/tháng) = ")
    assert f"× {PRODUCT} (tấn/tháng)" in model["equation"] and f"× {DRIVER}" in model["equation"]


@pytest.mark.django_db
def test_the_workbook_has_a_sheet_of_models_in_vietnamese(plant):
    expected = Expected()
    workbook = load_workbook(io.BytesIO(exports.efficiency_xlsx(efficiency.compute(2024))))
    sheet = workbook["Mô hình hồi quy"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    first, hours, output = rows
    assert first["Hệ số"] == pytest.approx(expected.fit.params[0], rel=REL)
    assert hours["Hệ số"] == pytest.approx(expected.fit.params[1], rel=REL)
    assert output["Sai số chuẩn"] == pytest.approx(expected.fit.bse[2], rel=REL)
    assert output["Giá trị p"] == pytest.approx(expected.fit.pvalues[2], rel=REL)
    assert first["R²"] == pytest.approx(expected.fit.rsquared, rel=REL)
    assert first["Năng lượng cơ sở điều chỉnh (GJ)"] == pytest.approx(expected.adjusted, rel=REL)
    assert first["Chỉ số SEnPI"] == pytest.approx(expected.senpi, rel=REL)
    assert first["Năng lượng tiết kiệm (GJ)"] == pytest.approx(expected.savings, rel=REL)
    assert first["Các kiểm tra không đạt"] == "tất cả đều đạt"
    # The model's figures once per site: a sum down the column counts each site once.
    assert output["Năng lượng tiết kiệm (GJ)"] is None and output["Số hạng"] == PRODUCT


def test_text_cells_that_a_spreadsheet_would_run_as_formulas_stay_text():
    for dangerous in ('=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx"):
        assert safe_text(dangerous) == "'" + dangerous
    assert safe_text("Năng lượng − 1") == "Năng lượng − 1"


# --- Failed checks, with their numbers ---------------------------------------------------------


def test_a_failed_check_is_reported_failed_with_its_measured_value():
    # Months come in pairs of equal energy whose outputs average 200 whatever the energy: no
    # model; the ratio method is used and the report says why, with statsmodels' own numbers.
    energy = [1000, 1000, 1010, 1010, 990, 990, 1005, 1005, 995, 995, 1000, 1000]
    production = [150, 250, 160, 240, 170, 230, 180, 220, 190, 210, 200, 200]
    baseline = [calc.Month(e, {"P": p}) for e, p in zip(energy, production, strict=True)]
    assessed = calc.assess(baseline, [calc.Month(1000, {"P": 200})] * 12, ["P"])
    fit = sm.OLS(np.array(energy, float), sm.add_constant(np.array(production, float))).fit()
    assert assessed.result is None and assessed.reasons
    report = assessed.report
    assert report is not None and not report.applied
    assert report.adjusted_baseline is None and report.senpi is None  # no figure from it
    checks = {c.code: c for c in report.checks}
    assert not checks[calc.CHECK_R_SQUARED].passed
    assert checks[calc.CHECK_R_SQUARED].measured == pytest.approx(fit.rsquared, rel=REL)
    assert checks[calc.CHECK_R_SQUARED].limit == 0.5
    assert not checks[calc.CHECK_F_TEST].passed
    assert checks[calc.CHECK_F_TEST].measured == pytest.approx(fit.f_pvalue, rel=REL)
    assert checks[calc.CHECK_MONTHS].passed and checks[calc.CHECK_RANGE].passed
    # In words, in the active language (Vietnamese in the tests), with the numbers.
    rows = {row.label: row for row in enpi.check_rows(report)}
    r2 = rows["R²"]
    assert not r2.passed and r2.rule == "≥ 0,5"
    assert r2.measured == enpi.fixed(fit.rsquared, 4)
    assert "R²" in enpi.failed_summary(report)


def test_extrapolation_and_too_few_months_are_failed_checks_with_numbers():
    baseline = _months(ENERGY, OUTPUT, HOURS)
    far = _months([5000] * 12, [1000] * 12, HOURS_R)
    assessed = calc.assess(baseline, far, [DRIVER, PRODUCT], required=[PRODUCT])
    assert assessed.result is None and PRODUCT in assessed.reasons[0]
    [failed] = assessed.report.failed
    assert failed.code == calc.CHECK_RANGE and failed.variable == PRODUCT
    assert failed.measured == 1000 and failed.bounds[1] < 1000
    # Eight baseline months: candidates are fitted for the report only, never used.
    short = calc.assess(baseline[:8], _months(ENERGY_R, OUTPUT_R, HOURS_R), [DRIVER, PRODUCT])
    assert short.result is None and "8" in short.reasons[0]
    months = next(c for c in short.report.checks if c.code == calc.CHECK_MONTHS)
    assert not months.passed and months.measured == 8 and months.limit == 12


@pytest.mark.django_db
def test_the_ratio_fallback_carries_the_closest_model_and_its_failed_checks(coordinator):
    site = make_site(make_enterprise("Công ty Thủy sản Lệch", "376543227", "1020"), "Nhà máy 2")
    _submitted(coordinator, site, 2021, **_year(ENERGY, OUTPUT, HOURS))
    _submitted(
        coordinator,
        site,
        2024,
        **_year([9000] * 12, [1000] * 12, HOURS_R),  # output far beyond the baseline's
    )
    [shrimp] = efficiency.compute(2024).products
    assert shrimp.method == efficiency.RATIO and shrimp.fallback
    assert shrimp.model is not None and not shrimp.model.applied
    data = efficiency.to_json(efficiency.compute(2024))
    [model] = [p["model"] for p in data["products"]]
    assert model["applied"] is False and model["senpi"] is None
    [failed] = [c for c in model["checks"] if not c["passed"]]
    assert failed["code"] == "no_extrapolation" and failed["variable"] == PRODUCT
    assert failed["measured"] == 1000
    # The coordinator reads why on the site page: the failed check, its threshold and value.
    body = client_for(coordinator).get(reverse("resources:site_detail", args=[site.pk]))
    text = body.content.decode()
    assert "không được dùng: 1 kiểm tra không đạt" in text
    assert "Giá trị trung bình kỳ báo cáo của Tôm" in text and "1.000" in text
    assert "✗ không đạt" in text and "Chỉ số SEnPI" not in text  # no figure from it


# --- The site page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_site_page_shows_the_model_to_its_enterprise_only(plant, enterprise_b_user):
    owner = make_user(plant.enterprise, "enterprise_user", "tom@test.example")
    expected = Expected()
    page = client_for(owner).get(reverse("resources:site_detail", args=[plant.pk]))
    body = page.content.decode()
    assert "Năng lượng (GJ/tháng) = " in body
    r2 = f"R² = {expected.fit.rsquared:.3f}".replace(".", ",")
    assert r2 in body and "Chỉ số SEnPI" in body and "Năng lượng cơ sở điều chỉnh" in body
    saved = f"{expected.savings:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert f"{saved} GJ" in body
    # In English, the same report.
    english = client_for(owner)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body_en = english.get(reverse("resources:site_detail", args=[plant.pk])).content.decode()
    assert "Energy (GJ/month) = " in body_en and "Adjusted baseline energy" in body_en
    # Another enterprise does not see the site (nor learns that it exists).
    other = client_for(enterprise_b_user)
    assert other.get(reverse("resources:site_detail", args=[plant.pk])).status_code == 404
