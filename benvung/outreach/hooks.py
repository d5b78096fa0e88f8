"""What outreach brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry
from benvung.indicators import registry as indicators
from benvung.reporting import recorded
from benvung.reports import sections

from . import demo, measures, permissions, report_sections, selectors
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

for definition in measures.DEFINITIONS:
    indicators.register(definition)

sections.RECORDED.register("outreach", sections.Part(order=10, build=report_sections.recorded))

# What the agency recorded, listed on its yearly report (the page and the document).
recorded.KINDS.register(
    "activities",
    recorded.Recorded(
        of=selectors.activities_recorded_by, template="outreach/_recorded_activities.html"
    ),
)
recorded.KINDS.register(
    "scp_models",
    recorded.Recorded(
        of=selectors.scp_models_recorded_by, template="outreach/_recorded_scp_models.html"
    ),
)
sections.AGENCY_RECORDS.register("activities", report_sections.activities_clause)
sections.AGENCY_RECORDS.register("scp_models", report_sections.scp_models_clause)
