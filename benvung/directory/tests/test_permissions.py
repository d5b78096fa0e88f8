"""A user sees and changes only what their organisation owns; coordinators see all.

Each persona tries the pages and the URLs of another organisation's data, as someone guessing
URLs would. The answer is 404 (the object is not theirs to know about) or 403 for actions their
role never has; nothing changes.
"""

import pytest
from django.urls import reverse

from benvung.conftest import client_for, make_site
from benvung.directory import selectors
from benvung.directory.models import Agency, Organisation, Site

pytestmark = pytest.mark.django_db


def test_enterprise_user_cannot_read_another_enterprise(enterprise_a_user, enterprise_b):
    client = client_for(enterprise_a_user)
    for name in ("organisation_detail", "organisation_edit", "site_create", "invite_user"):
        response = client.get(reverse(f"directory:{name}", args=[enterprise_b.pk]))
        assert response.status_code == 404, name


def test_enterprise_user_cannot_change_another_enterprise_by_posting(
    enterprise_a_user, enterprise_b
):
    client = client_for(enterprise_a_user)
    response = client.post(
        reverse("directory:organisation_edit", args=[enterprise_b.pk]),
        {"name": "Bị sửa trộm", "phone": "0000"},
    )
    assert response.status_code == 404
    enterprise_b.refresh_from_db()
    assert enterprise_b.name == "Công ty TNHH Thép Thử B"


def test_enterprise_user_cannot_edit_or_see_another_enterprises_site(
    enterprise_a_user, enterprise_b
):
    site = make_site(enterprise_b)
    client = client_for(enterprise_a_user)
    assert client.get(reverse("directory:site_edit", args=[site.pk])).status_code == 404
    response = client.post(
        reverse("directory:site_edit", args=[site.pk]), {"name": "Bị sửa", "address": "x"}
    )
    assert response.status_code == 404
    site.refresh_from_db()
    assert site.name == "Nhà máy 1"


def test_enterprise_user_sees_and_edits_its_own_enterprise(enterprise_a_user, enterprise_a):
    client = client_for(enterprise_a_user)
    assert (
        client.get(reverse("directory:organisation_detail", args=[enterprise_a.pk])).status_code
        == 200
    )
    response = client.get(reverse("directory:organisation_edit", args=[enterprise_a.pk]))
    assert response.status_code == 200
    # Identity and validity are the coordinator's: not even offered to the enterprise.
    assert "tax_code" not in response.context["form"].fields
    assert "valid_to" not in response.context["form"].fields


def test_the_organisation_list_of_a_non_coordinator_is_only_its_own(
    enterprise_a_user, agency_reporter, retail_reporter, enterprise_a, enterprise_b
):
    for user in (enterprise_a_user, agency_reporter, retail_reporter):
        visible = selectors.organisation_list(viewer=user, state="all")
        assert [o.pk for o in visible] == [user.organisation_id]
        response = client_for(user).get(reverse("directory:organisation_list"))
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "directory:organisation_detail", args=[user.organisation_id]
        )


def test_site_selector_is_scoped_to_the_viewers_enterprise(
    enterprise_a_user, enterprise_a, enterprise_b, coordinator
):
    make_site(enterprise_a, "A1")
    make_site(enterprise_b, "B1")
    assert [s.name for s in selectors.site_list(viewer=enterprise_a_user)] == ["A1"]
    assert {s.name for s in selectors.site_list(viewer=coordinator)} >= {"A1", "B1"}


def test_anonymous_visitors_are_sent_to_sign_in(enterprise_a):
    from django.test import Client

    client = Client()
    for url in (
        reverse("directory:organisation_list"),
        reverse("directory:organisation_detail", args=[enterprise_a.pk]),
        reverse("core:audit_list"),
        reverse("accounts:home"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert list(selectors.organisation_list(viewer=None)) == []


def test_agency_reporter_cannot_manage_organisations_or_read_the_audit(agency_reporter):
    client = client_for(agency_reporter)
    assert client.get(reverse("core:audit_list")).status_code == 403
    assert (
        client.get(reverse("directory:organisation_create", args=["enterprise"])).status_code == 403
    )
    own = agency_reporter.organisation
    assert client.get(reverse("directory:organisation_end", args=[own.pk])).status_code == 403
    assert client.get(reverse("directory:succession_add", args=[own.pk])).status_code == 403
    assert client.get(reverse("directory:invite_user", args=[own.pk])).status_code == 403
    assert client.get(reverse("directory:succession_list")).status_code == 403


def test_agency_reporter_cannot_read_another_agency(agency_reporter):
    other = Agency.objects.get(key="sct")
    response = client_for(agency_reporter).get(
        reverse("directory:organisation_detail", args=[other.pk])
    )
    assert response.status_code == 404


def test_retail_reporter_cannot_confirm_reference_data(retail_reporter):
    from benvung.directory.models import IndustrialArea, OrganisationSuccession

    area = IndustrialArea.objects.get(name="Amata")
    link = OrganisationSuccession.objects.filter(status="to_be_confirmed").first()
    client = client_for(retail_reporter)
    assert (
        client.post(reverse("directory:industrial_area_confirm", args=[area.pk])).status_code == 403
    )
    assert client.post(reverse("directory:succession_confirm", args=[link.pk])).status_code == 403
    area.refresh_from_db()
    link.refresh_from_db()
    assert not area.is_confirmed and not link.is_confirmed


def test_coordinator_reads_and_changes_any_organisation(coordinator, enterprise_b):
    client = client_for(coordinator)
    assert client.get(reverse("directory:organisation_list")).status_code == 200
    assert (
        client.get(reverse("directory:organisation_detail", args=[enterprise_b.pk])).status_code
        == 200
    )
    response = client.get(reverse("directory:organisation_edit", args=[enterprise_b.pk]))
    assert "tax_code" in response.context["form"].fields


def test_users_of_another_organisation_are_not_listed(enterprise_a_user, enterprise_b_user):
    from benvung.accounts.selectors import user_list

    assert list(user_list(viewer=enterprise_a_user)) == [enterprise_a_user]
    response = client_for(enterprise_a_user).post(
        reverse("accounts:set_user_active", args=[enterprise_b_user.pk]), {"active": "0"}
    )
    assert response.status_code == 404
    enterprise_b_user.refresh_from_db()
    assert enterprise_b_user.is_active


def test_every_kind_of_private_object_is_hidden_from_other_organisations(
    enterprise_a_user, enterprise_b, supermarket
):
    """Guessing ids of any organisation kind or any site gives 404."""
    make_site(enterprise_b)
    client = client_for(enterprise_a_user)
    foreign = [
        *Organisation.objects.exclude(pk=enterprise_a_user.organisation_id).values_list(
            "pk", flat=True
        )[:50],
        supermarket.pk,
    ]
    for pk in foreign:
        assert client.get(reverse("directory:organisation_detail", args=[pk])).status_code == 404
    for site in Site.objects.exclude(enterprise=enterprise_a_user.organisation_id):
        assert client.get(reverse("directory:site_edit", args=[site.pk])).status_code == 404


def test_the_public_lists_show_no_enterprise_names(enterprise_a):
    from django.test import Client

    site = make_site(enterprise_a)
    for url in (
        reverse("directory:industrial_area_list"),
        reverse("directory:industrial_area_detail", args=[site.industrial_area_id or 1]),
        reverse("portal:home"),
    ):
        assert enterprise_a.name not in Client().get(url).content.decode()
