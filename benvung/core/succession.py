"""Walking successor links: the same rules for administrative units, organisations and parks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.db import models

Node = TypeVar("Node", bound=Hashable)


def reachable(start: Node, successors_of: Callable[[Node], Iterable[Node]]) -> set[Node]:
    """Every node reached from `start` by following successor links (not `start` itself)."""
    seen: set[Node] = set()
    stack = list(successors_of(start))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(successors_of(node))
    return seen


def creates_cycle(
    predecessor: Node, successor: Node, successors_of: Callable[[Node], Iterable[Node]]
) -> bool:
    """Would the link predecessor → successor close a loop?"""
    return predecessor == successor or predecessor in reachable(successor, successors_of)


def successor_ids_of(link_model: type[models.Model]) -> Callable[[int], list[int]]:
    def successors_of(pk: int) -> list[int]:
        # The link model's `objects`: its abstract base declares no manager.
        return list(
            link_model._default_manager.filter(predecessor_id=pk).values_list(
                "successor_id", flat=True
            )
        )

    return successors_of


def _heirs(node: models.Model, on: dt.date) -> list[models.Model]:
    """Successors through the links in force on `on`.

    When one predecessor has links with different effective dates, the latest arrangement
    supersedes the earlier ones (e.g. foreign affairs went to the People's Committee Office in
    March 2025 and to a re-established department in July 2025).
    """
    links = [
        link
        for link in node.successor_links.select_related("successor")  # type: ignore[attr-defined]
        if link.effective_date is None or link.effective_date <= on
    ]
    if not links:
        return []
    latest = max(link.effective_date or dt.date.min for link in links)
    return [link.successor for link in links if (link.effective_date or dt.date.min) == latest]


def current_successors(obj: models.Model, on: dt.date) -> list[models.Model]:
    """The rows valid on `on` that continue `obj`: itself if still valid, else its heirs.

    Follows successor links transitively (a department merged in March 2025 whose heir was
    merged again later resolves to the last one).
    """
    if obj.is_valid_on(on):  # type: ignore[attr-defined]
        return [obj]
    result: list[models.Model] = []
    seen: set[int] = {obj.pk}
    frontier = _heirs(obj, on)
    while frontier:
        node = frontier.pop(0)
        if node.pk in seen:
            continue
        seen.add(node.pk)
        if node.is_valid_on(on):  # type: ignore[attr-defined]
            result.append(node)
        else:
            frontier.extend(_heirs(node, on))
    return result
