"""Display helpers: numbers grouped the way the active language writes them (1.234,5)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    """`{{ x|number:1 }}` → 1.234,5 in Vietnamese, 1,234.5 in English; empty for None."""
    if value is None or value == "":
        return ""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if decimals is not None and value.is_finite():
        # Django's number_format cuts the extra digits off (6.67 → "6,6"); round them.
        value = value.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def audit_label(action: str) -> str:
    from benvung.core.audit_labels import label_of

    return label_of(action)


@register.filter
def minutes(value: Any) -> int:
    """Whole minutes of a timedelta (or of a number of seconds)."""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value or 0)
    return max(1, round(seconds / 60))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """0.8333 → 83,3 % (in Vietnamese)."""
    if value is None or value == "":
        return ""
    return f"{number(Decimal(str(value)) * 100, decimals)} %"


@register.filter
def plain(value: Any) -> str:
    """A number without trailing zeros or grouping, as typed in a form (0,0001543; 43)."""
    from benvung.core.numbers import for_input

    if value is None or value == "":
        return ""
    return for_input(value)


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> list[Any]:
    """`{% main_menu as entries %}`: the menu entries the apps registered, for this viewer."""
    from benvung.core.navigation import menu_for

    return menu_for(context["user"])
