"""The annual report's own parts (from the plan and the agencies' reports), registered as the
domain apps register theirs (`sections`)."""

from . import assemble, sections

for order, key, section in (
    (10, "results", assemble.results_section),
    (20, "assessment", assemble.assessment_section),
    (30, "next_year", assemble.next_year_section),
    (40, "proposals", assemble.proposals_section),
):
    sections.SECTIONS.register(key, sections.Part(order=order, build=section))

for order, key, appendix in (
    (10, "targets", assemble.targets_appendix),
    (20, "tasks", assemble.tasks_appendix),
    # The agencies' own words come last, after the figures.
    (90, assemble.AGENCIES, assemble.agencies_appendix),
):
    sections.APPENDICES.register(key, sections.Part(order=order, build=appendix))
