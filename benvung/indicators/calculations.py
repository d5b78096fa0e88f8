"""Small pure calculations the indicator measures share (the progress rule: core.progress)."""

from __future__ import annotations


def share(numerator: int, denominator: int) -> float | None:
    """A percentage, or None when there is nothing to count."""
    if denominator <= 0:
        return None
    return 100.0 * numerator / denominator
