"""Sites: a current commune of the province, coordinates inside it, or a clear refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benvung.directory import selectors, services
from benvung.directory.models import AdministrativeUnit, IndustrialArea, Site

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    commune = selectors.current_communes().get(name="Phường Trấn Biên")
    fields = {
        "name": "Nhà máy số 2",
        "address": "KCN Biên Hòa 2",
        "administrative_unit": commune,
        "industrial_area": IndustrialArea.objects.get(name="Biên Hòa 2"),
        "latitude": Decimal("10.9447"),
        "longitude": Decimal("106.8243"),
    }
    fields.update(overrides)
    return fields


def test_an_enterprise_user_adds_a_site_inside_the_province(enterprise_a, enterprise_a_user):
    site = services.site_create(actor=enterprise_a_user, enterprise=enterprise_a, fields=_fields())
    assert site.enterprise == enterprise_a
    assert Site.objects.filter(enterprise=enterprise_a).count() == 1


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (Decimal("10.776900"), Decimal("106.700900")),  # Hồ Chí Minh City
        (Decimal("106.824300"), Decimal("10.944700")),  # swapped
        (Decimal("21.028500"), Decimal("105.854200")),  # Hà Nội
    ],
)
def test_coordinates_outside_the_province_are_refused(enterprise_a, coordinator, lat, lon):
    with pytest.raises(ValidationError) as excinfo:
        services.site_create(
            actor=coordinator, enterprise=enterprise_a, fields=_fields(latitude=lat, longitude=lon)
        )
    messages = excinfo.value.message_dict
    assert "latitude" in messages
    assert messages["latitude"][0] in {
        f"Tọa độ ({lat}, {lon}) nằm ngoài địa bàn tỉnh. Kiểm tra lại xem vĩ độ và kinh độ "
        "có bị đảo chỗ không.",
        "Vĩ độ phải nằm trong khoảng từ -90 đến 90 độ.",
    }
    assert not Site.objects.filter(enterprise=enterprise_a).exists()


def test_only_one_of_latitude_and_longitude_is_refused(enterprise_a, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.site_create(
            actor=coordinator, enterprise=enterprise_a, fields=_fields(longitude=None)
        )
    assert "longitude" in excinfo.value.message_dict


def test_a_site_must_lie_in_a_current_commune_of_the_province(enterprise_a, coordinator):
    old_commune = AdministrativeUnit.objects.filter(
        edition=AdministrativeUnit.Edition.PRE_2025, level=AdministrativeUnit.Level.COMMUNE
    ).first()
    with pytest.raises(ValidationError) as excinfo:
        services.site_create(
            actor=coordinator,
            enterprise=enterprise_a,
            fields=_fields(administrative_unit=old_commune),
        )
    assert "administrative_unit" in excinfo.value.message_dict


def test_several_faults_are_reported_together(enterprise_a, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        services.site_create(
            actor=coordinator,
            enterprise=enterprise_a,
            fields=_fields(name="", address=" ", longitude=None),
        )
    assert set(excinfo.value.message_dict) == {"name", "address", "longitude"}


def test_a_user_of_another_enterprise_cannot_add_a_site(enterprise_a, enterprise_b_user):
    with pytest.raises(PermissionDenied):
        services.site_create(actor=enterprise_b_user, enterprise=enterprise_a, fields=_fields())
