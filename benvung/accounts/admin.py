from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benvung.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import Invitation, User


class RoleFitsOrganisationMixin:
    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()  # type: ignore[attr-defined]
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        if others.exists():
            raise ValidationError(_("%(email)s already has an account.") % {"email": email})
        return email

    def clean(self) -> dict[str, Any]:
        from .services import check_role_fits

        data = super().clean()  # type: ignore[misc]
        if data.get("organisation") and data.get("role"):
            errors: dict[str, list[str]] = {}
            check_role_fits(data["role"], data["organisation"], errors)
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)  # type: ignore[attr-defined]
        return data


class UserAdminForm(RoleFitsOrganisationMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserAdminCreationForm(RoleFitsOrganisationMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name", "organisation", "role")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "organisation", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("email", "full_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("", {"fields": ("full_name", "job_title", "phone", "organisation", "role")}),
        ("", {"fields": ("is_active", "is_superuser", "is_demo", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "organisation",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ()

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            _audit_password_change(request, User.objects.get(pk=id))
        return response


def _audit_password_change(request: Any, user: User) -> None:
    from benvung.core import audit

    audit.record(actor=request.user, action="admin.user.password", target=user)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    search_fields = ("email", "organisation__name")
