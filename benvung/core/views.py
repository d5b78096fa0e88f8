"""The audit trail page, and helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from . import access, selectors
from .concurrency import StaleEdit
from .forms import carry_version, choice_field

T = TypeVar("T")


def run_service(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[dict[str, Any]], T]
) -> T | None:
    """On a valid POST, call the service with the form's data; put its refusals on the form.

    Returns what the service returned, or None when the form is to be shown (again) with
    what the user typed and the errors.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except StaleEdit as exc:
        show_stale(form, exc)
        return None
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


def show_stale(form: forms.BaseForm, exc: StaleEdit) -> None:
    """Someone saved in between: the form comes back with the typed values and the message,
    based on the stored version (a second save replaces it deliberately). `form.stale` lets
    the page show (or link to) what is saved now (components/stale_edit.html)."""
    apply_service_errors(form, exc)
    carry_version(form, exc.current_version)
    form.stale = exc  # type: ignore[attr-defined]


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names (others to the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Object or summary contains"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor's e-mail"), required=False)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "action").choices = [
            ("", _("All actions")),
            *selectors.audit_action_choices(),
        ]


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not access.may(access.VIEW_AUDIT, request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # A mistyped date is reported on the form; the other filters still apply.
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    events = selectors.audit_event_list(viewer=request.user, **filters)
    return render(
        request, "core/audit_list.html", {"form": form, "page": paginate(request, events)}
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may(access.VIEW_AUDIT, request.user):
        raise PermissionDenied
    event = get_object_or_404(selectors.audit_event_list(viewer=request.user), pk=pk)
    return render(request, "core/audit_detail.html", {"event": event})
