from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from benvung.core.forms import DateField, ServiceModelForm, choice_field, model_choice_field
from benvung.core.models import SuccessionKind, SuccessionStatus
from benvung.core.numbers import NumberProblem, read_decimal

from . import selectors
from .models import (
    AdministrativeUnit,
    Agency,
    Enterprise,
    FocusSector,
    IndustrialArea,
    Organisation,
    RetailOutlet,
    Sector,
    Site,
)


class FlexibleDecimalField(forms.DecimalField):
    """Accepts 10.9577 as copied from a map or a spreadsheet, and 10,9577 as typed the
    Vietnamese way; grouped thousands (1.234,5) are read the Vietnamese way too."""

    # DecimalField extends IntegerField; the stubs ignore this same override in DecimalField.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip():
            try:
                return read_decimal(value, places=self.decimal_places)
            except NumberProblem as problem:
                raise forms.ValidationError(problem.message, code="invalid") from None
        return super().to_python(value)


class CoordinateField(FlexibleDecimalField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        # A coordinate is never in thousands: 10.957 copied from a map is ten point nine.
        if isinstance(value, str) and "," not in value and value.strip().count(".") == 1:
            return forms.DecimalField.to_python(self, value.strip())
        return super().to_python(value)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=6, required=False, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "step": None})
        return {k: v for k, v in attrs.items() if v is not None}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return obj.name


class SectorChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("%(value)s is not one of the available sectors."),
        "invalid_pk_value": _("%(pk)s is not one of the available sectors."),
    }

    def label_from_instance(self, obj: Sector) -> str:
        return f"{obj.code} – {obj.name}"


class PrimarySectorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        return f"{obj.code} – {obj.name}"


class IndustrialAreaFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *IndustrialArea.Kind.choices],
    )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or tax code"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    focus_sector = forms.ChoiceField(label=_("Focus sector"), required=False)
    state = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[
            ("current", _("in operation today")),
            ("ended", _("ended")),
            ("all", _("all")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "focus_sector").choices = [
            ("", _("All sectors")),
            *((fs.key, fs.name) for fs in FocusSector.objects.all()),
        ]


COMMON_FIELDS = [
    "name",
    "short_name",
    "address",
    "administrative_unit",
    "email",
    "phone",
    "website",
    "valid_from",
    "valid_to",
    "note",
]


class OrganisationForm(ServiceModelForm):
    """Base of the three organisation forms; non-coordinators get only the profile fields."""

    administrative_unit = UnitChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        help_text=_("The commune-level unit of the address, on today's map."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    valid_from = DateField(label=_("In operation from"), required=False)
    valid_to = DateField(label=_("In operation until"), required=False)

    def __init__(self, *args: Any, profile_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "administrative_unit").queryset = selectors.current_communes()
        if profile_only:
            from .services import PROFILE_FIELDS

            for name in list(self.fields):
                kept = ("sectors", "primary_sector", "version")
                if name not in PROFILE_FIELDS and name not in kept:
                    del self.fields[name]


class AgencyForm(OrganisationForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "agency_type",
            "symbol",
            "parent_authority",
            "is_coordinator",
            *COMMON_FIELDS[2:],
            "source",
        ]


class EnterpriseForm(OrganisationForm):
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("10 digits, or 10 digits, a dash and 3 digits for a branch."),
    )
    sectors = SectorChoiceField(
        label=_("Sectors (VSIC 2018)"),
        queryset=Sector.objects.none(),
        required=False,
        help_text=_(
            "Every class of activity the enterprise carries out. Hold Ctrl to pick several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    primary_sector = PrimarySectorField(
        label=_("Main sector"),
        queryset=Sector.objects.none(),
        required=False,
        help_text=_("Leave empty to use the first chosen sector."),
    )

    class Meta:
        model = Enterprise
        fields = ["name", "short_name", "tax_code", *COMMON_FIELDS[2:]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sectors", "primary_sector"):
            if name in self.fields:
                model_choice_field(self, name).queryset = selectors.selectable_sectors()
        if self.instance.pk and not self.is_bound:
            chosen = selectors.enterprise_sectors(self.instance)
            self.initial.setdefault("sectors", [es.sector_id for es in chosen])
            primary = next((es.sector_id for es in chosen if es.is_primary), None)
            self.initial.setdefault("primary_sector", primary)
            self.initial["tax_code"] = self.instance.tax_code_display


class RetailOutletForm(OrganisationForm):
    class Meta:
        model = RetailOutlet
        fields = ["name", "short_name", "outlet_type", "chain", *COMMON_FIELDS[2:]]


FORM_OF_KIND: dict[str, type[OrganisationForm]] = {
    Organisation.Kind.AGENCY: AgencyForm,
    Organisation.Kind.ENTERPRISE: EnterpriseForm,
    Organisation.Kind.RETAIL_OUTLET: RetailOutletForm,
}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class EndOrganisationForm(forms.Form):
    valid_to = DateField(label=_("Last day in operation"))
    successors = OrganisationMultipleChoiceField(
        label=_("Successors"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The organisations that take over its duties, if any."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    kind = forms.ChoiceField(label=_("Kind of change"), choices=SuccessionKind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=SuccessionStatus.choices, initial=SuccessionStatus.CONFIRMED
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(
        label=_("Legal basis or source"),
        required=False,
        help_text=_("For example the number and date of the deciding resolution."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "successors").queryset = (
            Organisation.objects.filter(kind=organisation.kind)
            .exclude(pk=organisation.pk)
            .current()
            .order_by("name")
        )


class SuccessionForm(forms.Form):
    successor = OrganisationChoiceField(label=_("Successor"), queryset=Organisation.objects.none())
    effective_date = DateField(label=_("Effective from"))
    kind = forms.ChoiceField(label=_("Kind of change"), choices=SuccessionKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=SuccessionStatus.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Legal basis or source"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "successor").queryset = (
            Organisation.objects.filter(kind=organisation.kind)
            .exclude(pk=organisation.pk)
            .order_by("name")
        )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: IndustrialArea) -> str:
        return str(obj)


class AreaSuccessionForm(forms.Form):
    successor = AreaChoiceField(label=_("Successor"), queryset=IndustrialArea.objects.none())
    effective_date = DateField(label=_("Effective from"))
    kind = forms.ChoiceField(label=_("Kind of change"), choices=SuccessionKind.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Legal basis or source"), required=False)

    def __init__(self, *args: Any, area: IndustrialArea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = IndustrialArea.objects.exclude(pk=area.pk).order_by("kind", "name")
        model_choice_field(self, "successor").queryset = others


class SiteForm(ServiceModelForm):
    administrative_unit = UnitChoiceField(
        label=_("Commune or ward"), queryset=AdministrativeUnit.objects.none()
    )
    industrial_area = forms.ModelChoiceField(
        label=_("Industrial park, cluster or craft village"),
        queryset=IndustrialArea.objects.none(),
        required=False,
        help_text=_("Leave empty if the site lies outside any of them."),
    )
    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("Decimal degrees, for example 10.9577.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Decimal degrees, for example 106.8426.")
    )
    valid_from = DateField(label=_("In operation from"), required=False)
    valid_to = DateField(label=_("In operation until"), required=False)

    class Meta:
        model = Site
        fields = [
            "name",
            "address",
            "administrative_unit",
            "industrial_area",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "administrative_unit").queryset = selectors.current_communes()
        model_choice_field(self, "industrial_area").queryset = selectors.industrial_area_list()


class IndustrialAreaForm(ServiceModelForm):
    administrative_unit = UnitChoiceField(
        label=_("Commune or ward"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    former_district = UnitChoiceField(
        label=_("Former district (until 30/06/2025)"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
    )
    latitude = CoordinateField(label=_("Latitude"))
    longitude = CoordinateField(label=_("Longitude"))
    area_ha = FlexibleDecimalField(
        label=_("Area (ha)"), max_digits=10, decimal_places=2, required=False
    )
    valid_from = DateField(label=_("In operation from"), required=False)
    valid_to = DateField(label=_("In operation until"), required=False)

    class Meta:
        model = IndustrialArea
        fields = [
            "kind",
            "name",
            "administrative_unit",
            "former_district",
            "area_ha",
            "operator",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
            "note",
            "source",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "administrative_unit").queryset = selectors.current_communes()
        model_choice_field(self, "former_district").queryset = selectors.former_districts()


class OldUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.name}, {obj.parent.name if obj.parent else ''}"


class AddressLookupForm(forms.Form):
    address = forms.CharField(
        label=_("Old address"),
        required=False,
        max_length=300,
        help_text=_("For example: Phường Trảng Dài, Thành phố Biên Hòa, Đồng Nai"),
    )
    old_unit = OldUnitChoiceField(
        label=_("Or choose a former commune or district"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "old_unit").queryset = (
            AdministrativeUnit.objects.filter(
                edition=AdministrativeUnit.Edition.PRE_2025,
                level__in=[AdministrativeUnit.Level.DISTRICT, AdministrativeUnit.Level.COMMUNE],
            )
            .select_related("parent")
            .order_by("level", "parent__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data; the stubs allow None for overrides that return nothing.
        data = cast(dict[str, Any], super().clean())
        if not data.get("address") and not data.get("old_unit"):
            raise forms.ValidationError(
                _("Type an old address or choose a former commune or district.")
            )
        return data
