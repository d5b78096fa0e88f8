"""The efficiency benchmark runs, prints its figures and leaves no data behind."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benvung.accounts.models import User
from benvung.core.models import AuditEvent
from benvung.directory.models import Organisation, Site
from benvung.resources.models import SiteYear

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Organisation, Site, SiteYear, User, AuditEvent)]


def test_a_small_benchmark_in_place_prints_its_figures_and_rolls_everything_back():
    before = _counts()
    out = StringIO()
    call_command(
        "bench_efficiency",
        "--enterprises=3",
        "--years=2",
        "--sample=2",
        "--in-place",
        "--profile",
        stdout=out,
    )
    text = out.getvalue()
    for line in ("import (bulk)", "site_year_save", "recompute 2025", "memory (RSS)", "profile"):
        assert line in text
    assert "6 site-years" in text
    assert _counts() == before


def test_the_benchmark_prepares_only_an_empty_database():
    with pytest.raises(CommandError):
        call_command("bench_efficiency", "--enterprises=1", "--years=1", "--worker")
