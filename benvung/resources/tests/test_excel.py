"""The Excel path for enterprises' yearly data: template, reading (nothing saved), saving.

Messages are shown in Vietnamese; the tests look at where a problem is (sheet, row, column)
and at what the cell held, not at the wording.
"""

import io
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from benvung.conftest import make_enterprise, make_site
from benvung.resources import efficiency, excel
from benvung.resources.models import Driver, SiteYear

pytestmark = pytest.mark.django_db

YEAR = 2023
OUT, EN, MAT, DRV = (excel.sheet_spec(s).title for s in excel.SECTIONS)


@pytest.fixture
def brewery():
    """A demo brewery whose tax code starts with 0 (as many do, and Excel likes to drop)."""
    enterprise = make_enterprise("Công ty Bia Demo", "031234567", sector_code="1103")
    enterprise.is_demo = True
    enterprise.save()
    site = make_site(enterprise, "Nhà máy bia Demo")
    site.is_demo = True
    site.save()
    return site


@pytest.fixture
def paper_mill():
    return make_site(make_enterprise("Công ty Giấy Thử", "398765432", "1701"), "Nhà máy giấy")


def template(year=YEAR):
    return load_workbook(io.BytesIO(excel.template(year)))


def put(workbook, section, site, **values):
    """Append a row to a section's sheet: the site's identity, then the given fields."""
    spec = excel.sheet_spec(section)
    values = {"tax_code": site.enterprise.tax_code, "site": site.name, **values}
    workbook[spec.title].append([values.get(c.field) for c in spec.columns])
    return workbook[spec.title].max_row


def letter(section, field):
    spec = excel.sheet_spec(section)
    index = next(i for i, c in enumerate(spec.columns, start=1) if c.field == field)
    return chr(ord("A") + index - 1)


