"""Specific consumption, baselines and improvement: pure functions on plain data (no ORM).

Every result carries what produced it (factors, allocation rule, method, baseline year, the
reason for a fallback), so a figure on a page can always be traced back to its inputs.

Methods (docs/resource-efficiency.md has the worked examples):
- energy of a carrier = quantity × factor (GJ and TOE), factors from versioned tables;
- SEC = energy allocated to a product / its output, in the norm's unit;
- ratio improvement = 1 − SEC(year) / SEC(baseline year);
- normalised improvement (ISO 50006, US DOE EnPI): energy = b0 + Σ bi·xi fitted by ordinary least
  squares on the baseline year's months; adjusted baseline energy = the model applied to the
  reporting months; SEnPI = actual / adjusted baseline; improvement = 1 − SEnPI;
- roll-up = Σ (adjusted baseline − actual) / Σ adjusted baseline over the enterprises.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benvung.core import units
from benvung.indicators import calculations as progress

GJ_PER_TOE = 41.868  # IEA/OECD definition: 1 toe = 10^7 kcal = 41.868 GJ


class CalculationError(ValueError):
    """Input that a calculation cannot use; the message says which and why (in words)."""


# --- Energy conversion -----------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """`value` units of `target` ("GJ" or "toe") per one `unit` of `carrier`, with provenance."""

    carrier: str
    unit: str
    target: str
    value: float
    instrument: str
    status: str = "verified"
    id: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "verified"


@dataclass(frozen=True)
class Energy:
    gj: float
    toe: float
    factors: tuple[Factor, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def unconfirmed(self) -> bool:
        return any(not f.confirmed for f in self.factors)

    def __add__(self, other: Energy) -> Energy:
        return Energy(
            self.gj + other.gj,
            self.toe + other.toe,
            _unique(self.factors + other.factors),
            _unique(self.notes + other.notes),
        )


ZERO = Energy(0.0, 0.0)


def _unique(items: tuple) -> tuple:
    return tuple(dict.fromkeys(items))


def _factor_for(
    factors: Sequence[Factor], carrier: str, target: str, unit: str
) -> tuple[Factor, float] | None:
    """The first factor of `carrier` to `target` whose unit `unit` converts to, and that amount
    of its unit per one `unit` (e.g. 0.001 "1000 l" per "l")."""
    for factor in factors:
        if factor.carrier != carrier or factor.target != target:
            continue
        per = units.factor_or_none(unit, factor.unit)
        if per is not None:
            return factor, per
    return None


def energy_of(carrier: str, quantity: float, unit: str, factors: Sequence[Factor]) -> Energy:
    """GJ and TOE of a quantity of one carrier.

    GJ: an energy unit converts physically (1 kWh = 3.6 MJ); otherwise the carrier's GJ factor
    (IPCC net calorific value); failing that its TOE factor × 41.868 GJ/toe, noted as derived.
    TOE: the carrier's TOE factor (the Ministry's table, which for electricity counts primary
    energy, 0.0001543 toe/kWh); failing that GJ / 41.868, noted as derived.
    """
    if quantity < 0:
        raise CalculationError(
            _("%(carrier)s: the quantity is negative (%(quantity)s).")
            % {"carrier": carrier, "quantity": quantity}
        )
    used: list[Factor] = []
    notes: list[str] = []
    gj: float | None = None
    if units.dimension_of(unit) == "energy":
        gj = units.convert(quantity, unit, "GJ")
    else:
        found = _factor_for(factors, carrier, "GJ", unit)
        if found:
            factor, per = found
            gj = quantity * per * factor.value
            used.append(factor)
    toe: float | None = None
    found = _factor_for(factors, carrier, "toe", unit)
    if found:
        factor, per = found
        toe = quantity * per * factor.value
        used.append(factor)
    if gj is None and toe is not None:
        gj = toe * GJ_PER_TOE
        notes.append(_("%(carrier)s: GJ = TOE × 41.868") % {"carrier": carrier})
    if toe is None and gj is not None:
        toe = gj / GJ_PER_TOE
        notes.append(_("%(carrier)s: TOE = GJ ÷ 41.868") % {"carrier": carrier})
    if gj is None or toe is None:
        raise CalculationError(
            _("No conversion factor is known for “%(carrier)s” in %(unit)s.")
            % {"carrier": carrier, "unit": units.label(unit)}
        )
    return Energy(gj, toe, tuple(used), tuple(notes))


# --- Allocation and SEC ----------------------------------------------------------------------


ALLOCATION_RULES = ("single", "submetering", "mass", "value")


@dataclass(frozen=True)
class Output:
    key: str  # the product's identity within the site (stable across years)
    category: str
    quantity: float
    unit: str
    value_vnd: float | None = None


@dataclass(frozen=True)
class Allocation:
    rule: str
    shares: Mapping[str, float]  # product key → share of the site's energy (sums to 1)
    note: str = ""


def allocate(
    outputs: Sequence[Output],
    rule: str,
    submetered_gj: Mapping[str, float] | None = None,
) -> Allocation:
    """How a site's energy is split between its products, by the rule the enterprise states.

    - one product takes everything, whatever the stated rule;
    - submetering: each product's metered energy; energy metered for no product (lighting,
      offices) is spread in the same proportions;
    - mass: by output in tonnes (every output must be a mass);
    - value: by production value (every output must have one).
    """
    if not outputs:
        raise CalculationError(_("There is no output to allocate the energy to."))
    keys = [o.key for o in outputs]
    if len(outputs) == 1:
        return Allocation("single", {keys[0]: 1.0})
    if rule == "submetering":
        metered = {k: (submetered_gj or {}).get(k, 0.0) for k in keys}
        unmetered = [k for k, v in metered.items() if v <= 0]
        if unmetered:
            raise CalculationError(
                _(
                    "Allocation by sub-metering needs the energy metered for each product "
                    "(none for %(products)s)."
                )
                % {"products": ", ".join(unmetered)}
            )
        total = sum(metered.values())
        return Allocation(
            rule,
            {k: v / total for k, v in metered.items()},
            _("energy metered for no product is shared in the metered proportions"),
        )
    if rule == "mass":
        masses = {}
        for o in outputs:
            if units.dimension_of(o.unit) != "mass":
                raise CalculationError(
                    _(
                        "Allocation by mass: product “%(product)s” is counted in %(unit)s, "
                        "not in a unit of mass."
                    )
                    % {"product": o.key, "unit": units.label(o.unit)}
                )
            masses[o.key] = units.convert(o.quantity, o.unit, "t")
        return Allocation(rule, _shares(masses))
    if rule == "value":
        values = {}
        for o in outputs:
            if o.value_vnd is None:
                raise CalculationError(
                    _("Allocation by value: product “%(product)s” has no production value.")
                    % {"product": o.key}
                )
            values[o.key] = o.value_vnd
        return Allocation(rule, _shares(values))
    raise CalculationError(
        _("There is no allocation rule “%(rule)s” (the rules: %(rules)s).")
        % {"rule": rule, "rules": ", ".join(ALLOCATION_RULES[1:])}
    )


def _shares(amounts: Mapping[str, float]) -> dict[str, float]:
    total = sum(amounts.values())
    if total <= 0:
        raise CalculationError(_("The products add up to zero: nothing to allocate by."))
    return {k: v / total for k, v in amounts.items()}


def sec(energy_gj: float, output: float, output_unit: str, sec_unit: str) -> float:
    """Energy per unit of output in `sec_unit` (MJ/t, MJ/hl, kWh/t...)."""
    if output <= 0:
        raise CalculationError(_("The output is zero: no specific consumption can be computed."))
    return units.rate(energy_gj, "GJ", output, output_unit, sec_unit)


# --- Baseline year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineChoice:
    year: int
    setting: int
    substituted: bool  # no data for the setting's year: the first reported year is used


def choose_baseline(years_with_data: Sequence[int], setting: int) -> BaselineChoice | None:
    if setting in years_with_data:
        return BaselineChoice(setting, setting, False)
    later = sorted(y for y in years_with_data if y > setting)
    if not later:
        return None
    return BaselineChoice(later[0], setting, True)


# --- Ratio method ----------------------------------------------------------------------------


def ratio_improvement(sec_year: float, sec_baseline: float) -> float:
    if sec_baseline <= 0:
        raise CalculationError(_("The baseline specific consumption is zero."))
    return 1.0 - sec_year / sec_baseline


# --- Normalised (regression) method ----------------------------------------------------------

F_TEST_P_MAX = 0.10
VARIABLE_P_MAX = 0.20
ONE_VARIABLE_P_MAX = 0.10
R2_MIN = 0.5
MIN_BASELINE_MONTHS = 12


@dataclass(frozen=True)
class Month:
    energy: float
    variables: Mapping[str, float]


@dataclass
class Model:
    variables: tuple[str, ...]
    intercept: float
    coefficients: dict[str, float]
    p_values: dict[str, float]
    r_squared: float
    adj_r_squared: float
    f_p_value: float
    n: int
    baseline_min: dict[str, float]
    baseline_max: dict[str, float]
    baseline_mean: dict[str, float]
    baseline_sd: dict[str, float]
    problems: list[str] = field(default_factory=list)

    def predict(self, variables: Mapping[str, float]) -> float:
        return self.intercept + sum(self.coefficients[v] * variables[v] for v in self.variables)

    @property
    def statistically_valid(self) -> bool:
        return not self.problems


def fit(months: Sequence[Month], variables: Sequence[str]) -> Model:
    """Ordinary least squares of energy on `variables`, with the EnPI validity tests."""
    import numpy as np
    import statsmodels.api as sm

    names = tuple(variables)
    y = np.array([m.energy for m in months], dtype=float)
    x = np.array([[m.variables[v] for v in names] for m in months], dtype=float)
    result = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    params = [float(p) for p in result.params]
    pvalues = [float(p) for p in result.pvalues]
    columns = {v: [m.variables[v] for m in months] for v in names}
    model = Model(
        variables=names,
        intercept=params[0],
        coefficients=dict(zip(names, params[1:], strict=True)),
        p_values=dict(zip(names, pvalues[1:], strict=True)),
        r_squared=float(result.rsquared),
        adj_r_squared=float(result.rsquared_adj),
        f_p_value=float(result.f_pvalue),
        n=len(months),
        baseline_min={v: min(c) for v, c in columns.items()},
        baseline_max={v: max(c) for v, c in columns.items()},
        baseline_mean={v: statistics.fmean(c) for v, c in columns.items()},
        baseline_sd={v: statistics.stdev(c) if len(c) > 1 else 0.0 for v, c in columns.items()},
    )
    if not (model.f_p_value < F_TEST_P_MAX):
        model.problems.append(
            _("the F-test fails (p = %(p)s, needs < %(limit)s)")
            % {"p": _p(model.f_p_value), "limit": _p(F_TEST_P_MAX, 2)}
        )
    weak = [v for v in names if not (model.p_values[v] < VARIABLE_P_MAX)]
    if weak:
        model.problems.append(
            _("not significant (p ≥ %(limit)s): %(variables)s")
            % {
                "limit": _p(VARIABLE_P_MAX, 1),
                "variables": ", ".join(f"{v} (p = {_p(model.p_values[v])})" for v in weak),
            }
        )
    if not any(model.p_values[v] < ONE_VARIABLE_P_MAX for v in names):
        model.problems.append(
            _("no variable has p < %(limit)s") % {"limit": _p(ONE_VARIABLE_P_MAX, 1)}
        )
    if not (model.r_squared >= R2_MIN):
        model.problems.append(
            _("R² = %(r2)s is below %(limit)s")
            % {"r2": _p(model.r_squared), "limit": _p(R2_MIN, 1)}
        )
    return model


def _p(value: float, places: int = 3) -> str:
    if math.isnan(value):
        return _("undefined")
    return number_format(round(value, places), places)


def out_of_range(model: Model, reporting: Sequence[Month]) -> list[str]:
    """Variables whose reporting-period mean lies outside both the baseline range and the
    baseline mean ± 3 standard deviations (the model would be extrapolating)."""
    problems = []
    for v in model.variables:
        mean = statistics.fmean(m.variables[v] for m in reporting)
        in_range = model.baseline_min[v] <= mean <= model.baseline_max[v]
        low = model.baseline_mean[v] - 3 * model.baseline_sd[v]
        high = model.baseline_mean[v] + 3 * model.baseline_sd[v]
        if not in_range and not (low <= mean <= high):
            problems.append(
                _(
                    "the reporting-period mean of %(variable)s (%(mean)s) lies outside the "
                    "baseline range and the baseline mean ± 3 standard deviations"
                )
                % {"variable": v, "mean": number_format(round(mean, 2), 2)}
            )
    return problems


@dataclass
class Normalised:
    model: Model | None
    actual: float
    adjusted_baseline: float
    senpi: float
    improvement: float
    candidates: int


def best_model(
    baseline: Sequence[Month], variables: Sequence[str], required: Sequence[str] = ()
) -> tuple[Model | None, list[str], int]:
    """The valid model with the highest adjusted R² over every non-empty subset of the
    recorded variables (as the EnPI tool does); the reasons when none is valid."""
    if len(baseline) < MIN_BASELINE_MONTHS:
        return (
            None,
            [
                _("the baseline year has %(n)s months of data; at least %(min)s are needed")
                % {"n": len(baseline), "min": MIN_BASELINE_MONTHS}
            ],
            0,
        )
    if not variables:
        return None, [_("no monthly variable (such as production) is recorded")], 0
    best: Model | None = None
    reasons: list[str] = []
    count = 0
    for size in range(1, len(variables) + 1):
        for subset in itertools.combinations(variables, size):
            if len(baseline) <= len(subset) + 1:
                continue
            # Energy explained without output (by temperature alone) is no efficiency measure.
            if required and not set(subset) & set(required):
                continue
            count += 1
            model = fit(baseline, subset)
            if model.statistically_valid:
                if best is None or model.adj_r_squared > best.adj_r_squared:
                    best = model
            elif not reasons or len(subset) == len(variables):
                reasons = [
                    _("model on %(variables)s: %(problems)s")
                    % {"variables": ", ".join(subset), "problems": "; ".join(model.problems)}
                ]
    return best, ([] if best else reasons), count


def normalised_improvement(
    baseline: Sequence[Month],
    reporting: Sequence[Month],
    variables: Sequence[str],
    required: Sequence[str] = (),
) -> tuple[Normalised | None, list[str]]:
    """The normalised result, or None with the reasons to fall back to the ratio method."""
    if not reporting:
        return None, [_("the reporting period has no monthly data")]
    model, reasons, count = best_model(baseline, variables, required)
    if model is None:
        return None, reasons
    extrapolating = out_of_range(model, reporting)
    if extrapolating:
        return None, extrapolating
    actual = sum(m.energy for m in reporting)
    adjusted = sum(model.predict(m.variables) for m in reporting)
    if adjusted <= 0:
        return None, [_("the adjusted baseline energy is not positive")]
    senpi, improvement, _saved = senpi_improvement(actual, adjusted)
    return Normalised(model, actual, adjusted, senpi, improvement, count), []


def senpi_improvement(actual: float, adjusted_baseline: float) -> tuple[float, float, float]:
    """(SEnPI, total improvement, savings) of a year against its adjusted baseline."""
    senpi = actual / adjusted_baseline
    return senpi, 1.0 - senpi, adjusted_baseline - actual


def annual_improvement(total_now: float, total_before: float) -> float:
    """This year's share of the improvement: the difference of the totals since the baseline
    (as the EnPI tool reports it; not 1 − SEnPI(y) / SEnPI(y − 1))."""
    return total_now - total_before


# --- Roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One enterprise-product's part of a roll-up (energy in GJ, or material in t)."""

    actual: float
    adjusted_baseline: float  # what it would have used at baseline performance

    @property
    def saved(self) -> float:
        return self.adjusted_baseline - self.actual


