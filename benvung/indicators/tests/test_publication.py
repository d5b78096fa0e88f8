"""What reaches the public counts only submitted data, withholds a figure below its coverage
rule and says why, and opens on a year whose figures are in (issue #11)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from benvung.conftest import client_for, make_enterprise, make_site
from benvung.indicators import registry, selectors, services
from benvung.indicators.models import IndicatorResult, Status
from benvung.plans.models import Plan
from benvung.reporting.models import ReportingCycle
from benvung.resources import efficiency
from benvung.resources import services as resources
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db

CODE = "resource_consumption_reduction"
# Pinned: which years exist and which one pages open on follow today's date.
TODAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def _beer(hl: float, kwh: float, malt_t: float | None = None) -> dict[str, Any]:
    return {
        "outputs": [
            {"product": "Bia", "category": "beer", "quantity": hl, "unit": "hl"},
        ],
        "energy": [{"carrier": "grid_electricity", "quantity": kwh, "unit": "kWh"}],
        "materials": [
            {"product": "Bia", "material": "Malt", "quantity": malt_t, "unit": "t"},
        ]
        if malt_t is not None
        else [],
    }


def _year(actor: Any, site: Any, year: int, *, submit: bool = True, **data: Any) -> SiteYear:
    site_year = resources.site_year_save(actor=actor, site=site, year=year, **data)
    if submit:
        site_year = resources.site_year_submit(actor=actor, site_year=site_year)
    return site_year


@pytest.fixture
def breweries(coordinator: Any) -> list[Any]:
    """Four breweries, each with 2021 (the baseline) and 2024 submitted:
    2021: 100,000 hl with 2,500,000 kWh = 9,000 GJ → 90 MJ/hl;
    2024: 100,000 hl with 2,400,000 kWh = 8,640 GJ → 86.4 MJ/hl;
    improvement = 1 − 86.4 / 90 = 4 % for each, so 4 % for the province."""
    sites = []
    for i in range(4):
        site = make_site(make_enterprise(f"Công ty Bia Thử {i}", f"31234560{i}", "1103"))
        _year(coordinator, site, 2021, **_beer(100_000, 2_500_000))
        _year(coordinator, site, 2024, **_beer(100_000, 2_400_000))
        sites.append(site)
    return sites


def _province(year: int) -> IndicatorResult:
    return IndicatorResult.objects.get(indicator=CODE, year=year, scope_kind="province")


def _plan() -> Plan:
    return Plan.objects.get(number="202/KH-UBND")


def _public(year: int) -> dict[str, Any]:
    """What the public gets for the year: the API's figure, the CSV's and JSON's rows, and the
    target page's text."""
    api = Client().get(f"/api/indicators/{CODE}?year={year}").json()
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                Client()
                .get(reverse("portal:indicator_data", args=[CODE, "csv"]))
                .content.decode("utf-8-sig")
            )
        )
    )
    data = json.loads(Client().get(reverse("portal:indicator_data", args=[CODE, "json"])).content)
    page = Client().get(reverse("portal:target_detail", args=["T1-2025"]) + f"?year={year}")
    return {
        "api": [(r["year"], r["key"], r["value"]) for r in api["series"]],
        "csv": [(r["year"], r["scope_key"], r["value"]) for r in csv_rows],
        "json": [(r["year"], r["scope_key"], r["value"]) for r in data["results"]],
        "page": page.content.decode(),
    }


def _cycle(year: int, state: str) -> ReportingCycle:
    return ReportingCycle.objects.create(
        plan=_plan(),
        year=year,
        data_start=dt.date(year, 1, 1),
        data_end=dt.date(year, 12, 31),
        report_deadline=dt.date(year, 11, 30),
        synthesis_deadline=dt.date(year, 12, 14),
        state=state,
    )


def _document_figures(cycle: ReportingCycle) -> dict[str, Any]:
    """The figures of the cycle's annual report: its targets (appendix I) and the province's
    row of the energy appendix (III)."""
    from benvung.reports import assemble

    document = assemble.annual_report(cycle=cycle, number="", issued_on=dt.date(2025, 1, 10))
    by_numeral = {a.numeral: a for a in document.appendices}
    return {
        "targets": by_numeral["I"].tables[0].rows,
        "province": by_numeral["III"].tables[0].rows[-1],
    }


