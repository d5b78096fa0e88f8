"""Numbers as people type them, read one way everywhere (forms, Excel imports, the API).

Accepted: the Vietnamese way (a dot groups thousands, a comma marks decimals: 1.234,5 and
1.234.567; spaces may group too) and a machine's plain numbers (1234.5, JSON numbers, 1e-3).
Refused, with the readings offered: what could mean two different numbers ("1.234", "1,234") and
the English grouping ("1,234.5", "1,234,567"), which the Vietnamese reading would turn into a
number a thousand times too small.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# One group of three after the first one to three digits: a thousands separator or a decimal?
_ONE_GROUP = re.compile(r"^(?P<int>[1-9]\d{0,2})[.,](?P<dec>\d{3})$")
_VI_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$")  # 1.234.567 and 1.234,5
_VI_DECIMAL = re.compile(r"^\d+(?:,\d+)?$")  # 1234,5
_EN_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")  # 1,234,567 and 1,234.5
_MACHINE = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")  # 1234.5, 1e-30


class NumberProblem(ValueError):
    """Why a value is not read as a number, in the user's language."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def read_decimal(value: Any, *, places: int | None = None) -> Decimal:
    """The number in `value`, or NumberProblem saying why there is none.

    With `places` (the decimals the field stores), a number other than zero that would be
    stored as zero is refused rather than silently lost.
    """
    number = _read(value)
    if places is not None:
        smallest = Decimal(1).scaleb(-places)
        if number and not number.quantize(smallest, ROUND_HALF_UP):
            raise NumberProblem(
                _(
                    "“%(value)s” is smaller than the smallest value this field can store "
                    "(%(smallest)s); write 0 or a value of at least %(smallest)s."
                )
                % {"value": _typed(value), "smallest": _vi(smallest)}
            )
    return number


def parse_decimal(value: Any) -> Decimal | None:
    """The number in `value`, or None when it is not one or could be read two ways."""
    try:
        return _read(value)
    except NumberProblem:
        return None


def _typed(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _vi(number: Decimal) -> str:
    """A number the Vietnamese way, every decimal kept (0,0001)."""
    return number_format(number, use_l10n=True, force_grouping=False)


def _read(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise NumberProblem(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        # A number a program sent (JSON, an Excel cell): it means what it says.
        number = Decimal(str(value))
        if not number.is_finite():
            raise NumberProblem(_("“%(value)s” is not a number.") % {"value": value})
        return number
    typed = str(value or "").strip()
    text = typed.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    sign = ""
    if text[:1] in ("-", "+", "−"):
        sign, text = ("-" if text[0] != "+" else ""), text[1:]
    if not text:
        raise NumberProblem(_("“%(value)s” is not a number.") % {"value": typed})
    one_group = _ONE_GROUP.match(text)
    if one_group:
        whole = sign + one_group["int"] + one_group["dec"]
        decimal = sign + one_group["int"] + "," + one_group["dec"]
        raise NumberProblem(
            _(
                "“%(value)s” can be read two ways: %(whole)s (a thousands separator) or "
                "%(decimal)s (a decimal). Write %(whole)s for the whole number, or %(safe)s "
                "for the decimal (the Vietnamese way, with a zero added so it cannot be "
                "misread)."
            )
            % {"value": typed, "whole": whole, "decimal": decimal, "safe": decimal + "0"}
        )
    if _EN_GROUPED.match(text) and "," in text:
        english = Decimal(text.replace(",", ""))
        readings = {
            "value": typed,
            "english": sign + _vi(english),
            "grouped": sign + number_format(english, use_l10n=True, force_grouping=True),
        }
        if "." in text:
            # The Vietnamese reading takes the dot for a thousands separator: 1,2345.
            raise NumberProblem(
                _(
                    "“%(value)s” mixes the English way of writing numbers with the Vietnamese "
                    "way: it could be read as %(english)s or as %(misread)s. If you mean "
                    "%(english)s, write %(grouped)s or %(english)s, the Vietnamese way."
                )
                % {**readings, "misread": sign + text.replace(".", "")}
            )
        raise NumberProblem(
            _(
                "“%(value)s” is written the English way, with commas between thousands. If "
                "you mean %(english)s, write %(grouped)s or %(english)s, the Vietnamese way."
            )
            % readings
        )
    if _VI_GROUPED.match(text) or _VI_DECIMAL.match(text):
        normal = text.replace(".", "").replace(",", ".")
    elif _MACHINE.match(text):
        normal = text
    else:
        raise NumberProblem(_("“%(value)s” is not a number.") % {"value": typed})
    try:
        number = Decimal(sign + normal)
    except InvalidOperation as exc:  # the patterns above let only numbers through; be safe
        raise NumberProblem(_("“%(value)s” is not a number.") % {"value": typed}) from exc
    if not number.is_finite():
        raise NumberProblem(_("“%(value)s” is not a number.") % {"value": typed})
    return number


def for_input(value: Decimal | float | int | None) -> str:
    """A stored number as it is shown in a form field: the language's decimal mark, no
    grouping, no trailing zeros (176,66 in Vietnamese)."""
    if value is None:
        return ""
    number = value.normalize() if isinstance(value, Decimal) else Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=False)
