"""The main menu is what the apps register, shown to the roles that may use each page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from benvung.accounts.models import User
from benvung.conftest import client_for
from benvung.core import navigation
from benvung.core.navigation import MenuEntry

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<li( class="nav-end")?><a href="([^"]+)">([^<]+)</a></li>')

HOME = ("/accounts/home/", "Trang của tôi")
CYCLES = ("/reporting/", "Báo cáo hằng năm")
DOCUMENTS = ("/documents/", "Văn bản hành chính")
RESOURCES = ("/resources/", "Tiêu hao năng lượng, nguyên liệu")
ACTIVITIES = ("/outreach/", "Hoạt động tuyên truyền")
SCP_MODELS = ("/outreach/models/", "Mô hình SX&TDBV")
SURVEYS = ("/retail/", "Khảo sát bao bì")
ORGANISATIONS = ("/directory/organisations/", "Tổ chức")
SUCCESSIONS = ("/directory/successions/", "Quan hệ kế thừa")
PLAN = ("/plans/", "Kế hoạch 202")
PROGRESS = ("/chi-tieu/", "Tiến độ thực hiện chỉ tiêu")
DASHBOARD = ("/indicators/", "Bảng theo dõi chỉ số")
PUBLIC_DIRECTORY = [
    ("/directory/industrial-areas/", "Khu, cụm công nghiệp"),
    ("/directory/administrative-units/", "Xã, phường"),
    ("/directory/administrative-units/lookup/", "Tra cứu địa chỉ cũ"),
]
AUDIT = ("/audit/", "Nhật ký thay đổi")
ADMIN = ("/admin/", "Quản trị hệ thống")


def _own(user: User) -> tuple[str, str]:
    return (f"/directory/organisations/{user.organisation_id}/", "Đơn vị của tôi")


# The apps whose entries these menus list. An entry that another app registers (a new domain,
# which tests its own entry) is left out of the comparison, so adding a domain edits nothing here.
LISTED_APPS = {
    *("accounts", "core", "directory", "plans", "reporting", "reports", "indicators"),
    *("resources", "outreach", "retail", "portal"),
}


def _menu(client: Client, *, listed_apps_only: bool = True) -> list[tuple[str, str]]:
    page = client.get("/plans/").content.decode()
    nav = page[page.index('<nav class="main-nav"') : page.index("</nav>")]
    user_id = client.session.get("_auth_user_id")
    viewer = User.objects.get(pk=user_id) if user_id else AnonymousUser()
    others = {
        (link.url, link.label)
        for link in navigation.menu_for(viewer)
        if listed_apps_only and link.key.split(".")[0] not in LISTED_APPS
    }
    links = [(href, html.unescape(label)) for _end, href, label in LINK.findall(nav)]
    return [link for link in links if link not in others]


COORDINATOR_MENU = [
    HOME,
    CYCLES,
    DOCUMENTS,
    RESOURCES,
    ACTIVITIES,
    SCP_MODELS,
    SURVEYS,
    ORGANISATIONS,
    SUCCESSIONS,
    PLAN,
    PROGRESS,
    DASHBOARD,
    *PUBLIC_DIRECTORY,
    AUDIT,
]


def test_coordinator_sees_every_domain_and_the_audit_trail(coordinator: User) -> None:
    assert _menu(client_for(coordinator)) == COORDINATOR_MENU


def test_system_administrator_also_sees_system_administration(sysadmin: User) -> None:
    assert _menu(client_for(sysadmin)) == [*COORDINATOR_MENU, ADMIN]


def test_agency_reporter_sees_reporting_outreach_and_surveys(agency_reporter: User) -> None:
    assert _menu(client_for(agency_reporter)) == [
        HOME,
        CYCLES,
        DOCUMENTS,
        ACTIVITIES,
        SCP_MODELS,
        SURVEYS,
        _own(agency_reporter),
        PLAN,
        PROGRESS,
        *PUBLIC_DIRECTORY,
    ]


def test_enterprise_user_sees_energy_and_scp_models(enterprise_a_user: User) -> None:
    assert _menu(client_for(enterprise_a_user)) == [
        HOME,
        RESOURCES,
        SCP_MODELS,
        _own(enterprise_a_user),
        PLAN,
        PROGRESS,
        *PUBLIC_DIRECTORY,
    ]


def test_retail_reporter_sees_packaging_surveys(retail_reporter: User) -> None:
    assert _menu(client_for(retail_reporter)) == [
        HOME,
        SURVEYS,
        _own(retail_reporter),
        PLAN,
        PROGRESS,
        *PUBLIC_DIRECTORY,
    ]


def test_visitor_sees_public_pages_and_sign_in_at_the_end() -> None:
    client = Client()
    assert _menu(client) == [
        ("/", "Trang chủ"),
        PLAN,
        PROGRESS,
        *PUBLIC_DIRECTORY,
        ("/accounts/login/", "Đăng nhập"),
    ]
    assert (
        '<li class="nav-end"><a href="/accounts/login/">' in client.get("/plans/").content.decode()
    )


def test_an_entry_an_app_registers_appears_in_its_place_for_those_it_names(
    coordinator: User, retail_reporter: User
) -> None:
    def coordinators(user: Any) -> bool:
        return bool(getattr(user, "is_coordinator", False))

    navigation.register(MenuEntry("test.extra", "Extra page", "plans:plan_list", 105, coordinators))
    try:
        menu = _menu(client_for(coordinator), listed_apps_only=False)
        assert menu[menu.index(PLAN) + 1] == ("/plans/", "Extra page")
        assert ("/plans/", "Extra page") not in _menu(
            client_for(retail_reporter), listed_apps_only=False
        )
        # The comparisons of the other tests leave out what an unlisted app adds.
        assert ("/plans/", "Extra page") not in _menu(client_for(coordinator))
    finally:
        navigation.MENU.unregister("test.extra")
