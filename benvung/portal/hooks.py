"""What portal brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import navigation
from benvung.core.navigation import MenuEntry

# Signed-in users have their own home (accounts) in this place.
navigation.register(MenuEntry("portal.home", _("Home"), "portal:home", 11, navigation.anonymous))
navigation.register(
    MenuEntry(
        "portal.progress",
        _("Progress of the targets"),
        "portal:progress",
        110,
        navigation.everyone,
    )
)
