"""The pages, as an enterprise user and a coordinator would use them; who may see what."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for, make_site, make_user
from benvung.resources import services
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db


def _formset(prefix, rows, extra=1):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _post(outputs, energy, materials=(), rule="mass"):
    return {
        "allocation_rule": rule,
        **_formset("out", outputs),
        **_formset("en", energy),
        **_formset("mat", list(materials)),
    }


@pytest.fixture
def site(enterprise_a):
    return make_site(enterprise_a, "Nhà máy giấy Nhơn Trạch")


@pytest.fixture
def owner(site):
    return make_user(site.enterprise, "enterprise_user", "giay@test.example")


PAPER_2021 = (
    [
        {
            "product": "Giấy bao bì",
            "category": "packaging-paper",
            "quantity": "8000",
            "unit": "t",
            "capacity": "9500",
        }
    ],
    [{"carrier": "grid_electricity", "quantity": "4000000", "unit": "kWh"}],
)
PAPER_2024 = (
    [
        {
            "product": "Giấy bao bì",
            "category": "packaging-paper",
            "quantity": "9000",
            "unit": "t",
            "capacity": "9500",
        }
    ],
    [{"carrier": "grid_electricity", "quantity": "4200000", "unit": "kWh"}],
)


def test_an_enterprise_enters_two_years_and_sees_sec_norm_and_improvement(site, owner):
    client = client_for(owner)
    assert (
        "Giấy bao bì"
        not in client.get(reverse("resources:site_detail", args=[site.pk])).content.decode()
    )
    for year, (outputs, energy) in ((2021, PAPER_2021), (2024, PAPER_2024)):
        response = client.post(
            reverse("resources:site_year_edit", args=[site.pk, year]), _post(outputs, energy)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("resources:site_detail", args=[site.pk])).content.decode()
    # 2024: 4,200,000 kWh × 3,6 MJ / 9,000 t = 1.680 MJ/t; 2021: 1.800 MJ/t → 6,7 %.
    assert "1.680,0" in page and "1.800,0" in page
    assert "6,7 %" in page
    assert "5.482" in page and "24/2017/TT-BCT" in page
    assert "toàn bộ năng lượng của cơ sở (sản phẩm duy nhất)" in page  # the allocation shown
    response = client.post(reverse("resources:site_year_submit", args=[site.pk, 2024]), follow=True)
    assert SiteYear.objects.get(site=site, year=2024).state == "submitted"


def test_bad_rows_come_back_with_the_typed_text_and_nothing_is_saved(site, owner):
    client = client_for(owner)
    outputs = [
        {"product": "Giấy bao bì", "category": "packaging-paper", "quantity": "nhiều", "unit": "t"}
    ]
    energy = [{"carrier": "grid_electricity", "quantity": "-5", "unit": "kWh"}]
    response = client.post(
        reverse("resources:site_year_edit", args=[site.pk, 2024]), _post(outputs, energy)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sản lượng, dòng 1, số lượng: “nhiều” không phải là số" in body
    assert "Năng lượng, dòng 1, số lượng: phải từ 0 trở lên" in body
    assert 'value="nhiều"' in body  # what was typed is still in the form
    assert not SiteYear.objects.filter(site=site).exists()


def test_another_enterprise_cannot_see_or_change_the_sites_data(site, owner, enterprise_b_user):
    services.site_year_save(
        actor=owner,
        site=site,
        year=2021,
        outputs=[dict(PAPER_2021[0][0])],
        energy=[dict(PAPER_2021[1][0])],
    )
    other = client_for(enterprise_b_user)
    for url in (
        reverse("resources:site_detail", args=[site.pk]),
        reverse("resources:site_year_edit", args=[site.pk, 2021]),
    ):
        assert other.get(url).status_code == 404
    response = other.post(
        reverse("resources:site_year_edit", args=[site.pk, 2021]), _post(*PAPER_2024)
    )
    assert response.status_code == 404
    assert (
        other.post(reverse("resources:site_year_submit", args=[site.pk, 2021])).status_code == 404
    )
    assert other.get(reverse("resources:export_xlsx")).status_code == 403
    assert other.get(reverse("resources:sector_detail", args=["paper"])).status_code == 403
    assert SiteYear.objects.get(site=site, year=2021).version == 1


def _submitted(owner, site):
    for year, (outputs, energy) in ((2021, PAPER_2021), (2024, PAPER_2024)):
        site_year = services.site_year_save(
            actor=owner, site=site, year=year, outputs=outputs, energy=energy
        )
        services.site_year_submit(actor=owner, site_year=site_year)


def test_the_coordinator_sees_sectors_and_downloads_every_figure(site, owner, coordinator):
    _submitted(owner, site)
    client = client_for(coordinator)
    overview = client.get(reverse("resources:index") + "?year=2024").content.decode()
    assert "Giấy" in overview and "6,67 %" in overview
    sector = client.get(reverse("resources:sector_detail", args=["paper"]) + "?year=2024")
    body = sector.content.decode()
    assert "Nhà máy giấy Nhơn Trạch" in body
    assert "Tỷ trọng sản lượng Giấy bao bì được tính" in body and "100,0 %" in body
    response = client.get(reverse("resources:export_xlsx") + "?year=2024")
    workbook = load_workbook(io.BytesIO(response.content))
    products = workbook.worksheets[0]
    header = [c.value for c in products[1]]
    row = dict(zip(header, [c.value for c in products[2]], strict=True))
    assert row["Suất tiêu hao"] == pytest.approx(1680)
    assert row["Cải thiện"] == pytest.approx(1 - 1680 / 1800)


def test_anonymous_visitors_are_sent_to_sign_in(site):
    from django.test import Client

    response = Client().get(reverse("resources:site_detail", args=[site.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_reference_values_are_public_and_corrected_by_coordinators_only(
    coordinator, enterprise_b_user
):
    from django.test import Client

    from benvung.resources.models import ConversionFactor

    page = Client().get(reverse("resources:reference")).content.decode()
    assert "3505/BCT-KHCN" in page and "0,0001543" in page and "chưa có định mức" in page
    row = ConversionFactor.objects.get(carrier__key="lpg", target="toe")
    url = reverse("resources:reference_correct", args=["factor", row.pk])
    assert client_for(enterprise_b_user).get(url).status_code == 403
    response = client_for(coordinator).post(
        url,
        {
            "value": "1,1",
            "valid_from": "01/01/2026",
            "instrument": "3505/BCT-KHCN",
            "source": "Bản gốc công văn",
            "status": "verified",
        },
    )
    assert response.status_code == 302
    assert ConversionFactor.objects.filter(carrier__key="lpg", target="toe").count() == 2


def test_another_enterprise_cannot_confirm_a_flag_of_the_site(site, owner, enterprise_b_user):
    services.site_year_save(
        actor=owner,
        site=site,
        year=2021,
        outputs=[dict(PAPER_2021[0][0])],
        energy=[dict(PAPER_2021[1][0])],
    )
    response = client_for(enterprise_b_user).post(
        reverse("resources:site_year_confirm", args=[site.pk, 2021]),
        {"code": "data", "note": "Không phải của tôi"},
    )
    assert response.status_code == 404
    assert not SiteYear.objects.get(site=site, year=2021).confirmations.exists()


def test_the_workbook_and_the_command_speak_vietnamese(site, owner, coordinator):
    from io import StringIO

    from django.core.management import call_command

    _submitted(owner, site)
    response = client_for(coordinator).get(reverse("resources:export_xlsx") + "?year=2024")
    products = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in products[1]]
    row = dict(zip(header, [c.value for c in products[2]], strict=True))
    assert row["Phân bổ"] == "toàn bộ năng lượng của cơ sở (sản phẩm duy nhất)"
    assert row["Phương pháp"] == "tỷ số so với năm cơ sở"
    out = StringIO()
    call_command("efficiency", "--year", "2024", stdout=out)
    assert "đạt" in out.getvalue() and "achieved" not in out.getvalue()
