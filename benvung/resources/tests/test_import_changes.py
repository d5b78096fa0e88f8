"""What an import does to the data already stored: new, changes a draft, changes submitted data,
unchanged; submitted data replaced only when confirmed, and then to be submitted again; a bad
row stops its own site-year only."""

from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation

from benvung.conftest import client_for, make_enterprise, make_site, make_user
from benvung.core import tableimport
from benvung.core.models import AuditEvent, TableImportJob
from benvung.resources import changes, excel, imports, services
from benvung.resources.imports import KIND
from benvung.resources.models import SiteYear
from benvung.resources.tests.test_excel import YEAR, put, template, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise():
    return make_enterprise("Công ty Bia Giấy Thử", "031234567", sector_code="1103")


@pytest.fixture
def brewery(enterprise):
    return make_site(enterprise, "Nhà máy bia Demo")


@pytest.fixture
def paper_mill(enterprise):
    return make_site(enterprise, "Nhà máy giấy")


@pytest.fixture
def owner(enterprise):
    return make_user(enterprise, "enterprise_user", "bia-giay@test.example")


def store(site, owner, *, hl="110000", kwh="2600000", submitted=False, year=YEAR):
    """The brewery's year as stored before the import (as the form or an earlier import
    saved it); `submitted`: then submitted."""
    site_year = services.site_year_save(
        actor=owner,
        site=site,
        year=year,
        outputs=[{"product": "Bia lon", "category": "beer", "quantity": hl, "unit": "hl"}],
        energy=[
            {"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"},
            {"carrier": "fuel_oil", "quantity": "65", "unit": "t"},
        ],
    )
    if submitted:
        now = timezone.now()
        SiteYear.objects.filter(pk=site_year.pk).update(
            state="submitted", submitted_at=now, last_submitted_at=now
        )
        site_year.refresh_from_db()
    return site_year


def brewery_file(workbook, site, *, hl=110_000, kwh=2_600_000, year=None):
    """The brewery's year as the workbook gives it (outputs and energy as `store` has them)."""
    put(
        workbook,
        excel.OUTPUTS,
        site,
        year=year,
        product="Bia lon",
        category="Bia",
        quantity=hl,
        unit="hl",
    )
    put(workbook, excel.ENERGY, site, year=year, carrier="Điện lưới", quantity=kwh, unit="kWh")
    put(workbook, excel.ENERGY, site, year=year, carrier="Dầu mazut (FO)", quantity=65, unit="t")


def paper_file(workbook, site, *, tonnes=9_000):
    put(
        workbook,
        excel.OUTPUTS,
        site,
        product="Giấy bao bì",
        category="Giấy bao bì",
        quantity=tonnes,
        unit="t",
    )
    put(workbook, excel.ENERGY, site, carrier="Điện lưới", quantity=4_200_000, unit="kWh")


def read(workbook, actor, year=YEAR):
    parsed = excel.parse(xlsx(workbook), year=year, actor=actor)
    excel.classify(parsed, viewer=actor)
    return parsed


def by_site(parsed):
    return {sy.site.name: sy for sy in parsed.site_years}


# --- The comparison itself ---------------------------------------------------------------------


def test_rows_equal_at_the_stored_precision_compare_as_unchanged():
    stored = changes.YearRows.of(
        "mass",
        {
            "outputs": [
                {
                    "product": "Bia",
                    "category": "beer",
                    "month": None,
                    "quantity": Decimal("110000.0000"),
                    "unit": "hl",
                    "capacity": Decimal("150000000.00"),
                    "value_vnd": None,
                }
            ]
        },
    )
    same = changes.YearRows.of(
        "mass",
        {
            "outputs": [
                {
                    "product": "Bia",
                    "category": "beer",
                    "quantity": Decimal("110000.00001"),  # beyond the 4 decimals kept
                    "unit": "hl",
                    "capacity": 150_000_000,
                }
            ]
        },
    )
    assert changes.compare(stored, same, "submitted").status == changes.UNCHANGED
    moved = changes.YearRows.of(
        "mass",
        {
            "outputs": [
                {"product": "Bia", "category": "beer", "quantity": "110000.0001", "unit": "hl"}
            ]
        },
    )
    change = changes.compare(stored, moved, "submitted")
    assert change.status == changes.SUBMITTED
    [item] = change.items
    # The capacity is gone too: the row changes in both fields, old → new.
    assert item.rows[0].old == ("beer", "110000", "hl", "150000000", None)
    assert item.rows[0].new == ("beer", "110000.0001", "hl", None, None)


