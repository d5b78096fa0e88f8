"""Display helpers of the progress pages."""

from __future__ import annotations

from typing import Any

from django import template

from benvung.indicators.registry import note_text

register = template.Library()


@register.filter
def note_texts(notes: Any) -> str:
    """A result's stored notes, in the reader's language, as one sentence after another."""
    return " ".join(note_text(n) for n in notes or [])
