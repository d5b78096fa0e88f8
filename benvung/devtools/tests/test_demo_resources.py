"""Demo site-years: saved through the service, deterministic, marked demo, and enough for every
page of the resource-efficiency figures."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core.models import AuditEvent
from benvung.directory import demo
from benvung.directory.models import FocusSector, Site
from benvung.resources import demo as demo_resources
from benvung.resources import efficiency, services
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db

SEED = demo.DEFAULT_SEED


@pytest.fixture
def demo_province(db):
    """The demo province with its site-years (written in bulk: quicker, the same rows)."""
    demo.generate(seed=SEED)
    demo_resources.generate(SEED, bulk=True)


def _figures():
    """Every site-year's rows, by enterprise, site and year (not by database ids)."""
    site_years = list(SiteYear.objects.select_related("site__enterprise"))
    stored = demo_resources.stored_fingerprints(site_years)
    return {(sy.site.enterprise.key, sy.site.name, sy.year): stored[sy.pk] for sy in site_years}


def test_load_demo_saves_six_years_for_every_focus_sector_site_through_the_service(db):
    out = StringIO()
    call_command("load_demo", "--seed", str(SEED), "--allow-production", stdout=out)

    assert str(demo_resources.REPORT_NAME) in out.getvalue()
    site_years = SiteYear.objects.all()
    assert site_years.exists() and not site_years.filter(is_demo=False).exists()
    coordinator = User.objects.with_role(roles.COORDINATOR).get(is_demo=True)
    assert not site_years.exclude(updated_by=coordinator).exists()
    assert AuditEvent.objects.filter(action="site_year.create").count() == site_years.count()
    years = {}
    for site_id, year in site_years.values_list("site_id", "year"):
        years.setdefault(site_id, set()).add(year)
    assert all(y == set(demo_resources.YEARS) for y in years.values())
    sites = Site.objects.filter(pk__in=years)
    assert 180 <= sites.count() <= 240 and all(s.is_demo for s in sites)
    # The demo's enterprises outside the focus sectors have no resource data.
    assert Site.objects.filter(is_demo=True).exclude(pk__in=years).exists()
    monthly = set(
        SiteYear.objects.filter(outputs__month__isnull=False).values_list("site_id", flat=True)
    )
    assert 0.2 <= len(monthly) / len(years) <= 0.4

    # The bulk path (the benchmark's) stores exactly what the service stored.
    before = _figures()
    SiteYear.objects.all().delete()
    assert demo_resources.generate(SEED, bulk=True).created == len(before)
    assert _figures() == before
    assert demo_resources.generate(SEED).unchanged == len(before)


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(demo_province):
    before = _figures()
    SiteYear.objects.all().delete()
    assert demo_resources.generate(SEED, bulk=True).created == len(before)
    assert _figures() == before
    report = demo_resources.generate(SEED + 1, bulk=True)
    assert report.created == 0 and report.updated == len(before)
    assert _figures() != before


def test_loading_again_changes_nothing_and_keeps_what_a_real_user_saved(demo_province, coordinator):
    report = demo_resources.generate(SEED, bulk=True)
    assert (report.created, report.updated, report.kept) == (0, 0, 0)
    assert report.unchanged == SiteYear.objects.count()

    site_year = SiteYear.objects.filter(year=2024).order_by("pk").first()
    output = site_year.outputs.first()
    services.site_year_save(
        actor=coordinator,
        site=site_year.site,
        year=2024,
        outputs=[
            {
                "product": output.product,
                "category": output.category.key,
                "quantity": 1,
                "unit": output.unit,
            }
        ],
        energy=[{"carrier": "grid_electricity", "quantity": 1000, "unit": "kWh"}],
    )
    report = demo_resources.generate(SEED, bulk=True)
    assert (report.created, report.updated, report.kept) == (0, 0, 1)
    assert site_year.outputs.get().quantity == 1


def test_the_2025_figures_cover_every_focus_sector_with_both_methods(demo_province):
    # The coordinator's view with the drafts counted: the deliberate mistakes wait there.
    result = efficiency.compute(2025, drafts=True)
    assert result.problems == []
    per_sector = Counter(p.category.focus_sector.key for p in result.products)
    assert set(per_sector) == set(FocusSector.objects.values_list("key", flat=True))
    methods = Counter(p.method for p in result.products)
    assert methods[efficiency.NORMALISED] >= 20 and methods[efficiency.RATIO] >= 100
    # Spread around the norms: some sites above, most below.
    above = Counter(p.above_norm for p in result.products if p.norm_value is not None)
    assert 0.15 <= above[True] / (above[True] + above[False]) <= 0.5
    # Some sites improve, some get worse.
    improvements = [p.improvement for p in result.products if p.improvement is not None]
    assert sum(i > 0.03 for i in improvements) >= 20 and sum(i < 0 for i in improvements) >= 20
    assert all(s.energy.improvement is not None for s in result.sectors)
    # The data-entry mistake of 2025 (tonnes of fuel under the unit kg) is flagged; a few
    # genuine changes may be too, but not many.
    [mistake] = SiteYear.objects.filter(year=2025, energy__unit="kg")
    flagged = {p.site.site_id for p in result.products if p.flags}
    assert mistake.site_id in flagged and len(flagged) <= 10
