"""What resources brings to the shared parts of the site (read by `benvung.core.registry`)."""

from benvung.indicators import registry as indicators
from benvung.reports import readiness, sections

from . import measures, report_sections

for definition in measures.DEFINITIONS:
    indicators.register(definition)

# Appendix III of the annual report, after the plan's targets (I) and tasks (II).
sections.APPENDICES.register(
    "efficiency", sections.Part(order=30, build=report_sections.efficiency_appendix)
)
readiness.CHECKS.register(
    "resources",
    readiness.Check(
        order=10,
        find=report_sections.gaps,
        messages={report_sections.NO_FIGURES: report_sections.gap_message},
    ),
)
