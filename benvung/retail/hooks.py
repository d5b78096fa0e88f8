"""What retail brings to the shared parts of the site (read by `benvung.core.registry`)."""

from benvung.indicators import registry as indicators
from benvung.reporting import recorded
from benvung.reports import sections

from . import measures, report_sections, selectors

for definition in measures.DEFINITIONS:
    indicators.register(definition)

sections.RECORDED.register("retail", sections.Part(order=20, build=report_sections.recorded))

# What the agency recorded, listed on its yearly report (the page and the document).
recorded.KINDS.register(
    "surveys",
    recorded.Recorded(of=selectors.surveys_recorded_by, template="retail/_recorded_surveys.html"),
)
sections.AGENCY_RECORDS.register("surveys", report_sections.surveys_clause)
