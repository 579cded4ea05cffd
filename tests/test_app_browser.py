"""`o` and links: a graphical browser opens in the background; a text browser runs with the
app suspended; with none, the address is copied instead of a promise nothing keeps."""

from __future__ import annotations

import webbrowser

from textual.app import App

from reader.ui.browser import open_address

HOSTILE = "https://example.org/a\x1b]52;c;ZWNobyBoaQ==\x07[@click=app.quit]x[/]"


class Bare(App[None]):
    pass


class Refusing(webbrowser.BaseBrowser):
    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        return False


def no_browser(*_: object) -> webbrowser.BaseBrowser:
    raise webbrowser.Error("could not locate runnable browser")


async def test_with_no_browser_the_address_is_copied_and_said(monkeypatch):
    monkeypatch.setattr(webbrowser, "get", no_browser)
    app = Bare()
    async with app.run_test():
        message = open_address(app, "https://ockham.healthcare/blog/")
        assert (
            message
            == "No web browser found; the address is copied: https://ockham.healthcare/blog/"
        )
        assert app.clipboard == "https://ockham.healthcare/blog/"


async def test_a_browser_that_fails_is_not_reported_as_opening(monkeypatch):
    monkeypatch.setattr(webbrowser, "get", lambda *_: Refusing("refusing"))
    app = Bare()
    async with app.run_test():
        message = open_address(app, "https://ockham.healthcare/blog/")
        assert message.startswith("The browser did not open; the address is copied")
        assert app.clipboard == "https://ockham.healthcare/blog/"


async def test_a_text_browser_is_never_run_inside_the_app_without_a_terminal(monkeypatch):
    # lynx/w3m would take over the app's terminal; headless there is none to hand over.
    ran: list[str] = []
    lynx = webbrowser.GenericBrowser("lynx")
    monkeypatch.setattr(lynx, "open", lambda url, *a, **k: ran.append(url) or True)
    monkeypatch.setattr(webbrowser, "get", lambda *_: lynx)
    app = Bare()
    async with app.run_test():
        message = open_address(app, "https://ockham.healthcare/blog/")
    assert ran == [] and message.startswith("The browser did not open")


async def test_the_address_shown_is_sanitised(monkeypatch):
    monkeypatch.setattr(webbrowser, "get", no_browser)
    app = Bare()
    async with app.run_test():
        message = open_address(app, HOSTILE)
    assert "\x1b" not in message and "\x07" not in message


async def test_only_web_addresses_reach_the_browser(monkeypatch):
    opened: list[str] = []

    class Browser(webbrowser.BaseBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda *_: Browser("b"))
    app = Bare()
    async with app.run_test():
        for url in ("javascript:alert(1)", "file:///etc/passwd", "vscode://x/y"):
            assert open_address(app, url).startswith("Not a web address")
        assert open_address(app, "https://ockham.healthcare/").startswith("Opening")
    assert opened == ["https://ockham.healthcare/"]