def xlsx(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def where(parsed):
    return {(p.sheet, p.row, p.column) for p in parsed.problems}


def brewery_rows(workbook, site, *, year=None, hl=110_000, kwh=2_600_000, fo_t=65):
    put(
        workbook,
        excel.OUTPUTS,
        site,
        year=year,
        product="Bia lon",
        category="Bia",  # the Vietnamese name, as the drop-down gives it
        quantity=hl,
        unit="hl",
        capacity=150_000_000,
        allocation_rule="theo khối lượng sản phẩm",
    )
    put(workbook, excel.ENERGY, site, year=year, carrier="Điện lưới", quantity=kwh, unit="kWh")
    put(workbook, excel.ENERGY, site, year=year, carrier="Dầu mazut (FO)", quantity=fo_t, unit="t")
    put(
        workbook,
        excel.MATERIALS,
        site,
        year=year,
        product="Bia lon",
        material="Malt",
        quantity=hl * 0.016,
        unit="t",
    )
    put(workbook, excel.MATERIALS, site, year=year, material="Nước", quantity=hl * 0.5, unit="m3")
    for month in (1, 2):
        put(workbook, excel.DRIVERS, site, month=month, name="Nhiệt độ", value=-2 + month)


# --- The template ----------------------------------------------------------------------------


def test_the_template_has_a_sheet_per_kind_of_data_with_drop_down_lists():
    workbook = template()
    assert workbook.sheetnames == [
        "Hướng dẫn",
        "Sản lượng",
        "Năng lượng",
        "Nguyên vật liệu, nước",
        "Yếu tố ảnh hưởng",
        "Danh mục",
    ]
    assert workbook["Danh mục"].sheet_state == "hidden"
    energy = workbook["Năng lượng"]
    assert [c.value for c in energy[1]][:5] == [
        "Mã số thuế",
        "Tên cơ sở",
        "Năm",
        "Tháng",
        "Loại năng lượng",
    ]
    assert energy.freeze_panes == "A2"
    assert energy.column_dimensions["A"].number_format == "@"  # the leading 0 is kept
    assert energy.column_dimensions["E"].width >= 30
    lists = {str(v.sqref): v.formula1 for v in energy.data_validations.dataValidation}
    carriers = lists["E2:E2001"]
    assert carriers.startswith("'Danh mục'!$A$2")
    column = carriers.split("!")[1].replace("$", "").split(":")[0][0]
    names = [c.value for c in workbook["Danh mục"][column][1:] if c.value]
    assert "Điện lưới" in names and "Dầu mazut (FO)" in names
    months = [c.value for c in workbook["Danh mục"]["G"][1:] if c.value]
    assert months == list(range(1, 13))
    outputs = workbook["Sản lượng"]
    assert any("$C$2" in v.formula1 for v in outputs.data_validations.dataValidation)
    assert "Bia" in [c.value for c in workbook["Danh mục"]["C"]]


# --- Round trip ------------------------------------------------------------------------------


def test_a_filled_template_is_read_saved_and_seen_by_the_efficiency_figures(brewery, coordinator):
    workbook = template()
    brewery_rows(workbook, brewery)
    # Typed as a number, the tax code lost its leading 0; it is read all the same.
    workbook["Sản lượng"]["A2"] = int(brewery.enterprise.tax_code)
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert parsed.problems == []
    [site_year] = parsed.site_years
    assert site_year.site == brewery and site_year.year == YEAR
    assert site_year.outputs == [
        {
            "month": None,
            "product": "Bia lon",
            "category": "beer",
            "quantity": Decimal(110_000),
            "unit": "hl",
            "capacity": Decimal(150_000_000),
            "value_vnd": None,
        }
    ]
    assert [e["carrier"] for e in site_year.energy] == ["grid_electricity", "fuel_oil"]
    assert site_year.source_rows[excel.ENERGY] == [2, 3]
    assert site_year.drivers[0] == {"month": 1, "name": "Nhiệt độ", "value": Decimal(-1)}
    assert not SiteYear.objects.filter(site=brewery).exists()  # reading saves nothing

    result = excel.apply(parsed, actor=coordinator)
    assert result.site_years == 1
    assert result.rows == {"outputs": 1, "energy": 2, "materials": 2, "drivers": 2}
    saved = SiteYear.objects.get(site=brewery, year=YEAR)
    assert saved.is_demo and saved.allocation_rule == "mass"
    # Imported as a draft: the enterprise sees it beside its peers; public figures do not.
    assert brewery.pk not in {p.site.site_id for p in efficiency.compute(YEAR).products}
    own = efficiency.compute(YEAR, drafts=frozenset([brewery.pk]))
    [beer] = [p for p in own.products if p.site.site_id == brewery.pk]
    # 2,600,000 kWh × 3.6 MJ + 65 t × 40.4 GJ/t = 11,986 GJ over 110,000 hl.
    assert beer.energy.gj == pytest.approx(11_986)
    assert beer.sec == pytest.approx(11_986_000 / 110_000)
    assert beer.site.is_demo


def test_the_year_may_be_left_empty_when_the_file_is_imported_for_a_year(brewery):
    workbook = template()
    brewery_rows(workbook, brewery, year=None)
    wrong = put(workbook, excel.ENERGY, brewery, year=2022, carrier="Xăng", quantity=1, unit="t")
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, wrong, letter(excel.ENERGY, "year"))}
    [problem] = parsed.problems
    assert problem.value == "2022" and "2023" in problem.message
    # Imported without a year, every row must say its own.
    unknown = excel.parse(xlsx(workbook), year=None)
    assert (OUT, 2, letter(excel.OUTPUTS, "year")) in where(unknown)
    assert (2022 in {sy.year for sy in unknown.site_years}) and unknown.has_problems


# --- Files that are not what they should be --------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"Ma so thue;Ten co so\n0312345673;Nha may\n",  # a CSV renamed .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # old .xls or password-protected
        b"PK\x03\x04 broken zip",
    ],
)
def test_a_file_that_is_not_really_xlsx_is_refused(data):
    parsed = excel.parse(data, year=YEAR)
    [problem] = parsed.problems
    assert problem.blocks_all and problem.row is None and ".xlsx" in problem.message
    assert parsed.site_years == []


def test_a_word_document_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    [problem] = excel.parse(buffer.getvalue(), year=YEAR).problems
    assert ".xlsx" in problem.message


def test_a_damaged_workbook_is_reported_not_raised():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-closed")
    [problem] = excel.parse(buffer.getvalue(), year=YEAR).problems
    assert problem.blocks_all


