"""What an agency recorded elsewhere in the system for a year (outreach activities, SCP models,
packaging surveys ...), listed on its yearly report so it need not retype them.

Each domain app registers, from its `hooks.py`, the kinds of records it keeps: how to find an
agency's records of a year, and the template of their table on the report page (it is given
`items` and `cycle`). Reporting reads them through `selectors.records_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from benvung.core.registry import Registry
from benvung.directory.models import Organisation


class RecordsOf(Protocol):
    """An agency's records of one kind for a year (a selector of the app keeping them)."""

    def __call__(self, *, organisation: Organisation, year: int) -> Iterable[Any]: ...


@dataclass(frozen=True)
class Recorded:
    of: RecordsOf
    template: str  # the report page's part listing them


# Keyed by the name the records go by ("activities", "scp_models", "surveys"), in the order
# the apps are installed.
KINDS: Registry[Recorded] = Registry("records kept elsewhere")
