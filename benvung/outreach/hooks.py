"""What outreach brings to the shared parts of the site:
audit labels, menu entries, table importers."""

from django.utils.translation import gettext_lazy as _

from benvung.accounts import permissions
from benvung.core import audit_labels, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry

from . import demo
from .imports import ActivityImporter, SCPModelImporter

audit_labels.register(
    {
        "outreach_activity.create": _("outreach activity recorded"),
        "outreach_activity.update": _("outreach activity changed"),
        "outreach_activity.delete": _("outreach activity deleted"),
        "scp_model.create": _("SCP model proposed"),
        "scp_model.update": _("SCP model changed"),
        "scp_model.review": _("SCP model reviewed"),
        "scp_model.delete": _("SCP model deleted"),
    }
)

navigation.register(
    MenuEntry(
        "outreach.activities",
        _("Outreach activities"),
        "outreach:activity_list",
        50,
        permissions.can_record_activities,
    )
)
navigation.register(
    MenuEntry(
        "outreach.scp_models",
        _("SCP models"),
        "outreach:scp_model_list",
        60,
        permissions.can_record_scp_models,
    )
)

# SCP models' savings are checked against the demo site-years.
core_demo.register(
    core_demo.DemoBuilder("outreach", demo.generate, after=("directory", "resources"))
)

# Activities and SCP models as Excel tables, at /imports/outreach_activity/ and
# /imports/scp_model/.
tableimport.register(ActivityImporter)
tableimport.register(SCPModelImporter)