def test_monthly_changes_are_summed_per_item_and_name_the_months():
    def year(values):
        return changes.YearRows.of(
            "mass",
            {
                "energy": [
                    {"carrier": "grid_electricity", "month": m, "quantity": q, "unit": "kWh"}
                    for m, q in values.items()
                ]
            },
        )

    old = year(dict.fromkeys(range(1, 12), 1000))  # no December yet
    new = year({**dict.fromkeys(range(2, 13), 1000), 3: 1500, 7: 900})  # January dropped
    change = changes.compare(old, year(dict.fromkeys(range(1, 12), 1000)), "draft")
    assert change.status == changes.UNCHANGED
    change = changes.compare(old, new, "draft")
    [item] = change.items
    assert item.old_total == {"kWh": "11000"} and item.new_total == {"kWh": "11400"}
    assert item.months("changed") == [3, 7]
    assert item.months("added") == [12] and item.months("removed") == [1]
    assert change.counts()["energy"] == {"added": 1, "removed": 1, "changed": 2}


# --- The preview -------------------------------------------------------------------------------


def test_the_import_preview_classifies_new_draft_and_submitted_changes_with_old_and_new_values(
    enterprise, brewery, paper_mill, owner
):
    store(brewery, owner, submitted=True)
    store(paper_mill, owner, year=YEAR)  # a draft (a brewery's rows, as the paper mill's...)
    third = make_site(enterprise, "Nhà máy mới")
    unchanged = make_site(enterprise, "Nhà máy cũ")
    store(unchanged, owner, submitted=True)
    workbook = template()
    brewery_file(workbook, brewery, hl=120_000)  # submitted: 110 000 hl → 120 000 hl
    paper_file(workbook, paper_mill)  # the draft: every row changes
    paper_file(workbook, third)  # nothing stored yet
    brewery_file(workbook, unchanged)  # the same as stored
    parsed = read(workbook, owner)
    assert parsed.problems == []
    sites = by_site(parsed)
    assert sites["Nhà máy bia Demo"].change.status == changes.SUBMITTED
    assert sites["Nhà máy giấy"].change.status == changes.DRAFT
    assert sites["Nhà máy mới"].change.status == changes.NEW
    assert sites["Nhà máy cũ"].change.status == changes.UNCHANGED
    # Old → new, at the stored precision.
    [beer] = sites["Nhà máy bia Demo"].change.items
    assert (beer.section, beer.item, beer.kind) == ("outputs", ("Bia lon",), "changed")
    assert beer.old_total == {"hl": "110000"} and beer.new_total == {"hl": "120000"}
    assert beer.rows[0].old[1] == "110000" and beer.rows[0].new[1] == "120000"
    # The draft: the brewery's product and fuel oil removed, the paper added.
    paper = {(i.section, i.item): i.kind for i in sites["Nhà máy giấy"].change.items}
    assert paper[("outputs", ("Bia lon",))] == "removed"
    assert paper[("outputs", ("Giấy bao bì",))] == "added"
    assert paper[("energy", ("fuel_oil", ""))] == "removed"
    assert paper[("energy", ("grid_electricity", ""))] == "changed"
    assert [sy.site.name for sy in excel.replaces_submitted(parsed)] == ["Nhà máy bia Demo"]
    preview = imports.preview_of(parsed)
    assert preview["statuses"] == {
        "new": 1,
        "draft": 1,
        "submitted": 1,
        "unchanged": 1,
        "blocked": 0,
    }
    assert preview["to_save"] == 3 and preview["replaces_submitted"] == 1


def test_the_preview_page_shows_old_and_new_values_and_asks_to_confirm_in_both_languages(
    brewery, owner, django_capture_on_commit_callbacks
):
    store(brewery, owner, submitted=True)
    workbook = template()
    brewery_file(workbook, brewery, hl=120_000)
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:new", args=[KIND]),
            {"file": SimpleUploadedFile("a.xlsx", xlsx(workbook)), "year": YEAR},
        )
    job = TableImportJob.objects.get()
    url = reverse("imports:detail", args=[job.token])
    body = client.get(url).content.decode()
    assert "Thay đổi số liệu đã gửi" in body  # the site-year's status
    assert "<del>110.000 hl</del>" in body and "<ins>120.000 hl</ins>" in body
    assert 'name="replace_confirmed"' in body and "required" in body
    assert "phải gửi lại" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        body = client.get(url).content.decode()
    assert "changes submitted data" in body and "<ins>120,000 hl</ins>" in body


