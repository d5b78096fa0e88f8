"""/api/resources: bulk submission of site-year data, the year's figures, one site year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Router, Schema, Status

from benvung.accounts.current import signed_in_user
from benvung.core import years
from benvung.core.concurrency import StaleEdit
from benvung.directory.models import Site
from benvung.reporting.selectors import figures_final
from benvung.resources import changes, efficiency, permissions, selectors, services

from .common import Conflict, Id, Int, Invalid, Text, answers

router = Router(tags=["resources"])

Number = float | str | None


class OutputRow(Schema):
    product: Text
    category: Text = Field(description="product category key, e.g. beer, packaging-paper")
    quantity: Number
    unit: Text
    month: Int | None = None
    capacity: Number = None
    value_vnd: Number = None


class EnergyRow(Schema):
    carrier: Text = Field(description="carrier key, e.g. grid_electricity, coal_3_4, diesel")
    quantity: Number
    unit: Text
    month: Int | None = None
    product: Text = ""


class MaterialRow(Schema):
    material: Text
    quantity: Number
    unit: Text
    product: Text = ""
    month: Int | None = None


class DriverRow(Schema):
    name: Text
    month: Int
    value: Number


class SiteYearIn(Schema):
    tax_code: Text
    site: Text = Field(description="the site's name as registered")
    year: Int
    version: Int | None = Field(
        None,
        description="the `version` of the year as read from GET /sites/{id}/years/{year} (0: "
        "the year was not stored). Each item replaces the whole year: if someone saved it "
        "since, nothing is saved and the answer is 409 with the item in `stale`. Without it "
        "the item replaces the year whatever was saved in between.",
    )
    allocation_rule: Text = "mass"
    outputs: list[OutputRow] = []
    energy: list[EnergyRow] = []
    materials: list[MaterialRow] = []
    drivers: list[DriverRow] = []


class Bulk(Schema):
    items: list[SiteYearIn]
    replace_submitted: bool = Field(
        False,
        description="true: replace the data of site-years already submitted (they go back to "
        "draft and must be submitted again); false: such items are refused with 409",
    )


class ItemProblem(Schema):
    item: int
    messages: list[str]


class ItemOutcome(Schema):
    item: int = Field(description="the item's position in `items`, from 1")
    site: str
    year: int
    status: str = Field(
        description="what saving does: new, draft (changes a draft), submitted (changes "
        "submitted data), unchanged (the same data as stored: nothing written)"
    )
    must_resubmit: bool = Field(
        description="the year's submitted data were (or would be) replaced: it is a draft "
        "again and must be submitted again on its page"
    )
    page: str = Field(description="the page where the year is checked and submitted")
    changes: dict[str, Any] | None = Field(
        None,
        description="rows added, removed and changed per section (outputs, energy, materials, "
        "drivers), old → new, as stored",
    )


class StaleItem(Schema):
    item: int = Field(description="the item's position in `items`, from 1")
    message: str
    current_version: int = Field(description="the version stored now: read it, merge, resend")
    updated_by: str
    updated_at: str | None


class BulkResult(Schema):
    saved: int
    unchanged: int = 0
    problems: list[ItemProblem]
    items: list[ItemOutcome] = []
    must_resubmit: list[ItemOutcome] = []
    conflicts: list[ItemOutcome] = Field(
        [], description="with 409: the items that would replace submitted data, with the changes"
    )
    stale: list[StaleItem] = Field(
        [], description="with 409: the items whose year was saved by someone since `version`"
    )
    message: str = ""


class _Rollback(Exception):
    pass


def _site(request: HttpRequest, item: SiteYearIn) -> Site | None:
    # Only the sites the caller may see: another enterprise's sites are "not found", the same
    # answer as for sites that do not exist.
    return (
        selectors.site_list(viewer=request.user)
        .filter(enterprise__tax_code=item.tax_code.strip(), name=item.site.strip())
        .first()
    )


def _outcome(index: int, site: Site, year: int, change: changes.YearChange) -> dict[str, Any]:
    return {
        "item": index,
        "site": site.name,
        "year": year,
        "status": change.status,
        "must_resubmit": change.status == changes.SUBMITTED,
        "page": reverse("resources:site_year_edit", args=[site.pk, year]),
        "changes": change.to_json() if change.status != changes.UNCHANGED else None,
    }


@router.post(
    "/site-years",
    # 422: BulkResult names the items with a problem; Invalid, a body that is not a Bulk at all.
    response=answers(BulkResult, write=True, s409=BulkResult | Conflict, s422=BulkResult | Invalid),
    summary="Save many site-years at once",
)
def submit_site_years(request: HttpRequest, payload: Bulk) -> Status:
    """Save many site-years at once: all of them, or (with any problem) none.

    Each item replaces all the data stored for its site and year. Every item's `status` says
    what that did: `new`; `draft` (a draft changed); `submitted` (data already submitted were
    replaced); `unchanged` (the same data as stored: nothing written, a submitted year stays
    submitted).

    Submitted data are never replaced silently. Without `"replace_submitted": true`, a
    request with an item that would change a submitted year saves nothing and is answered
    **409** with those items in `conflicts`, each with its `changes` (rows added, removed and
    changed, old → new). With it, those years are replaced and go back to draft: they leave the
    province's figures until they are checked and submitted again on their `page`; the answer
    lists them in `must_resubmit`.

    No lost updates: an item that gives the `version` it read is refused if the year was saved
    since (someone else's rows would be dropped). The request then saves nothing and is
    answered **409** with the item in `stale`, naming who saved and when, and the
    `current_version`: read the year again, merge, and resend.

    **422**: an item has a problem (named by section, row and field); nothing is saved.
    """
    problems: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for index, item in enumerate(payload.items, start=1):
                site = _site(request, item)
                if site is None:
                    problems.append(
                        {
                            "item": index,
                            "messages": [
                                _("No site “%(site)s” of the enterprise with tax code %(tax)s.")
                                % {"site": item.site, "tax": item.tax_code}
                            ],
                        }
                    )
                    continue
                try:
                    written = services.site_year_write(
                        actor=signed_in_user(request),
                        site=site,
                        year=item.year,
                        allocation_rule=item.allocation_rule,
                        outputs=[r.dict() for r in item.outputs],
                        energy=[r.dict() for r in item.energy],
                        materials=[r.dict() for r in item.materials],
                        drivers=[r.dict() for r in item.drivers],
                        is_demo=site.is_demo,
                        replace_submitted=payload.replace_submitted,
                        expected_version=item.version,
                    )
                    outcomes.append(_outcome(index, site, item.year, written.change))
                except StaleEdit as exc:
                    stale.append(
                        {
                            "item": index,
                            "message": exc.messages[0],
                            "current_version": exc.current_version,
                            "updated_by": exc.updated_by,
                            "updated_at": exc.updated_at.isoformat() if exc.updated_at else None,
                        }
                    )
                except PermissionDenied:
                    problems.append(
                        {"item": index, "messages": [_("You are not allowed to do this.")]}
                    )
                except services.SubmittedDataChange as exc:
                    conflicts.append(_outcome(index, site, item.year, exc.change))
                except ValidationError as exc:
                    problems.append({"item": index, "messages": exc.messages})
            if problems or conflicts or stale:
                raise _Rollback
    except _Rollback:
        if problems:
            return Status(
                422,
                {
                    "saved": 0,
                    "problems": problems,
                    "conflicts": conflicts,
                    "stale": stale,
                    "message": _("Nothing was saved: correct the items named."),
                },
            )
        if stale:
            return Status(
                409,
                {
                    "saved": 0,
                    "problems": [],
                    "conflicts": conflicts,
                    "stale": stale,
                    "message": " ".join(s["message"] for s in stale),
                },
            )
        return Status(
            409,
            {
                "saved": 0,
                "problems": [],
                "conflicts": conflicts,
                "message": ngettext(
                    "Nothing was saved: %(count)s item replaces data already submitted. Send "
                    'the request again with "replace_submitted": true to replace them; those '
                    "years then go back to draft and must be submitted again.",
                    "Nothing was saved: %(count)s items replace data already submitted. Send "
                    'the request again with "replace_submitted": true to replace them; those '
                    "years then go back to draft and must be submitted again.",
                    len(conflicts),
                )
                % {"count": len(conflicts)},
            },
        )
    resubmit = [o for o in outcomes if o["must_resubmit"]]
    saved = sum(1 for o in outcomes if o["status"] != changes.UNCHANGED)
    return Status(
        200,
        {
            "saved": saved,
            "unchanged": len(outcomes) - saved,
            "problems": [],
            "items": outcomes,
            "must_resubmit": resubmit,
            "message": ngettext(
                "%(count)s year's submitted data were replaced: it is a draft again and must "
                "be submitted again.",
                "%(count)s years' submitted data were replaced: they are drafts again and must "
                "be submitted again.",
                len(resubmit),
            )
            % {"count": len(resubmit)}
            if resubmit
            else "",
        },
    )


@router.get("/efficiency", response=answers(dict[str, Any]))
def efficiency_of_year(
    request: HttpRequest, year: int, baseline: int | None = None, include_drafts: bool = False
) -> dict[str, Any]:
    """Every enterprise's and sector's figures for the year (coordinators only): submitted
    site years only, unless `include_drafts` counts the drafts too (`drafts_counted` says so)."""
    if not permissions.can_view_efficiency(request.user):
        raise PermissionDenied
    for value in (year, baseline):
        if value is not None and not years.in_range(value):
            raise Http404
    return efficiency.to_json(
        efficiency.compute(
            year, baseline_setting=baseline, drafts=include_drafts, final=figures_final(year)
        )
    )


@router.get("/sites/{site_id}/years/{year}", response=answers(dict[str, Any]))
def site_year_data(request: HttpRequest, site_id: Id, year: Int) -> dict[str, Any]:
    """One site year as stored (its enterprise and the coordinators only), with its `version`:
    send it back with the year's item in POST /site-years so that a save based on an older
    read is refused (409) instead of dropping rows saved in between. 404: not stored yet
    (send version 0)."""
    site = get_object_or_404(selectors.site_list(viewer=request.user), pk=site_id)
    site_year = get_object_or_404(site.resource_years, year=year)
    return {
        "site": site.name,
        "year": year,
        "state": site_year.state,
        "version": site_year.version,
        "allocation_rule": site_year.allocation_rule,
        "outputs": [
            {
                "product": o.product,
                "category": o.category.key,
                "month": o.month,
                "quantity": str(o.quantity),
                "unit": o.unit,
            }
            for o in site_year.outputs.select_related("category")
        ],
        "energy": [
            {
                "carrier": e.carrier.key,
                "month": e.month,
                "quantity": str(e.quantity),
                "unit": e.unit,
                "product": e.product,
            }
            for e in site_year.energy.select_related("carrier")
        ],
        "materials": [
            {
                "material": m.material,
                "product": m.product,
                "month": m.month,
                "quantity": str(m.quantity),
                "unit": m.unit,
            }
            for m in site_year.materials.all()
        ],
        "drivers": [
            {"name": d.name, "month": d.month, "value": str(d.value)}
            for d in site_year.drivers.all()
        ],
    }
