"""The demo province: deterministic, believable, valid, and always marked as demo."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from stdnum.vn import mst

from benvung.accounts import roles as account_roles
from benvung.accounts.models import RoleGrant, User
from benvung.directory import demo, selectors, services
from benvung.directory.models import (
    Enterprise,
    FocusSector,
    IndustrialArea,
    Organisation,
    Site,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_province(db):
    demo.generate()


def test_the_demo_has_about_200_enterprises_over_the_eight_focus_sectors(demo_province):
    enterprises = Enterprise.objects.filter(is_demo=True)
    assert 190 <= enterprises.count() <= 210
    per_sector = {
        fs.key: enterprises.filter(
            enterprisesector__sector__in=selectors.sectors_of_focus_sector(fs.key)
        )
        .distinct()
        .count()
        for fs in FocusSector.objects.all()
    }
    assert len(per_sector) == 8
    assert all(n >= demo.ENTERPRISES_PER_FOCUS_SECTOR for n in per_sector.values())


def test_demo_enterprises_sit_in_real_parks_at_valid_places(demo_province):
    sites = Site.objects.filter(is_demo=True).select_related("industrial_area")
    parks = {s.industrial_area for s in sites if s.industrial_area}
    assert parks and all(not p.is_demo for p in parks)
    communes = set(selectors.current_communes())
    for site in sites:
        assert site.administrative_unit in communes
        assert selectors.point_is_in_province(float(site.latitude), float(site.longitude))


def test_demo_tax_codes_are_valid_and_unique(demo_province):
    codes = list(Enterprise.objects.filter(is_demo=True).values_list("tax_code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(mst.is_valid(code) for code in codes)


def test_demo_records_pass_the_same_validation_as_user_input(demo_province):
    for enterprise in Enterprise.objects.filter(is_demo=True)[:20]:
        errors = {}
        services._validate_organisation(enterprise, errors)
        assert errors == {}
    for site in Site.objects.filter(is_demo=True)[:20]:
        errors = {}
        services._validate_site(site, errors)
        assert errors == {}


def test_everything_the_generator_creates_is_marked_demo(db):
    def real_counts():
        return [
            model.objects.filter(is_demo=False).count()
            for model in (Organisation, Site, IndustrialArea, User)
        ]

    before = real_counts()
    demo.generate()
    assert real_counts() == before
    assert Organisation.objects.filter(is_demo=True).count() > 200
    assert Site.objects.filter(is_demo=True).count() >= 200
    assert IndustrialArea.objects.filter(is_demo=True).count() == len(demo.CRAFT_VILLAGES)
    assert User.objects.filter(is_demo=True).count() == len(account_roles.registry)


def test_the_generator_is_deterministic_and_idempotent(demo_province):
    before = sorted(Enterprise.objects.filter(is_demo=True).values_list("tax_code", "name"))
    reports = demo.generate()
    after = sorted(Enterprise.objects.filter(is_demo=True).values_list("tax_code", "name"))
    assert before == after
    assert all(r.created == 0 and r.updated == 0 for r in reports)


def test_there_is_one_demo_account_per_role(demo_province):
    held = Counter(RoleGrant.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert held == Counter(dict.fromkeys(account_roles.registry.keys(), 1))


def test_every_demo_sign_in_lands_on_its_home_page(demo_province):
    for row in demo.signins():
        client = Client()
        response = client.post(
            reverse("accounts:login"),
            {"username": row["email"], "password": row["password"]},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("accounts:home"), row["email"]


def test_pages_show_a_demo_banner_while_demo_data_is_present(demo_province):
    body = Client().get(reverse("portal:home")).content.decode()
    assert "Dữ liệu mẫu." in body
