from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benvung.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from . import roles
from .models import Invitation, User


class RoleFitsOrganisationMixin:
    """The roles the user holds (one or more, the `roles` field), each fitting the user's
    organisation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["roles"].initial = instance.role_list  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()  # type: ignore[attr-defined]
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        if others.exists():
            raise ValidationError(_("%(email)s already has an account.") % {"email": email})
        return email

    def clean(self) -> dict[str, Any]:
        from .services import check_role_fits

        data = super().clean()  # type: ignore[misc]
        if data.get("organisation") and data.get("roles"):
            errors: dict[str, list[str]] = {}
            for role in data["roles"]:
                check_role_fits(role, data["organisation"], errors, field="roles")
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)  # type: ignore[attr-defined]
        return data


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), choices=roles.choices, widget=forms.CheckboxSelectMultiple
    )


class UserAdminForm(RoleFitsOrganisationMixin, UserChangeForm):
    roles = _roles_field()

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserAdminCreationForm(RoleFitsOrganisationMixin, AdminUserCreationForm):
    roles = _roles_field()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name", "organisation")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "organisation", "roles_display", "is_active", "is_demo")
    list_filter = ("role_grants__role", "is_active", "is_demo")
    search_fields = ("email", "full_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("", {"fields": ("full_name", "job_title", "phone", "organisation", "roles")}),
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
                    "roles",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=gettext_lazy("roles"))
    def roles_display(self, obj: User) -> str:
        return obj.get_roles_display()

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        from .services import user_set_roles

        user_set_roles(actor=request.user, user=form.instance, keys=form.cleaned_data["roles"])

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
