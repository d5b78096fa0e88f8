"""The portal benchmark serves a prepared database with gunicorn, loads it, and prints figures."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_a_short_benchmark_on_a_prepared_database_prints_a_line_per_page(tmp_path):
    out = StringIO()
    call_command(
        "bench_portal",
        "--prepare",
        "--no-demo",
        f"--database-url=sqlite:///{tmp_path / 'portal.sqlite3'}",
        "--clients=3",
        "--seconds=1",
        "--warmup=0",
        "--workers=1",
        stdout=out,
    )
    text = out.getvalue()
    assert "gunicorn, 1 sync workers, DEBUG off" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    for page in ("trivial", "overview", "indicator"):
        assert page in lines, text
    assert "p95 / trivial" in text
    # The pages answered: with the plan loaded none of them is an error page.
    assert "errors on" not in text, text


def test_the_database_url_option_is_only_for_a_database_to_prepare():
    with pytest.raises(CommandError):
        call_command("bench_portal", "--database-url=sqlite:///x.sqlite3")
