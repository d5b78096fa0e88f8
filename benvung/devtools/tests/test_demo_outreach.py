"""Demo outreach, SCP models and packaging surveys: shaped like the plan's targets, valid on
their dates, marked demo, and the same rows on every load."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.conf import settings

from benvung.accounts import roles
from benvung.accounts.models import User
from benvung.core import audit
from benvung.directory import demo
from benvung.directory.demo import focus_sector_sites
from benvung.directory.models import AdministrativeUnit, IndustrialArea, Organisation, RetailOutlet
from benvung.outreach import demo as demo_outreach
from benvung.outreach import services
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.resources import demo as demo_resources
from benvung.retail import demo as demo_retail
from benvung.retail import services as retail_services
from benvung.retail.models import PackagingSurvey
from benvung.retail.roles import RETAIL_REPORTER

pytestmark = pytest.mark.django_db

SEED = demo.DEFAULT_SEED
YEARS = demo_outreach.YEARS


@pytest.fixture
def demo_outreach_loaded(db):
    demo.generate(seed=SEED)
    demo_resources.generate(SEED, bulk=True)
    return _outreach_and_surveys(SEED)


def _outreach_and_surveys(seed):
    """As load_demo runs them: outreach's builder, then retail's (the packaging surveys)."""
    return demo_outreach.generate(seed) + demo_retail.generate(seed)


def _rows():
    """Every generated row by its natural key, with its links (not by database ids)."""
    activities = {
        a.title: (
            a.organiser.name,
            a.owner.name,
            a.kind,
            a.start_date,
            a.end_date,
            a.participants,
            sorted(t.number for t in a.topics.all()),
            sorted(x.name for x in a.industrial_areas.all()),
            sorted(u.code + u.edition for u in a.administrative_units.all()),
            sorted(o.name for o in a.organisations_reached.all()),
        )
        for a in OutreachActivity.objects.select_related("organiser", "owner").prefetch_related(
            "topics", "industrial_areas", "administrative_units", "organisations_reached"
        )
    }
    models = {
        m.title: (m.organisation.name, m.year, m.state, m.energy_saved_toe, m.money_saved_mvnd)
        for m in SCPModel.objects.select_related("organisation")
    }
    surveys = {
        (s.outlet.key, s.year): (s.eco_packaging, s.biodegradable_bag_share, s.owner.name)
        for s in PackagingSurvey.objects.select_related("outlet", "owner")
    }
    return activities, models, surveys


def test_each_year_has_believable_demo_records_that_the_personas_can_find(demo_outreach_loaded):
    per_year = Counter(a.start_date.year for a in OutreachActivity.objects.all())
    assert set(per_year) == set(YEARS)
    assert all(40 <= n <= 60 for n in per_year.values()), per_year
    kinds = Counter(OutreachActivity.objects.values_list("kind", flat=True))
    assert set(kinds) == set(OutreachActivity.Kind.values)
    assert all(
        20 <= a.participants <= 300
        for a in OutreachActivity.objects.exclude(participants__isnull=True)
    )

    states = Counter(SCPModel.objects.values_list("year", "state"))
    verified = SCPModel.State.VERIFIED
    assert all(5 <= states[(year, verified)] <= 7 for year in YEARS), states
    assert 20 <= sum(n for (_y, s), n in states.items() if s == verified) <= 30
    assert states[(2025, SCPModel.State.PROPOSED)] >= 2
    assert sum(n for (_y, s), n in states.items() if s == SCPModel.State.REJECTED) == 1

    surveyed = RetailOutlet.objects.filter(
        is_demo=True, outlet_type__in=demo_retail.SURVEYED_TYPES
    ).count()
    assert Counter(PackagingSurvey.objects.values_list("year", flat=True)) == dict.fromkeys(
        YEARS, surveyed
    )

    # Everything is marked demo and said to be made up.
    for model in (OutreachActivity, SCPModel, PackagingSurvey):
        assert model.objects.exists()
        assert not model.objects.filter(is_demo=False).exists()
    for activity in OutreachActivity.objects.all():
        assert activity.title.endswith(demo_outreach.DEMO_MARK)
        assert demo_outreach.ACTIVITY_NOTE in activity.description
    for model in SCPModel.objects.select_related("organisation"):
        assert model.title.endswith(demo_outreach.DEMO_MARK)
        assert demo_outreach.MODEL_NOTE in model.description
        assert model.organisation.is_demo
    assert not PackagingSurvey.objects.exclude(note=demo_retail.SURVEY_NOTE).exists()
    assert not PackagingSurvey.objects.filter(outlet__is_demo=False).exists()
    # Only demo organisations are reached, besides the real agencies that organise.
    reached = Organisation.objects.filter(outreach_reached__isnull=False).distinct()
    assert reached.exists() and not reached.filter(is_demo=False).exists()
    # The craft villages lie in a commune of today's province, near its centre.
    for village in IndustrialArea.objects.filter(kind=IndustrialArea.Kind.CRAFT_VILLAGE):
        assert village.is_demo and village.administrative_unit is not None
        assert village.administrative_unit.edition == AdministrativeUnit.Edition.Y2025
        assert abs(village.latitude - village.administrative_unit.latitude) < Decimal("0.2")

    # The demo personas find records of their own.
    retail = User.objects.with_role(RETAIL_REPORTER).get(is_demo=True)
    own = PackagingSurvey.objects.filter(outlet=retail.organisation_id)
    assert own.count() == len(YEARS)
    assert not own.exclude(owner=retail.organisation_id).exists()
    assert not own.exclude(recorded_by=retail).exists()

    reporter = User.objects.with_role(roles.AGENCY_REPORTER).get(is_demo=True)
    recorded = OutreachActivity.objects.filter(owner=reporter.organisation_id)
    assert recorded.exists() and not recorded.exclude(recorded_by=reporter).exists()

    enterprise_user = User.objects.with_role(roles.ENTERPRISE_USER).get(is_demo=True)
    assert SCPModel.objects.filter(
        organisation=enterprise_user.organisation_id, state=SCPModel.State.VERIFIED
    ).exists()

    coordinator = User.objects.with_role(roles.COORDINATOR).get(is_demo=True)
    assert OutreachActivity.objects.filter(owner=coordinator.organisation_id).exists()
    assert PackagingSurvey.objects.filter(owner=coordinator.organisation_id).exists()


def test_loading_again_gives_the_same_rows_and_keeps_a_users_change(demo_outreach_loaded):
    before = _rows()
    reports = _outreach_and_surveys(SEED)
    assert [(r.created, r.updated, r.deleted) for r in reports] == [(0, 0, 0)] * 3
    assert _rows() == before

    # A demo activity someone edited through the application is left as they left it.
    user = User.objects.with_role(roles.COORDINATOR).get(is_demo=True)
    activity = OutreachActivity.objects.order_by("start_date").first()
    activity.participants = 7
    activity.save()
    audit.record(actor=user, action="outreach_activity.update", target=activity)
    report = demo_outreach.generate(SEED)[0]
    assert (report.kept, report.updated) == (1, 0)
    activity.refresh_from_db()
    assert activity.participants == 7

    # Another seed makes another province, and the first one's rows go.
    _outreach_and_surveys(SEED + 1)
    assert _rows()[0] != before[0]
    assert OutreachActivity.objects.filter(pk=activity.pk).exists()


def test_places_are_valid_on_the_date_and_coverage_rises_as_the_plan_asks(demo_outreach_loaded):
    activities = OutreachActivity.objects.select_related(
        "organiser__agency", "owner"
    ).prefetch_related("industrial_areas", "administrative_units")
    for activity in activities:
        day = activity.start_date
        assert activity.organiser.is_valid_on(day), activity
        assert activity.end_date is None or activity.end_date >= day
        for unit in activity.administrative_units.all():
            assert unit.is_valid_on(day), (activity, unit)
            if day < demo_outreach.MERGER:
                assert unit.edition == AdministrativeUnit.Edition.PRE_2025
            else:
                assert (unit.edition, unit.level) == ("2025", "commune")
                assert unit.valid_from == demo_outreach.MERGER
        for area in activity.industrial_areas.all():
            assert area.is_valid_on(day)
        agency_type = activity.organiser.agency.agency_type
        if day < demo_outreach.MERGER:
            assert agency_type != "commune_committee"
        else:
            assert agency_type != "district_committee"
        # The checks user input gets pass too.
        data = services.ActivityData(
            organiser=activity.organiser,
            kind=activity.kind,
            title=activity.title,
            start_date=day,
            end_date=activity.end_date,
            industrial_areas=list(activity.industrial_areas.all()),
            administrative_units=list(activity.administrative_units.all()),
            participants=activity.participants,
        )
        assert services.activity_problems(data) == {}, activity

    old_districts = set(
        AdministrativeUnit.objects.filter(
            edition="pre2025", level="district", parent__code=settings.PROVINCE_CODE
        ).values_list("pk", flat=True)
    )
    assert len(old_districts) == 11
    total = IndustrialArea.objects.count()
    areas: set[int] = set()
    districts: set[int] = set()
    organised: set[int] = set()
    shares, counts = {}, {}
    activities = OutreachActivity.objects.select_related("organiser__agency").prefetch_related(
        "industrial_areas", "administrative_units"
    )
    by_year = defaultdict(list)
    for activity in activities:
        by_year[activity.start_date.year].append(activity)
    for year in YEARS:
        for activity in by_year[year]:
            areas |= {a.pk for a in activity.industrial_areas.all()}
            districts |= {u.pk for u in activity.administrative_units.all()} & old_districts
            agency = activity.organiser.agency
            if agency.agency_type == "district_committee" and activity.kind == "campaign":
                organised.add(agency.governed_unit_id)
        shares[year] = round(100 * len(areas) / total)
        counts[year] = (len(districts), len(organised & old_districts))
    assert all(abs(shares[y] - 100 * demo_outreach.AREA_SHARE[y]) <= 5 for y in YEARS), shares
    assert counts == {y: (n, n) for y, n in demo_outreach.DISTRICTS_REACHED.items()}
    # The former Bình Phước parks are reached only once they are in the province.
    annexed = IndustrialArea.objects.exclude(former_district__parent__code=settings.PROVINCE_CODE)
    early = OutreachActivity.objects.filter(
        start_date__lt=demo_outreach.MERGER, industrial_areas__in=annexed
    )
    assert annexed.exists() and not early.exists()


def test_savings_stay_below_consumption_and_eco_packaging_spreads(demo_outreach_loaded):
    """And the models and surveys pass the checks user input gets."""
    models = list(SCPModel.objects.select_related("organisation__enterprise", "site"))
    used = demo_outreach.enterprise_consumption([m.organisation.enterprise for m in models], YEARS)
    for model in models:
        consumption = used[(model.organisation_id, model.year)]
        assert consumption.toe > 0
        if model.energy_saved_toe is not None:
            assert 0 < model.energy_saved_toe <= Decimal(str(consumption.toe * 0.07))
        if model.water_saved_m3 is not None:
            assert model.water_saved_m3 <= Decimal(str(consumption.water_m3 * 0.3))
        if model.materials_saved_t is not None:
            assert model.materials_saved_t <= Decimal(str(consumption.materials_t * 0.1))
        assert model.site.enterprise_id == model.organisation_id
        assert model.flags == []
        data = services.SCPModelData(
            organisation=model.organisation,
            kind=model.kind,
            title=model.title,
            year=model.year,
            site=model.site,
            **{name: getattr(model, name) for name in services.RESULT_FIELDS},
        )
        assert services.scp_model_problems(data) == ({}, []), model
        if model.state == SCPModel.State.PROPOSED:
            assert model.reviewed_by is None and model.reviewed_at is None
        else:
            assert model.reviewed_by.has_role(roles.COORDINATOR) and model.reviewed_by.is_demo
            assert model.reviewed_at.year == model.year
    assert len({m.organisation_id for m in models}) == len(models)
    # The models spread over the eight focus sectors.
    sector_of = {site.pk: key for site, key in focus_sector_sites()}
    assert len({sector_of[m.site_id] for m in models}) == 8

    large = (RetailOutlet.OutletType.SUPERMARKET, RetailOutlet.OutletType.TRADE_CENTRE)
    yes, bags, products = {}, {}, {}
    for year in YEARS:
        surveys = PackagingSurvey.objects.filter(year=year)
        big = surveys.filter(outlet__outlet_type__in=large)
        yes[year] = 100 * big.filter(eco_packaging="yes").count() / big.count()
        bags[year] = sum(s.biodegradable_bag_share for s in surveys) / surveys.count()
        products[year] = sum(s.ecolabelled_products for s in surveys)
    assert all(abs(yes[y] - 100 * demo_retail.SUPERMARKET_YES[y]) <= 5 for y in YEARS), yes
    assert [bags[y] for y in YEARS] == sorted(bags.values())
    assert [products[y] for y in YEARS] == sorted(products.values())
    for survey in PackagingSurvey.objects.select_related("outlet"):
        data = retail_services.SurveyData(
            outlet=survey.outlet,
            year=survey.year,
            eco_packaging=survey.eco_packaging,
            biodegradable_bag_share=survey.biodegradable_bag_share,
            ecolabelled_products=survey.ecolabelled_products,
            surveyed_on=survey.surveyed_on,
        )
        assert retail_services.survey_problems(data) == {}, survey
    # An outlet that answered "yes" keeps answering "yes".
    answers = defaultdict(list)
    for survey in PackagingSurvey.objects.order_by("year"):
        answers[survey.outlet_id].append(survey.eco_packaging)
    for outlet_answers in answers.values():
        if "yes" in outlet_answers:
            first = outlet_answers.index("yes")
            assert set(outlet_answers[first:]) == {"yes"}
