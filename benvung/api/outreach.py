"""/api/outreach: outreach activities and SCP models — list, read, record, change, as the pages
allow (the same selectors and services, so the same people see and change the same records)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from benvung.accounts.current import signed_in_user
from benvung.directory.models import (
    AdministrativeUnit,
    Enterprise,
    IndustrialArea,
    Organisation,
    Site,
)
from benvung.outreach import permissions, selectors, services
from benvung.outreach.models import OutreachActivity, SCPModel
from benvung.plans.models import ContentArea

from .common import MAX_OFFSET, Id, Int, Text, answers, iso, paged

if TYPE_CHECKING:
    from benvung.accounts.models import User

router = Router(tags=["outreach"])

# NaN and infinity are numbers to Python's Decimal, never to a yearly saving.
Amount = Annotated[Decimal, Field(allow_inf_nan=False)] | None


class Named(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    id: int
    version: int | None = Field(None, description="send it back with a change")
    owner: Named = Field(description="the organisation whose report lists the activity")
    organiser: Named
    kind: str
    title: str
    start_date: str
    end_date: str | None
    topics: list[int] = Field(description="content areas of the plan (ids)")
    industrial_areas: list[int]
    administrative_units: list[int]
    organisations_reached: list[int]
    participants: int | None
    description: str
    evidence_url: str
    has_evidence_file: bool


class ActivityList(Schema):
    count: int
    items: list[ActivityOut]


class ActivityIn(Schema):
    """The activity page's form. Everything is checked as the page checks it (422 names the
    field); ids of records that do not exist are refused by field."""

    version: Int | None = Field(None, description="update: the version read (409 if older)")
    owner_id: Id | None = Field(
        None, description="coordinators only: the agency the activity is recorded for"
    )
    kind: Text = Field("", description="activity type key")
    title: Text = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    organiser_id: Id | None = None
    topic_ids: list[Id] = []
    industrial_area_ids: list[Id] = []
    administrative_unit_ids: list[Id] = []
    organisation_reached_ids: list[Id] = []
    participants: Int | None = None
    description: Text = ""
    evidence_url: Text = ""


class SCPModelOut(Schema):
    id: int
    version: int | None = None
    owner: Named
    organisation: Named = Field(description="the enterprise applying the model")
    site: Named | None
    kind: str
    title: str
    year: int
    description: str
    energy_saved_toe: Amount
    materials_saved_t: Amount
    water_saved_m3: Amount
    waste_reduced_t: Amount
    co2_reduced_t: Amount
    money_saved_mvnd: Amount
    state: str = Field(description="proposed, verified or not accepted (the coordinator's review)")
    flags: list[str]
    review_note: str
    evidence_url: str
    has_evidence_file: bool
    reviewed_at: str | None


class SCPModelList(Schema):
    count: int
    items: list[SCPModelOut]


class SCPModelIn(Schema):
    version: Int | None = Field(None, description="update: the version read (409 if older)")
    organisation_id: Id | None = Field(
        None, description="the enterprise; an enterprise's own users always record their own"
    )
    site_id: Id | None = None
    kind: Text = ""
    title: Text = ""
    year: Int | None = None
    description: Text = ""
    energy_saved_toe: Amount = None
    materials_saved_t: Amount = None
    water_saved_m3: Amount = None
    waste_reduced_t: Amount = None
    co2_reduced_t: Amount = None
    money_saved_mvnd: Amount = None
    evidence_url: Text = ""


def _named(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _ids(manager: Any) -> list[int]:
    return sorted(manager.values_list("pk", flat=True))


def _activity(activity: OutreachActivity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "version": getattr(activity, "version", None),
        "owner": _named(activity.owner),
        "organiser": _named(activity.organiser),
        "kind": activity.kind,
        "title": activity.title,
        "start_date": activity.start_date.isoformat(),
        "end_date": iso(activity.end_date),
        "topics": _ids(activity.topics),
        "industrial_areas": _ids(activity.industrial_areas),
        "administrative_units": _ids(activity.administrative_units),
        "organisations_reached": _ids(activity.organisations_reached),
        "participants": activity.participants,
        "description": activity.description,
        "evidence_url": activity.evidence_url,
        "has_evidence_file": bool(activity.evidence_file),
    }


def _model(model: SCPModel) -> dict[str, Any]:
    return {
        "id": model.pk,
        "version": getattr(model, "version", None),
        "owner": _named(model.owner),
        "organisation": _named(model.organisation),
        "site": _named(model.site),
        "kind": model.kind,
        "title": model.title,
        "year": model.year,
        "description": model.description,
        **{name: getattr(model, name) for name in services.RESULT_FIELDS},
        "state": model.state,
        "flags": [str(f) for f in model.flags],
        "review_note": model.review_note,
        "evidence_url": model.evidence_url,
        "has_evidence_file": bool(model.evidence_file),
        "reviewed_at": iso(model.reviewed_at),
    }


def _found(
    model: type[models.Model], ids: list[int], field: str, problems: dict[str, list[str]]
) -> list[Any]:
    """The records of `ids`; an id that does not exist is a problem of `field`."""
    found = list(model._default_manager.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        problems.setdefault(field, []).append(
            _("No record with id %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)}
        )
    return found


def _one(
    model: type[models.Model], pk: int | None, field: str, problems: dict[str, list[str]]
) -> Any:
    if pk is None:
        return None
    found = _found(model, [pk], field, problems)
    return found[0] if found else None


def _activity_data(payload: ActivityIn) -> tuple[services.ActivityData, Organisation | None]:
    problems: dict[str, list[str]] = {}
    owner = _one(Organisation, payload.owner_id, "owner_id", problems)
    data = services.ActivityData(
        organiser=_one(Organisation, payload.organiser_id, "organiser_id", problems),
        kind=payload.kind,
        title=payload.title,
        start_date=payload.start_date,  # type: ignore[arg-type]  # the service names a missing one
        end_date=payload.end_date,
        topics=_found(ContentArea, payload.topic_ids, "topic_ids", problems),
        industrial_areas=_found(
            IndustrialArea, payload.industrial_area_ids, "industrial_area_ids", problems
        ),
        administrative_units=_found(
            AdministrativeUnit, payload.administrative_unit_ids, "administrative_unit_ids", problems
        ),
        organisations_reached=_found(
            Organisation, payload.organisation_reached_ids, "organisation_reached_ids", problems
        ),
        participants=payload.participants,
        description=payload.description,
        evidence_url=payload.evidence_url,
    )
    if problems:
        raise ValidationError(problems)
    return data, owner


def _own_enterprise(user: User) -> Organisation | None:
    """An enterprise user's models are always its own enterprise's (as on the page)."""
    if not permissions.records_own_scp_models_only(user):
        return None
    return user.organisation


def _model_data(request: HttpRequest, payload: SCPModelIn) -> services.SCPModelData:
    problems: dict[str, list[str]] = {}
    organisation = _own_enterprise(signed_in_user(request)) or _one(
        Enterprise, payload.organisation_id, "organisation_id", problems
    )
    data = services.SCPModelData(
        organisation=organisation,  # the service names a missing one
        kind=payload.kind,
        title=payload.title,
        year=payload.year,  # type: ignore[arg-type]
        site=_one(Site, payload.site_id, "site_id", problems),
        description=payload.description,
        evidence_url=payload.evidence_url,
        **{name: getattr(payload, name) for name in services.RESULT_FIELDS},
    )
    if problems:
        raise ValidationError(problems)
    return data


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


# --- Activities -------------------------------------------------------------------------------


@router.get("/activities", response=answers(ActivityList), summary="Outreach activities")
def activity_list(
    request: HttpRequest,
    year: Int | None = None,
    kind: Text = "",
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    _require(permissions.can_record_activities(request.user))
    activities = selectors.activity_list(viewer=request.user, year=year, kind=kind)
    return paged(activities.order_by("-start_date", "pk"), limit, offset, _activity)


@router.get(
    "/activities/{activity_id}", response=answers(ActivityOut), summary="One outreach activity"
)
def activity_detail(request: HttpRequest, activity_id: Id) -> dict[str, Any]:
    return _activity(
        get_object_or_404(selectors.activity_list(viewer=request.user), pk=activity_id)
    )


@router.post("/activities", response=answers(ActivityOut, write=True), summary="Record an activity")
def activity_create(request: HttpRequest, payload: ActivityIn) -> dict[str, Any]:
    _require(permissions.can_record_activities(request.user))
    data, owner = _activity_data(payload)
    return _activity(
        services.activity_create(actor=signed_in_user(request), data=data, owner=owner)
    )


@router.put(
    "/activities/{activity_id}",
    response=answers(ActivityOut, write=True),
    summary="Change an activity",
)
def activity_update(request: HttpRequest, activity_id: Id, payload: ActivityIn) -> dict[str, Any]:
    activity = get_object_or_404(selectors.activity_list(viewer=request.user), pk=activity_id)
    _require(permissions.can_edit_activity(request.user, activity))
    data, _owner = _activity_data(payload)
    return _activity(
        services.activity_update(
            actor=signed_in_user(request),
            activity=activity,
            data=data,
            expected_version=payload.version,
        )
    )


# --- SCP models -------------------------------------------------------------------------------


@router.get("/scp-models", response=answers(SCPModelList), summary="SCP models")
def scp_model_list(
    request: HttpRequest,
    year: Int | None = None,
    kind: Text = "",
    state: Text = "",
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    _require(permissions.can_record_scp_models(request.user))
    found = selectors.scp_model_list(viewer=request.user, year=year, kind=kind, state=state)
    return paged(found.order_by("-year", "title", "pk"), limit, offset, _model)


@router.get("/scp-models/{model_id}", response=answers(SCPModelOut), summary="One SCP model")
def scp_model_detail(request: HttpRequest, model_id: Id) -> dict[str, Any]:
    return _model(get_object_or_404(selectors.scp_model_list(viewer=request.user), pk=model_id))


@router.post(
    "/scp-models",
    response=answers(SCPModelOut, write=True),
    summary="Record an SCP model (proposed for the coordinator's review)",
)
def scp_model_create(request: HttpRequest, payload: SCPModelIn) -> dict[str, Any]:
    _require(permissions.can_record_scp_models(request.user))
    data = _model_data(request, payload)
    return _model(services.scp_model_create(actor=signed_in_user(request), data=data))


@router.put(
    "/scp-models/{model_id}",
    response=answers(SCPModelOut, write=True),
    summary="Change an SCP model (a reviewed one goes back to proposed)",
)
def scp_model_update(request: HttpRequest, model_id: Id, payload: SCPModelIn) -> dict[str, Any]:
    model = get_object_or_404(selectors.scp_model_list(viewer=request.user), pk=model_id)
    _require(permissions.can_edit_scp_model(request.user, model))
    data = _model_data(request, payload)
    return _model(
        services.scp_model_update(
            actor=signed_in_user(request), model=model, data=data, expected_version=payload.version
        )
    )
