"""What the indicators app checks in a plan file (registered in hooks.py; see plans.checks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from . import registry


def indicator_is_computed(target: Mapping[str, Any]) -> str | None:
    """A target must name an indicator the system computes."""
    if registry.known(target["indicator"]):
        return None
    return _("unknown indicator “%(code)s” (the system computes: %(known)s)") % {
        "code": target["indicator"],
        "known": ", ".join(d.code for d in registry.all_definitions()),
    }
