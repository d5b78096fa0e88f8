"""What outreach brings to the shared parts of the site (read by `benvung.core.registry`)."""

from benvung.indicators import registry as indicators
from benvung.reporting import recorded
from benvung.reports import sections

from . import measures, report_sections, selectors

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
