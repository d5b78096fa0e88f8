"""What a browser would send back from a page's form, read from the HTML (for tests)."""

from __future__ import annotations

from html.parser import HTMLParser

Values = dict[str, list[str]]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Values] = []
        self._form: Values | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        if self._form is not None:
            self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        elif tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value") or "on")
                return
            self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
            if self._form is not None:
                self._form.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea and self._form is not None:
                # Django starts a textarea's content with a newline that browsers drop.
                text = self._form[self._textarea][-1]
                self._form[self._textarea][-1] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_values(html: str, having: str) -> dict[str, str | list[str]]:
    """The values of the first form with a field `having`, as the test client posts them
    (one value a name, or a list for multiple ones)."""
    parser = _Forms()
    parser.feed(html)
    for values in parser.forms:
        if having in values:
            return {k: v[0] if len(v) == 1 else v for k, v in values.items()}
    raise AssertionError(f"no form with a field {having!r}")
