"""What plans brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, navigation
from benvung.core.navigation import MenuEntry

audit_labels.register(
    {
        "plan.load": _("plan loaded"),
        "plan.update": _("plan changed by the plan file"),
        "plan_target.load": _("plan targets loaded"),
        "plan_target.update": _("target changed by the plan file"),
        "plan_task.load": _("plan tasks loaded"),
        "plan_task.update": _("task changed by the plan file"),
        "plan_task.assignments": _("task assignees changed by the plan file"),
        "plan_task.retire": _("task removed from the plan file (retired)"),
    }
)

navigation.register(
    MenuEntry("plans.plans", _("Plan 202"), "plans:plan_list", 100, navigation.everyone)
)
