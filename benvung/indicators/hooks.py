"""What indicators brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import navigation
from benvung.core.navigation import MenuEntry
from benvung.plans.checks import TARGET_CHECKS

from . import permissions, plan_checks

navigation.register(
    MenuEntry(
        "indicators.dashboard",
        _("Indicators dashboard"),
        "indicators:dashboard",
        120,
        permissions.can_view_indicator_dashboard,
    )
)

TARGET_CHECKS.register("indicator", plan_checks.indicator_is_computed)