def test_a_draft_never_changes_a_public_figure_a_download_the_api_or_a_document(
    breweries: list[Any], coordinator: Any
) -> None:
    services.recompute(CODE)
    assert _province(2024).value == Decimal("4.000000")
    before = _public(2024)
    assert "4,0 %" in before["page"]
    cycle = _cycle(2024, ReportingCycle.State.OPEN)
    document = _document_figures(cycle)
    assert document["province"][:3] == ["Toàn tỉnh", "4", "4,0 %"]
    # A fifth brewery enters a 2024 draft far worse than its baseline, and one of the four a
    # 2025 draft: neither is submitted.
    fifth = make_site(make_enterprise("Công ty Bia Nháp", "312345699", "1103"))
    _year(coordinator, fifth, 2021, **_beer(100_000, 2_500_000))
    _year(coordinator, fifth, 2024, submit=False, **_beer(100_000, 3_500_000))
    _year(coordinator, breweries[0], 2025, submit=False, **_beer(100_000, 2_000_000))
    services.recompute(CODE)
    assert _province(2024).value == Decimal("4.000000")
    after = _public(2024)
    assert after["api"] == before["api"]
    assert after["csv"] == before["csv"]
    assert after["json"] == before["json"]
    assert "4,0 %" in after["page"]
    # Nor the annual report: its targets and its appendix on energy per unit of product.
    assert _document_figures(cycle) == document
    assert efficiency.compute(2024).province.energy.improvement == pytest.approx(0.04)
    # The coordinator may count the drafts, on purpose: 5 sites, one of them 38.9 % worse
    # (3,500,000 kWh × 3.6 = 12,600 GJ against 9,000 GJ at baseline performance):
    # (4 × 9,000 − 4 × 8,640 + 9,000 − 12,600) / (5 × 9,000) = −2,160 / 45,000 = −4.8 %.
    with_drafts = efficiency.compute(2024, drafts=True)
    assert with_drafts.province.energy.improvement == pytest.approx(-0.048)
    assert with_drafts.drafts_counted and with_drafts.province.drafts == 1


def test_a_figure_below_its_coverage_rule_is_withheld_and_says_why(
    breweries: list[Any], coordinator: Any
) -> None:
    # 2025: one of the four breweries expected has submitted.
    _year(coordinator, breweries[0], 2025, **_beer(100_000, 2_300_000))
    services.recompute(CODE)
    row = _province(2025)
    assert row.value is None and row.numerator is None
    assert row.coverage == {"counted": 1, "expected": 4, "minimum": 0.5, "met": False}
    assert registry.note_text(row.notes[0]) == "Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi."
    # 2024 met the rule, and says on what it rests.
    assert _province(2024).coverage["met"] is True
    assert "4/4 doanh nghiệp đã gửi số liệu" in [
        registry.note_text(n) for n in _province(2024).notes
    ]
    # The target page of 2025 shows 2024's value and says why 2025 has none.
    body = Client().get(reverse("portal:target_detail", args=["T1-2025"]) + "?year=2025")
    text = body.content.decode()
    assert "Năm 2025: Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi." in text
    assert "4,0 %" in text and "(2024)" in text
    # The open data say it too, in words.
    api = Client().get(f"/api/indicators/{CODE}?year=2025").json()
    [province] = [r for r in api["series"] if r["year"] == 2025]
    assert province["value"] is None and province["withheld"] is True
    assert province["notes"][0] == "Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi."
    # A second submission reaches half: the figure is given.
    _year(coordinator, breweries[1], 2025, **_beer(100_000, 2_300_000))
    services.recompute(CODE, 2025)
    assert _province(2025).value is not None and _province(2025).coverage["met"] is True


def test_the_annual_report_withholds_a_figure_below_its_coverage_rule_and_says_why(
    breweries: list[Any], coordinator: Any
) -> None:
    from benvung.reports import assemble, readiness

    # 2025: one of the four breweries expected has submitted, 8 % better than its baseline.
    _year(coordinator, breweries[0], 2025, **_beer(100_000, 2_300_000))
    services.recompute(CODE)
    cycle = _cycle(2025, ReportingCycle.State.OPEN)
    document, gaps = assemble.annual_report_and_gaps(
        cycle=cycle, number="", issued_on=dt.date(2026, 1, 10)
    )
    by_numeral = {a.numeral: a for a in document.appendices}
    rows = {row[0]: row for row in by_numeral["III"].tables[0].rows}
    why = "Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi."
    # The province and the beverages sector: not given, and why; never "8,0 %" and "đạt".
    assert rows["Toàn tỉnh"][2:4] == [why, "—"] and rows["Toàn tỉnh"][-1] == "chưa đủ số liệu"
    assert rows["Rượu, bia, nước giải khát"][2] == why
    assert all("8,0 %" not in " ".join(row) for row in rows.values())
    # Figure 2 draws no bar for it (no sector has a figure: no bar chart at all).
    assert [c.kind for c in by_numeral["III"].charts] == ["line"]
    # Section I's key figure says the 2025 figure is not given, beside 2024's value.
    section_one = " ".join(
        p.text for clause in document.sections[0].clauses for p in clause.paragraphs
    )
    assert "4 % năm 2024" in section_one and "Năm 2025: " + why in section_one
    # The missing-data list names the target.
    assert "T1-2025" in " ".join(readiness.messages(gaps))


