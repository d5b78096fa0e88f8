"""The public progress pages: targets, indicators, open data, coverage map, SCP catalogue."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from benvung.conftest import client_for
from benvung.directory.models import Agency, IndustrialArea
from benvung.indicators import services
from benvung.indicators.models import IndicatorResult, Status
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.plans.models import Target

pytestmark = pytest.mark.django_db

CODE = "outreach_industrial_areas_share"


def english() -> Client:
    from django.conf import settings

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def reached(doit: Agency) -> dict[str, Any]:
    """Two of the 46 reference parks and clusters reached in 2023-2024; figures recomputed."""
    park = IndustrialArea.objects.filter(kind="industrial_park").order_by("name").first()
    cluster = IndustrialArea.objects.filter(kind="industrial_cluster").order_by("name").first()
    for start, areas in ((dt.date(2023, 3, 8), [park]), (dt.date(2024, 9, 2), [park, cluster])):
        activity = OutreachActivity.objects.create(
            owner=doit,
            organiser=doit,
            kind=OutreachActivity.Kind.CAMPAIGN,
            title=f"Tuyên truyền SX&TDBV {start:%Y}",
            start_date=start,
        )
        activity.industrial_areas.set(areas)
    services.recompute(CODE)
    return {"park": park, "cluster": cluster}


def stored(year: int, kind: str = "province", key: str = "") -> IndicatorResult:
    return IndicatorResult.objects.get(indicator=CODE, year=year, scope_kind=kind, scope_key=key)


PAGES = [
    ("portal:progress", []),
    ("portal:target_detail", ["T2-2025"]),
    ("portal:target_detail", ["T6-2025"]),  # the qualitative target
    ("portal:indicator_detail", [CODE]),
    ("portal:coverage_map", []),
    ("portal:scp_model_list", []),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_progress_pages_open_without_signing_in_in_vietnamese_and_english(reached, name, args):
    vi = Client().get(reverse(name, args=args))
    assert vi.status_code == 200
    assert '<html lang="vi">' in vi.content.decode()
    en = english().get(reverse(name, args=args))
    assert en.status_code == 200
    assert '<html lang="en">' in en.content.decode()


def test_pages_open_before_anything_was_computed():
    for name, args in PAGES:
        assert Client().get(reverse(name, args=args)).status_code == 200, name
    assert Client().get(reverse("portal:home")).status_code == 200


def test_the_overview_shows_the_stored_figure_the_target_and_a_status_in_words(reached):
    body = Client().get(reverse("portal:progress") + "?year=2024").content.decode()
    # 2 of 46 = 4.347826 % stored; shown the Vietnamese way with one decimal.
    assert stored(2024).value == Decimal("4.347826")
    row = body[body.index(">T2-2025<") :].split("</tr>")[0]
    assert "4,3 %" in row
    assert re.search(r'<td class="num">70\s?%</td>', row)  # the target
    assert 'class="badge status status--' in row
    status = re.search(r'status--(\w+)">([^<]+)<', row)
    assert status is not None and status.group(1) in Status.values
    assert status.group(2).strip() != ""  # the status is written, not only coloured


def test_the_year_selector_changes_the_figures(reached):
    body = Client().get(reverse("portal:progress") + "?year=2023").content.decode()
    row = body[body.index(">T2-2025<") :].split("</tr>")[0]
    assert "2,2 %" in row  # 1 of 46
    assert '<option value="2023" selected>' in body
    # A year outside the plan falls back to the latest.
    assert Client().get(reverse("portal:progress") + "?year=1999").status_code == 200


def test_an_overridden_status_is_shown_with_its_reason(reached, coordinator):
    target = Target.objects.get(code="T2-2025")
    services.status_override_set(
        actor=coordinator,
        target=target,
        year=2024,
        status=Status.NEEDS_ACCELERATION,
        reason="Các khu công nghiệp mới chưa được tính; số liệu 2024 chưa đủ.",
    )
    body = Client().get(reverse("portal:progress") + "?year=2024").content.decode()
    row = body[body.index(">T2-2025<") :].split("</tr>")[0]
    assert "status--needs_acceleration" in row
    assert "Các khu công nghiệp mới chưa được tính" in row
    # The coordinator's name is not published.
    assert coordinator.full_name not in body


def test_the_target_page_has_a_titled_chart_and_the_same_numbers_in_a_table(reached):
    body = Client().get(reverse("portal:target_detail", args=["T2-2025"]) + "?year=2024").content
    html = body.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img" aria-labelledby="series-chart-title"' in html
    assert '<title id="series-chart-title">' in html
    # The series table holds the stored value of each year.
    result = stored(2024)
    assert f'<span data-result="{result.pk}">4,3 %</span>' in html
    assert '<th scope="row">2023</th>' in html
    # Breakdowns the definition lists, its method and sources, and the downloads.
    # Each breakdown the definition lists has a heading and a table of the stored values.
    from benvung.indicators.registry import get

    for _kind, label in get(CODE).breakdowns:
        assert f"<h3>{label} (2024)</h3>" in html
    parks = stored(2024, "area_kind", "industrial_park")  # 1 of 39 parks
    assert f'<th scope="row">{parks.label}</th>\n    <td class="num">2,6 %</td>' in html
    # Notes are written out in words, not as stored data.
    assert "{&#x27;msg" not in html and "'msg'" not in html
    for fmt in ("csv", "xlsx", "json"):
        assert reverse("portal:indicator_data", args=[CODE, fmt]) in html


def test_an_unknown_target_or_indicator_is_not_found():
    assert Client().get(reverse("portal:target_detail", args=["T9-2099"])).status_code == 404
    assert Client().get(reverse("portal:indicator_detail", args=["khong_co"])).status_code == 404
    url = reverse("portal:indicator_data", args=[CODE, "exe"])
    assert Client().get(url).status_code == 404


def test_downloads_parse_and_match_the_stored_results(reached):
    results = IndicatorResult.objects.filter(indicator=CODE)
    count = results.count()
    province = stored(2024)

    response = Client().get(reverse("portal:indicator_data", args=[CODE, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == count
    row = next(r for r in rows if r["year"] == "2024" and r["scope_kind"] == "province")
    assert Decimal(row["value"]) == province.value  # a plain number: 4.347826
    assert row["numerator"] == "2" and row["denominator"] == "46"

    response = Client().get(reverse("portal:indicator_data", args=[CODE, "json"]))
    data = json.loads(response.content)
    assert data["indicator"]["code"] == CODE
    assert {t["code"] for t in data["targets"]} == {"T2-2025", "T2-2030"}
    assert len(data["results"]) == count
    item = next(r for r in data["results"] if r["year"] == 2024 and r["scope_kind"] == "province")
    assert Decimal(str(item["value"])) == province.value
    assert "inputs" not in item  # the records behind are not published

    response = Client().get(reverse("portal:indicator_data", args=[CODE, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["data"]
    header = [c.value for c in sheet[1]]
    lines = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    assert len(lines) == count
    line = next(r for r in lines if r["year"] == 2024 and r["scope_kind"] == "province")
    assert Decimal(str(line["value"])) == province.value
    assert isinstance(line["value"], float)


def test_english_downloads_use_the_same_plain_numbers(reached):
    response = english().get(reverse("portal:indicator_data", args=[CODE, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(r["value"] == "4.347826" for r in rows)


def test_the_map_page_lists_every_area_with_its_coverage_without_javascript(reached):
    body = Client().get(reverse("portal:coverage_map") + "?year=2024").content.decode()
    table = body[body.index('<table class="coverage-table">') :]
    areas = IndustrialArea.objects.valid_on(dt.date(2024, 12, 31))
    assert areas.count() == 46
    for area in areas:
        assert f'<tr data-area="{area.pk}">' in table, area.name
    park_row = table[table.index(f'<tr data-area="{reached["park"].pk}">') :].split("</tr>")[0]
    assert "status--achieved" in park_row
    other = areas.exclude(pk__in=[reached["park"].pk, reached["cluster"].pk]).first()
    other_row = table[table.index(f'<tr data-area="{other.pk}">') :].split("</tr>")[0]
    assert "status--off_track" in other_row
    # The markers for the script come as data, never as code; the map asset is ours.
    markers = re.search(
        r'<script id="coverage-markers" type="application/json">(.*?)</script>', body, re.S
    )
    assert markers is not None
    data = json.loads(markers.group(1))
    assert {m["id"] for m in data} <= {a.pk for a in areas}
    assert any(m["reached"] for m in data)
    assert "/static/vendor/leaflet/leaflet.js" in body
    lead = body[body.index('<p class="lead">') :].split("</p>")[0]
    assert re.search(r"\b2\b.*\b46\b", lead)  # 2 of the 46 places counted


def test_the_map_filters_by_kind(reached):
    body = Client().get(reverse("portal:coverage_map") + "?kind=industrial_cluster").content
    html = body.decode()
    assert f'<tr data-area="{reached["cluster"].pk}">' in html
    assert f'<tr data-area="{reached["park"].pk}">' not in html


def test_the_map_page_allows_the_tile_server_only_when_one_is_set(settings):
    policy = Client().get(reverse("portal:coverage_map"))["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy
    settings.PORTAL_MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    response = Client().get(reverse("portal:coverage_map"))
    assert (
        "img-src 'self' data: https://*.tile.openstreetmap.org"
        in response["Content-Security-Policy"]
    )
    assert "script-src 'self'" in response["Content-Security-Policy"]
    home = Client().get(reverse("portal:home"))["Content-Security-Policy"]
    assert "openstreetmap" not in home


def test_leaflet_is_vendored_with_its_licence():
    from django.contrib.staticfiles import finders

    for name in ("leaflet.js", "leaflet.css", "LICENSE"):
        assert finders.find(f"vendor/leaflet/{name}"), name
    assert finders.find("js/coverage-map.js")


# --- SCP models ------------------------------------------------------------------------------


@pytest.fixture
def models(enterprise_a, enterprise_b, coordinator) -> dict[str, SCPModel]:
    def make(org: Any, title: str, kind: str, year: int, state: str) -> SCPModel:
        return SCPModel.objects.create(
            owner=org,
            organisation=org,
            kind=kind,
            title=title,
            year=year,
            state=state,
            energy_saved_toe=Decimal("12.5"),
            evidence_url="https://example.invalid/bien-ban-noi-bo.pdf",
            reviewed_by=coordinator if state != SCPModel.State.PROPOSED else None,
            review_note="Ghi chú nội bộ của người thẩm định",
        )

    return {
        "textile": make(
            enterprise_a, "Thu hồi nhiệt lò hơi", "energy_efficiency", 2023, "verified"
        ),
        "steel": make(enterprise_b, "Tái chế xỉ thép", "circular_economy", 2024, "verified"),
        "proposed": make(enterprise_a, "Mô hình đang chờ", "cleaner_production", 2024, "proposed"),
        "rejected": make(enterprise_b, "Mô hình bị từ chối", "other", 2024, "rejected"),
    }


def test_the_catalogue_lists_only_verified_models(models):
    body = Client().get(reverse("portal:scp_model_list")).content.decode()
    assert "Thu hồi nhiệt lò hơi" in body and "Tái chế xỉ thép" in body
    assert "Mô hình đang chờ" not in body and "Mô hình bị từ chối" not in body


def test_the_catalogue_filters_by_kind_sector_and_year(models):
    url = reverse("portal:scp_model_list")
    body = Client().get(url + "?kind=circular_economy").content.decode()
    assert "Tái chế xỉ thép" in body and "Thu hồi nhiệt lò hơi" not in body
    body = Client().get(url + "?year=2023").content.decode()
    assert "Thu hồi nhiệt lò hơi" in body and "Tái chế xỉ thép" not in body
    body = Client().get(url + "?sector=steel").content.decode()
    assert "Tái chế xỉ thép" in body and "Thu hồi nhiệt lò hơi" not in body
    body = Client().get(url + "?sector=textiles_garments").content.decode()
    assert "Thu hồi nhiệt lò hơi" in body and "Tái chế xỉ thép" not in body
    # Unknown filters are ignored rather than failing.
    assert Client().get(url + "?year=abc&kind=x&sector=y").status_code == 200


def test_a_model_page_shows_no_evidence_and_no_reviewer(models, coordinator):
    model = models["textile"]
    response = Client().get(reverse("portal:scp_model_detail", args=[model.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thu hồi nhiệt lò hơi" in body and "12,5 TOE" in body
    assert "bien-ban-noi-bo" not in body
    assert coordinator.full_name not in body
    assert "Ghi chú nội bộ" not in body


def test_unverified_models_have_no_public_page(models, enterprise_a_user):
    for key in ("proposed", "rejected"):
        url = reverse("portal:scp_model_detail", args=[models[key].pk])
        assert Client().get(url).status_code == 404
        # Signing in does not open the public page of an unverified model either.
        assert client_for(enterprise_a_user).get(url).status_code == 404


def test_the_home_page_leads_to_the_progress_pages(reached):
    body = Client().get(reverse("portal:home")).content.decode()
    for name in ("portal:progress", "portal:coverage_map", "portal:scp_model_list"):
        assert reverse(name) in body
    assert reverse("portal:target_detail", args=["T2-2025"]) in body


def test_breakdown_names_follow_the_readers_language(reached):
    url = reverse("portal:indicator_detail", args=[CODE]) + "?year=2024"
    assert '<th scope="row">khu công nghiệp</th>' in Client().get(url).content.decode()
    assert '<th scope="row">industrial park</th>' in english().get(url).content.decode()
