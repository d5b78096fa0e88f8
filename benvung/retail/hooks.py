"""What retail brings to the shared parts of the site:
audit labels, menu entries, table importers."""

from django.utils.translation import gettext_lazy as _

from benvung.accounts import permissions
from benvung.core import audit_labels, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry

from . import demo
from .imports import SurveyImporter

audit_labels.register(
    {
        "packaging_survey.create": _("packaging survey recorded"),
        "packaging_survey.update": _("packaging survey changed"),
        "packaging_survey.delete": _("packaging survey deleted"),
    }
)

navigation.register(
    MenuEntry(
        "retail.surveys",
        _("Packaging surveys"),
        "retail:survey_list",
        70,
        permissions.can_use_retail,
    )
)

core_demo.register(core_demo.DemoBuilder("retail", demo.generate, after=("directory",)))

# The packaging surveys as an Excel table, at /imports/retail_survey/.
tableimport.register(SurveyImporter)
