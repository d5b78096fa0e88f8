"""The coordinator's status override: a status from the fixed list and the reason for it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OVERRIDE_STATUSES


class StatusOverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status to show"),
        choices=OVERRIDE_STATUSES,
        error_messages={
            "required": _("Choose a status."),
            "invalid_choice": _("Choose a status from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Shown to the public beside the status. Say what the computed status misses "
            "(data not yet reported, a known event...)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for the override.")},
    )
