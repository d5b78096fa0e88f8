"""The public side: home page, lists, lookup — no sign-in, no external assets."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    ("portal:home", []),
    ("directory:industrial_area_list", []),
    ("directory:commune_list", []),
    ("directory:address_lookup", []),
    ("accounts:login", []),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_URLS)
def test_public_pages_open_without_signing_in(name, args):
    response = Client().get(reverse(name, args=args))
    assert response.status_code == 200


def test_the_home_page_says_what_the_system_is_with_live_figures():
    body = Client().get(reverse("portal:home")).content.decode()
    assert "Sản xuất và tiêu dùng bền vững trong công nghiệp tỉnh Đồng Nai" in body
    assert "Kế hoạch số 202/KH-UBND" in body
    # 95 communes, loaded from the reference data, not typed into the template.
    assert re.search(r'<span class="figure">95</span>', body)


@pytest.mark.parametrize(("name", "args"), PUBLIC_URLS)
def test_every_page_has_a_skip_link_a_main_landmark_and_a_language(name, args):
    body = Client().get(reverse(name, args=args)).content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    assert re.search(r'<html lang="vi">', body)


def test_every_form_field_on_public_pages_has_a_label():
    for name, args in PUBLIC_URLS:
        body = Client().get(reverse(name, args=args)).content.decode()
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', body):
            assert f'for="{field_id}"' in body, (name, field_id)


def test_no_page_or_asset_loads_anything_from_another_site():
    external = re.compile(r'(?:src|href)="(?:https?:)?//', re.I)
    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("benvung/**/templates/**/*.html")]:
        offenders += [str(path) for line in path.read_text().splitlines() if external.search(line)]
    text_assets = {".css", ".js", ".html", ".svg", ".json"}  # images cannot load anything
    for path in (p for p in ROOT.glob("static/**/*.*") if p.suffix in text_assets):
        if re.search(r"url\((['\"]?)https?://|@import\s+url\(https?://", path.read_text()):
            offenders.append(str(path))
    assert offenders == []


def test_static_files_are_collected_and_served_by_the_project(tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "css" / "benvung.css").exists()
    assert (tmp_path / "js" / "benvung.js").exists()
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/css/benvung.css")
    assert response.status_code == 200


def test_the_industrial_area_list_marks_unofficial_rows():
    body = Client().get(reverse("directory:industrial_area_list")).content.decode()
    assert "chưa chính thức" in body
    assert "Amata" in body


def test_a_failed_form_shows_an_error_summary_first_and_keeps_the_input(coordinator):
    from benvung.conftest import client_for

    response = client_for(coordinator).post(
        reverse("directory:organisation_create", args=["enterprise"]),
        {"name": "Công ty Đã Gõ", "tax_code": "123"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    summary = body.index('class="error-summary"')
    assert summary < body.index('<form method="post"')
    assert 'href="#id_tax_code"' in body
    assert 'value="Công ty Đã Gõ"' in body
    assert 'aria-invalid="true"' in body


def test_error_pages_are_in_vietnamese_in_the_site_layout(enterprise_a_user, enterprise_b):
    from benvung.conftest import client_for

    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and '<a class="skip-link"' in body
    client = client_for(enterprise_a_user)
    body = client.get(reverse("core:audit_list")).content.decode()
    assert "Không được phép" in body
    body = client.get(reverse("directory:organisation_detail", args=[enterprise_b.pk])).content
    assert "Không tìm thấy trang" in body.decode()


def test_a_form_sent_without_its_security_token_gets_an_explanation(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_the_system_error_page_needs_no_database_or_translation():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html and 'lang="vi"' in html


def test_pages_forbid_scripts_and_assets_from_other_sites():
    response = Client().get(reverse("portal:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_home_page_computes_the_targets_cards_once_per_data_version(db, monkeypatch):
    """The cards (most of the page's cost under 50 readers) come from the cache until the
    figures change; then they are computed again."""
    from django.test import Client
    from django.utils import timezone

    from benvung.plans.models import PlanRevision
    from benvung.portal import selectors

    calls = []
    compute = selectors.progress_rows

    def counted(**kwargs):
        calls.append(kwargs)
        return compute(**kwargs)

    monkeypatch.setattr(selectors, "progress_rows", counted)
    first = Client().get("/").content
    assert Client().get("/").content == first
    assert len(calls) == 1
    PlanRevision.objects.update(loaded_at=timezone.now())  # the data version changes
    Client().get("/")
    assert len(calls) == 2
