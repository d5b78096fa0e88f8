from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from benvung.core import years
from benvung.core.forms import DateField, amount_field, model_choice_field
from benvung.plans.models import FundingSource, Plan

from .models import TaskReport


class DayListField(forms.CharField):
    """'14, 7, 1' → [14, 7, 1]."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        try:
            days = sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()},
                reverse=True,
            )
        except ValueError as exc:
            raise forms.ValidationError(
                _("Write whole numbers of days separated by commas, for example 14, 7, 1.")
            ) from exc
        if any(d < 0 or d > 365 for d in days):
            raise forms.ValidationError(_("Each number of days must be between 0 and 365."))
        return days

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


class CycleCreateForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    # The plan's years are checked by the service (core.years.plan_year_problem).
    year = forms.IntegerField(
        label=_("Year"), min_value=years.FIRST_YEAR, max_value=years.LAST_YEAR
    )
    data_start = DateField(
        label=_("Data from"), required=False, help_text=_("Leave empty for 1 January.")
    )
    data_end = DateField(
        label=_("Data until"), required=False, help_text=_("Leave empty for 31 December.")
    )
    report_deadline = DateField(
        label=_("Reports due by"),
        required=False,
        help_text=_(
            "The last day on which a report is on time. Leave empty for the plan's deadline "
            "(a plan asking for reports before 1 December gives 30 November)."
        ),
    )
    synthesis_deadline = DateField(
        label=_("Synthesis report due by"),
        required=False,
        help_text=_("Leave empty for two weeks after the reports."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "plan").queryset = Plan.objects.all()


class CycleEditForm(forms.Form):
    data_start = DateField(label=_("Data from"))
    data_end = DateField(label=_("Data until"))
    report_deadline = DateField(
        label=_("Reports due by"),
        help_text=_(
            "The last day on which a report is on time; a report sent the day after is late."
        ),
    )
    synthesis_deadline = DateField(label=_("Synthesis report due by"))
    reminder_days = DayListField(
        label=_("Reminders, days before the deadline"),
        required=False,
        help_text=_("For example 14, 7, 1."),
    )
    overdue_reminder_days = DayListField(
        label=_("Reminders, days after the deadline"),
        required=False,
        help_text=_("For example 1, 7."),
    )


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("General assessment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    difficulties = forms.CharField(
        label=_("Difficulties and obstacles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposals = forms.CharField(
        label=_("Proposals and recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The database stores counts as 32-bit integers; budgets in đồng up to a hundred trillion.
MAX_COUNT = 2_147_483_647
MAX_BUDGET_VND = 100_000_000_000_000


def _count(label: Any) -> forms.IntegerField:
    return amount_field(label, max_value=MAX_COUNT)


class TaskReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskReport.Status.choices)
    narrative = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done in the year, with dates and figures."),
    )
    events_held = _count(_("Events held (campaigns, training, conferences)"))
    participants = _count(_("Participants"))
    enterprises_reached = _count(_("Enterprises reached"))
    models_built = _count(_("SCP models built"))
    documents_issued = _count(_("Documents issued"))
    difficulties = forms.CharField(
        label=_("Difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposals = forms.CharField(
        label=_("Proposals"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, task_report: TaskReport, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"t{task_report.pk}")
        kwargs.setdefault(
            "initial",
            {
                "status": task_report.status,
                "narrative": task_report.narrative,
                "events_held": task_report.events_held,
                "participants": task_report.participants,
                "enterprises_reached": task_report.enterprises_reached,
                "models_built": task_report.models_built,
                "documents_issued": task_report.documents_issued,
                "difficulties": task_report.difficulties,
                "proposals": task_report.proposals,
                **{f"budget_{k}": v for k, v in task_report.budget_vnd.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.task_report = task_report
        for key, label in FundingSource.choices:
            self.fields[f"budget_{key}"] = amount_field(
                _("Budget spent from %(source)s (VND)") % {"source": label},
                max_value=MAX_BUDGET_VND,
            )

    def budget_fields(self) -> list[forms.BoundField]:
        return [self[f"budget_{key}"] for key in FundingSource.values]

    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TaskReport.COUNT_FIELDS]

    def values(self) -> dict[str, Any]:
        data = cast(dict[str, Any], self.cleaned_data)
        values = {k: v for k, v in data.items() if not k.startswith("budget_")}
        values["budget_vnd"] = {
            key: data[f"budget_{key}"]
            for key in FundingSource.values
            if data.get(f"budget_{key}") is not None
        }
        return values


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to be revised"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    # Optional on the page (the same form saves the draft); required when "attach" is pressed.
    file = forms.FileField(label=_("File to attach"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, DOCX, XLSX, PNG or JPEG, at most %(size)s MB.") % {
            "size": settings.REPORT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not upload:
            raise forms.ValidationError(_("Choose the file to attach."))
        return upload


class SynthesisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Consolidated text for the synthesis report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
