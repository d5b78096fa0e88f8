"""What other apps check in each target of a plan file, before it is loaded.

plans sits below indicators, so the loader cannot ask which indicator codes the system computes;
the indicators app registers that check here from its hooks.py. A check takes one target of the
file (its parsed mapping) and returns what is wrong with it, or None; the registry key is the
field the problem is reported on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from benvung.core.registry import Registry

TargetCheck = Callable[[Mapping[str, Any]], str | None]

TARGET_CHECKS: Registry[TargetCheck] = Registry("plan target check")
