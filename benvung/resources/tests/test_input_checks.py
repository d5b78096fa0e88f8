"""What people send is read one way, for years that have come, and a refusal names nothing the
sender may not know: numbers that could mean two things or would be stored as 0 (F6), future
years (F8), another enterprise's name found by its tax code (F9)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from benvung.api import services as tokens
from benvung.conftest import client_for, make_site, make_user
from benvung.core import tableimport, years
from benvung.core.tests.test_table_import import add_row, job, upload
from benvung.core.tests.test_table_import import template as table_template
from benvung.core.tests.test_table_import import xlsx as table_xlsx
from benvung.directory.models import RetailOutlet
from benvung.resources import excel
from benvung.resources.models import Carrier, EnergyUse, SiteYear

pytestmark = pytest.mark.django_db
NEXT_YEAR = years.current_year() + 1


@pytest.fixture
def site(enterprise_a: Any) -> Any:
    return make_site(enterprise_a, "Nhà máy giấy Nhơn Trạch")


@pytest.fixture
def owner(site: Any) -> Any:
    return make_user(site.enterprise, "enterprise_user", "giay@test.example")


def _item(site: Any, year: int, kwh: Any) -> dict[str, Any]:
    return {
        "tax_code": site.enterprise.tax_code,
        "site": site.name,
        "year": year,
        "outputs": [
            {"product": "Giấy", "category": "packaging-paper", "quantity": "8000", "unit": "t"}
        ],
        "energy": [{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
    }


def _api(user: Any, items: list[dict[str, Any]]) -> Any:
    _token, raw = tokens.token_issue(actor=user, user=user, name="ERP", scopes=("read", "write"))
    return Client(headers={"authorization": f"Bearer {raw}"}).post(
        "/api/resources/site-years", json.dumps({"items": items}), content_type="application/json"
    )


def _messages(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def test_the_api_refuses_an_english_grouped_number_instead_of_storing_it_a_thousand_times_smaller(
    site: Any, owner: Any
) -> None:
    response = _api(owner, [_item(site, 2024, "1,234.5")])
    assert response.status_code == 422, response.content
    text = _messages(response)
    assert "1,234.5" in text and "1.234,5" in text  # what was sent, and how to write it
    assert not EnergyUse.objects.exists()


def test_the_api_refuses_a_number_too_small_to_store_instead_of_storing_zero(
    site: Any, owner: Any
) -> None:
    response = _api(owner, [_item(site, 2024, 1e-30)])
    assert response.status_code == 422, response.content
    assert "0,0001" in _messages(response)  # the smallest value the quantity keeps
    assert not EnergyUse.objects.exists()


def _formset(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.mark.parametrize(("typed", "shown"), [("1,234.5", "1.234,5"), ("1e-30", "0,0001")])
def test_the_form_refuses_what_it_would_misread_and_keeps_the_typed_value(
    site: Any, owner: Any, typed: str, shown: str
) -> None:
    data = {
        "allocation_rule": "mass",
        **_formset(
            "out",
            [{"product": "Giấy", "category": "packaging-paper", "quantity": "8000", "unit": "t"}],
        ),
        **_formset("en", [{"carrier": "grid_electricity", "quantity": typed, "unit": "kWh"}]),
        **_formset("mat", []),
    }
    response = client_for(owner).post(
        reverse("resources:site_year_edit", args=[site.pk, 2024]), data
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert shown in body and typed in body
    assert not SiteYear.objects.filter(site=site, year=2024).exists()


def test_the_api_and_the_form_refuse_a_year_that_has_not_come(site: Any, owner: Any) -> None:
    response = _api(owner, [_item(site, NEXT_YEAR, "1000")])
    assert response.status_code == 422, response.content
    assert str(NEXT_YEAR) in _messages(response)
    assert not SiteYear.objects.exists()


# --- The consumption import ---------------------------------------------------------------------


def _workbook(site: Any, year: int, carrier: Any = "Điện lưới", workbook: Any = None) -> bytes:
    workbook = workbook or load_workbook(io.BytesIO(excel.template()))
    for section, values in (
        (excel.OUTPUTS, {"product": "Giấy", "category": "Giấy bao bì", "quantity": 8000}),
        (excel.ENERGY, {"carrier": carrier, "quantity": 4_000_000, "unit": "kWh"}),
    ):
        spec = excel.sheet_spec(section)
        row = {"tax_code": site.enterprise.tax_code, "site": site.name, "year": year, **values}
        if section == excel.OUTPUTS:
            row["unit"] = "t"
        workbook[spec.title].append([row.get(c.field) for c in spec.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_consumption_import_refuses_rows_of_a_future_year(site: Any, owner: Any) -> None:
    parsed = excel.parse(_workbook(site, NEXT_YEAR), year=None, actor=owner)
    assert parsed.site_years == []
    messages = [str(p) for p in parsed.problems]
    assert len(messages) == 2, messages  # the output row and the energy row, each named
    assert all(str(NEXT_YEAR) in m for m in messages)
    assert {p.row for p in parsed.problems} == {2}
    # A file imported for a future year is refused as a whole.
    assert excel.parse(_workbook(site, NEXT_YEAR), year=NEXT_YEAR).blocked_all


def test_an_import_names_no_enterprise_found_by_a_tax_code_of_another(
    site: Any, enterprise_b_user: Any
) -> None:
    parsed = excel.parse(_workbook(site, 2024), year=2024, actor=enterprise_b_user)
    messages = " ".join(str(p) for p in parsed.problems)
    assert site.enterprise.tax_code in messages
    assert site.enterprise.name not in messages
    # Saved by a user who lost the right since the preview: named by the tax code too.
    preview = excel.parse(_workbook(site, 2024), year=2024)
    result = excel.apply(preview, actor=enterprise_b_user, keep_valid_only=True)
    text = " ".join(str(p) for p in result.problems) + " ".join(s.shown for s in result.skipped)
    assert site.enterprise.tax_code in text and site.enterprise.name not in text


def test_a_name_picked_from_a_template_list_matches_though_the_list_neutralised_it(
    site: Any, owner: Any
) -> None:
    # A carrier named like a formula is written "'-Điện lưới" in the drop-down list, so that it
    # cannot run; what the user picks from that list still means that carrier.
    Carrier.objects.filter(key="grid_electricity").update(name="-Điện lưới")
    workbook = load_workbook(io.BytesIO(excel.template()))
    listed = [c.value for c in workbook[excel.LISTS_SHEET]["A"]]
    assert "'-Điện lưới" in listed
    parsed = excel.parse(_workbook(site, 2024, "'-Điện lưới", workbook), year=2024, actor=owner)
    assert [str(p) for p in parsed.problems] == []
    (site_year,) = parsed.site_years
    assert [r["carrier"] for r in site_year.rows(excel.ENERGY)] == ["grid_electricity"]


# --- The packaging survey import ----------------------------------------------------------------


def test_the_survey_import_refuses_a_future_year(
    agency_reporter: Any, django_capture_on_commit_callbacks: Any
) -> None:
    outlet = RetailOutlet.objects.create(
        name="Siêu thị Xanh Biên Hòa", outlet_type=RetailOutlet.OutletType.SUPERMARKET
    )
    workbook = table_template("retail_survey")
    row = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=NEXT_YEAR,
        eco_packaging="Không",  # no survey date: only the year itself can be refused
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(agency_reporter), "retail_survey", table_xlsx(workbook))
    problems = job().preview["problems"]
    assert any(p["row"] == row and str(NEXT_YEAR) in p["message"] for p in problems), problems
    assert tableimport.importer_class("retail_survey") is not None
