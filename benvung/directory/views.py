from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benvung.accounts import permissions as account_permissions
from benvung.accounts import selectors as account_selectors
from benvung.accounts import services as account_services
from benvung.accounts.current import signed_in_user
from benvung.accounts.forms import InvitationForm
from benvung.accounts.views import invitation_roles_for
from benvung.core.views import paginate, run_service

from . import address_lookup, permissions, selectors, services
from .forms import (
    FORM_OF_KIND,
    AddressLookupForm,
    AreaSuccessionForm,
    EndOrganisationForm,
    IndustrialAreaFilterForm,
    IndustrialAreaForm,
    OrganisationFilterForm,
    SiteForm,
    SuccessionForm,
)
from .models import (
    AdministrativeUnit,
    Enterprise,
    IndustrialArea,
    Organisation,
    OrganisationSuccession,
)


def _visible_organisation(request: HttpRequest, pk: int) -> Organisation:
    """The organisation, or 404 — also when it exists but belongs to someone else."""
    try:
        return selectors.organisation_detail(viewer=request.user, pk=pk).specific
    except Organisation.DoesNotExist:
        raise Http404 from None


def _service_fields(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("sectors", "primary_sector")}


# --- Organisations ---------------------------------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_every_organisation(request.user):
        # Everyone else has exactly one organisation: their own.
        own = signed_in_user(request).organisation_id
        return redirect("directory:organisation_detail", pk=own)
    form = OrganisationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        filters["query"] = filters.pop("q", "")
    organisations = selectors.organisation_list(viewer=request.user, **filters)
    return render(
        request,
        "directory/organisation_list.html",
        {"form": form, "page": paginate(request, organisations)},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    users = list(account_selectors.user_list(viewer=request.user, organisation=org))
    context: dict[str, Any] = {
        "organisation": org,
        "current_successors": selectors.current_organisation_of(org),
        "predecessor_links": selectors.predecessors_of(org),
        "successor_links": list(org.successor_links.all()),
        "users": users,
        # Whose roles the viewer may change (an administrator's only by a system administrator).
        "roles_editable": {
            u.pk for u in users if account_permissions.can_change_roles_of(request.user, u)
        },
        "invitations": account_selectors.invitation_list(viewer=request.user, organisation=org)[
            :20
        ],
        "can_manage": permissions.can_manage_organisations(request.user),
        "can_edit": permissions.can_edit_organisation_profile(request.user, org),
        "can_invite": account_permissions.can_invite_users(request.user, org) and org.is_current,
    }
    if org.kind == Organisation.Kind.ENTERPRISE:
        # `specific` gives an enterprise-kind organisation as its Enterprise row.
        enterprise = cast(Enterprise, org)
        context["sectors"] = selectors.enterprise_sectors(enterprise)
        context["sites"] = selectors.site_list(viewer=request.user, enterprise=enterprise)
        context["can_manage_sites"] = permissions.can_manage_sites(request.user, enterprise)
    return render(request, "directory/organisation_detail.html", context)


@login_required
def organisation_create(request: HttpRequest, kind: str) -> HttpResponse:
    if not permissions.can_manage_organisations(request.user):
        raise PermissionDenied
    if kind not in FORM_OF_KIND:
        raise Http404
    form = FORM_OF_KIND[kind](request.POST or None)
    org = run_service(
        request,
        form,
        lambda data: services.organisation_create(
            actor=signed_in_user(request),
            kind=kind,
            fields=_service_fields(form),
            sectors=data.get("sectors"),
            primary_sector=data.get("primary_sector"),
        ),
    )
    if org is not None:
        messages.success(request, _("%(name)s was created.") % {"name": org.name})
        return redirect("directory:organisation_detail", pk=org.pk)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "kind_label": Organisation.Kind(kind).label, "creating": True},
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    if not permissions.can_edit_organisation_profile(request.user, org):
        raise PermissionDenied
    profile_only = not permissions.can_manage_organisations(request.user)
    form = FORM_OF_KIND[org.kind](request.POST or None, instance=org, profile_only=profile_only)
    saved = run_service(
        request,
        form,
        lambda data: services.organisation_update(
            actor=signed_in_user(request),
            organisation=org,
            fields=_service_fields(form),
            sectors=data.get("sectors") if "sectors" in form.fields else None,
            primary_sector=data.get("primary_sector"),
            expected_version=form.expected_version,
        ),
    )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("directory:organisation_detail", pk=org.pk)
    return render(
        request,
        "directory/organisation_form.html",
        {
            "form": form,
            "organisation": org,
            "kind_label": org.get_kind_display(),
            # Shown only after a refused save: what is saved now, beside the typed values.
            "saved_url": reverse("directory:organisation_detail", args=[org.pk]),
        },
    )


