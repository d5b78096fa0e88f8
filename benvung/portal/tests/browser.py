"""The site served to a real browser in tests: Debian's chromium driven by Playwright, and a
server thread sharing the test's database connection (benvung/portal/tests/test_accessibility.py
says why). Used by every browser test: the public pages' accessibility, the documents' pages on a
phone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import close_old_connections, connections

T = TypeVar("T")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- The server -------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SharedConnectionServer:
    """The site on a free loopback port, in a thread using the caller's database connection."""

    def __init__(self) -> None:
        # Not threaded: Django then answers "Connection: close", so one request runs at a time.
        self.httpd = WSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(WSGIHandler()))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._connection = connections["default"]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        connections["default"] = self._connection
        self.httpd.serve_forever(poll_interval=0.1)

    def __enter__(self) -> SharedConnectionServer:
        # Each request would otherwise close the connection, and the transaction with it.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self._connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)
        self._connection.dec_thread_sharing()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# --- The browser ------------------------------------------------------------------------------


class Browser:
    """Chromium, driven from a thread of its own.

    Playwright's sync API keeps an event loop running in the thread that uses it, and Django
    refuses database work in such a thread (the tests' transactions are database work).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright: Any = None
        self._browser: Any = None

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        return self._pool.submit(fn, *args).result(timeout=60)

    def start(self, sync_api: Any) -> None:
        self._playwright = self.call(lambda: sync_api.sync_playwright().start())
        self._browser = self.call(
            lambda: self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        )

    def stop(self) -> None:
        if self._browser is not None:
            self.call(self._browser.close)
        if self._playwright is not None:
            self.call(self._playwright.stop)
        self._pool.shutdown()

    def open(self, url: str, *, javascript: bool) -> Any:
        """In the browser's thread: a new context (no cookies shared) with `url` loaded."""
        context = self._browser.new_context(java_script_enabled=javascript, locale="vi-VN")
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response and response.status)
        return page
