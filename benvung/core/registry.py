"""Plug-in points: what each app contributes to the shared parts of the site.

A domain app never edits a central list. It declares what it brings in its own `hooks.py`
(indicator measures, table importers, audit labels, menu entries, annual-report sections, demo
data, roles), by calling `register` on the registry that the consuming app owns. The consuming
code asks its registry for the entries; the first question imports every installed app's
`hooks` module, as Django's admin does with `admin.py` (`autodiscover_modules`).

Registries are keyed: registering the same key twice is a programming error, reported at once
rather than letting one app silently replace another's entry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

from django.utils.module_loading import autodiscover_modules

T = TypeVar("T")

HOOKS_MODULE = "hooks"

_discovered = False
_discovering = threading.RLock()


def autodiscover() -> None:
    """Import `<app>.hooks` for every installed app, once per process."""
    global _discovered
    if _discovered:
        return
    with _discovering:
        if _discovered:
            return
        # Set first: a hooks module that reads a registry while being imported must not
        # start a second discovery (it sees what is registered so far).
        _discovered = True
        try:
            autodiscover_modules(HOOKS_MODULE)
        except BaseException:
            _discovered = False
            raise


class AlreadyRegistered(Exception):
    pass


class Registry(Generic[T]):
    """Entries of one kind, in registration order (apps in INSTALLED_APPS order)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        if key in self._entries and self._entries[key] is not entry:
            raise AlreadyRegistered(f"{self.kind} {key!r} is registered twice")
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        """For tests that plug a throw-away entry in and take it out again."""
        self._entries.pop(key, None)

    def get(self, key: str) -> T:
        autodiscover()
        return self._entries[key]

    def __contains__(self, key: object) -> bool:
        autodiscover()
        return key in self._entries

    def items(self) -> list[tuple[str, T]]:
        autodiscover()
        return list(self._entries.items())

    def values(self) -> list[T]:
        autodiscover()
        return list(self._entries.values())

    def keys(self) -> list[str]:
        autodiscover()
        return list(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(self.values())

    def __len__(self) -> int:
        autodiscover()
        return len(self._entries)
