"""Writes to accounts: invitations, accepting them, (de)activating users, granting roles.
All audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Protocol, cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benvung.core import audit
from benvung.core.tasks import send_email_after_commit

from . import permissions, roles
from .models import Invitation, RoleGrant, User


class Organisation(Protocol):
    """What accounts needs of the organisation a user belongs to: a directory.Organisation,
    which accounts (a lower layer) reaches only through the User.organisation relation."""

    @property
    def pk(self) -> Any: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def is_current(self) -> bool: ...
    @property
    def specific(self) -> Any: ...
    def get_kind_display(self) -> str: ...


def organisation_kind_label(kind: str) -> str:
    """The name of a kind of organisation ("agency"), from the model behind User.organisation."""
    model = cast(type[models.Model], User._meta.get_field("organisation").related_model)
    field = cast(models.Field[Any, Any], model._meta.get_field("kind"))
    return str(dict(field.flatchoices).get(kind, kind))


def check_role_fits(
    role: str, organisation: Organisation, errors: dict[str, list[str]], field: str = "role"
) -> None:
    """Is the role one that members of this kind of organisation can have?"""
    definition = roles.get(role)
    if definition is None:
        errors.setdefault(field, []).append(_("Choose a role."))
    elif organisation.kind != definition.organisation_kind:
        errors.setdefault(field, []).append(
            _("The role %(role)s is for %(kind)s, but %(org)s is %(org_kind)s.")
            % {
                "role": definition.label,
                "kind": organisation_kind_label(definition.organisation_kind),
                "org": organisation.name,
                "org_kind": organisation.get_kind_display(),
            }
        )
    elif definition.coordinating_agency_only and not getattr(
        organisation.specific, "is_coordinator", False
    ):
        errors.setdefault(field, []).append(
            _("Coordinators belong to the agency that coordinates the plan.")
        )


def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its one-time link; returns it with the raw token."""
    if not permissions.can_invite_users(actor, organisation):
        raise PermissionDenied(_("You are not allowed to do this."))
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if role and not permissions.can_grant_role(actor, role):
        errors["role"] = [
            _("Only a system administrator can give the role %(role)s.")
            % {"role": roles.label(role)}
        ]
    if not email:
        errors["email"] = [_("Enter the e-mail address.")]
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("%(email)s already has an account.") % {"email": email}]
    check_role_fits(role, organisation, errors)
    if not organisation.is_current:
        errors.setdefault("organisation", []).append(
            _("%(org)s is no longer in operation; invite users to its successor.")
            % {"org": organisation.name}
        )
    if errors:
        raise ValidationError(errors)

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any pending one for the same address.
        for earlier in Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            _revoke(actor, earlier, summary=str(_("replaced by a new invitation")))
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name.strip(),
            organisation_id=organisation.pk,
            role=role,
            token_hash=Invitation.hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit.record(
            actor=actor,
            action="user.invite",
            target=invitation,
            after={"email": email, "role": role, "organisation": organisation.pk},
        )
        link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
        context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALID_DAYS}
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Invitation to Bền Vững")
            body = render_to_string("accounts/email/invitation.txt", context)
        send_email_after_commit(subject=subject, body=body, to=[email])
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    """The pending invitation for this token, or None if unknown, used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None or invitation.state != "pending":
        return None
    return invitation


def invitation_accept(
    *, token: str, full_name: str, password: str, job_title: str = "", phone: str = ""
) -> User:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=Invitation.hash_token(token))
            .first()
        )
        if invitation is None or invitation.state != "pending":
            raise ValidationError(
                _("This invitation link is no longer valid. Ask the coordinator for a new one.")
            )
        errors: dict[str, list[str]] = {}
        if not full_name.strip():
            errors["full_name"] = [_("Enter your full name.")]
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            errors["password1"] = list(exc.messages)
        if User.objects.filter(email__iexact=invitation.email).exists():
            errors.setdefault("__all__", []).append(
                _("%(email)s already has an account.") % {"email": invitation.email}
            )
        if errors:
            raise ValidationError(errors)
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            job_title=job_title.strip(),
            phone=phone.strip(),
            organisation=invitation.organisation,
            role=invitation.role,
            granted_by=invitation.invited_by,
            is_superuser=invitation.role == roles.SYSTEM_ADMIN,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit.record(
            actor=user,
            action="user.accept_invitation",
            target=user,
            after=_user_snapshot(user),
        )
    return user


def _user_snapshot(user: User) -> dict[str, object]:
    """The user's fields and the roles it holds, for the audit trail."""
    user.forget_roles()
    return {**(audit.snapshot(user, exclude=["last_login"]) or {}), "roles": user.role_list}