def test_a_bad_row_for_an_unknown_site_leaves_the_other_site_years_valid(
    brewery, paper_mill, owner
):
    workbook = template()
    brewery_file(workbook, brewery)
    paper_file(workbook, paper_mill)
    stray = put(workbook, excel.ENERGY, brewery, carrier="Xăng", quantity=1, unit="t")
    workbook["Năng lượng"][f"B{stray}"] = "Nhà máy không có"
    parsed = read(workbook, owner)
    [problem] = parsed.problems
    assert (problem.sheet, problem.row, problem.column) == ("Năng lượng", stray, "B")
    assert not problem.records  # the row's own problem
    assert [sy.blocked for sy in parsed.site_years] == [False, False]
    assert all(sy.change.status == changes.NEW for sy in parsed.site_years)
    # Each of the enterprise's site-years is told the row might have been meant for it.
    assert all(sy.warnings == [problem] for sy in parsed.site_years)
    preview = imports.preview_of(parsed)
    assert preview["valid"] == 2 and preview["to_save"] == 2 and preview["strays"] == 1
    result = excel.apply(parsed, actor=owner, keep_valid_only=True)
    assert {s.site for s in result.saved} == {brewery, paper_mill}
    assert not excel.apply(parsed, actor=owner).saved  # "save all" still needs a clean file


def test_a_bad_cell_stops_its_own_site_year_and_no_other(brewery, paper_mill, owner):
    workbook = template(year=None)
    brewery_file(workbook, brewery, year=2023)
    brewery_file(workbook, brewery, year=2024)
    paper_file(workbook, paper_mill)
    for sheet in ("Sản lượng", "Năng lượng"):
        workbook[sheet][f"C{workbook[sheet].max_row}"] = 2023  # the paper mill's rows
    bad = put(
        workbook, excel.ENERGY, brewery, year=2024, carrier="Xăng", quantity="nhiều", unit="t"
    )
    parsed = read(workbook, owner, year=None)
    [problem] = parsed.problems
    assert problem.row == bad and problem.records == {(brewery.pk, 2024)}
    stopped = {(sy.site.name, sy.year): sy.blocked for sy in parsed.site_years}
    assert stopped == {
        ("Nhà máy bia Demo", 2023): False,
        ("Nhà máy bia Demo", 2024): True,
        ("Nhà máy giấy", 2023): False,
    }
    result = excel.apply(parsed, actor=owner, keep_valid_only=True)
    assert sorted((s.site.name, s.year) for s in result.saved) == [
        ("Nhà máy bia Demo", 2023),
        ("Nhà máy giấy", 2023),
    ]
    assert not SiteYear.objects.filter(site=brewery, year=2024).exists()  # never half-saved


def test_a_row_of_another_organisation_is_its_own_problem_and_keep_valid_is_offered(
    brewery, owner, enterprise_b, django_capture_on_commit_callbacks
):
    other = make_site(enterprise_b, "Nhà máy thép")
    workbook = template()
    brewery_file(workbook, brewery)
    row = put(workbook, excel.ENERGY, other, carrier="Điện lưới", quantity=5, unit="kWh")
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:new", args=[KIND]),
            {"file": SimpleUploadedFile("a.xlsx", xlsx(workbook)), "year": YEAR},
        )
    job = TableImportJob.objects.get()
    assert job.preview["valid"] == 1 and job.preview["problems"][0]["row"] == row
    body = client.get(reverse("imports:detail", args=[job.token])).content.decode()
    assert reverse("imports:action", args=[job.token, "keep-valid"]) in body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:action", args=[job.token, "keep-valid"]))
    assert SiteYear.objects.filter(site=brewery).exists()
    assert not SiteYear.objects.filter(site=other).exists()


# --- Confirming a replacement of submitted data --------------------------------------------------


def _job(owner, workbook, capture):
    with capture(execute=True):
        job = tableimport.job_start(
            actor=owner,
            kind=KIND,
            upload=SimpleUploadedFile("a.xlsx", xlsx(workbook)),
            options={"year": YEAR},
        )
    job.refresh_from_db()
    assert job.state == "preview", job.preview
    return job