@dataclass(frozen=True)
class RollUp:
    improvement: float | None
    saved: float
    adjusted_baseline: float
    count: int


def roll_up(contributions: Sequence[Contribution]) -> RollUp:
    """Σ saved / Σ adjusted baseline: each enterprise weighs by its production."""
    adjusted = sum(c.adjusted_baseline for c in contributions)
    saved = sum(c.saved for c in contributions)
    if not contributions or adjusted <= 0:
        return RollUp(None, saved, adjusted, len(contributions))
    return RollUp(saved / adjusted, saved, adjusted, len(contributions))


# Status of a roll-up against the target band of its milestone year: the plan-wide progress rule
# of docs/indicators.md, so a sector page and the portal never name the same figure differently.
ACHIEVED = progress.ACHIEVED
NOT_ACHIEVED = progress.NOT_ACHIEVED
ON_TRACK = progress.ON_TRACK
NEEDS_ACCELERATION = progress.NEEDS_ACCELERATION
OFF_TRACK = progress.OFF_TRACK
DETERIORATING = progress.DETERIORATING
INSUFFICIENT = progress.INSUFFICIENT_DATA


def band_status(
    improvement: float | None,
    band_min: float,
    year: int,
    baseline_year: int,
    milestone_year: int,
    start: tuple[int, float] | None = None,
    *,
    final: bool = False,
) -> tuple[str, float | None]:
    """(status, expected improvement this year). The expected value follows the straight path
    to the band's lower bound in the milestone year, from `start` (year, value) — the previous
    milestone and its lower bound, e.g. 5 % in 2025 on the way to 7 % in 2030 — or from 0 in
    the baseline year. `final`: the year's figures are final (see progress.assess)."""
    if improvement is None:
        return INSUFFICIENT, None
    assessed = progress.assess(
        value=improvement,
        value_year=year,
        baseline_value=0.0,
        baseline_year=baseline_year,
        goal=band_min,
        milestone_year=milestone_year,
        start=start,
        final=final,
    )
    from_year, from_value = start if start is not None else (baseline_year, 0.0)
    expected = progress.expected_on_path(
        start_year=from_year,
        start_value=from_value,
        goal=band_min,
        milestone_year=milestone_year,
        year=year,
    )
    return assessed.status, expected


