"""Progress of a target: where a value stands against the straight path from baseline to target.

Pure functions on plain numbers; docs/indicators.md states the rule for readers. In core because
every app that judges progress uses the one rule: the indicators and the efficiency of
enterprises against their sector's band (resources.calculations).
"""

from __future__ import annotations

from dataclasses import dataclass

ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
ON_TRACK = "on_track"
NEEDS_ACCELERATION = "needs_acceleration"
OFF_TRACK = "off_track"
DETERIORATING = "deteriorating"
INSUFFICIENT_DATA = "insufficient_data"
QUALITATIVE = "qualitative"

# Share of the progress the straight path asks for by now that still counts as "needs
# acceleration" rather than "off track" (the ESCAP SDG progress assessment draws the same line
# between "progress too slow" and "off track" at half the required pace).
ACCELERATION_SHARE = 0.5


@dataclass(frozen=True)
class Assessment:
    status: str
    expected: float | None  # value on the straight path in the value's year
    # Progress made / progress the path asks for by now (1 = exactly on the path).
    pace: float | None
    reason: str  # a stable code saying which branch of the rule decided (for notes and tests)


def expected_on_path(
    *, start_year: int, start_value: float, goal: float, milestone_year: int, year: int
) -> float:
    """The straight line from (start_year, start_value) to (milestone_year, goal), held flat
    before the start and after the milestone."""
    span = milestone_year - start_year
    if span <= 0 or year >= milestone_year:
        return goal
    if year <= start_year:
        return start_value
    return start_value + (goal - start_value) * (year - start_year) / span


def assess(
    *,
    value: float | None,
    value_year: int | None,
    baseline_value: float | None,
    baseline_year: int | None,
    goal: float | None,
    milestone_year: int,
    increase: bool = True,
    start: tuple[int, float] | None = None,
    final: bool = False,
) -> Assessment:
    """Status of `value` (in `value_year`) against reaching `goal` by `milestone_year`.

    `goal` is the value that counts as achieved: the lower end of a band for a "higher is better"
    target (5 in 5-8 %), the upper end for "lower is better". The path starts at the baseline,
    or at `start` — the previous milestone and its goal — when the target continues an earlier
    one (7-10 % by 2030 after 5-8 % by 2025). Deterioration is always judged against the
    baseline itself: moving away from where the plan started.

    `final`: the figures of the value's year are final (its reporting cycle is closed). A value
    of the milestone year that is final settles the target: achieved or not achieved. Before
    that, the milestone year's value is judged on its pace like any other.
    """
    if value is None or value_year is None:
        return Assessment(INSUFFICIENT_DATA, None, None, "no_value")
    if goal is None:
        return Assessment(INSUFFICIENT_DATA, None, None, "no_goal")
    sign = 1.0 if increase else -1.0
    # Work in "higher is better" terms from here on.
    v, g = sign * value, sign * goal
    if v >= g:
        return Assessment(ACHIEVED, goal, None, "goal_reached")
    if final and value_year >= milestone_year:
        return Assessment(NOT_ACHIEVED, goal, None, "milestone_missed")
    if baseline_value is None or baseline_year is None:
        return Assessment(INSUFFICIENT_DATA, None, None, "no_baseline")
    b = sign * baseline_value
    if v < b:
        return Assessment(DETERIORATING, None, None, "worse_than_baseline")
    from_year, from_value = (start[0], sign * start[1]) if start else (baseline_year, b)
    if value_year <= baseline_year:
        # Only the baseline itself is known: nothing yet says how fast things move.
        return Assessment(INSUFFICIENT_DATA, None, None, "only_baseline")
    expected = expected_on_path(
        start_year=from_year,
        start_value=from_value,
        goal=g,
        milestone_year=milestone_year,
        year=value_year,
    )
    shown_expected = sign * expected
    if start is not None and value_year <= from_year:
        # Not past the earlier milestone yet: the value is measured on the way to it, from
        # the baseline (2025's 4 % is judged against 2025's 5 %, not against the 2030 path).
        required, done = from_value - b, v - b
    else:
        required, done = expected - from_value, v - from_value
    if required <= 0:
        # The path asks for nothing yet: at or above where it starts is on track.
        return Assessment(ON_TRACK, shown_expected, None, "path_not_started")
    pace = done / required
    if pace >= 1:
        return Assessment(ON_TRACK, shown_expected, pace, "on_path")
    if pace >= ACCELERATION_SHARE:
        return Assessment(NEEDS_ACCELERATION, shown_expected, pace, "slow")
    return Assessment(OFF_TRACK, shown_expected, pace, "too_slow")
