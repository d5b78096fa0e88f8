"""Importing tables from Excel: template, upload, background reading, preview, confirm, result."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from benvung.conftest import client_for, make_site, make_user
from benvung.core import tableimport
from benvung.core.models import AuditEvent, TableImportJob
from benvung.directory.models import AdministrativeUnit, RetailOutlet
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.resources import services as resource_services
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db


# --- Helpers -------------------------------------------------------------------------------------


def template(kind: str, actor=None) -> Workbook:
    importer = tableimport.importer_class(kind)(actor)
    return load_workbook(io.BytesIO(tableimport.template(importer)))


def data_sheet(workbook: Workbook, kind: str):
    return workbook[str(tableimport.importer_class(kind).sheet_title)]


def add_row(workbook: Workbook, table: str, /, **values) -> int:
    """Write a row under the headings (by field name); returns its row number."""
    sheet = data_sheet(workbook, table)
    importer = tableimport.importer_class(table)
    row = sheet.max_row + 1
    for index, column in enumerate(importer.columns, start=1):
        if column.field in values:
            sheet.cell(row=row, column=index, value=values[column.field])
    return row


def xlsx(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, kind: str, data: bytes, name: str = "bang.xlsx"):
    return client.post(
        reverse("imports:new", args=[kind]), {"file": SimpleUploadedFile(name, data)}
    )


def job() -> TableImportJob:
    return TableImportJob.objects.latest("created_at")


def act(client, action: str):
    return client.post(reverse("imports:action", args=[job().token, action]), follow=True)


def problem_at(preview: dict, row: int, field_header: str) -> dict:
    matches = [p for p in preview["problems"] if p["row"] == row and p["header"] == field_header]
    assert matches, preview["problems"]
    return matches[0]


def header(kind: str, field: str) -> str:
    return str(tableimport.importer_class(kind)().column(field).header)


@pytest.fixture
def outlet(db):
    return RetailOutlet.objects.create(
        name="Siêu thị Xanh Biên Hòa", outlet_type=RetailOutlet.OutletType.SUPERMARKET
    )


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run the background tasks queued on commit (the test backend runs them at once)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


# --- The template --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["retail_survey", "outreach_activity", "scp_model"])
def test_each_template_downloads_and_reads_back(kind, coordinator):
    response = client_for(coordinator).get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(response.content))
    importer = tableimport.importer_class(kind)()
    sheet = workbook[str(importer.sheet_title)]
    headings = [cell.value for cell in sheet[1]]
    assert headings == [str(c.header) for c in importer.columns]
    lists = workbook[tableimport.lists_sheet_title()]
    assert lists.sheet_state == "hidden"
    assert sheet.data_validations.dataValidation  # drop-downs and number checks
    guide = workbook[tableimport.guide_sheet_title()]
    assert guide["A1"].value
    # A required column's heading is coloured differently from an optional one's.
    required = [i for i, c in enumerate(importer.columns) if c.required]
    optional = [i for i, c in enumerate(importer.columns) if not c.required]
    assert (
        sheet.cell(1, required[0] + 1).fill.fgColor.rgb
        != sheet.cell(1, optional[0] + 1).fill.fgColor.rgb
    )
    # The empty template, read as it is, holds no data: nothing to save.
    parsed = tableimport.parse(importer, response.content)
    assert parsed.blocked_all and not parsed.rows


def test_the_survey_template_offers_the_outlets_and_answers(coordinator, outlet):
    workbook = template("retail_survey", coordinator)
    lists = workbook[tableimport.lists_sheet_title()]
    values = [cell.value for row in lists.iter_rows() for cell in row]
    assert outlet.name in values and "Không" in values


def test_an_enterprise_user_gets_no_survey_template(enterprise_a_user):
    client = client_for(enterprise_a_user)
    assert client.get(reverse("imports:template", args=["retail_survey"])).status_code == 403
    assert client.get(reverse("imports:new", args=["retail_survey"])).status_code == 403
    assert client.get(reverse("imports:new", args=["no_such_kind"])).status_code == 404


# --- Packaging surveys: a good file round-trips -------------------------------------------------


def test_a_good_survey_file_is_previewed_then_saved_on_confirmation(
    agency_reporter, outlet, capture
):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2024,
        eco_packaging="Một phần",
        biodegradable_bag_share=37.5,
        ecolabelled_products=12,
        surveyed_on=dt.datetime(2024, 11, 5),
        note="Khảo sát tại chỗ",
    )
    add_row(workbook, "retail_survey", outlet=str(outlet.pk), year=2023, eco_packaging="Không")
    with capture():
        response = upload(client, "retail_survey", xlsx(workbook))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    preview = job().preview
    assert job().state == "preview" and preview["problem_count"] == 0, preview["problems"]
    assert preview["counts"] == {
        "rows": 2,
        "valid": 2,
        "with_problems": 0,
        "new": 2,
        "update": 0,
        "unchanged": 0,
    }
    assert "Siêu thị Xanh Biên Hòa – 2024" in body
    assert not PackagingSurvey.objects.exists()  # nothing before the confirmation
    with capture():
        act(client, "save")
    assert job().state == "saved"
    survey = PackagingSurvey.objects.get(outlet=outlet, year=2024)
    assert survey.eco_packaging == "partly"
    assert survey.biodegradable_bag_share == Decimal("37.5")
    assert survey.ecolabelled_products == 12
    assert survey.surveyed_on == dt.date(2024, 11, 5)
    assert survey.owner_id == agency_reporter.organisation_id
    assert PackagingSurvey.objects.get(outlet=outlet, year=2023).eco_packaging == "no"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"table_import.start", "table_import.confirm", "packaging_survey.create"} <= actions


def test_the_detail_page_polls_with_javascript_and_refreshes_without(agency_reporter, outlet):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    upload(client, "retail_survey", xlsx(workbook))  # not run: the task waits on the commit
    body = client.get(reverse("imports:detail", args=[job().token])).content.decode()
    assert '<noscript><meta http-equiv="refresh"' in body and "table_import.js" in body
    progress = client.get(reverse("imports:progress", args=[job().token])).json()
    assert progress == {"state": "queued", "progress": 0, "finished": False}


# --- Bad input: reported by row and field, nothing saved ----------------------------------------


def test_a_survey_for_an_unknown_outlet_is_refused_naming_row_and_value(
    agency_reporter, outlet, capture
):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    row = add_row(
        workbook, "retail_survey", outlet="Siêu thị Không Có Thật", year=2024, eco_packaging="Có"
    )
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    preview = job().preview
    problem = problem_at(preview, row, header("retail_survey", "outlet"))
    assert problem["value"] == "Siêu thị Không Có Thật"
    assert f"{row}" in problem["text"] and "Siêu thị Không Có Thật" in problem["text"]
    body = client.get(reverse("imports:detail", args=[job().token])).content.decode()
    assert "Siêu thị Không Có Thật" in body and f'<td class="num">{row}</td>' in body
    response = act(client, "save")  # "save all" is refused while there are problems
    assert job().state == "preview"
    assert not PackagingSurvey.objects.exists()
    assert response.status_code == 200


def test_text_in_a_number_column_and_a_wrong_date_are_named(agency_reporter, outlet, capture):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    text_row = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2024,
        eco_packaging="Có",
        biodegradable_bag_share="khoảng một nửa",
    )
    date_row = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2023,
        eco_packaging="Có",
        surveyed_on="2023/13/45",
    )
    ambiguous_row = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2022,
        eco_packaging="Có",
        ecolabelled_products="12.500",
    )
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    preview = job().preview
    assert "text" in problem_at(
        preview, text_row, header("retail_survey", "biodegradable_bag_share")
    )
    assert (
        "dd/mm/yyyy"
        in problem_at(preview, date_row, header("retail_survey", "surveyed_on"))["message"]
    )
    problem_at(preview, ambiguous_row, header("retail_survey", "ecolabelled_products"))
    assert preview["valid"] == 0
    act(client, "keep-valid")
    assert job().state == "preview" and not PackagingSurvey.objects.exists()


def test_ambiguous_numbers_formulas_and_merged_cells_are_refused(agency_reporter, outlet):
    importer = tableimport.importer_class("retail_survey")(agency_reporter)
    workbook = template("retail_survey")
    ambiguous = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2024,
        eco_packaging="Có",
        biodegradable_bag_share="12.500",
    )
    formula = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2023,
        eco_packaging="Có",
        biodegradable_bag_share="=10+2",
    )
    merged = add_row(workbook, "retail_survey", outlet=outlet.name, year=2022, eco_packaging="Có")
    add_row(workbook, "retail_survey", year=2021)
    data_sheet(workbook, "retail_survey").merge_cells(f"A{merged}:A{merged + 1}")
    parsed = tableimport.parse(importer, xlsx(workbook))
    by_row = {p.row: p.message for p in parsed.problems}
    assert "12500" in by_row[ambiguous] and "12,500" in by_row[ambiguous]
    assert by_row[formula] == gettext("The cell holds a formula; write the value itself.")
    assert by_row[merged]
    assert not parsed.rows


def test_files_that_are_not_workbooks_empty_or_too_large_are_refused(
    agency_reporter, monkeypatch, capture
):
    importer = tableimport.importer_class("retail_survey")(agency_reporter)
    assert tableimport.parse(importer, b"").blocked_all
    assert ".xlsx" in tableimport.parse(importer, b"MZ not a workbook").problems[0].message
    other = Workbook()
    other.active.title = "Something else"
    assert tableimport.parse(importer, xlsx(other)).blocked_all
    client = client_for(agency_reporter)
    monkeypatch.setattr("benvung.core.xlsx.MAX_BYTES", 100)
    response = upload(client, "retail_survey", b"x" * 200)
    assert "MB" in response.content.decode() and not TableImportJob.objects.exists()


def test_save_only_valid_rows_saves_just_those(agency_reporter, outlet, capture):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    add_row(workbook, "retail_survey", outlet="Không tồn tại", year=2024, eco_packaging="Có")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2023, eco_packaging="Khác")
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    assert job().preview["valid"] == 1 and job().preview["counts"]["with_problems"] == 2
    with capture():
        act(client, "keep-valid")
    assert job().state == "saved"
    assert list(PackagingSurvey.objects.values_list("year", flat=True)) == [2024]
    assert job().result["saved_count"] == 1


def test_save_all_is_all_or_nothing_when_the_service_refuses_a_row(
    agency_reporter, outlet, capture, monkeypatch
):
    """A row may turn bad between the preview and the save (someone else changed the data)."""
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2023, eco_packaging="Có")
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    from benvung.retail import imports as retail_imports
    from benvung.retail import services as retail_services

    real = retail_services.survey_save

    def save(*, actor, data, **kwargs):
        if data.year == 2023:
            raise ValidationError({"outlet": ["changed meanwhile"]})
        return real(actor=actor, data=data, **kwargs)

    monkeypatch.setattr(retail_imports.services, "survey_save", save)
    with capture():
        act(client, "save")
    assert job().state == "failed"
    assert not PackagingSurvey.objects.exists()
    assert any("changed meanwhile" in s["reason"] for s in job().result["skipped"])


def test_a_retail_reporter_may_import_only_its_own_outlet(retail_reporter, outlet, capture):
    client = client_for(retail_reporter)
    own = retail_reporter.organisation
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=own.name, year=2024, eco_packaging="Có")
    other = add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    problem_at(job().preview, other, header("retail_survey", "outlet"))
    with capture():
        act(client, "keep-valid")
    assert list(PackagingSurvey.objects.values_list("outlet_id", flat=True)) == [own.pk]


def test_cancel_saves_nothing_and_is_audited(agency_reporter, outlet, capture):
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    act(client, "cancel")
    assert job().state == "cancelled" and not PackagingSurvey.objects.exists()
    assert AuditEvent.objects.filter(action="table_import.cancel").exists()
    act(client, "save")
    assert job().state == "cancelled"


# --- Someone else's import -----------------------------------------------------------------------


def test_another_user_cannot_see_confirm_or_cancel_an_import(
    agency_reporter, retail_reporter, outlet, capture
):
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Có")
    with capture():
        upload(client_for(agency_reporter), "retail_survey", xlsx(workbook))
    token = job().token
    colleague = make_user(
        agency_reporter.organisation, "agency_reporter", "dongnghiep@test.example"
    )
    for user in (retail_reporter, colleague):
        other = client_for(user)
        assert other.get(reverse("imports:detail", args=[token])).status_code == 404
        assert other.get(reverse("imports:progress", args=[token])).status_code == 404
        for action in ("save", "keep-valid", "cancel"):
            response = other.post(reverse("imports:action", args=[token, action]))
            assert response.status_code == 404
    assert job().state == "preview" and not PackagingSurvey.objects.exists()


# --- Outreach activities and SCP models ----------------------------------------------------------


def test_an_activity_file_round_trips_with_places_and_organisations(
    agency_reporter, enterprise_a, capture
):
    district = AdministrativeUnit.objects.filter(edition="pre2025", level="district").first()
    commune = AdministrativeUnit.objects.filter(edition="pre2025", level="commune").first()
    client = client_for(agency_reporter)
    workbook = template("outreach_activity")
    add_row(
        workbook,
        "outreach_activity",
        title="Tập huấn sản xuất sạch hơn",
        kind="Training course",
        start_date=dt.datetime(2024, 5, 10),
        end_date="11/05/2024",
        topics="9; 11",
        administrative_units=f"{district.name}; {commune.code}",
        organisations_reached=f"{enterprise_a.tax_code}",
        participants=80,
    )
    with capture():
        upload(client, "outreach_activity", xlsx(workbook))
    assert job().preview["problem_count"] == 0, job().preview["problems"]
    with capture():
        act(client, "save")
    activity = OutreachActivity.objects.get()
    assert activity.owner_id == agency_reporter.organisation_id
    assert activity.organiser_id == agency_reporter.organisation_id
    assert set(activity.administrative_units.all()) == {district, commune}
    assert list(activity.organisations_reached.all()) == [enterprise_a.organisation_ptr]
    assert sorted(activity.topics.values_list("number", flat=True)) == [9, 11]
    assert activity.end_date == dt.date(2024, 5, 11)


def test_an_activity_reaching_a_unit_that_did_not_exist_on_its_date_is_refused(
    agency_reporter, capture
):
    # A commune of the new map named as no unit of the old map was (a new commune keeps the
    # code of one of its predecessors, and on a 2023 date that code rightly names the old one).
    commune_2025 = (
        AdministrativeUnit.objects.filter(edition="2025", level="commune", parent__code="75")
        .exclude(name__in=AdministrativeUnit.objects.filter(edition="pre2025").values("name"))
        .first()
    )
    client = client_for(agency_reporter)
    workbook = template("outreach_activity")
    row = add_row(
        workbook,
        "outreach_activity",
        title="Hội nghị 2023",
        kind="conference",
        start_date="15/03/2023",
        administrative_units=commune_2025.name,
        organisations_reached="Doanh nghiệp Không Tồn Tại",
    )
    with capture():
        upload(client, "outreach_activity", xlsx(workbook))
    preview = job().preview
    unit_problem = problem_at(preview, row, header("outreach_activity", "administrative_units"))
    assert "15/03/2023" in unit_problem["message"]
    problem_at(preview, row, header("outreach_activity", "organisations_reached"))
    act(client, "save")
    assert not OutreachActivity.objects.exists()


def test_an_activity_date_in_a_wrong_format_is_named(agency_reporter, capture):
    client = client_for(agency_reporter)
    workbook = template("outreach_activity")
    row = add_row(
        workbook,
        "outreach_activity",
        title="Chiến dịch truyền thông",
        kind="campaign",
        start_date="March 2024",
    )
    with capture():
        upload(client, "outreach_activity", xlsx(workbook))
    problem = problem_at(job().preview, row, header("outreach_activity", "start_date"))
    assert problem["value"] == "March 2024"
    assert not OutreachActivity.objects.exists()


@pytest.fixture
def consumption_2024(enterprise_a, coordinator):
    """Enterprise A reported 4 000 000 kWh (about 617 TOE) for 2024."""
    site = make_site(enterprise_a)
    resource_services.site_year_save(
        actor=coordinator,
        site=site,
        year=2024,
        energy=[{"carrier": "grid_electricity", "quantity": "4000000", "unit": "kWh"}],
    )
    return site


def test_a_model_saving_more_than_the_enterprise_consumed_is_refused(
    enterprise_a_user, enterprise_a, consumption_2024, capture
):
    client = client_for(enterprise_a_user)
    workbook = template("scp_model")
    good = add_row(
        workbook,
        "scp_model",
        organisation=enterprise_a.tax_code,
        site=consumption_2024.name,
        kind="energy_efficiency",
        title="Thay động cơ hiệu suất cao",
        year=2024,
        energy_saved_toe=50,
    )
    bad = add_row(
        workbook,
        "scp_model",
        organisation=enterprise_a.tax_code,
        kind="energy_efficiency",
        title="Lắp pin mặt trời",
        year=2024,
        energy_saved_toe=5000,
    )
    with capture():
        upload(client, "scp_model", xlsx(workbook))
    preview = job().preview
    problem_at(preview, bad, header("scp_model", "energy_saved_toe"))
    assert [r["row"] for r in preview["rows"]] == [good]
    act(client, "save")
    assert not SCPModel.objects.exists()  # "save all" refused
    with capture():
        act(client, "keep-valid")
    model = SCPModel.objects.get()
    assert model.title == "Thay động cơ hiệu suất cao" and model.site == consumption_2024


def test_an_enterprise_cannot_import_another_enterprises_models(
    enterprise_a_user, enterprise_b, capture
):
    client = client_for(enterprise_a_user)
    workbook = template("scp_model")
    row = add_row(
        workbook,
        "scp_model",
        organisation=enterprise_b.tax_code,
        kind="eco_design",
        title="Thiết kế sinh thái",
        year=2024,
    )
    with capture():
        upload(client, "scp_model", xlsx(workbook))
    problem_at(job().preview, row, header("scp_model", "organisation"))
    assert job().preview["valid"] == 0


# --- Rows that meet a record already stored ------------------------------------------------------


def _recorded_survey(actor, outlet, year=2024, **values):
    from benvung.retail import services as retail_services

    data = retail_services.SurveyData(
        outlet=outlet, year=year, **{"eco_packaging": "yes", **values}
    )
    return retail_services.survey_save(actor=actor, data=data)


def test_a_survey_row_replacing_a_recorded_survey_shows_old_and_new_and_needs_confirmation(
    agency_reporter, outlet, capture
):
    survey = _recorded_survey(agency_reporter, outlet, biodegradable_bag_share=Decimal("10"))
    client = client_for(agency_reporter)
    workbook = template("retail_survey")
    replacing = add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2024,
        eco_packaging="Một phần",
        biodegradable_bag_share=37.5,
    )
    new = add_row(workbook, "retail_survey", outlet=outlet.name, year=2023, eco_packaging="Có")
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    preview = job().preview
    assert (preview["counts"]["new"], preview["counts"]["update"]) == (1, 1)
    assert preview["replaces"] == 1 and preview["to_save"] == 2
    rows = {r["row"]: r for r in preview["rows"]}
    assert rows[new]["status"] == "new" and rows[replacing]["status"] == "update"
    assert {(c["field"], c["old"], c["new"]) for c in rows[replacing]["changes"]} == {
        ("eco_packaging", "yes", "partly"),
        ("biodegradable_bag_share", "10", "37.5"),
    }
    body = client.get(reverse("imports:detail", args=[job().token])).content.decode()
    assert "<del>có</del> → <ins>một phần</ins>" in body and "<del>10</del>" in body
    assert 'name="replace_confirmed"' in body
    # Without the box ticked the service refuses, whatever the page did.
    page = act(client, "save").content.decode()
    assert job().state == "preview" and "đánh dấu" in page
    survey.refresh_from_db()
    assert survey.eco_packaging == "yes"
    with capture():
        client.post(
            reverse("imports:action", args=[job().token, "save"]), {"replace_confirmed": "1"}
        )
    assert job().state == "saved" and job().result["replaced_count"] == 1
    survey.refresh_from_db()
    assert survey.eco_packaging == "partly" and survey.biodegradable_bag_share == Decimal("37.5")
    event = AuditEvent.objects.get(action="packaging_survey.update")
    assert event.before["eco_packaging"] == "yes" and event.after["eco_packaging"] == "partly"


def test_an_identical_survey_row_is_unchanged_and_nothing_is_saved(
    agency_reporter, outlet, capture
):
    survey = _recorded_survey(agency_reporter, outlet, ecolabelled_products=12)
    workbook = template("retail_survey")
    add_row(
        workbook,
        "retail_survey",
        outlet=outlet.name,
        year=2024,
        eco_packaging="Có",
        ecolabelled_products=12,
    )
    client = client_for(agency_reporter)
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    preview = job().preview
    assert preview["counts"]["unchanged"] == 1 and preview["to_save"] == 0
    body = client.get(reverse("imports:detail", args=[job().token])).content.decode()
    assert reverse("imports:action", args=[job().token, "save"]) not in body
    act(client, "save")
    assert job().state == "preview"
    assert not AuditEvent.objects.filter(action="packaging_survey.update").exists()
    assert PackagingSurvey.objects.get().updated_at == survey.updated_at


def test_a_survey_changed_after_the_preview_is_not_overwritten(agency_reporter, outlet, capture):
    _recorded_survey(agency_reporter, outlet)
    workbook = template("retail_survey")
    add_row(workbook, "retail_survey", outlet=outlet.name, year=2024, eco_packaging="Không")
    client = client_for(agency_reporter)
    with capture():
        upload(client, "retail_survey", xlsx(workbook))
    _recorded_survey(agency_reporter, outlet, note="Đã kiểm tra lại")  # a colleague's correction
    with capture():
        client.post(
            reverse("imports:action", args=[job().token, "save"]), {"replace_confirmed": "1"}
        )
    assert job().state == "failed" and job().result["saved"] == []
    assert PackagingSurvey.objects.get().note == "Đã kiểm tra lại"