# --- Peers and data quality ------------------------------------------------------------------

MIN_PEERS = 5  # fewer, and a percentile would all but name the others
OUTLIER_Z = 3.5  # Iglewicz & Hoaglin's cut-off for the modified z-score
YEAR_CHANGE_LIMIT = 0.30  # a change of SEC by more than 30 % in a year is queried


@dataclass(frozen=True)
class PeerPosition:
    percentile: float  # share of peers with a lower SEC (ties count half), 0-100
    count: int  # peers including this one
    lower: float  # share of the *other* peers with a lower SEC, 0-100
    p25: float
    median: float
    p75: float


def peer_position(value: float, values: Sequence[float]) -> PeerPosition | None:
    """Where `value` stands among `values` (which include it); None below MIN_PEERS."""
    if len(values) < MIN_PEERS:
        return None
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    return PeerPosition(
        percentile=100.0 * (below + 0.5 * equal) / len(values),
        count=len(values),
        lower=100.0 * below / (len(values) - 1),
        p25=quartiles[0],
        median=quartiles[1],
        p75=quartiles[2],
    )


def modified_z(value: float, values: Sequence[float]) -> float | None:
    """Iglewicz-Hoaglin modified z-score, 0.6745 · (x − median) / MAD: robust to the very
    outliers it looks for. None when the values do not vary (MAD = 0) or are too few."""
    if len(values) < MIN_PEERS:
        return None
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    if mad == 0:
        return None
    return 0.6745 * (value - median) / mad


def year_change(value: float, previous: float) -> float | None:
    """Relative change from the previous year (0.4 = 40 % more)."""
    if previous <= 0:
        return None
    return value / previous - 1.0
