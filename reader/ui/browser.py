"""Opening a web address from the app, as a terminal reader should.

Python's webbrowser picks a graphical browser when there is a display and a text one
(www-browser, lynx, w3m, links, elinks, or a $BROWSER command) when there is not. A
graphical browser starts in the background; a text browser runs in this terminal and
would fight the app for it, so the app is suspended while it runs (as newsboat does).
With no browser at all, the address is copied to the clipboard and shown instead of a
promise ("Opening ...") that nothing keeps.
"""

from __future__ import annotations

import webbrowser

from textual.app import App, SuspendNotSupported

from reader.sanitise import for_terminal


def open_address(app: App[object], url: str) -> str:
    """Open `url` in a browser; the one line to tell the reader what happened."""
    shown = for_terminal(url, single_line=True)
    if not url.lower().startswith(("http://", "https://")):
        # A post's link from a file (javascript:, file:, a local program's scheme) is
        # never handed to the browser; the address is there to copy by hand.
        app.copy_to_clipboard(url)
        return f"Not a web address, so not opened (copied): {shown}"
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        app.copy_to_clipboard(url)
        return f"No web browser found; the address is copied: {shown}"
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    ):
        # A browser that runs in this terminal until it exits (lynx, w3m, $BROWSER).
        try:
            with app.suspend():
                opened = browser.open(url)
        except SuspendNotSupported:  # no terminal to hand over (tests, the web driver)
            opened = False
        return f"Back from the browser: {shown}" if opened else _failed(app, url, shown)
    try:
        opened = browser.open(url)
    except OSError:
        opened = False
    return f"Opening {shown}" if opened else _failed(app, url, shown)


def _failed(app: App[object], url: str, shown: str) -> str:
    app.copy_to_clipboard(url)
    return f"The browser did not open; the address is copied: {shown}"
