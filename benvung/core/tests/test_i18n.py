"""Vietnamese first: a complete catalogue, Vietnamese numbers and dates, no English left."""

import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from benvung.conftest import client_for

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_string_has_a_vietnamese_translation():
    po = _catalogue()
    untranslated = [e.msgid for e in po if not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []


def test_translations_keep_the_placeholders_of_the_source():
    for entry in _catalogue():
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        source = entry.msgid_plural or entry.msgid
        assert sorted(set(PLACEHOLDER.findall(translated))) == sorted(
            set(PLACEHOLDER.findall(source))
        ), entry.msgid


def test_the_compiled_catalogue_matches_the_source_catalogue():
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in _catalogue()}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(MO))}
    mo.pop((None, ""), None)
    assert mo == po, "run `make messages` after editing django.po"


def test_every_literal_string_marked_in_templates_and_code_is_in_the_catalogue():
    msgids = {e.msgid for e in _catalogue()}
    pattern_tpl = re.compile(r'{%\s*translate\s+"([^"]+)"')
    pattern_py = re.compile(r'\b_\(\s*"([^"\\]+)"\s*\)')
    missing = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("benvung/**/templates/**/*.*")]:
        missing += [
            (path.name, s)
            for s in pattern_tpl.findall(path.read_text())
            if s.replace("%", "%%") not in msgids and s not in msgids
        ]
    for path in ROOT.glob("benvung/**/*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        missing += [(path.name, s) for s in pattern_py.findall(path.read_text()) if s not in msgids]
    assert missing == []


@pytest.mark.parametrize(("language", "expected"), [("vi", "1.234.567,8"), ("en", "1,234,567.8")])
def test_numbers_are_grouped_the_way_the_language_writes_them(language, expected):
    with translation.override(language):
        rendered = Template("{% load benvung %}{{ x|number:1 }}").render(Context({"x": 1234567.8}))
    assert rendered == expected


@pytest.mark.parametrize(
    ("value", "template", "expected"),
    [(6.6667, "x|number:1", "6,7"), (0.478873, "x|percent:1", "47,9 %"), (2.5, "x|number:0", "3")],
)
def test_shown_numbers_are_rounded_not_cut(value, template, expected):
    with translation.override("vi"):
        rendered = Template("{% load benvung %}{{ " + template + " }}").render(
            Context({"x": value})
        )
    assert rendered == expected


def test_dates_are_shown_day_first():
    with translation.override("vi"):
        assert date_format(dt.date(2025, 12, 1), "SHORT_DATE_FORMAT") == "01/12/2025"
        assert date_format(dt.date(2026, 1, 5), "DATE_FORMAT") == "05/01/2026"


ENGLISH_MSGIDS = None


def _english_phrases() -> list[str]:
    global ENGLISH_MSGIDS
    if ENGLISH_MSGIDS is None:
        ENGLISH_MSGIDS = [
            e.msgid
            for e in _catalogue()
            if len(e.msgid) > 14 and "%" not in e.msgid and e.msgid != e.msgstr
        ]
    return ENGLISH_MSGIDS


def _assert_no_english(body: str) -> None:
    leftovers = [p for p in _english_phrases() if p in body]
    assert leftovers == []


@pytest.mark.django_db
def test_public_pages_in_vietnamese_contain_no_english_interface_text():
    client = Client()
    for url in (
        reverse("portal:home"),
        reverse("accounts:login"),
        reverse("directory:industrial_area_list"),
        reverse("directory:commune_list"),
        reverse("directory:address_lookup")
        + "?address=Ph%C6%B0%E1%BB%9Dng+Tr%E1%BA%A3ng+D%C3%A0i%2C+Bi%C3%AAn+H%C3%B2a",
        reverse("accounts:password_reset"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="vi">' in response.content.decode()
        _assert_no_english(response.content.decode())


@pytest.mark.django_db
def test_signed_in_pages_in_vietnamese_contain_no_english_interface_text(
    coordinator, enterprise_a, agency_reporter
):
    from benvung.plans.models import Plan
    from benvung.reporting import services as reporting

    plan = Plan.objects.get(number="202/KH-UBND")
    cycle = reporting.cycle_create(actor=coordinator, plan=plan, year=2026)
    reporting.cycle_set_state(actor=coordinator, cycle=cycle, state="open")
    report = reporting.report_start(
        actor=agency_reporter, cycle=cycle, agency=agency_reporter.organisation
    )
    for url in (
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("reporting:cycle_list"),
        reverse("accounts:home"),
    ):
        response = client_for(agency_reporter).get(url)
        assert response.status_code == 200, url
        _assert_no_english(response.content.decode())
    client = client_for(coordinator)
    for url in (
        reverse("reporting:cycle_list"),
        reverse("reporting:cycle_detail", args=[cycle.pk]),
        reverse("reporting:cycle_edit", args=[cycle.pk]),
        reverse("reporting:consolidation", args=[cycle.pk]),
        reverse("reporting:consolidation_area", args=[cycle.pk, 1]),
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:task_list", args=[plan.pk]),
        reverse("accounts:home"),
        reverse("directory:organisation_list"),
        reverse("directory:organisation_detail", args=[enterprise_a.pk]),
        reverse("directory:organisation_edit", args=[enterprise_a.pk]),
        reverse("directory:organisation_create", args=["agency"]),
        reverse("directory:succession_list"),
        reverse("core:audit_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_english(response.content.decode())


@pytest.mark.django_db
def test_english_is_available_by_choice(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("portal:home")}, follow=True
    )
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Sustainable production and consumption in Đồng Nai's industry" in body


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_chooses(client):
    body = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert '<html lang="vi">' in body.decode()
