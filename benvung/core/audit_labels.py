"""Human names of audit actions, for the audit page. Each app's actions are listed here."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisation.create": _("organisation created"),
    "organisation.update": _("organisation changed"),
    "organisation.end": _("organisation ended"),
    "organisation.load": _("agencies loaded from the reference file"),
    "organisation_succession.add": _("successor recorded"),
    "organisation_succession.update": _("successor link changed by the reference file"),
    "organisation_succession.load": _("agency successions loaded from the reference file"),
    "organisationsuccession.confirm": _("successor link confirmed"),
    "industrialareasuccession.add": _("successor of an industrial area recorded"),
    "industrialareasuccession.confirm": _("successor of an industrial area confirmed"),
    "site.create": _("site created"),
    "site.update": _("site changed"),
    "industrial_area.create": _("industrial area created"),
    "industrial_area.update": _("industrial area changed"),
    "industrial_area.confirm": _("industrial area confirmed"),
    "industrial_area.load": _("industrial parks and clusters loaded from the seed file"),
    "administrative_unit.load": _("administrative units loaded"),
    "administrative_unit.update": _("administrative unit changed by the loader"),
    "administrative_unit_succession.load": _("administrative unit successions loaded"),
    "administrative_unit_succession.update": _("administrative unit succession changed"),
    "administrative_unit_succession.delete": _(
        "administrative unit succession removed by the loader"
    ),
    "sector.load": _("VSIC codes loaded"),
    "sector.update": _("VSIC code changed by the loader"),
    "focus_sector.load": _("focus sectors loaded"),
    "focus_sector.update": _("focus sector changed by the loader"),
    "user.invite": _("user invited"),
    "user.revoke_invitation": _("invitation revoked"),
    "user.accept_invitation": _("invitation accepted, account created"),
    "user.create": _("account created"),
    "user.deactivate": _("account deactivated"),
    "user.reactivate": _("account reactivated"),
    "user.sign_in": _("signed in"),
    "user.locked_out": _("account locked after failed sign-ins"),
    "user.password_reset": _("password reset"),
    "user.password_change": _("password changed"),
    "user.demo_reset": _("demo account restored"),
    "admin.user.password": _("password set in system administration"),
    "demo.load": _("demo data generated"),
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
    "plan.load": _("plan loaded"),
    "plan.update": _("plan changed by the plan file"),
    "plan_target.load": _("plan targets loaded"),
    "plan_target.update": _("target changed by the plan file"),
    "plan_task.load": _("plan tasks loaded"),
    "plan_task.update": _("task changed by the plan file"),
    "plan_task.assignments": _("task assignees changed by the plan file"),
    "plan_task.retire": _("task removed from the plan file (retired)"),
    "demo_enterprise.load": _("demo enterprises generated"),
    "demo_enterprise.update": _("demo enterprise regenerated"),
    "demo_site.load": _("demo sites generated"),
    "demo_site.update": _("demo site regenerated"),
    "demo_retail_outlet.load": _("demo retail outlets generated"),
    "demo_retail_outlet.update": _("demo retail outlet regenerated"),
    "demo_industrial_area.load": _("demo craft villages generated"),
    "demo_industrial_area.update": _("demo craft village regenerated"),
}


def label_of(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("admin."):
        _prefix, model, verb = [*action.split("."), "", ""][:3]
        verbs = {"create": _("created"), "update": _("changed"), "delete": _("deleted")}
        return str(_("%(verb)s in system administration (%(model)s)")) % {
            "verb": verbs.get(verb, verb),
            "model": model,
        }
    return action
