"""What accounts brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import access, audit_labels, navigation
from benvung.core.navigation import MenuEntry

from . import permissions, roles

audit_labels.register(
    {
        "user.invite": _("user invited"),
        "user.revoke_invitation": _("invitation revoked"),
        "user.accept_invitation": _("invitation accepted, account created"),
        "user.create": _("account created"),
        "user.deactivate": _("account deactivated"),
        "user.reactivate": _("account reactivated"),
        "user.grant_role": _("role granted"),
        "user.revoke_role": _("role taken back"),
        "user.sign_in": _("signed in"),
        "user.locked_out": _("account locked after failed sign-ins"),
        "user.password_reset": _("password reset"),
        "user.password_change": _("password changed"),
        "user.two_factor_enrol": _("two-step sign-in set up"),
        "user.two_factor_disable": _("two-step sign-in turned off"),
        "user.recovery_code_use": _("signed in with a recovery code"),
        "user.recovery_codes_regenerate": _("new recovery codes made"),
        "user.demo_reset": _("demo account restored"),
        "admin.user.password": _("password set in system administration"),
    }
)

navigation.register(
    MenuEntry("accounts.home", _("My home"), "accounts:home", 10, navigation.signed_in)
)
# The audit trail and Django's admin are core's pages; who may see them is decided here.
navigation.register(
    MenuEntry("core.audit", _("Audit trail"), "core:audit_list", 160, permissions.can_view_audit)
)
navigation.register(
    MenuEntry(
        "core.admin", _("System administration"), "admin:index", 170, permissions.is_system_admin
    )
)
navigation.register(
    MenuEntry(
        "accounts.login",
        _("Sign in"),
        "accounts:login",
        1000,
        navigation.anonymous,
        section=navigation.END,
    )
)

for _role in roles.generic_roles():
    roles.register(_role)

# core's own pages ask these; only accounts knows the roles that answer them.
access.ANSWERS.register(access.VIEW_AUDIT, permissions.can_view_audit)
