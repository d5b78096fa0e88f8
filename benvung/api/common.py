"""What every router shares: the error bodies and the status codes each kind of operation can
answer, so that the OpenAPI documents every answer the API gives."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

READ_SCOPE = "read"
WRITE_SCOPE = "write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The largest integer a database column holds (PostgreSQL bigint): a larger id or year in a
# request is a 422, not a database error.
MAX_INT = 2**63 - 1
MAX_OFFSET = 2**31 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000; no field of ours has a use for it.
    if "\x00" in value:
        raise ValueError(_("The text contains a NUL character (U+0000)."))
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Int = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


class Error(Schema):
    detail: str = Field(description="what went wrong, in the user's language")


class Problem(Schema):
    loc: list[str | int] = Field(
        description='where: ["body", field] for a field of the request body, ["query", name] '
        "for a query parameter"
    )
    msg: str
    type: str


class Invalid(Schema):
    """422: the request was understood but cannot be saved as it is (nothing was saved)."""

    detail: list[Problem]


class Conflict(Schema):
    """409: the record changed since the client read it (its `version` is older)."""

    detail: str
    current_version: int | None = Field(
        None, description="the stored version: read the record again, merge, send this version"
    )
    updated_by: str | None = None
    updated_at: str | None = Field(None, description="ISO 8601 date and time")


# Every operation behind authentication can answer these; reads and writes add their own.
_SIGNED_IN: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Invalid, 429: Error}


def answers(ok: Any, *, write: bool = False, public: bool = False, **more: Any) -> dict[int, Any]:
    """The `response=` of an operation: its success body and every error it can answer.

    `write`: a request body is parsed (400 when it is not JSON) and versions are checked (409).
    `public`: no sign-in, so no 401 or 403.
    """
    codes: dict[int, Any] = {200: ok}
    if public:
        codes.update({404: Error, 422: Invalid, 429: Error})
    else:
        codes.update(_SIGNED_IN)
    if write:
        codes.update({400: Error, 409: Conflict})
    codes.update({int(k.removeprefix("s")): v for k, v in more.items()})
    return codes


def problems_of(exc: ValidationError) -> list[dict[str, Any]]:
    """A service's ValidationError as the documented 422 body, field by field."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", name], "msg": message, "type": "invalid"}
            for name, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"loc": ["body"], "msg": message, "type": "invalid"} for message in exc.messages]


def is_write(request: HttpRequest) -> bool:
    return request.method not in SAFE_METHODS


def paged(items: Any, limit: int, offset: int, row: Any) -> dict[str, Any]:
    """One page of a list: how many there are in all, and the rows from `offset`."""
    return {"count": items.count(), "items": [row(o) for o in items[offset : offset + limit]]}


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
