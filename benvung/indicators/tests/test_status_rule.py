"""The progress rule of docs/indicators.md, checked against hand calculations written out."""

from __future__ import annotations

import pytest

from benvung.core import progress as calc
from benvung.indicators.calculations import share


def assess(**kwargs: object) -> calc.Assessment:
    defaults: dict[str, object] = {
        "baseline_value": 0.0,
        "baseline_year": 2021,
        "goal": 70.0,
        "milestone_year": 2025,
    }
    defaults.update(kwargs)
    return calc.assess(**defaults)  # type: ignore[arg-type]


def test_a_value_at_or_beyond_the_goal_is_achieved_whatever_the_year() -> None:
    assert assess(value=70.0, value_year=2023).status == calc.ACHIEVED
    assert assess(value=72.5, value_year=2025).status == calc.ACHIEVED


def test_on_the_straight_path_is_on_track() -> None:
    # From 0 % in 2021 to 70 % in 2025: 2023 is half way, 70 × 2/4 = 35 % expected.
    result = assess(value=40.0, value_year=2023)
    assert result.status == calc.ON_TRACK
    assert result.expected == pytest.approx(35.0)
    assert result.pace == pytest.approx(40 / 35)


def test_half_the_pace_or_more_needs_acceleration() -> None:
    # 20 of the 35 points the path asks for by 2023: pace 0.571.
    result = assess(value=20.0, value_year=2023)
    assert result.status == calc.NEEDS_ACCELERATION
    assert result.pace == pytest.approx(0.5714285714)


def test_less_than_half_the_pace_is_off_track() -> None:
    # 10 of 35: pace 0.286.
    assert assess(value=10.0, value_year=2023).status == calc.OFF_TRACK


def test_a_final_milestone_value_below_the_goal_is_not_achieved() -> None:
    # 2025's figures are final (the cycle is closed): 60 % of a 70 % target is not reached.
    result = assess(value=60.0, value_year=2025, final=True)
    assert result.status == calc.NOT_ACHIEVED
    assert result.reason == "milestone_missed"
    assert result.expected == 70.0
    # The same value at the goal is achieved, final or not.
    assert assess(value=70.0, value_year=2025, final=True).status == calc.ACHIEVED


def test_a_milestone_value_not_yet_final_is_judged_on_its_pace() -> None:
    # 2025's cycle still open: 60 of the 70 points asked by 2025, pace 0.857.
    result = assess(value=60.0, value_year=2025)
    assert result.status == calc.NEEDS_ACCELERATION
    assert result.pace == pytest.approx(60 / 70)
    # 30 of 70: pace 0.43, off track; never "not achieved" before the figures are final.
    assert assess(value=30.0, value_year=2025).status == calc.OFF_TRACK


def test_a_final_value_before_the_milestone_does_not_settle_the_target() -> None:
    # 2023's figures are final, but the milestone is 2025: still a question of pace.
    assert assess(value=40.0, value_year=2023, final=True).status == calc.ON_TRACK


def test_worse_than_the_baseline_is_deteriorating() -> None:
    # Retail: 55 % surveyed in 2022, 50 % in 2024, towards 85 % in 2025.
    result = assess(value=50.0, value_year=2024, baseline_value=55.0, baseline_year=2022, goal=85.0)
    assert result.status == calc.DETERIORATING


def test_a_first_measured_baseline_alone_says_nothing_about_pace() -> None:
    result = assess(value=55.0, value_year=2022, baseline_value=55.0, baseline_year=2022, goal=85.0)
    assert result.status == calc.INSUFFICIENT_DATA
    # 2024: 55 + 30 × 2/3 = 75 % expected; 79 % is ahead (pace 24/20 = 1.2).
    later = assess(value=79.0, value_year=2024, baseline_value=55.0, baseline_year=2022, goal=85.0)
    assert later.status == calc.ON_TRACK
    assert later.expected == pytest.approx(75.0)
    assert later.pace == pytest.approx(1.2)


def test_lower_is_better_targets_mirror_the_rule() -> None:
    # From 100 in 2021 down to 80 in 2025: 90 expected in 2023.
    on_path = assess(value=90.0, value_year=2023, baseline_value=100.0, goal=80.0, increase=False)
    assert on_path.status == calc.ON_TRACK
    assert on_path.expected == pytest.approx(90.0)
    assert (
        assess(value=105.0, value_year=2023, baseline_value=100.0, goal=80.0, increase=False).status
        == calc.DETERIORATING
    )
    assert (
        assess(value=79.0, value_year=2023, baseline_value=100.0, goal=80.0, increase=False).status
        == calc.ACHIEVED
    )


def test_a_continuing_target_starts_its_path_at_the_earlier_milestone() -> None:
    # 7-10 % by 2030 after 5-8 % by 2025, baseline 0 % in 2021.
    chained = {"goal": 7.0, "milestone_year": 2030, "start": (2025, 5.0)}
    # 2025 is judged on the way to 2025's 5 %: 4.18 / 5 = 0.836 of the pace.
    in_2025 = assess(value=4.18, value_year=2025, **chained)
    assert in_2025.status == calc.NEEDS_ACCELERATION
    assert in_2025.pace == pytest.approx(0.836)
    # 2027: 5 + (7 - 5) × 2/5 = 5.8 % expected; 5.9 % is 0.9 of the 0.8 asked: on track.
    ahead = assess(value=5.9, value_year=2027, **chained)
    assert ahead.status == calc.ON_TRACK
    assert ahead.expected == pytest.approx(5.8)
    assert ahead.pace == pytest.approx(1.125)
    # 5.2 % is 0.2 of 0.8: a quarter of the pace, off track (though better than the baseline).
    assert assess(value=5.2, value_year=2027, **chained).status == calc.OFF_TRACK


def test_no_value_or_no_goal_is_insufficient_data() -> None:
    assert assess(value=None, value_year=None).status == calc.INSUFFICIENT_DATA
    assert assess(value=3.0, value_year=2024, goal=None).status == calc.INSUFFICIENT_DATA


def test_the_straight_path_is_flat_outside_its_years() -> None:
    path = {"start_year": 2021, "start_value": 0.0, "goal": 80.0, "milestone_year": 2025}
    assert calc.expected_on_path(year=2020, **path) == 0.0
    assert calc.expected_on_path(year=2024, **path) == pytest.approx(60.0)
    assert calc.expected_on_path(year=2027, **path) == 80.0


def test_a_share_of_nothing_is_not_zero() -> None:
    assert share(0, 0) is None
    assert share(1, 46) == pytest.approx(2.1739130435)
