"""What the indicators app brings to the shared parts of the site (benvung.core.registry)."""

from benvung.plans.checks import TARGET_CHECKS

from . import plan_checks

TARGET_CHECKS.register("indicator", plan_checks.indicator_is_computed)
