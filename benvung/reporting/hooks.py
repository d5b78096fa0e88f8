"""What reporting brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from benvung.accounts import home as accounts_home
from benvung.core import audit_labels, navigation
from benvung.core import demo as core_demo
from benvung.core.loading import LoadReport
from benvung.core.navigation import MenuEntry

from . import demo, home, permissions

audit_labels.register(
    {
        "cycle.create": _("reporting cycle created"),
        "cycle.update": _("reporting cycle changed"),
        "cycle.open": _("reporting cycle opened"),
        "cycle.closed": _("reporting cycle closed"),
        "report.start": _("report started"),
        "report.update": _("report saved"),
        "report.submit": _("report submitted"),
        "report.returned": _("report returned for revision"),
        "report.accepted": _("report accepted"),
        "report.reopened": _("report reopened"),
        "report.attach": _("file attached to a report"),
        "report.detach": _("attachment removed from a report"),
        "synthesis.update": _("consolidated text saved"),
    }
)

navigation.register(
    MenuEntry(
        "reporting.cycles",
        _("Yearly reports"),
        "reporting:cycle_list",
        20,
        permissions.can_follow_reporting,
    )
)


def _demo(seed: int) -> list[LoadReport]:
    with transaction.atomic():
        return [demo.generate(seed)]


# The cycles' expected reporters are the agencies; the plan must be loaded (else nothing).
core_demo.register(core_demo.DemoBuilder("reporting", _demo, after=("directory",)))

accounts_home.PARTS.register("reporting", home.home_part)
