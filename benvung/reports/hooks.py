"""What reports brings to the shared parts of the site: audit labels, menu entries."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, navigation
from benvung.core.navigation import MenuEntry

from . import permissions

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