def test_a_file_over_the_limit_is_refused_before_it_is_opened(monkeypatch, brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    data = xlsx(workbook)
    monkeypatch.setattr("benvung.core.xlsx.MAX_BYTES", len(data) - 1)

    def fail(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr("benvung.core.xlsx.ExcelReader", fail)
    monkeypatch.setattr("benvung.core.xlsx.GuardedZipFile", fail)
    [problem] = excel.parse(data, year=YEAR).problems
    assert problem.blocks_all and "MB" in problem.message


def test_an_empty_file_a_foreign_workbook_and_an_empty_template_are_reported():
    assert excel.parse(b"", year=YEAR).problems[0].blocks_all
    [foreign] = excel.parse(xlsx(Workbook()), year=YEAR).problems
    assert "Sản lượng" in foreign.message  # names the sheets it expected
    [empty] = excel.parse(xlsx(template()), year=YEAR).problems
    assert empty.blocks_all and empty.sheet == ""


def test_an_empty_or_missing_sheet_is_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    del workbook[DRV]
    workbook.create_sheet(DRV)  # a sheet with nothing in it, not even the headings
    del workbook[MAT]
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert (DRV, 1, "") in where(parsed)
    assert any(MAT in p.message and p.blocks_all for p in parsed.problems)
    assert all(sy.blocked for sy in parsed.site_years)


def test_merged_cells_are_reported_and_stop_the_site(brewery, paper_mill):
    workbook = template()
    brewery_rows(workbook, brewery)
    put(workbook, excel.ENERGY, paper_mill, carrier="Điện lưới", quantity=1_000, unit="kWh")
    put(workbook, excel.ENERGY, paper_mill, carrier="Điện lưới", quantity=1_000, unit="kWh")
    workbook["Năng lượng"].merge_cells("B2:B3")  # two of the brewery's rows
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert (EN, 2, "B") in where(parsed)
    [merged] = [p for p in parsed.problems if p.row == 2]
    assert "B2:B3" in merged.message and merged.records == {(brewery.pk, YEAR)}
    blocked = {sy.site.name: sy.blocked for sy in parsed.site_years}
    assert blocked["Nhà máy bia Demo"] is True


def test_formulas_are_reported_with_their_cell(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["F3"] = "=60+5"
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    [problem] = parsed.problems
    assert (problem.sheet, problem.row, problem.column) == (EN, 3, "F")
    assert problem.header == "Lượng tiêu thụ" and problem.value == "=60+5"


def test_a_formula_in_the_tax_code_is_reported_once(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["A3"] = '="0312345673"'
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, 3, "A")}


def test_headings_not_in_the_template_and_data_without_a_heading_are_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["G1"] = "ĐVT"  # renamed: the unit column is now missing
    workbook["Sản lượng"]["M2"] = "xem phụ lục"  # right of the last heading
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, 1, "G"), (EN, 1, ""), (OUT, 2, "M")}
    assert parsed.blocked_all and all(sy.blocked for sy in parsed.site_years)


def test_text_in_a_number_cell_is_reported_but_plain_digits_are_read(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["F2"] = "nhiều"
    workbook["Năng lượng"]["F3"] = "1.234"  # a thousand or one and a bit? Not guessed.
    workbook["Sản lượng"]["G2"] = "110000"  # stored as text, but unambiguous
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, 2, "F"), (EN, 3, "F")}
    assert {p.value for p in parsed.problems} == {"nhiều", "1.234"}


def test_negative_quantities_are_reported_but_a_driver_may_be_below_zero(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)  # the temperature in January is -1
    workbook["Nguyên vật liệu, nước"]["G2"] = -5
    workbook["Sản lượng"]["I2"] = -1  # capacity
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(MAT, 2, "G"), (OUT, 2, "I")}
    assert [p.value for p in parsed.problems] == ["-1", "-5"]


def test_unknown_units_carriers_and_categories_are_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["E2"] = "Than lâu"
    workbook["Năng lượng"]["G3"] = "thùng"
    workbook["Sản lượng"]["F2"] = "Rượu vang"
    row = put(workbook, excel.ENERGY, brewery, carrier="Dầu diesel (DO)", quantity=5, unit="kWh")
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {
        (EN, 2, "E"),
        (EN, 3, "G"),
        (OUT, 2, "F"),
        (EN, row, "G"),  # a known unit, but not one diesel is reported in
    }