def test_the_default_year_skips_an_incomplete_year(breweries: list[Any], coordinator: Any) -> None:
    _year(coordinator, breweries[0], 2025, **_beer(100_000, 2_300_000))
    services.recompute()
    plan = _plan()
    # 2026 (nothing in) and 2025 (1 of 4) are incomplete; 2024 is complete.
    assert selectors.latest_year(plan=plan) == 2026
    assert selectors.published_year(plan=plan) == 2024
    page = Client().get(reverse("portal:progress")).content.decode()
    assert '<option value="2024" selected>' in page
    assert Client().get("/api/indicators/targets").json()["year"] == 2024
    assert Client().get(f"/api/indicators/{CODE}").json()["year"] == 2024
    # Any year can still be chosen.
    assert '<option value="2025" selected>' in (
        Client().get(reverse("portal:progress") + "?year=2025").content.decode()
    )
    # The indicator page's breakdowns are those of the year shown, not of the newest.
    body = Client().get(reverse("portal:indicator_detail", args=[CODE])).content.decode()
    assert "<h3>Theo ngành (2024)</h3>" in body and "(2026)</h3>" not in body
    # A closed reporting cycle publishes its year, whatever the counts.
    _cycle(2025, ReportingCycle.State.CLOSED)
    assert selectors.published_year(plan=plan) == 2025


def test_a_target_is_achieved_or_not_once_its_milestone_year_is_final(
    breweries: list[Any], coordinator: Any
) -> None:
    for site in breweries[:3]:
        # 100,000 hl with 2,400,000 kWh in 2025: 4 % better, below the 5 % of T1-2025.
        _year(coordinator, site, 2025, **_beer(100_000, 2_400_000))
    services.recompute(CODE)
    plan = _plan()
    by_code = {p.target.code: p for p in selectors.progress_list(plan=plan, year=2025)}
    # 2025's cycle has not been run yet and the year is over: its figures are final.
    assert by_code["T1-2025"].value == Decimal("4.000000")
    assert by_code["T1-2025"].status == Status.NOT_ACHIEVED
    assert by_code["T6-2025"].status == Status.QUALITATIVE
    # While 2025's cycle is open, the same value is judged on its pace: 4 of 5 points.
    _cycle(2025, ReportingCycle.State.OPEN)
    by_code = {p.target.code: p for p in selectors.progress_list(plan=plan, year=2025)}
    assert by_code["T1-2025"].status == Status.NEEDS_ACCELERATION


def test_materials_that_grew_read_as_more_never_as_a_negative_reduction(
    coordinator: Any,
) -> None:
    site = make_site(make_enterprise("Công ty Bia Malt", "312345688", "1103"))
    _year(coordinator, site, 2021, **_beer(100_000, 2_500_000, malt_t=1_000))
    _year(coordinator, site, 2024, **_beer(100_000, 2_400_000, malt_t=1_019))
    services.recompute(CODE, 2024)
    notes = [registry.note_text(n) for n in _province(2024).notes]
    assert "Nguyên vật liệu trên một đơn vị sản phẩm: tăng 1,9 % so với năm cơ sở." in notes
    assert not any("giảm -" in n for n in notes)


RAW = ("{'", "%(", "'msg'", '"msg"', "'args'")


