from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.core import audit
from benvung.core.views import run_service

from . import permissions, roles, selectors, services
from .current import signed_in_user
from .forms import AcceptInvitationForm, EmailPasswordResetForm, RolesForm, SignInForm
from .home import home_context

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    # Links in e-mails use the configured public address, not the request's Host header.
    extra_email_context = {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(actor=self.user, action="user.password_reset", target=self.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = signed_in_user(self.request)
            audit.record(actor=user, action="user.password_change", target=user)
        messages.success(self.request, _("Your password has been changed."))
        return response


def home_template(user: User) -> str:
    """The home page of the user's highest-ranked role (each role declares its own)."""
    for key in user.role_list:
        role = roles.get(key)
        if role is not None:
            return role.home_template
    raise PermissionDenied(_("Your account has no role. Contact the coordinator."))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page after signing in."""
    user = signed_in_user(request)
    context = home_context(viewer=user)
    return render(request, home_template(user), context)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    user = run_service(
        request,
        form,
        lambda data: services.invitation_accept(
            token=token,
            full_name=data["full_name"],
            password=data["password1"],
            job_title=data["job_title"],
            phone=data["phone"],
        ),
    )
    if user is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("accounts:home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(selectors.invitation_list(viewer=request.user), pk=pk)
    services.invitation_revoke(actor=signed_in_user(request), invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("directory:organisation_detail", pk=invitation.organisation_id)


@login_required
@require_POST
def set_user_active(request: HttpRequest, pk: int) -> HttpResponse:
    other = get_object_or_404(selectors.user_list(viewer=request.user), pk=pk)
    if not permissions.can_manage_user(request.user, other):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    services.user_set_active(actor=signed_in_user(request), user=other, active=active)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": other.full_name})
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": other.full_name})
    return redirect("directory:organisation_detail", pk=other.organisation_id)


@login_required
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant or take back roles: the roles that fit the user's organisation and that the
    viewer may give, with those the user holds already."""
    other = get_object_or_404(selectors.user_list(viewer=request.user), pk=pk)
    if not permissions.can_change_roles_of(request.user, other):
        raise PermissionDenied
    offered = dict(invitation_roles_for(other.organisation, request.user))
    choices = [(key, roles.label(key)) for key in roles.ordered({*offered, *other.roles})]
    data = request.POST if request.method == "POST" else None  # an empty POST is a choice too
    form = RolesForm(data, choices=choices, initial={"roles": sorted(other.roles)})

    def save(data: dict[str, Any]) -> bool:
        services.user_set_roles(actor=signed_in_user(request), user=other, keys=data["roles"])
        return True

    if run_service(request, form, save):
        messages.success(
            request,
            _("The roles of %(name)s are now: %(roles)s.")
            % {"name": other.full_name, "roles": other.get_roles_display()},
        )
        return redirect("directory:organisation_detail", pk=other.organisation_id)
    return render(request, "accounts/user_roles.html", {"form": form, "other": other})


def invitation_roles_for(
    organisation: Any, actor: User | AnonymousUser
) -> list[tuple[str, str | Promise]]:
    """The roles this actor can give to a user of this organisation."""
    coordinating = getattr(organisation.specific, "is_coordinator", False)
    return [
        (role.key, role.label)
        for role in roles.registry.values()
        if role.organisation_kind == organisation.kind
        and (coordinating or not role.coordinating_agency_only)
        and permissions.can_grant_role(actor, role.key)
    ]