def test_unknown_tax_codes_and_sites_are_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    sheet = workbook["Năng lượng"]
    sheet["A2"] = "0312345679"  # wrong check digit
    sheet["A3"] = "0399999991"  # valid, but no such enterprise
    row = put(workbook, excel.ENERGY, brewery, carrier="Xăng", quantity=1, unit="t")
    sheet[f"B{row}"] = "Nhà máy không có"
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, 2, "A"), (EN, 3, "A"), (EN, row, "B")}
    unknown_site = next(p for p in parsed.problems if p.row == row)
    assert "Nhà máy bia Demo" in unknown_site.message  # the enterprise's sites are named
    # The row's problem alone: the brewery's year stays importable, with a word of warning.
    assert unknown_site.records == frozenset()
    [site_year] = parsed.site_years
    assert not site_year.blocked and site_year.warnings == [unknown_site]


def test_months_outside_1_to_12_are_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    for month in (0, 13, 2.5, "tháng 3"):
        put(workbook, excel.DRIVERS, brewery, month=month, name="Giờ chạy máy", value=100)
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(DRV, row, "D") for row in (4, 5, 6, 7)}


def test_an_item_given_both_for_the_year_and_by_month_is_reported(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    for month in (1, 2):
        put(
            workbook,
            excel.ENERGY,
            brewery,
            month=month,
            carrier="Điện lưới",
            quantity=1,
            unit="kWh",
        )
    put(workbook, excel.MATERIALS, brewery, month=1, material="Nước", quantity=5, unit="m3")
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(EN, 2, "D"), (MAT, 3, "D")}
    assert "4, 5" in parsed.problems[0].message


def test_rows_that_only_the_database_would_refuse_are_reported_first(brewery):
    workbook = template()
    brewery_rows(workbook, brewery)
    put(workbook, excel.DRIVERS, brewery, month=1, name="Nhiệt độ", value=3)  # twice January
    put(workbook, excel.ENERGY, brewery, carrier="Xăng", quantity=1, unit="t", product="Bia chai")
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert where(parsed) == {(DRV, 4, "D"), (EN, 4, letter(excel.ENERGY, "product"))}


# --- Saving ----------------------------------------------------------------------------------


def bad_and_good(brewery, paper_mill):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["F2"] = "nhiều"
    put(
        workbook,
        excel.OUTPUTS,
        paper_mill,
        product="Giấy bao bì",
        category="Giấy bao bì",
        quantity=9_000,
        unit="t",
    )
    put(workbook, excel.ENERGY, paper_mill, carrier="Điện lưới", quantity=4_200_000, unit="kWh")
    return excel.parse(xlsx(workbook), year=YEAR)


def test_nothing_is_saved_from_a_file_with_problems(brewery, paper_mill, coordinator):
    parsed = bad_and_good(brewery, paper_mill)
    result = excel.apply(parsed, actor=coordinator)
    assert result.saved == [] and len(result.skipped) == 2
    assert result.problems == parsed.problems
    assert not SiteYear.objects.filter(site__in=[brewery, paper_mill]).exists()


def test_keeping_only_the_valid_rows_saves_the_sites_without_problems(
    brewery, paper_mill, coordinator
):
    parsed = bad_and_good(brewery, paper_mill)
    result = excel.apply(parsed, actor=coordinator, keep_valid_only=True)
    assert [(s.site, s.year) for s in result.saved] == [(paper_mill, YEAR)]
    assert result.rows == {"outputs": 1, "energy": 1, "materials": 0, "drivers": 0}
    [skipped] = result.skipped
    assert skipped.site == brewery and skipped.reason
    assert SiteYear.objects.filter(site=paper_mill, year=YEAR).exists()
    assert not SiteYear.objects.filter(site=brewery).exists()


def test_one_site_refused_by_the_service_saves_no_other(brewery, paper_mill, coordinator):
    parsed = bad_and_good(brewery, paper_mill)
    good = next(sy for sy in parsed.site_years if sy.site == paper_mill)
    refused = excel.SiteYearData(brewery, YEAR, outputs=[{"product": "Bia", "category": "?"}])
    clean = excel.ParsedWorkbook(YEAR, site_years=[good, refused])
    result = excel.apply(clean, actor=coordinator)
    assert result.saved == [] and {s.site for s in result.skipped} == {brewery, paper_mill}
    assert [p.site for p in result.problems] == [refused.label()]
    assert not SiteYear.objects.filter(site__in=[brewery, paper_mill]).exists()
    assert excel.apply(clean, actor=coordinator, keep_valid_only=True).site_years == 1


