"""The packaging survey form and the list filters; the service checks the survey itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import DateField, amount_field, model_choice_field, version_field
from benvung.core.numbers import NumberProblem, read_decimal
from benvung.directory.models import RetailOutlet

from . import services
from .models import PackagingSurvey


class ShareField(forms.CharField):
    """A percentage typed the Vietnamese way (12,5) or a machine's (12.5); "12.500" is asked."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip().rstrip("%").strip()
        if not text:
            return None
        try:
            return read_decimal(text, places=2)  # the share is stored with 2 decimals
        except NumberProblem as problem:
            raise forms.ValidationError(problem.message) from None


class SurveyForm(forms.Form):
    outlet = forms.ModelChoiceField(
        label=_("Retail outlet"), queryset=RetailOutlet.objects.none(), required=False
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        error_messages={"invalid": _("Enter a whole number, without decimals.")},
    )
    surveyed_on = DateField(label=_("Surveyed on"), required=False)
    eco_packaging = forms.ChoiceField(
        label=_("Eco-friendly packaging used instead of single-use plastic"),
        choices=PackagingSurvey.Practice.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    biodegradable_bag_share = ShareField(
        label=_("Biodegradable bags, share of the bags handed out (per cent)"), required=False
    )
    ecolabelled_products = amount_field(
        _("Eco-labelled products on the shelf"), max_value=services.MAX_ECOLABELLED
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_url = forms.CharField(label=_("Evidence (link)"), required=False, max_length=500)
    evidence_file = forms.FileField(
        label=_("Evidence (file)"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PNG or JPEG, at most 10 MB."),
    )
    remove_evidence = forms.BooleanField(label=_("Remove the stored file"), required=False)
    # The survey's version when the form was read; 0: none was recorded for the outlet-year.
    version = version_field()

    def __init__(self, *args: Any, outlets: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "outlet")
        field.queryset = outlets
        field.empty_label = _("— choose —")
        for name in ("outlet", "year", "eco_packaging"):
            self.fields[name].show_required = True  # type: ignore[attr-defined]
        if not has_file:
            del self.fields["remove_evidence"]

    def data_for_service(self) -> services.SurveyData:
        d = self.cleaned_data
        return services.SurveyData(
            outlet=d["outlet"],
            year=d["year"],
            eco_packaging=d["eco_packaging"] or "",
            biodegradable_bag_share=d["biodegradable_bag_share"],
            ecolabelled_products=d["ecolabelled_products"],
            surveyed_on=d["surveyed_on"],
            note=d["note"],
            evidence_url=d["evidence_url"],
        )


class SurveyFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    outlet_type = forms.ChoiceField(
        label=_("Outlet type"),
        required=False,
        choices=[("", _("All types")), *RetailOutlet.OutletType.choices],
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [("", _("All years")), *[(y, y) for y in years]]  # type: ignore[attr-defined]
