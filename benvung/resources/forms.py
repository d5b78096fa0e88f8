"""The site-year data entry form: rows of outputs, energy, materials; the service validates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benvung.core import units, years
from benvung.core.forms import DateField, UploadForm, version_field
from benvung.core.numbers import NumberProblem, read_decimal
from benvung.directory.models import SourceStatus

from .models import AllocationRule, Carrier, ProductCategory
from .services import MATERIAL_UNITS

MONTHS = [("", _("whole year"))] + [(str(m), str(m)) for m in range(1, 13)]


def _unit_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [("", "—")] + [(c, units.label(c)) for c in codes]


class SiteYearForm(forms.Form):
    allocation_rule = forms.ChoiceField(
        label=_("Energy allocation between products"),
        choices=AllocationRule.choices,
        help_text=_("Used only when the site makes several products."),
    )
    # The version the page was read at (0: nothing stored yet): each save replaces the whole
    # year, so a save from an older page would drop the rows others added meanwhile.
    version = version_field()


class _RowForm(forms.Form):
    """A row is only parsed here (text kept as typed); site_year_save checks it and names
    the section, row and field of every problem."""

    def has_content(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(v not in (None, "") for k, v in data.items() if k != "DELETE")


class OutputRowForm(_RowForm):
    product = forms.CharField(label=_("Product"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Product category"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False, choices=MONTHS)
    quantity = forms.CharField(label=_("Quantity"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    capacity = forms.CharField(
        label=_("Design capacity per year"),
        required=False,
        help_text=_("Litres a year for beverages, tonnes a year otherwise: it selects the norm."),
    )
    value_vnd = forms.CharField(label=_("Production value (VND)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = ProductCategory.objects.select_related("focus_sector")
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.key, f"{c.focus_sector.name} — {c.name} ({units.label(c.output_unit)})")
            for c in categories
        ]
        self.fields["unit"].choices = _unit_choices(  # type: ignore[attr-defined]
            ["t", "kg", "hl", "l", "1000 l", "m3", "piece", "1000 pieces"]
        )


class EnergyRowForm(_RowForm):
    carrier = forms.ChoiceField(label=_("Energy carrier"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False, choices=MONTHS)
    quantity = forms.CharField(label=_("Quantity"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    product = forms.CharField(
        label=_("Metered for product"),
        required=False,
        help_text=_("Only with sub-metering."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        carriers = list(Carrier.objects.all())
        self.fields["carrier"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.key, c.name) for c in carriers
        ]
        codes = sorted({u for c in carriers for u in c.units}, key=list(units.UNITS).index)
        self.fields["unit"].choices = _unit_choices(codes)  # type: ignore[attr-defined]


class MaterialRowForm(_RowForm):
    product = forms.CharField(
        label=_("Product"), required=False, help_text=_("Empty for the site's water.")
    )
    material = forms.CharField(label=_("Material or water"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False, choices=MONTHS)
    quantity = forms.CharField(label=_("Quantity"), required=False)
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, choices=_unit_choices(list(MATERIAL_UNITS))
    )


OutputFormSet = forms.formset_factory(OutputRowForm, extra=3)
EnergyFormSet = forms.formset_factory(EnergyRowForm, extra=3)
MaterialFormSet = forms.formset_factory(MaterialRowForm, extra=3)


def rows_of(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled rows, as the service takes them."""
    rows = []
    for form in formset.forms:
        if form.is_valid() and form.has_content():
            rows.append(dict(form.cleaned_data))
    return rows


class ConfirmForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why the figure is right"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(UploadForm):
    """The consumption workbook's upload: the file, and the year it is for (kept as the
    import's option)."""

    year = forms.IntegerField(
        label=_("Year of the data"),
        required=False,
        min_value=years.FIRST_YEAR,
        max_value=years.LAST_YEAR,
        help_text=_("Leave empty if the file gives the year in each row."),
    )


class CorrectionForm(forms.Form):
    value = forms.CharField(
        label=_("Corrected value"),
        required=False,
        help_text=_("Empty for a norm whose value is not known."),
    )
    valid_from = DateField(label=_("Valid from"))
    instrument = forms.CharField(label=_("Instrument"), max_length=120)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where it was read."),
    )
    status = forms.ChoiceField(label=_("Checked"), choices=SourceStatus.choices)

    def clean_value(self) -> Any:
        text = self.cleaned_data.get("value")
        if text in (None, ""):
            return None
        try:
            return read_decimal(text)
        except NumberProblem as problem:
            raise forms.ValidationError(problem.message) from None