def test_another_enterprise_cannot_import_this_sites_data(brewery, enterprise_b_user):
    workbook = template()
    brewery_rows(workbook, brewery)
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    result = excel.apply(parsed, actor=enterprise_b_user, keep_valid_only=True)
    assert result.saved == []
    [problem] = result.problems
    # Named by the tax code the user wrote, never by the enterprise's name (F9).
    assert brewery.enterprise.tax_code in str(problem)
    assert brewery.enterprise.name not in str(problem)
    assert not SiteYear.objects.filter(site=brewery).exists()
    # Told the user, the preview already says so, row by row.
    preview = excel.parse(xlsx(workbook), year=YEAR, actor=enterprise_b_user)
    assert preview.site_years == []
    assert (OUT, 2, "A") in where(preview) and (EN, 3, "A") in where(preview)


def test_the_enterprises_own_user_may_import(brewery):
    from benvung.conftest import make_user

    own = make_user(brewery.enterprise, "enterprise_user", "bia.demo@test.example")
    workbook = template()
    brewery_rows(workbook, brewery)
    parsed = excel.parse(xlsx(workbook), year=YEAR, actor=own)
    assert excel.apply(parsed, actor=own).site_years == 1
    assert Driver.objects.filter(site_year__site=brewery).count() == 2


# --- The command -----------------------------------------------------------------------------


def test_the_command_dry_run_prints_counts_and_saves_nothing(brewery, coordinator, tmp_path):
    workbook = template()
    brewery_rows(workbook, brewery)
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx(workbook))
    out = StringIO()
    args = [str(path), "--year", str(YEAR), "--as", coordinator.email]
    call_command("import_consumption", *args, "--dry-run", stdout=out)
    assert "1" in out.getvalue() and not SiteYear.objects.filter(site=brewery).exists()
    out = StringIO()
    call_command("import_consumption", *args, stdout=out)
    assert SiteYear.objects.filter(site=brewery, year=YEAR).exists()


def test_the_command_prints_every_problem_and_fails(brewery, coordinator, tmp_path):
    workbook = template()
    brewery_rows(workbook, brewery)
    workbook["Năng lượng"]["F2"] = "nhiều"
    workbook["Nguyên vật liệu, nước"]["G3"] = -1
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx(workbook))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_consumption",
            str(path),
            "--year",
            str(YEAR),
            "--as",
            coordinator.email,
            stdout=StringIO(),
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert "Năng lượng" in lines[0] and "F" in lines[0] and "nhiều" in lines[0]
    assert "Nguyên vật liệu, nước" in lines[1] and "G" in lines[1] and "-1" in lines[1]
    assert not SiteYear.objects.filter(site=brewery).exists()


def test_the_command_refuses_a_file_over_the_limit_without_reading_it(
    monkeypatch, coordinator, tmp_path
):
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"x" * 2048)
    monkeypatch.setattr("benvung.core.xlsx.MAX_BYTES", 1024)
    monkeypatch.setattr(excel, "parse", lambda *a, **k: pytest.fail("the file was parsed"))
    with pytest.raises(CommandError, match="MB"):
        call_command(
            "import_consumption", str(path), "--year", str(YEAR), "--as", coordinator.email
        )


def test_the_row_limit_is_the_files_all_its_sheets_together(monkeypatch, brewery):
    """The limit is a budget of the worker's time (F5): a file cannot pass four times the limit
    by spreading its rows over the four sheets."""
    monkeypatch.setattr(excel, "MAX_ROWS", 5)
    workbook = template()
    for month in range(1, 4):
        put(
            workbook,
            excel.OUTPUTS,
            brewery,
            month=month,
            product="Bia lon",
            category="Bia",
            quantity=9_000,
            unit="hl",
        )
        put(
            workbook,
            excel.ENERGY,
            brewery,
            month=month,
            carrier="Điện lưới",
            quantity=2e5,
            unit="kWh",
        )
    parsed = excel.parse(xlsx(workbook), year=YEAR)
    assert parsed.blocked_all
    assert (EN, 4) in {(p.sheet, p.row) for p in parsed.problems if p.blocks_all}
