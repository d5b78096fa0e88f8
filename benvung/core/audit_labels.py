"""Human names of audit actions, for the audit page.

Each app registers the names of its own actions from its `hooks.py` (`register({...})`); core
names only its own (table imports, the demo load).
"""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .registry import Registry

ACTION_LABELS: Registry[str | Promise] = Registry("audit label")


def register(labels: Mapping[str, str | Promise]) -> None:
    """Name some actions: `{"plan.load": _("plan loaded"), ...}`."""
    for action, label in labels.items():
        ACTION_LABELS.register(action, label)


register(
    {
        "demo.load": _("demo data generated"),
        "table_import.start": _("Excel import uploaded"),
        "table_import.confirm": _("Excel import confirmed"),
        "table_import.cancel": _("Excel import cancelled"),
    }
)


def label_of(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS.get(action))
    if action.startswith("admin."):
        _prefix, model, verb = [*action.split("."), "", ""][:3]
        verbs = {"create": _("created"), "update": _("changed"), "delete": _("deleted")}
        return str(_("%(verb)s in system administration (%(model)s)")) % {
            "verb": verbs.get(verb, verb),
            "model": model,
        }
    return action
