"""What resources brings to the shared parts of the site: audit labels, menu entries."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, navigation
from benvung.core.navigation import MenuEntry

from . import permissions

audit_labels.register(
    {
        "site_year.replace_submitted": _("submitted yearly data replaced (to be submitted again)"),
    }
)

navigation.register(
    MenuEntry(
        "resources.index",
        _("Energy and materials"),
        "resources:index",
        40,
        permissions.can_use_resources,
    )
)
