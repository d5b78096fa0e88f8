from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import choice_field

from . import roles


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. After several failed attempts the "
            "account is locked for a while."
        ),
        "inactive": _("This account has been deactivated. Contact the coordinator."),
    }


class EmailPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Rendered now, sent by the background worker."""
        from django.template import loader

        from benvung.core.tasks import send_email_after_commit

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_after_commit(subject=subject, body=body, to=[to_email])

    def get_users(self, email: str) -> Any:
        # Same rule as sign-in: addresses match whatever their case.
        from .models import User

        return (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True)
            if u.has_usable_password()
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=roles.choices)

    def __init__(
        self, *args: Any, roles: list[tuple[str, str | Promise]] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if roles is not None:
            choice_field(self, "role").choices = roles


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data; the stubs allow None for overrides that return nothing.
        data = cast(dict[str, Any], super().clean())
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
    )


class TwoFactorEnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("After adding the account to your app, type the six digits it shows."),
    )


class RolesForm(forms.Form):
    """The roles a user holds (a user may hold several: what each allows adds up)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("A user keeps at least one role.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
