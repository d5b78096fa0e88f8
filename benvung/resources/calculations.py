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

from benvung.core import progress, units
from benvung.core.energy import GJ_PER_TOE, Factor

# Factor and GJ_PER_TOE belong to the shared energy fact (core.energy), which every domain
# reads; the conversion below uses them, and callers still find them here (calc.Factor).


class CalculationError(ValueError):
    """Input that a calculation cannot use; the message says which and why (in words)."""


# --- Energy conversion -----------------------------------------------------------------------


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


# The validity rules, by code (the JSON keeps the codes; pages and workbook label them).
CHECK_F_TEST = "f_test"
CHECK_VARIABLES_P = "variables_p"
CHECK_ONE_VARIABLE_P = "one_variable_p"
CHECK_R_SQUARED = "r_squared"
CHECK_MONTHS = "baseline_months"
CHECK_RANGE = "no_extrapolation"


@dataclass(frozen=True)
class Check:
    """One validity rule of the normalised method: what was measured, against what limit."""

    code: str
    passed: bool
    measured: float  # p, the largest or smallest p, R², months, or the reporting-period mean
    comparison: str  # "<", "≥" or "in" (within `bounds`)
    limit: float | None = None
    variable: str = ""  # the variable a per-variable check (the range) is about
    bounds: tuple[float, float] | None = None  # the range check's allowed interval


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
    # The rest of what the fit gives, kept for the report (reading it costs nothing: the
    # p-values are computed from the standard errors and t values, the F p-value from F).
    intercept_std_error: float = math.nan
    intercept_t_value: float = math.nan
    intercept_p_value: float = math.nan
    std_errors: dict[str, float] = field(default_factory=dict)
    t_values: dict[str, float] = field(default_factory=dict)
    f_statistic: float = math.nan
    df_resid: float = math.nan
    checks: list[Check] = field(default_factory=list)

    def predict(self, variables: Mapping[str, float]) -> float:
        return self.intercept + sum(self.coefficients[v] * variables[v] for v in self.variables)

    @property
    def statistically_valid(self) -> bool:
        return not self.problems

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def _largest(values: Sequence[float]) -> float:
    """The largest value; NaN if any is NaN (an undefined p-value passes no test)."""
    return math.nan if any(math.isnan(v) for v in values) else max(values)


