"""What every indicator measure uses, whichever app computes it (definitions in
docs/indicators.md).

The measures themselves live with their data: `resources/measures.py` (energy and materials per
unit of product), `outreach/measures.py` (outreach and SCP models), `retail/measures.py`
(packaging surveys). Each takes the year and the first year of the plan and returns one
`Computed` per scope, listing the records behind each value; each app registers its definitions
into `registry` from its `hooks.py`. Here: the records' form, and the agencies' reports that
decide whether a year's counts of what the agencies recorded are in.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from benvung.reporting import selectors as reporting

from .registry import Coverage, CoverageRule


def dec(value: float | int | None, places: int = 6) -> Decimal | None:
    """A figure as stored: a decimal rounded to `places`."""
    if value is None:
        return None
    return Decimal(str(round(float(value), places)))


_PK = 987654321  # stands for the record's key in a page's address, reversed once


@functools.lru_cache(maxsize=64)
def _url_pattern(url_name: str, urlconf: str, prefix: str) -> tuple[str, str] | None:
    """A page's address around the record's key: reverse() costs a quarter of a millisecond,
    and a figure after a large import lists tens of thousands of records."""
    try:
        url = reverse(url_name, args=[_PK])
    except NoReverseMatch:  # a page not routed: the record is still listed, without a link
        return None
    before, found, after = url.partition(str(_PK))
    return (before, after) if found else None


def record(model: str, pk: int, label: str, url_name: str = "", **extra: Any) -> dict[str, Any]:
    """One record behind a figure ("app.model", its key and label), linked to its page when
    `url_name` is routed."""
    item: dict[str, Any] = {"model": model, "id": pk, "label": label}
    if url_name:
        urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
        pattern = _url_pattern(url_name, urlconf, get_script_prefix())
        if pattern is not None:
            item["url"] = f"{pattern[0]}{pk}{pattern[1]}"
    item.update(extra)
    return item


def msgid(label: Any) -> str:
    """A label kept untranslated in the stored result (IndicatorResult.label translates it when
    shown), so the same figure reads right in Vietnamese and in English."""
    with translation.override("en"):
        return str(label)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


# --- The agencies' reports: cumulative counts of what they recorded ---------------------------

# The agencies' reports and the cycle's state decide whether a year's counts are in.
AGENCY_INPUTS = ("reporting.agencyreport", "reporting.reportingcycle")

AGENCY_RULE = CoverageRule(
    minimum=0.5,
    counted=gettext_noop("%(counted)s/%(expected)s agencies sent their report"),
    shortfall=gettext_noop("Not enough data: %(counted)s/%(expected)s agencies sent their report."),
    description=gettext_lazy(
        "Outreach and models are recorded by the agencies and confirmed in their yearly "
        "report: a year's figure is given once its reporting cycle is closed or at least half "
        "of the agencies expected to report have sent their report. A year no reporting cycle "
        "was run for in the system is counted as recorded."
    ),
)


def agency_coverage(year: int) -> Coverage | None:
    """How many of the agencies expected to report the year have sent their report (None: no
    reporting cycle was run for the year)."""
    reports = reporting.reports_in(year)
    if reports is None:
        return None
    return Coverage(reports.sent, reports.expected, complete=True if reports.closed else None)
