"""Forms of the official documents' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import DateField


class GenerateForm(forms.Form):
    issued_on = DateField(
        label=_("Date of the document"),
        help_text=_("The date printed on the document; its number is taken in that year."),
    )
    formats = forms.MultipleChoiceField(
        label=_("Files"),
        choices=[("docx", "DOCX"), ("xlsx", _("XLSX (appendix tables)")), ("pdf", "PDF")],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The DOCX is always made: the PDF is converted from it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()
        self.fields["formats"].initial = ["docx", "xlsx", "pdf"]


class AnnualTextForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    achievements = forms.CharField(
        label=_("II.1. Achievements"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    limitations = forms.CharField(
        label=_("II.2. Limitations and their causes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    next_year_tasks = forms.CharField(
        label=_("III. Tasks for next year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    proposals = forms.CharField(
        label=_("IV. Proposals"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    signer_authority = forms.CharField(
        label=_("Signing on behalf"),
        required=False,
        max_length=60,
        help_text=_("For example “KT. GIÁM ĐỐC”; leave empty when the director signs."),
    )
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=100)
    signer_name = forms.CharField(label=_("Signer"), required=False, max_length=120)
    recipients = forms.CharField(
        label=_("Recipients (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The last line is the archive, for example “Lưu: VT, QLCN”."),
    )
