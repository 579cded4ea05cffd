"""Keys typed before the first frame, handled once the main screen is ready, in order.

The terminal holds what the reader types while Python starts. Textual reads it all at
once and hands it to a screen not yet mounted, which takes the keys itself rather than
giving them to its focused widget: `/` then `federation` searched for nothing, `f`
opened find in the post and `m` marked it read. Here such keys are held until the
first frame, then given back one at a time: a key goes out only once the one before it
has been through its widget and its bindings (it bubbled back to the app, or a widget
stopped it), so a `/` that moves the focus to the search bar has moved it before the
next letter is routed. Into a text input (the search bar) the rest go at once: an
input takes letters in order and moves no focus.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App
from textual.widgets import Input


class TypeAhead:
    def __init__(self) -> None:
        self._held: deque[events.Key] | None = deque()  # None: the app is ready
        self._out: events.Key | None = None  # given back, not yet through
        self._pending: deque[events.Key] = deque()

    def hold(self, event: events.Event) -> bool:
        """Whether the app should keep this event for later (a key, before it is ready)."""
        if self._held is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        self._held.append(event)
        return True

    def release(self, app: App) -> None:
        """The app is ready: give the held keys back."""
        if self._held is None:
            return
        held, self._held = self._held, None
        self._pending = held
        self._next(app)

    def handled(self, app: App, event: events.Event, bubbled: bool) -> None:
        """The app has handled an event; `bubbled`: it came back up from the widgets.
        The key given back, come back: the next one."""
        if bubbled and event is self._out:
            self._out = None
            self._next(app)

    def _next(self, app: App) -> None:
        pending = self._pending
        if not pending:
            return
        if isinstance(app.focused, Input):
            while pending:
                app.post_message(_again(pending.popleft(), app))
            return
        self._out = _again(pending.popleft(), app)
        app.post_message(self._out)
        app.call_after_refresh(self._stopped, app, self._out)

    def _stopped(self, app: App, key: events.Key) -> None:
        """A key a widget stopped never bubbles back: go on once it is seen stopped."""
        if key is not self._out:
            return
        # Message has no public "was stopped"; without the attribute, go on now
        if getattr(key, "_stop_propagation", True):
            self.handled(app, key, bubbled=True)
        else:
            app.call_after_refresh(self._stopped, app, key)


def _again(key: events.Key, app: App) -> events.Key:
    # Typed before Textual took the terminal out of its line mode, Enter was turned into
    # a line feed (the terminal's ICRNL), which Textual reads as Ctrl+J.
    if key.key == "ctrl+j":
        key = events.Key("enter", "\r")
    # Sent by the app, as the driver's keys are: made elsewhere, the maker would be the
    # sender, and Textual stops a message's bubbling at its sender.
    return events.Key(key.key, key.character).set_sender(app)
