"""Form pieces shared by every app."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.forms.renderers import TemplatesSetting
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, which it declares as a ChoiceField.

    The type checker sees `form.fields` as plain Fields, without choices or a queryset.
    """
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, declared as a ModelChoiceField or ModelMultipleChoiceField."""
    return cast(forms.ModelChoiceField, form.fields[name])


def _at_most(limit: int) -> str:
    return gettext("Enter a number no larger than %(limit)s.") % {
        "limit": number_format(limit, force_grouping=True)
    }


def amount_field(label: Any, *, max_value: int, **kwargs: Any) -> forms.IntegerField:
    """A whole number from 0 to `max_value`, with errors a person can act on.

    Django's own messages print the limit without digit grouping ("2147483647"); here it is
    written the way the reader writes numbers (2.147.483.647), in the reader's language.
    """
    return forms.IntegerField(
        label=label,
        required=kwargs.pop("required", False),
        min_value=0,
        max_value=max_value,
        error_messages={
            "min_value": _("Enter a number that is zero or more."),
            "max_value": lazy(_at_most, str)(max_value),
            "invalid": _("Enter a whole number, without decimals."),
        },
        **kwargs,
    )


def version_field() -> forms.IntegerField:
    """The version of the record the form was filled from, sent back with the save.

    Empty for a form that does not say (the service then saves as before versions existed).
    """
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def carry_version(form: forms.BaseForm, version: int) -> None:
    """Put `version` in a form shown again with the typed values (after a refused save), so
    that saving it again deliberately replaces what is stored now."""
    # The request's own data cannot be changed: a copy (a QueryDict keeps lists of values).
    data = cast(QueryDict, form.data).copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only parses input: the service validates the object and saves it.

    Django's own model validation is skipped here so that every rule has one place (the
    service) and one message, in the user's language, naming the field.

    A model with a `version` gets a hidden `version` field: `expected_version` is what the
    form was read at, for the service's check; it is not among the cleaned fields.
    """

    expected_version: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self._meta.model._meta.get_field("version")
        except FieldDoesNotExist:
            pass
        else:
            self.fields["version"] = version_field()
            if self.instance.pk:
                self.initial["version"] = self.instance.version
        # Required-ness is checked by the service too, with a message that names the field;
        # leaving it to the service lets one submission report every missing field at once.
        for field in self.fields.values():
            if field.required:
                field.required = False
                field.show_required = True  # type: ignore[attr-defined]
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = _("— choose —")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.expected_version = data.pop("version", None)
        return data

    def _post_clean(self) -> None:
        pass


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy, the way Vietnamese forms write it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"}
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date as dd/mm/yyyy.")})
        super().__init__(**kwargs)


class FormRenderer(TemplatesSetting):
    """Renders every form with the project's field template (label, hint, errors, widget)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class UploadForm(forms.Form):
    """The upload of a filled-in import template (every import; an importer may add fields)."""

    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        error_messages={"required": _("Choose the file to upload.")},
    )
