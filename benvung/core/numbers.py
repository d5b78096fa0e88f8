"""Numbers as people type them: 1.234,5 (Vietnamese), 1234.5 (a machine), 1 234,5."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format


def parse_decimal(value: Any) -> Decimal | None:
    """The number in `value`, or None when it is not one.

    A comma is the decimal separator (dots and spaces then group thousands); without a comma,
    a single dot is a decimal point (as files and programs write it) and several dots group
    thousands (1.234.567).
    """
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        return number if number.is_finite() else None
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def for_input(value: Decimal | float | int | None) -> str:
    """A stored number as it is shown in a form field: the language's decimal mark, no
    grouping, no trailing zeros (176,66 in Vietnamese)."""
    if value is None:
        return ""
    number = value.normalize() if isinstance(value, Decimal) else Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=False)
