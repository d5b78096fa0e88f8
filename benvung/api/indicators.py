"""/api/indicators: where every target stands, and each indicator's series — open data, no
sign-in (the same figures as the public portal, without the records behind them)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from benvung.core import years
from benvung.indicators import registry, selectors
from benvung.indicators.management.commands.indicators import progress_json
from benvung.plans.models import Plan
from benvung.plans.selectors import current_plan

from .common import Int, Text, answers

router = Router(tags=["indicators"], auth=None)


def _plan() -> Plan:
    plan = current_plan()
    if plan is None:
        raise Http404
    return plan


@router.get(
    "/targets",
    response=answers(dict[str, Any], public=True),
    summary="Every target with baseline, value, target, milestone, status",
)
def targets(request: HttpRequest, year: Int | None = None) -> dict[str, Any]:
    plan = _plan()
    if year is not None and not years.in_plan(year, plan):
        raise Http404
    # By default the published year: the latest whose cycle is closed or whose figures are
    # complete (a year with one record in is not the answer unless asked for).
    year = year or selectors.published_year(plan=plan)
    return {
        "plan": plan.number,
        "year": year,
        "targets": [progress_json(p) for p in selectors.progress_list(plan=plan, year=year)],
    }


@router.get(
    "/{code}",
    response=answers(dict[str, Any], public=True),
    summary="One indicator: definition, yearly series and breakdowns",
)
def indicator(request: HttpRequest, code: Text, year: Int | None = None) -> dict[str, Any]:
    if not registry.known(code):
        raise Http404(_("Not found."))
    definition = registry.get(code)
    year = year or selectors.published_year(plan=_plan())

    def row(r: Any) -> dict[str, Any]:
        return {
            "year": r.year,
            "scope": r.scope_kind,
            "key": r.scope_key,
            "name": r.label,
            "value": None if r.value is None else float(r.value),
            "numerator": None if r.numerator is None else float(r.numerator),
            "denominator": None if r.denominator is None else float(r.denominator),
            "notes": [registry.note_text(n) for n in r.notes],
            # A figure below its coverage rule has no value: `withheld` says so.
            "withheld": r.withheld,
            "coverage": r.coverage or None,
            "computed_at": r.computed_at.isoformat(),
            "being_updated": r.stale,
        }

    return {
        "code": code,
        "name": str(definition.name),
        "unit": str(definition.unit),
        "description": str(definition.description),
        "method": str(definition.method),
        "coverage_rule": str(definition.coverage_rule.description)
        if definition.coverage_rule
        else None,
        "sources": [str(s) for s in definition.sources],
        "series": [row(r) for r in selectors.series(indicator=code)],
        "year": year,
        "breakdowns": {
            kind: [row(r) for r in selectors.breakdown(indicator=code, year=year, scope_kind=kind)]
            for kind, _label in definition.breakdowns
        },
    }
