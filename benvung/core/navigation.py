"""The main menu: entries that each app registers from its `hooks.py`, with who sees them.

`templates/base.html` shows the entries visible to the viewer, in their order. An entry's
`visible` predicate is one of the contributing app's permission functions, so the menu shows a
page to exactly the users the page lets in; core itself knows no roles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from .registry import Registry

# The signed-in User or Django's AnonymousUser. Core may not import accounts (where User lives),
# so the viewer is not named here; each predicate types it as its app does.
Viewer = Any

END = "end"  # the section placed at the far end of the bar (sign in)


def everyone(user: Viewer) -> bool:
    return True


def signed_in(user: Viewer) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def anonymous(user: Viewer) -> bool:
    return not signed_in(user)


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[Viewer], bool]
    # Arguments of the URL that depend on the viewer (their own organisation's page).
    url_args: Callable[[Viewer], Sequence[Any]] | None = None
    section: str = ""


@dataclass(frozen=True)
class MenuLink:
    """An entry as the template shows it to one viewer."""

    key: str
    label: str
    url: str
    section: str


MENU: Registry[MenuEntry] = Registry("menu entry")


def register(entry: MenuEntry) -> MenuEntry:
    return MENU.register(entry.key, entry)


def menu_for(user: Viewer) -> list[MenuLink]:
    """The entries `user` may see, in order (ties keep the order apps registered them in)."""
    entries = sorted(MENU.values(), key=lambda e: e.order)
    return [
        MenuLink(
            key=entry.key,
            label=str(entry.label),
            url=reverse(entry.url_name, args=entry.url_args(user) if entry.url_args else ()),
            section=entry.section,
        )
        for entry in entries
        if entry.visible(user)
    ]