def _revoke(actor: User, invitation: Invitation, summary: str = "") -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="user.revoke_invitation",
        target=invitation,
        after={"revoked_at": audit.json_value(invitation.revoked_at)},
        summary=summary,
    )


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if not permissions.can_invite_users(actor, invitation.organisation):
        raise PermissionDenied(_("You are not allowed to do this."))
    if invitation.state != "pending":
        return invitation
    with transaction.atomic():
        _revoke(actor, invitation)
    return invitation


def invitations_revoke_for(*, actor: User, organisation: Organisation) -> int:
    """Pending invitations to an organisation that has just ended can no longer be used."""
    pending = [
        inv
        for inv in Invitation.objects.filter(
            organisation_id=organisation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        )
        if inv.state == "pending"
    ]
    with transaction.atomic():
        for invitation in pending:
            _revoke(actor, invitation, summary=str(_("the organisation has ended")))
    return len(pending)


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if not permissions.can_manage_user(actor, user):
        raise PermissionDenied(_("You are not allowed to do this."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.reactivate" if active else "user.deactivate",
            target=user,
            before=before,
            after={"is_active": active},
        )
    return user


def user_create(
    *,
    actor: User | None,
    email: str,
    password: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    is_demo: bool = False,
) -> User:
    """Direct creation, for the demo generator and administrators' commands."""
    errors: dict[str, list[str]] = {}
    check_role_fits(role, organisation, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            organisation=organisation,
            role=role,
            granted_by=actor,
            is_demo=is_demo,
            is_superuser=role == roles.SYSTEM_ADMIN,
        )
        audit.record(actor=actor, action="user.create", target=user, after=_user_snapshot(user))
    return user


def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    """Give `user` one more role (what it allows adds to what the others allow). `actor` None:
    a command run on the server."""
    if actor is not None and not (
        permissions.can_change_roles_of(actor, user) and permissions.can_grant_role(actor, role)
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict[str, list[str]] = {}
    check_role_fits(role, user.organisation, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user, role=role, defaults={"granted_by": actor}
        )
        if created:
            before = user.role_list
            _after_roles_changed(user)
            audit.record(
                actor=actor,
                action="user.grant_role",
                target=user,
                before={"roles": before},
                after={"roles": user.role_list},
            )
    return grant


def role_revoke(*, actor: User | None, user: User, role: str) -> bool:
    """Take one role back; a user keeps at least one. Returns whether it held the role."""
    if actor is not None and not (
        permissions.can_change_roles_of(actor, user) and permissions.can_grant_role(actor, role)
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        grants = RoleGrant.objects.select_for_update().filter(user=user)
        held = {g.role for g in grants}
        if role not in held:
            return False
        if held == {role}:
            raise ValidationError({"role": [_("A user keeps at least one role.")]})
        before = user.role_list
        RoleGrant.objects.filter(user=user, role=role).delete()
        _after_roles_changed(user)
        audit.record(
            actor=actor,
            action="user.revoke_role",
            target=user,
            before={"roles": before},
            after={"roles": user.role_list},
        )
    return True


def user_set_roles(*, actor: User | None, user: User, keys: list[str]) -> None:
    """Make `user` hold exactly these roles (the admin's form): grants the missing ones, takes
    back the others. All or nothing: a refused change leaves every role as it was."""
    with transaction.atomic():
        for key in keys:
            if key not in user.roles:
                role_grant(actor=actor, user=user, role=key)
        for key in sorted(user.roles - set(keys)):
            role_revoke(actor=actor, user=user, role=key)


def _after_roles_changed(user: User) -> None:
    """Re-read the roles; system administrators are Django superusers (and only they)."""
    user.forget_roles()
    superuser = user.has_role(roles.SYSTEM_ADMIN)
    if user.is_superuser != superuser:
        user.is_superuser = superuser
        user.save(update_fields=["is_superuser"])