def _smallest(values: Sequence[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return min(defined) if defined else math.nan


def fit(months: Sequence[Month], variables: Sequence[str]) -> Model:
    """Ordinary least squares of energy on `variables`, with the EnPI validity tests."""
    import numpy as np
    import statsmodels.api as sm

    names = tuple(variables)
    y = np.array([m.energy for m in months], dtype=float)
    x = np.array([[m.variables[v] for v in names] for m in months], dtype=float)
    result = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    params: list[float] = result.params.tolist()
    pvalues: list[float] = result.pvalues.tolist()
    bse: list[float] = result.bse.tolist()
    tvalues: list[float] = result.tvalues.tolist()
    # Each variable's baseline statistics from the matrix already built: statistics.stdev works
    # in exact fractions and cost more than the fit itself, once per variable and candidate.
    columns = {v: x[:, i] for i, v in enumerate(names)}
    model = Model(
        variables=names,
        intercept=params[0],
        coefficients=dict(zip(names, params[1:], strict=True)),
        p_values=dict(zip(names, pvalues[1:], strict=True)),
        r_squared=float(result.rsquared),
        adj_r_squared=float(result.rsquared_adj),
        f_p_value=float(result.f_pvalue),
        n=len(months),
        baseline_min={v: float(c.min()) for v, c in columns.items()},
        baseline_max={v: float(c.max()) for v, c in columns.items()},
        baseline_mean={v: float(c.mean()) for v, c in columns.items()},
        baseline_sd={v: float(c.std(ddof=1)) if len(c) > 1 else 0.0 for v, c in columns.items()},
        intercept_std_error=bse[0],
        intercept_t_value=tvalues[0],
        intercept_p_value=pvalues[0],
        std_errors=dict(zip(names, bse[1:], strict=True)),
        t_values=dict(zip(names, tvalues[1:], strict=True)),
        f_statistic=float(result.fvalue),
        df_resid=float(result.df_resid),
    )
    largest_p = _largest([model.p_values[v] for v in names])
    smallest_p = _smallest([model.p_values[v] for v in names])
    # Comparisons with NaN are false: an undefined statistic passes no check.
    model.checks = [
        Check(CHECK_F_TEST, model.f_p_value < F_TEST_P_MAX, model.f_p_value, "<", F_TEST_P_MAX),
        Check(CHECK_VARIABLES_P, largest_p < VARIABLE_P_MAX, largest_p, "<", VARIABLE_P_MAX),
        Check(
            CHECK_ONE_VARIABLE_P,
            smallest_p < ONE_VARIABLE_P_MAX,
            smallest_p,
            "<",
            ONE_VARIABLE_P_MAX,
        ),
        Check(CHECK_R_SQUARED, model.r_squared >= R2_MIN, model.r_squared, "≥", R2_MIN),
        Check(CHECK_MONTHS, model.n >= MIN_BASELINE_MONTHS, model.n, "≥", MIN_BASELINE_MONTHS),
    ]
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
    if model.n < MIN_BASELINE_MONTHS:
        model.problems.append(_few_months(model.n))
    return model


def _few_months(n: int) -> str:
    return _("the baseline year has %(n)s months of data; at least %(min)s are needed") % {
        "n": n,
        "min": MIN_BASELINE_MONTHS,
    }


def _p(value: float, places: int = 3) -> str:
    if math.isnan(value):
        return _("undefined")
    return number_format(round(value, places), places)


@dataclass(frozen=True)
class VariableRange:
    """A variable of the model in the baseline year and in the reporting period."""

    variable: str
    baseline_min: float
    baseline_max: float
    baseline_mean: float
    baseline_sd: float
    reporting_mean: float | None  # None: the reporting period has no monthly value
    lower: float  # the range the reporting mean may lie in: the baseline range joined with
    upper: float  # the baseline mean ± 3 standard deviations (both hold the mean: one interval)
    within: bool | None


def ranges(model: Model, reporting: Sequence[Month]) -> list[VariableRange]:
    """Each variable's baseline range and reporting-period mean, and whether the mean lies
    within the baseline range or within the baseline mean ± 3 standard deviations."""
    found = []
    for v in model.variables:
        low = model.baseline_mean[v] - 3 * model.baseline_sd[v]
        high = model.baseline_mean[v] + 3 * model.baseline_sd[v]
        mean: float | None = None
        within: bool | None = None
        if reporting:
            mean = statistics.fmean(m.variables[v] for m in reporting)
            in_range = model.baseline_min[v] <= mean <= model.baseline_max[v]
            within = in_range or low <= mean <= high
        found.append(
            VariableRange(
                v,
                model.baseline_min[v],
                model.baseline_max[v],
                model.baseline_mean[v],
                model.baseline_sd[v],
                mean,
                min(model.baseline_min[v], low),
                max(model.baseline_max[v], high),
                within,
            )
        )
    return found


def out_of_range(model: Model, reporting: Sequence[Month]) -> list[str]:
    """Variables whose reporting-period mean lies outside both the baseline range and the
    baseline mean ± 3 standard deviations (the model would be extrapolating)."""
    return [
        _(
            "the reporting-period mean of %(variable)s (%(mean)s) lies outside the "
            "baseline range and the baseline mean ± 3 standard deviations"
        )
        % {"variable": r.variable, "mean": number_format(round(r.reporting_mean or 0.0, 2), 2)}
        for r in ranges(model, reporting)
        if r.within is False
    ]


@dataclass
class Normalised:
    model: Model | None
    actual: float
    adjusted_baseline: float
    senpi: float
    improvement: float
    candidates: int


def _search(
    baseline: Sequence[Month], variables: Sequence[str], required: Sequence[str]
) -> tuple[Model | None, Model | None, list[str], int]:
    """(the valid model with the highest adjusted R², the candidate closest to valid, the
    reasons when none is valid, the number of candidates): each subset is fitted once."""
    best: Model | None = None
    closest: Model | None = None
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
            if closest is None or _closeness(model) < _closeness(closest):
                closest = model
    return best, closest, ([] if best else reasons), count


def _closeness(model: Model) -> tuple[int, float]:
    """Fewest failed checks first, then the highest adjusted R² (an undefined one last)."""
    adj = model.adj_r_squared
    return len(model.failed), -adj if not math.isnan(adj) else math.inf


def best_model(
    baseline: Sequence[Month], variables: Sequence[str], required: Sequence[str] = ()
) -> tuple[Model | None, list[str], int]:
    """The valid model with the highest adjusted R² over every non-empty subset of the
    recorded variables (as the EnPI tool does); the reasons when none is valid."""
    if len(baseline) < MIN_BASELINE_MONTHS:
        return None, [_few_months(len(baseline))], 0
    if not variables:
        return None, [_("no monthly variable (such as production) is recorded")], 0
    best, _closest, reasons, count = _search(baseline, variables, required)
    return best, reasons, count


@dataclass(frozen=True)
class Term:
    """A coefficient of the model with its standard error, t statistic and p-value."""

    variable: str  # "" for the intercept
    coefficient: float
    std_error: float
    t_value: float
    p_value: float


@dataclass(frozen=True)
class ModelReport:
    """What an energy manager needs to trust a normalised figure, as the EnPI tools show it:
    the model and its statistics, the variables' ranges, the validity checks and, when the
    model was applied, adjusted baseline, SEnPI, improvement and savings (energy in GJ).

    When the ratio method was used instead, it is the model that came closest (the valid one
    that failed later, or the candidate failing fewest checks) and `applied` is False."""

    applied: bool
    variables: tuple[str, ...]
    intercept: Term
    terms: tuple[Term, ...]
    r_squared: float
    adj_r_squared: float
    f_statistic: float
    f_p_value: float
    df_model: int
    df_resid: float
    baseline_months: int
    reporting_months: int
    candidates: int
    ranges: tuple[VariableRange, ...]
    checks: tuple[Check, ...]
    units: Mapping[str, str] = field(default_factory=dict)  # variable → unit, "" if unknown
    actual: float | None = None
    adjusted_baseline: float | None = None
    senpi: float | None = None
    improvement: float | None = None
    savings: float | None = None

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def model_report(
    model: Model,
    reporting: Sequence[Month],
    candidates: int,
    *,
    applied: bool = False,
    units: Mapping[str, str] | None = None,
) -> ModelReport:
    """The report of a fitted model against the reporting months (no second fit)."""
    found = ranges(model, reporting)
    range_checks = [
        Check(
            CHECK_RANGE,
            bool(r.within),
            r.reporting_mean,
            "in",
            variable=r.variable,
            bounds=(r.lower, r.upper),
        )
        for r in found
        if r.reporting_mean is not None
    ]
    outcome: dict[str, float] = {}
    # Figures only from a model that was applied: an invalid model's would read as a result.
    if applied and reporting:
        actual = sum(m.energy for m in reporting)
        adjusted = sum(model.predict(m.variables) for m in reporting)
        senpi, improvement, savings = senpi_improvement(actual, adjusted)
        outcome = {
            "actual": actual,
            "adjusted_baseline": adjusted,
            "senpi": senpi,
            "improvement": improvement,
            "savings": savings,
        }
    return ModelReport(
        applied=applied,
        variables=model.variables,
        intercept=Term(
            "",
            model.intercept,
            model.intercept_std_error,
            model.intercept_t_value,
            model.intercept_p_value,
        ),
        terms=tuple(
            Term(
                v,
                model.coefficients[v],
                model.std_errors.get(v, math.nan),
                model.t_values.get(v, math.nan),
                model.p_values[v],
            )
            for v in model.variables
        ),
        r_squared=model.r_squared,
        adj_r_squared=model.adj_r_squared,
        f_statistic=model.f_statistic,
        f_p_value=model.f_p_value,
        df_model=len(model.variables),
        df_resid=model.df_resid,
        baseline_months=model.n,
        reporting_months=len(reporting),
        candidates=candidates,
        ranges=tuple(found),
        checks=(*model.checks, *range_checks),
        units=dict(units or {}),
        **outcome,
    )


@dataclass
class Assessment:
    """The normalised result, or None with the reasons to fall back to the ratio method; and
    the report of the model behind either (None when no model could be fitted)."""

    result: Normalised | None
    reasons: list[str]
    report: ModelReport | None


def assess(
    baseline: Sequence[Month],
    reporting: Sequence[Month],
    variables: Sequence[str],
    required: Sequence[str] = (),
    units: Mapping[str, str] | None = None,
) -> Assessment:
    """The normalised method with its report. With fewer baseline months than the rule asks
    the candidates are still fitted (never used), so the report can show the numbers."""
    if not variables:
        reasons = [_("no monthly variable (such as production) is recorded")]
        if not reporting:
            reasons = [_("the reporting period has no monthly data")]
        return Assessment(None, reasons, None)
    best, closest, reasons, count = _search(baseline, variables, required)
    if len(baseline) < MIN_BASELINE_MONTHS:
        best, reasons = None, [_few_months(len(baseline))]
    if not reporting:
        reasons = [_("the reporting period has no monthly data")]
        shown = best or closest
        report = model_report(shown, reporting, count, units=units) if shown else None
        return Assessment(None, reasons, report)
    if best is None:
        report = model_report(closest, reporting, count, units=units) if closest else None
        return Assessment(None, reasons, report)
    extrapolating = out_of_range(best, reporting)
    if extrapolating:
        return Assessment(None, extrapolating, model_report(best, reporting, count, units=units))
    actual = sum(m.energy for m in reporting)
    adjusted = sum(best.predict(m.variables) for m in reporting)
    if adjusted <= 0:
        return Assessment(
            None,
            [_("the adjusted baseline energy is not positive")],
            model_report(best, reporting, count, units=units),
        )
    senpi, improvement, _saved = senpi_improvement(actual, adjusted)
    return Assessment(
        Normalised(best, actual, adjusted, senpi, improvement, count),
        [],
        model_report(best, reporting, count, applied=True, units=units),
    )


def normalised_improvement(
    baseline: Sequence[Month],
    reporting: Sequence[Month],
    variables: Sequence[str],
    required: Sequence[str] = (),
) -> tuple[Normalised | None, list[str]]:
    """The normalised result, or None with the reasons to fall back to the ratio method."""
    found = assess(baseline, reporting, variables, required)
    return found.result, found.reasons


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