def _downloads() -> list[tuple[str, str]]:
    found = []
    for language in ("vi", "en"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for definition in registry.all_definitions():
            for fmt in ("csv", "json", "xlsx"):
                body = client.get(
                    reverse("portal:indicator_data", args=[definition.code, fmt])
                ).content
                if fmt == "xlsx":
                    with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
                        text = " ".join(
                            xlsx.read(name).decode("utf-8")
                            for name in xlsx.namelist()
                            if name.endswith(".xml")
                        )
                else:
                    text = body.decode("utf-8-sig")
                found.append((f"{language} {definition.code}.{fmt}", text))
            api = client.get(f"/api/indicators/{definition.code}?year=2024").content.decode()
            found.append((f"{language} api {definition.code}", api))
        found.append(
            (f"{language} api targets", client.get("/api/indicators/targets").content.decode())
        )
    return found


def _xlsx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
        return " ".join(
            xlsx.read(name).decode("utf-8") for name in xlsx.namelist() if name.endswith(".xml")
        )


def _coordinator_downloads(coordinator: Any) -> list[tuple[str, str]]:
    """The coordinator's files: the efficiency workbook (with and without drafts), the API's and
    the command's JSON, the annual report's workbook."""
    from io import StringIO

    from django.core.management import call_command

    from benvung.api import services as tokens
    from benvung.reports import assemble
    from benvung.reports.xlsx import render_xlsx

    client = client_for(coordinator)
    _token, raw = tokens.token_issue(actor=coordinator, user=coordinator, name="Thử")
    api = Client(headers={"authorization": f"Bearer {raw}"})
    out = StringIO()
    call_command("efficiency", "--year", "2024", "--json", "--include-drafts", stdout=out)
    document = assemble.annual_report(
        cycle=_cycle(2024, ReportingCycle.State.OPEN), number="", issued_on=dt.date(2025, 1, 10)
    )
    return [
        ("efficiency.xlsx", _xlsx_text(client.get("/resources/efficiency.xlsx?year=2024").content)),
        (
            "efficiency.xlsx drafts",
            _xlsx_text(client.get("/resources/efficiency.xlsx?year=2024&drafts=1").content),
        ),
        ("api efficiency", api.get("/api/resources/efficiency?year=2024").content.decode()),
        ("command efficiency", out.getvalue()),
        ("annual report xlsx", _xlsx_text(render_xlsx(document))),
    ]


def test_no_download_carries_a_raw_template(
    breweries: list[Any], coordinator: Any, supermarket: Any, doit: Any
) -> None:
    from benvung.retail.models import PackagingSurvey

    PackagingSurvey.objects.create(outlet=supermarket, year=2024, eco_packaging="yes", owner=doit)
    _year(coordinator, breweries[0], 2025, **_beer(100_000, 2_300_000))
    services.recompute()
    downloads = _downloads() + _coordinator_downloads(coordinator)
    assert len(downloads) > 40
    leaks = [(name, raw) for name, text in downloads for raw in RAW if raw in text]
    assert leaks == []
    # The notes are sentences in the language asked for.
    [(_, vi_csv)] = [d for d in downloads if d[0] == f"vi {CODE}.csv"]
    [(_, en_csv)] = [d for d in downloads if d[0] == f"en {CODE}.csv"]
    assert "Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi." in vi_csv
    assert "Not enough data: 1/4 enterprises submitted." in en_csv


def test_the_coordinator_counts_drafts_only_behind_the_switch(
    breweries: list[Any], coordinator: Any, enterprise_a_user: Any
) -> None:
    fifth = make_site(make_enterprise("Công ty Bia Nháp", "312345699", "1103"))
    _year(coordinator, fifth, 2021, **_beer(100_000, 2_500_000))
    _year(coordinator, fifth, 2024, submit=False, **_beer(100_000, 3_500_000))
    services.recompute(CODE)
    client = client_for(coordinator)
    plain = client.get(reverse("indicators:dashboard") + "?year=2024").content.decode()
    row = plain[plain.index(">T1-2025<") :].split("</tr>")[0]
    assert "4,0 %" in row and "có tính bản nháp" not in row
    counted = client.get(reverse("indicators:dashboard") + "?year=2024&drafts=1")
    text = counted.content.decode()
    row = text[text.index(">T1-2025<") :].split("</tr>")[0]
    assert "-4,8 %" in row and "có tính bản nháp" in row
    assert "chỉ để kiểm tra" in text
    # The stored (public) figure did not move.
    assert _province(2024).value == Decimal("4.000000")
    overview = client.get(reverse("resources:index") + "?year=2024").content.decode()
    assert "1 số liệu năm 2024 của cơ sở là bản nháp chưa gửi" in overview
    assert "4/5 doanh nghiệp thuộc diện báo cáo đã gửi số liệu năm 2024" in overview
    overview = client.get(reverse("resources:index") + "?year=2024&drafts=1").content.decode()
    assert "Trang này đang tính cả bản nháp chưa gửi" in overview
    # Another organisation's user sees neither the dashboard nor the drafts.
    other = client_for(enterprise_a_user)
    assert other.get(reverse("indicators:dashboard") + "?drafts=1").status_code == 403
    mine = other.get(reverse("resources:index") + "?year=2024&drafts=1").content.decode()
    assert "Công ty Bia Nháp" not in mine
