"""/api/retail: the packaging surveys of retail outlets — list, read, record, change (the pages'
selectors and services: an outlet sees its own surveys, an agency those it recorded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from benvung.accounts.current import signed_in_user
from benvung.directory.models import Organisation
from benvung.retail import permissions, selectors, services
from benvung.retail.models import PackagingSurvey

from .common import MAX_OFFSET, Id, Int, Text, answers, iso, paged

router = Router(tags=["retail"])

Share = Annotated[Decimal, Field(allow_inf_nan=False)] | None


class Named(Schema):
    id: int
    name: str


class SurveyOut(Schema):
    id: int
    version: int | None = Field(None, description="send it back with a change")
    outlet: Named
    owner: Named = Field(description="the organisation that recorded the survey")
    year: int
    surveyed_on: str | None
    eco_packaging: str = Field(description="yes, partly or no")
    biodegradable_bag_share: Decimal | None = Field(description="per cent of the bags handed out")
    ecolabelled_products: int | None
    note: str
    evidence_url: str
    has_evidence_file: bool


class SurveyList(Schema):
    count: int
    items: list[SurveyOut]


class SurveyFields(Schema):
    version: Int | None = Field(None, description="update: the version read (409 if older)")
    eco_packaging: Text = Field("", description="yes, partly or no")
    biodegradable_bag_share: Share = None
    ecolabelled_products: Int | None = None
    surveyed_on: dt.date | None = None
    note: Text = ""
    evidence_url: Text = ""


class SurveyIn(SurveyFields):
    """A new survey. One survey per outlet and year: recording one for an outlet and year
    already surveyed replaces it, as the page does (if the caller may change it)."""

    outlet_id: Id
    year: Int
    owner_id: Id | None = Field(
        None, description="coordinators only: the organisation the survey is recorded for"
    )


def _named(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "name": obj.name}


def _survey(survey: PackagingSurvey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "version": getattr(survey, "version", None),
        "outlet": _named(survey.outlet),
        "owner": _named(survey.owner),
        "year": survey.year,
        "surveyed_on": iso(survey.surveyed_on),
        "eco_packaging": survey.eco_packaging,
        "biodegradable_bag_share": survey.biodegradable_bag_share,
        "ecolabelled_products": survey.ecolabelled_products,
        "note": survey.note,
        "evidence_url": survey.evidence_url,
        "has_evidence_file": bool(survey.evidence_file),
    }


def _require_retail(request: HttpRequest) -> None:
    if not permissions.can_use_retail(request.user):
        raise PermissionDenied(_("You are not allowed to do this."))


def _data(payload: SurveyFields, outlet: Any, year: int) -> services.SurveyData:
    return services.SurveyData(
        outlet=outlet,
        year=year,
        eco_packaging=payload.eco_packaging,
        biodegradable_bag_share=payload.biodegradable_bag_share,
        ecolabelled_products=payload.ecolabelled_products,
        surveyed_on=payload.surveyed_on,
        note=payload.note,
        evidence_url=payload.evidence_url,
    )


@router.get("/surveys", response=answers(SurveyList), summary="Packaging surveys")
def survey_list(
    request: HttpRequest,
    year: Int | None = None,
    outlet_type: Text | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    _require_retail(request)
    surveys = selectors.survey_list(viewer=request.user, year=year, outlet_type=outlet_type)
    return paged(surveys.order_by("-year", "outlet__name", "pk"), limit, offset, _survey)


@router.get("/surveys/{survey_id}", response=answers(SurveyOut), summary="One packaging survey")
def survey_detail(request: HttpRequest, survey_id: Id) -> dict[str, Any]:
    _require_retail(request)
    return _survey(get_object_or_404(selectors.survey_list(viewer=request.user), pk=survey_id))


@router.post("/surveys", response=answers(SurveyOut, write=True), summary="Record a survey")
def survey_create(request: HttpRequest, payload: SurveyIn) -> dict[str, Any]:
    _require_retail(request)
    # Only the outlets whose survey the caller may record, as the page's list of outlets.
    outlet = selectors.outlets_for(viewer=request.user).filter(pk=payload.outlet_id).first()
    if outlet is None:
        raise ValidationError({"outlet_id": [_("Choose the retail outlet.")]})
    owner = None
    if payload.owner_id is not None:
        owner = Organisation.objects.filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [_("No organisation with this id.")]})
    # A create never replaces a survey recorded meanwhile for the same outlet and year
    # (version 0: "there was none when I read"); that answers 409, as on the page.
    saved = services.survey_save(
        actor=signed_in_user(request),
        data=_data(payload, outlet, payload.year),
        owner=owner,
        expected_version=payload.version if payload.version is not None else 0,
    )
    return _survey(saved)


@router.put(
    "/surveys/{survey_id}",
    response=answers(SurveyOut, write=True),
    summary="Change a survey (its outlet and year stay)",
)
def survey_update(request: HttpRequest, survey_id: Id, payload: SurveyFields) -> dict[str, Any]:
    _require_retail(request)
    survey = get_object_or_404(selectors.survey_list(viewer=request.user), pk=survey_id)
    if not permissions.can_edit_survey(request.user, survey):
        raise PermissionDenied(_("You are not allowed to do this."))
    saved = services.survey_save(
        actor=signed_in_user(request),
        data=_data(payload, survey.outlet, survey.year),
        expected_version=payload.version,
    )
    return _survey(saved)