def test_replacing_submitted_data_is_refused_by_the_service_without_the_confirmation(
    brewery, owner, django_capture_on_commit_callbacks
):
    submitted = store(brewery, owner, submitted=True)
    workbook = template()
    brewery_file(workbook, brewery, hl=120_000)
    job = _job(owner, workbook, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="1"):
        tableimport.job_confirm(actor=owner, job=job, keep_valid_only=False)
    # The page's button without the box ticked: the same refusal, shown to the user.
    client = client_for(owner)
    page = client.post(
        reverse("imports:action", args=[job.token, "save"]), follow=True
    ).content.decode()
    assert "đánh dấu" in page
    job.refresh_from_db()
    submitted.refresh_from_db()
    assert job.state == "preview" and submitted.state == "submitted"
    assert submitted.outputs.get().quantity == Decimal(110_000)


def test_confirmed_replacement_lists_the_years_to_submit_again_and_keeps_the_old_data_in_audit(
    brewery, paper_mill, owner, django_capture_on_commit_callbacks
):
    submitted = store(brewery, owner, submitted=True)
    workbook = template()
    brewery_file(workbook, brewery, hl=120_000)
    paper_file(workbook, paper_mill)
    job = _job(owner, workbook, django_capture_on_commit_callbacks)
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:action", args=[job.token, "save"]),
            {"replace_confirmed": "1"},
        )
    job.refresh_from_db()
    assert job.state == "saved" and job.replace_confirmed
    assert [(r["site"], r["year"]) for r in job.result["resubmit"]] == [(brewery.pk, YEAR)]
    submitted.refresh_from_db()
    assert submitted.state == "draft" and submitted.needs_resubmission
    assert submitted.outputs.get().quantity == Decimal(120_000)
    # The result page links to the year to check and submit again.
    body = client.get(reverse("imports:detail", args=[job.token])).content.decode()
    link = reverse("resources:site_year_edit", args=[brewery.pk, YEAR])
    assert f'href="{link}"' in body and "Gửi lại" in body
    # The site's pages say so too.
    for page in (
        reverse("resources:index"),
        reverse("resources:site_detail", args=[brewery.pk]),
        link,
    ):
        assert "gửi lại" in client.get(page).content.decode()
    paper_page = client.get(reverse("resources:site_detail", args=[paper_mill.pk]))
    assert "cần gửi lại" not in paper_page.content.decode()  # a new draft: nothing to resubmit
    # The audit record keeps what was replaced.
    event = AuditEvent.objects.get(action="site_year.replace_submitted")
    assert event.before["state"] == "submitted" and event.after["state"] == "draft"
    assert event.before["outputs"][0][3] == "110000.0000"
    assert event.after["outputs"][0][3] == "120000.0000"
    assert AuditEvent.objects.get(action="table_import.confirm").after["replace_confirmed"] is True


def test_an_unchanged_submitted_year_is_not_saved_and_stays_submitted(
    brewery, owner, django_capture_on_commit_callbacks
):
    submitted = store(brewery, owner, submitted=True)
    workbook = template()
    brewery_file(workbook, brewery)
    job = _job(owner, workbook, django_capture_on_commit_callbacks)
    assert job.preview["statuses"]["unchanged"] == 1 and job.preview["to_save"] == 0
    with pytest.raises(ValidationError):
        tableimport.job_confirm(actor=owner, job=job, keep_valid_only=False)
    parsed = read(template_with(brewery_file, brewery), owner)
    result = excel.apply(parsed, actor=owner)
    assert result.saved == [] and [u.site for u in result.unchanged] == [brewery]
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.version == 1


def template_with(fill, site, **kwargs):
    workbook = template()
    fill(workbook, site, **kwargs)
    return workbook


