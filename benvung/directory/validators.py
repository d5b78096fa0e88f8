"""Checks on identifiers, with messages that say what is wrong in the user's language."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.vn import mst


def clean_tax_code(value: str) -> str:
    """The compact tax code (10 or 13 digits) or a ValidationError explaining the fault."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Enter the tax code."), code="required")
    try:
        return mst.validate(raw)
    except InvalidLength:
        message = _(
            "Tax code %(value)s is not valid: a tax code has 10 digits, or for a branch 10 "
            "digits, a dash and 3 more digits."
        )
    except InvalidChecksum:
        message = _(
            "Tax code %(value)s is not valid: its check digit does not match. Check that it "
            "was typed correctly."
        )
    except (InvalidFormat, InvalidComponent):
        message = _("Tax code %(value)s is not valid: it may contain only digits and a dash.")
    raise ValidationError(message, code="invalid", params={"value": raw})
