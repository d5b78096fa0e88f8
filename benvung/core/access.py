"""The questions core's own pages ask about the acting user, answered by the app that knows roles.

core may import no other app (docs/architecture.md), yet its audit trail needs to know who may
read it (the shared import jobs ask each importer instead). The app that defines the roles
(accounts) registers an answer to each question from its hooks.py. A question nobody answered
is answered "no": a missing registration closes a page rather than opening it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .registry import Registry

# A predicate on the acting user (the signed-in user, or the anonymous one).
Predicate = Callable[[Any], bool]

ANSWERS: Registry[Predicate] = Registry("access question")

# See the audit trail of every organisation.
VIEW_AUDIT = "view_audit"


def may(question: str, user: Any) -> bool:
    """The registered answer to `question` for `user`; no when no app answers it."""
    if question not in ANSWERS:
        return False
    return ANSWERS.get(question)(user)