def test_a_year_submitted_after_the_preview_is_not_replaced(
    brewery, owner, django_capture_on_commit_callbacks
):
    draft = store(brewery, owner)
    job = _job(
        owner, template_with(brewery_file, brewery, hl=99_000), django_capture_on_commit_callbacks
    )
    assert job.preview["statuses"]["draft"] == 1
    now = timezone.now()
    SiteYear.objects.filter(pk=draft.pk).update(state="submitted", submitted_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        tableimport.job_confirm(actor=owner, job=job, keep_valid_only=False, replace_confirmed=True)
    job.refresh_from_db()
    assert job.result["saved"] == [] and job.result["skipped"]
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.outputs.get().quantity == Decimal(110_000)


def test_a_year_saved_by_someone_else_after_the_preview_is_not_overwritten(
    brewery, owner, django_capture_on_commit_callbacks
):
    store(brewery, owner)
    job = _job(
        owner, template_with(brewery_file, brewery, hl=99_000), django_capture_on_commit_callbacks
    )
    store(brewery, owner, hl="105000")  # a colleague's correction, version 2
    with django_capture_on_commit_callbacks(execute=True):
        tableimport.job_confirm(actor=owner, job=job, keep_valid_only=False)
    job.refresh_from_db()
    assert job.result["saved"] == [] and "kiểm tra lại" in job.result["skipped"][0]["reason"]
    stored = SiteYear.objects.get(site=brewery, year=YEAR)
    assert stored.outputs.get().quantity == Decimal(105_000)


def test_a_user_of_another_organisation_cannot_see_or_confirm_the_import(
    brewery, owner, enterprise_b_user, django_capture_on_commit_callbacks
):
    store(brewery, owner, submitted=True)
    job = _job(
        owner, template_with(brewery_file, brewery, hl=1), django_capture_on_commit_callbacks
    )
    other = client_for(enterprise_b_user)
    # The preview holds the stored figures: not shown, not even said to exist.
    assert other.get(reverse("imports:detail", args=[job.token])).status_code == 404
    for action in ("save", "keep-valid", "cancel"):
        response = other.post(
            reverse("imports:action", args=[job.token, action]),
            {"replace_confirmed": "1"},
        )
        assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        tableimport.job_confirm(
            actor=enterprise_b_user, job=job, keep_valid_only=False, replace_confirmed=True
        )
    job.refresh_from_db()
    assert job.state == "preview"
    assert SiteYear.objects.get(site=brewery).state == "submitted"


# --- The service ---------------------------------------------------------------------------------


def test_the_service_refuses_to_change_submitted_data_unless_told_and_saves_nothing_the_same(
    brewery, owner
):
    site_year = store(brewery, owner, submitted=True)
    rows = {
        "outputs": [{"product": "Bia lon", "category": "beer", "quantity": "1", "unit": "hl"}],
    }
    with pytest.raises(services.SubmittedDataChange) as refused:
        services.site_year_write(actor=owner, site=brewery, year=YEAR, **rows)
    assert refused.value.change.status == changes.SUBMITTED
    site_year.refresh_from_db()
    assert site_year.state == "submitted" and site_year.energy.count() == 2
    written = services.site_year_write(
        actor=owner, site=brewery, year=YEAR, replace_submitted=True, **rows
    )
    assert written.must_resubmit and written.site_year.needs_resubmission
    assert written.site_year.version == 2 and written.site_year.energy.count() == 0
    again = services.site_year_write(actor=owner, site=brewery, year=YEAR, **rows)
    assert again.change.status == changes.UNCHANGED and again.site_year.version == 2


# --- The command ---------------------------------------------------------------------------------


def test_the_command_prints_the_classification_and_will_not_replace_submitted_data_unasked(
    brewery, paper_mill, owner, tmp_path
):
    store(brewery, owner, submitted=True)
    path = tmp_path / "so-lieu.xlsx"
    workbook = template()
    brewery_file(workbook, brewery, hl=120_000)
    paper_file(workbook, paper_mill)
    path.write_bytes(xlsx(workbook))
    args = [str(path), "--year", str(YEAR), "--as", owner.email]
    out = StringIO()
    call_command("import_consumption", *args, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Thay đổi số liệu đã gửi: Công ty Bia Giấy Thử – Nhà máy bia Demo, 2023" in text
    assert "Mới: Công ty Bia Giấy Thử – Nhà máy giấy, 2023" in text
    assert "--replace-submitted" in text
    with pytest.raises(CommandError, match="Nhà máy bia Demo, 2023"):
        call_command("import_consumption", *args, stdout=StringIO())
    assert not SiteYear.objects.filter(site=paper_mill).exists()  # nothing saved at all
    out = StringIO()
    call_command("import_consumption", *args, "--replace-submitted", stdout=out)
    assert "cần gửi lại: Công ty Bia Giấy Thử – Nhà máy bia Demo, 2023" in out.getvalue()
    assert SiteYear.objects.get(site=brewery).needs_resubmission
    assert SiteYear.objects.filter(site=paper_mill).exists()
