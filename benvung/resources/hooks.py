"""What resources brings to the shared parts of the site:
audit labels, menu entries, table importers."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, loading, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry

from . import demo, permissions
from .imports import ConsumptionImporter
from .loaders import load_resource_reference

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

loading.register_reference(
    loading.ReferenceLoader("resources", load_resource_reference, after=("sectors",))
)
# Site-years of the demo sites, saved as the demo coordinator.
core_demo.register(
    core_demo.DemoBuilder("resources", lambda seed: [demo.generate(seed)], after=("directory",))
)

# The enterprises' consumption workbook, at /imports/consumption/.
tableimport.register(ConsumptionImporter)
