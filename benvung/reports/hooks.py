"""What reports brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, navigation
from benvung.core.navigation import MenuEntry

from . import assemble, permissions, sections

audit_labels.register(
    {
        "annual_text.update": _("texts of the annual report saved"),
        "document.draft": _("draft of an official document made (no number)"),
        # Before drafts, a document was numbered as soon as it was made: older records say so.
        "document.generate": _("official document generated and numbered at once"),
        "document.issue": _("official document issued (numbered)"),
        "document.regenerate": _("official document generated again (same number)"),
        "document_number.reserve": _("number taken from the document register"),
    }
)

navigation.register(
    MenuEntry(
        "reports.documents",
        _("Official documents"),
        "reports:document_list",
        30,
        permissions.can_list_documents,
    )
)

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
