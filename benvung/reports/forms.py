"""Forms of the official documents' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import DateField
from benvung.reporting.models import ReportingCycle

from . import services
from .content import Signature

FORMAT_CHOICES = [("docx", "DOCX"), ("xlsx", _("XLSX (appendix tables)")), ("pdf", "PDF")]


class DraftForm(forms.Form):
    """A draft: which files to make. No date and no number: both are given when it is issued."""

    formats = forms.MultipleChoiceField(
        label=_("Files"),
        choices=FORMAT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The DOCX is always made: the PDF is converted from it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formats"].initial = ["docx", "xlsx", "pdf"]


class AgencyDraftForm(DraftForm):
    """An agency's document may name its signer and recipients; empty fields keep the head of
    the agency's signature block and "Như trên; Lưu: VT"."""

    signer_authority = forms.CharField(
        label=_("Signing on behalf"),
        required=False,
        max_length=60,
        help_text=_("For example “KT. GIÁM ĐỐC”; leave empty when the head signs."),
    )
    signer_title = forms.CharField(
        label=_("Signer's title"),
        required=False,
        max_length=100,
        help_text=_("Empty: the title of the head of the agency."),
    )
    signer_name = forms.CharField(
        label=_("Signer"),
        required=False,
        max_length=120,
        help_text=_("Empty: the line is left for the signer to write in."),
    )
    recipients = forms.CharField(
        label=_("Recipients (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: “Như trên; Lưu: VT”. The line “Lưu: ...” is always printed last."),
    )

    def signature(self) -> Signature | None:
        data = self.cleaned_data
        names = ("signer_authority", "signer_title", "signer_name")
        if not any(data.get(n, "").strip() for n in names):
            return None
        return Signature(*(data.get(n, "").strip() for n in names))

    def recipient_lines(self) -> list[str] | None:
        text = self.cleaned_data.get("recipients", "")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines or None

    @staticmethod
    def data_of(snapshot: dict[str, Any]) -> dict[str, Any]:
        """What the form posts to make a new draft with the signer and recipients of an
        earlier one (the "make a new draft" button of a draft's page)."""
        signature = snapshot.get("signature") or {}
        return {
            "signer_authority": signature.get("authority", ""),
            "signer_title": signature.get("title", ""),
            "signer_name": signature.get("name", ""),
            "recipients": "\n".join(snapshot.get("recipients") or []),
        }


class IssueForm(forms.Form):
    """Issuing a draft: its date (the number is taken in that year) and, when data are
    missing, the issuer's confirmation."""

    issued_on = DateField(
        label=_("Date of the document"),
        help_text=_("The date printed on the document; its number is taken in that year."),
    )
    formats = forms.MultipleChoiceField(
        label=_("Files"),
        choices=FORMAT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The DOCX is always made: the PDF is converted from it."),
    )
    confirm_missing = forms.BooleanField(
        label=_("I know that data are missing (listed above) and issue the document all the same"),
        required=False,
    )
    confirm_reissue = forms.BooleanField(
        label=_(
            "I know this report was issued already and issue this draft as a new document "
            "replacing it"
        ),
        required=False,
    )

    def __init__(self, *args: Any, cycle: ReportingCycle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["issued_on"].initial = services.today()
        self.fields["formats"].initial = ["docx", "xlsx", "pdf"]

    def clean_issued_on(self) -> Any:
        """Not in the future, not before the year reported on (the service checks the same,
        and the order of the register)."""
        issued_on = self.cleaned_data["issued_on"]
        try:
            services.check_issued_on(issued_on, cycle=self.cycle)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["issued_on"]) from exc
        return issued_on


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
    signer_name = forms.CharField(
        label=_("Signer"),
        required=False,
        max_length=120,
        help_text=_(
            "The signer's full name. Required to issue the report; a draft leaves the line empty."
        ),
    )
    recipients = forms.CharField(
        label=_("Recipients (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The line “Lưu: ...” is always kept last, once; without one, “Lưu: VT” and the "
            "drafting unit are added."
        ),
    )
    drafting_unit = forms.CharField(
        label=_("Drafting unit"),
        max_length=60,
        help_text=_(
            "The unit of the Department that drafted the report, for example “QLCN”: printed "
            "after “Lưu: VT,”. Required to issue the report."
        ),
        error_messages={
            "required": _(
                "Enter the drafting unit (for example “QLCN”): the report cannot be issued "
                "without it."
            )
        },
    )
