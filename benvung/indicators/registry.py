"""The indicators the plan file names, each with its definition and the function computing it.

A target in the plan file says `indicator: <code>`; the loader and `benvung check` refuse a code
that is not registered here. Each app computes the measures of its own data (`<app>/measures.py`)
and registers their definitions from its `hooks.py`; the registry is filled by discovering those
modules the first time it is read (`benvung.core.registry`), so indicators imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from benvung.core.registry import Registry


def note(message: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """A note kept untranslated with its arguments, shown later in the reader's language."""
    return {"msg": message, "args": args or {}}


def note_text(item: Any) -> str:
    """A stored note in the active language (numbers the active language's way)."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext

    if isinstance(item, str):
        return item
    args = {
        k: number_format(v, use_l10n=True, force_grouping=True)
        if isinstance(v, int | float)
        and not isinstance(v, bool)
        and k not in {"since", "start", "end"}
        else v
        for k, v in (item.get("args") or {}).items()
    }
    return gettext(item.get("msg", "")) % args if args else gettext(item.get("msg", ""))


@dataclass(frozen=True)
class Coverage:
    """How much of the data a figure should rest on it does rest on: `counted` of `expected`
    (enterprises that submitted, outlets surveyed, agencies that reported). `complete` settles
    it whatever the counts, when known: a closed reporting cycle will bring no more reports."""

    counted: int
    expected: int
    complete: bool | None = None


@dataclass(frozen=True)
class CoverageRule:
    """The completeness an indicator needs before its figure is given (docs/indicators.md).

    `counted` names the coverage in words ("%(counted)s/%(expected)s enterprises submitted"),
    `shortfall` says why a figure is not given ("Not enough data: %(counted)s/%(expected)s
    enterprises submitted."); both kept untranslated (gettext_noop), translated where shown."""

    minimum: float  # the share of `expected` that must be counted
    counted: str
    shortfall: str
    description: str | Promise  # the rule in a sentence, shown with the method

    def met(self, coverage: Coverage) -> bool:
        if coverage.complete is not None:
            return coverage.complete
        return coverage.expected > 0 and coverage.counted >= self.minimum * coverage.expected


@dataclass
class Computed:
    """One value of an indicator for one year and scope, with the records it came from."""

    scope_kind: str
    scope_key: str
    scope_label: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    # What the figure rests on, for indicators with a coverage rule (None: nothing to measure).
    coverage: Coverage | None = None


# How the value the path starts from is found (docs/indicators.md).
ZERO_AT_START = "zero_at_start"  # counted from the plan's first year: 0 the year before
FIRST_VALUE = "first_value"  # the value of the baseline year, or of the first year measured


@dataclass(frozen=True)
class Definition:
    code: str
    name: str | Promise
    unit: str | Promise  # "%", or a word in the reader's language
    description: str | Promise  # what is counted, in a sentence or two
    method: str | Promise  # how, including what is left out
    sources: tuple[str | Promise, ...]
    compute: Callable[[int, int], list[Computed]]  # (year, the plan's first year)
    # Models whose changes make this indicator stale ("app_label.modelname").
    inputs: tuple[str, ...]
    # Scope kinds shown as breakdowns, with their headings.
    breakdowns: tuple[tuple[str, str | Promise], ...] = ()
    baseline: str = ZERO_AT_START
    # Values are shares (0-100) and not counts: the chart's axis runs to 100.
    is_share: bool = True
    qualitative: bool = False
    # The first year the measure can be computed (data before it means nothing for it).
    first_year: int | None = None
    # The plan's content areas (numbers, section II of Plan 202) whose results this indicator
    # measures: the annual synthesis report quotes its figures under those areas.
    content_areas: tuple[int, ...] = ()
    # Below this coverage the figure is not given (withhold_incomplete applies it).
    coverage_rule: CoverageRule | None = None
    # How a value below zero reads in a sentence, for an indicator that measures a reduction
    # ("-0,19 %" of a reduction is an increase: "không giảm mà tăng 0,19 %"); None: as it is.
    negative_phrase: str | Promise | None = None
    # The same computation counting the drafts not yet submitted too: only the coordinator's
    # own pages ask for it, behind a switch. None when the indicator's data have no drafts.
    compute_with_drafts: Callable[[int, int], list[Computed]] | None = None


# Filled from the apps' hooks.py; read through the functions below (they discover it first).
MEASURES: Registry[Definition] = Registry("indicator")


def register(definition: Definition) -> Definition:
    """Called from an app's hooks.py: `registry.register(measures.SOME_DEFINITION)`."""
    return MEASURES.register(definition.code, definition)


def coverage_note(rule: CoverageRule, coverage: Coverage, *, short: bool = False) -> dict[str, Any]:
    """The coverage in words, or (`short`) why the figure is not given, kept as a note."""
    args = {"counted": coverage.counted, "expected": coverage.expected}
    return note(rule.shortfall if short else rule.counted, args)


def withhold_incomplete(definition: Definition, computed: list[Computed]) -> list[Computed]:
    """Applies the definition's coverage rule: a figure below it loses its value (and its
    numerator) and says why; a figure that meets it states its coverage. Every computation,
    stored or shown live, goes through here, so no page can show a figure the rule withholds."""
    rule = definition.coverage_rule
    if rule is None:
        return computed
    for c in computed:
        if not applies(c.coverage):
            c.coverage = None
            continue
        assert c.coverage is not None
        why = shortfall(rule, c.coverage)
        if why is None:
            c.notes.append(coverage_note(rule, c.coverage))
        else:
            c.value = None
            c.numerator = None
            c.notes.insert(0, why)
    return computed


def applies(coverage: Coverage | None) -> bool:
    """Whether a coverage is to be judged: nothing expected (no outlet in operation, no agency
    due) leaves nothing to withhold."""
    return coverage is not None and not (coverage.expected == 0 and coverage.complete is None)


def shortfall(rule: CoverageRule, coverage: Coverage) -> dict[str, Any] | None:
    """Why a figure of this coverage is not given (a note), or None when it is."""
    if not applies(coverage) or rule.met(coverage):
        return None
    return coverage_note(rule, coverage, short=True)


def get(code: str) -> Definition:
    return MEASURES.get(code)


def known(code: str) -> bool:
    return code in MEASURES


def all_definitions() -> list[Definition]:
    return MEASURES.values()


def affected_by(model_label: str) -> list[str]:
    """Codes of the indicators computed from rows of `model_label`."""
    return [d.code for d in MEASURES.values() if model_label in d.inputs]