@login_required
def organisation_end(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    if not permissions.can_manage_organisations(request.user):
        raise PermissionDenied
    form = EndOrganisationForm(request.POST or None, organisation=org)
    ended = run_service(
        request,
        form,
        lambda data: services.organisation_end(
            actor=signed_in_user(request), organisation=org, **data
        ),
    )
    if ended is not None:
        messages.success(request, _("%(name)s was marked as ended.") % {"name": org.name})
        return redirect("directory:organisation_detail", pk=org.pk)
    return render(request, "directory/organisation_end.html", {"form": form, "organisation": org})


@login_required
def succession_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    if not permissions.can_manage_organisations(request.user):
        raise PermissionDenied
    form = SuccessionForm(request.POST or None, organisation=org)
    link = run_service(
        request,
        form,
        lambda data: services.organisation_succession_add(
            actor=signed_in_user(request), predecessor=org, **data
        ),
    )
    if link is not None:
        messages.success(request, _("The successor was recorded."))
        return redirect("directory:organisation_detail", pk=org.pk)
    return render(request, "directory/succession_form.html", {"form": form, "organisation": org})


@login_required
@require_POST
def succession_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_confirm_reference_data(request.user):
        raise PermissionDenied
    link = get_object_or_404(OrganisationSuccession, pk=pk)
    services.succession_confirm(actor=signed_in_user(request), link=link)
    messages.success(request, _("The succession %(link)s is confirmed.") % {"link": link})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("directory:succession_list")
    return redirect(next_url)


@login_required
def succession_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_organisations(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "to_be_confirmed")
    links = OrganisationSuccession.objects.select_related("predecessor", "successor").order_by(
        "-effective_date", "predecessor__name"
    )
    if status in ("to_be_confirmed", "confirmed"):
        links = links.filter(status=status)
    return render(
        request,
        "directory/succession_list.html",
        {"page": paginate(request, links), "status": status},
    )


@login_required
def invite_user(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    if not account_permissions.can_invite_users(request.user, org):
        raise PermissionDenied
    roles = invitation_roles_for(org, request.user)
    form = InvitationForm(request.POST or None, roles=roles)
    created = run_service(
        request,
        form,
        lambda data: account_services.invitation_create(
            actor=signed_in_user(request), organisation=org, **data
        ),
    )
    if created is not None:
        invitation, _token = created
        messages.success(
            request, _("An invitation was e-mailed to %(email)s.") % {"email": invitation.email}
        )
        return redirect("directory:organisation_detail", pk=org.pk)
    return render(request, "directory/invite_user.html", {"form": form, "organisation": org})


# --- Sites -----------------------------------------------------------------------------------


@login_required
def site_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible_organisation(request, pk)
    if org.kind != Organisation.Kind.ENTERPRISE:
        raise Http404
    # `specific` gives an enterprise-kind organisation as its Enterprise row.
    enterprise = cast(Enterprise, org)
    if not permissions.can_manage_sites(request.user, enterprise):
        raise PermissionDenied
    form = SiteForm(request.POST or None)
    site = run_service(
        request,
        form,
        lambda data: services.site_create(
            actor=signed_in_user(request), enterprise=enterprise, fields=data
        ),
    )
    if site is not None:
        messages.success(request, _("The site was added."))
        return redirect("directory:organisation_detail", pk=enterprise.pk)
    return render(request, "directory/site_form.html", {"form": form, "organisation": enterprise})


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=pk)
    if not permissions.can_manage_sites(request.user, site.enterprise):
        raise PermissionDenied
    form = SiteForm(request.POST or None, instance=site)
    saved = run_service(
        request,
        form,
        lambda data: services.site_update(
            actor=signed_in_user(request),
            site=site,
            fields=data,
            expected_version=form.expected_version,
        ),
    )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("directory:organisation_detail", pk=site.enterprise_id)
    return render(
        request,
        "directory/site_form.html",
        {
            "form": form,
            "organisation": site.enterprise,
            "site": site,
            "saved_url": reverse("directory:organisation_detail", args=[site.enterprise_id]),
        },
    )


# --- Industrial areas (public list; coordinators maintain) -----------------------------------


def industrial_area_list(request: HttpRequest) -> HttpResponse:
    form = IndustrialAreaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    areas = selectors.industrial_area_list(
        kind=filters.get("kind") or None, state="all", query=filters.get("q", "")
    )
    return render(
        request,
        "directory/industrial_area_list.html",
        {
            "areas": areas,
            "form": form,
            "can_manage": permissions.can_confirm_reference_data(request.user),
        },
    )


def industrial_area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(selectors.industrial_area_list(state="all"), pk=pk)
    return render(
        request,
        "directory/industrial_area_detail.html",
        {
            "area": area,
            "successor_links": area.successor_links.select_related("successor"),
            "predecessor_links": area.predecessor_links.select_related("predecessor"),
            "can_manage": permissions.can_confirm_reference_data(request.user),
            # Enterprises in the area are private: only coordinators see which ones.
            "sites": selectors.site_list(viewer=request.user).filter(industrial_area=area)
            if request.user.is_authenticated
            else [],
        },
    )


@login_required
def industrial_area_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_confirm_reference_data(request.user):
        raise PermissionDenied
    area = get_object_or_404(IndustrialArea, pk=pk) if pk else None
    form = IndustrialAreaForm(request.POST or None, instance=area)
    if area is None:
        saved = run_service(
            request,
            form,
            lambda data: services.industrial_area_create(
                actor=signed_in_user(request), fields=data
            ),
        )
    else:
        existing = area
        saved = run_service(
            request,
            form,
            lambda data: services.industrial_area_update(
                actor=signed_in_user(request),
                area=existing,
                fields=data,
                expected_version=form.expected_version,
            ),
        )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("directory:industrial_area_detail", pk=saved.pk)
    return render(
        request,
        "directory/industrial_area_form.html",
        {
            "form": form,
            "area": area,
            "saved_url": reverse("directory:industrial_area_detail", args=[area.pk])
            if area
            else "",
        },
    )


@login_required
def industrial_area_succession_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_confirm_reference_data(request.user):
        raise PermissionDenied
    area = get_object_or_404(IndustrialArea, pk=pk)
    form = AreaSuccessionForm(request.POST or None, area=area)
    link = run_service(
        request,
        form,
        lambda data: services.industrial_area_succession_add(
            actor=signed_in_user(request), predecessor=area, **data
        ),
    )
    if link is not None:
        messages.success(request, _("The successor was recorded."))
        return redirect("directory:industrial_area_detail", pk=area.pk)
    return render(
        request, "directory/industrial_area_succession_form.html", {"form": form, "area": area}
    )


@login_required
@require_POST
def industrial_area_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(IndustrialArea, pk=pk)
    if not permissions.can_confirm_reference_data(request.user):
        raise PermissionDenied
    services.industrial_area_confirm(actor=signed_in_user(request), area=area)
    messages.success(request, _("%(area)s is now confirmed.") % {"area": area})
    return redirect("directory:industrial_area_detail", pk=area.pk)


# --- Administrative units (public) -----------------------------------------------------------


def address_lookup_view(request: HttpRequest) -> HttpResponse:
    form = AddressLookupForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("old_unit"):
            result = address_lookup.lookup_old_unit(form.cleaned_data["old_unit"])
        else:
            result = address_lookup.lookup_old_address(form.cleaned_data["address"])
    return render(request, "directory/address_lookup.html", {"form": form, "result": result})


def commune_list(request: HttpRequest) -> HttpResponse:
    """Today's communes and wards, each with the former units it took over."""
    communes = list(selectors.current_communes())
    former = address_lookup.former_units_by_commune()
    rows = [(c, former.get(c.pk, ([], []))) for c in communes]
    return render(
        request,
        "directory/commune_list.html",
        {"rows": rows, "province": selectors.province(), "count": len(communes)},
    )


def commune_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(AdministrativeUnit, pk=pk)
    return render(
        request,
        "directory/commune_detail.html",
        {
            "unit": unit,
            "former_districts": address_lookup.former_districts_of(unit),
            "former_communes": address_lookup.former_communes_of(unit),
            "successors": address_lookup.successors_today(unit) if not unit.is_current else [],
        },
    )
