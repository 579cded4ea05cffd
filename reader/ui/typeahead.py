"""Keys handled one at a time, in order: those typed before the first frame, and those
that arrive together afterwards.

The terminal holds what the reader types while Python starts. Textual reads it all at
once and hands it to a screen not yet mounted, which takes the keys itself rather than
giving them to its focused widget: `/` then `federation` searched for nothing, `f`
opened find in the post and `m` marked it read. Here such keys are held until the
first frame, then given back one at a time: a key goes out only once the one before it
has been through its widget and its bindings (it bubbled back to the app, or a widget
stopped it), so a `/` that moves the focus to the search bar has moved it before the
next letter is routed. Into a text input (the search bar) the rest go at once: an
input takes letters in order and moves no focus.

The same holds later. Textual routes each key to the widget focused when the key
arrives, and runs the bindings when it comes back up: keys that arrive together (typed
while a post renders, or sent at once by tmux or a paste of keys) all went to the old
focus. `/maggots` in one go focused the search bar and lost every letter; `h l v`
turned the passage cursor on in the post and left the keys in the list. So a key that
arrives while another is still on its way is held until that one is through.
"""

from __future__ import annotations

import time
from collections import deque

from textual import events
from textual.app import App
from textual.widgets import Input

# A key neither back nor stopped after this long (dropped with a widget that went away)
# no longer holds up the keys behind it.
GIVE_UP_SECONDS = 0.5


class TypeAhead:
    def __init__(self) -> None:
        self._ready = False  # the first frame is drawn
        self._out: events.Key | None = None  # given to the widgets, not yet through
        self._out_since = 0.0
        self._pending: deque[events.Key] = deque()

    def hold(self, event: events.Event, app: App | None = None) -> bool:
        """Whether the app should keep this event for later: a key before the app is
        ready, or while the key before it is still on its way."""
        if not isinstance(event, events.Key) or event.is_forwarded or event is self._out:
            return False
        if self._out is not None and time.monotonic() - self._out_since > GIVE_UP_SECONDS:
            # Lost on its way (its screen went before the check ran): it holds up no key
            # typed later, whatever became of the check.
            self._out = None
            if app is not None:
                self._next(app)
        if self._ready and self._out is None and not self._pending:
            return False  # nothing ahead of it: `handled` sees it on its way
        if not self._ready and event.key == "ctrl+j":
            # Typed before Textual took the terminal out of its line mode, Enter was
            # turned into a line feed (the terminal's ICRNL), which reads as Ctrl+J.
            event = events.Key("enter", "\r")
        self._pending.append(event)
        return True

    def release(self, app: App) -> None:
        """The app is ready: give the held keys back."""
        if self._ready:
            return
        self._ready = True
        self._next(app)

    def handled(self, app: App, event: events.Event, bubbled: bool) -> None:
        """The app has handled an event; `bubbled`: it came back up from the widgets.
        The key given back, come back: the next one."""
        if not isinstance(event, events.Key):
            return
        if bubbled:
            if event is self._out:
                self._out = None
                self._next(app)
            return
        if not self._ready:
            return
        if event.is_forwarded:  # gone to the focused widget: on its way until it is back
            if event is not self._out:
                self._out, self._out_since = event, time.monotonic()
                app.call_after_refresh(self._stopped, app, event)
        elif event is self._out or self._out is None:  # a priority binding took it
            self._out = None
            self._next(app)

    def _next(self, app: App) -> None:
        pending = self._pending
        if app.return_code is not None:  # quitting (q, then more keys): they go with it
            pending.clear()
        if not pending:
            return
        if isinstance(app.focused, Input):
            while pending:
                app.post_message(_again(pending.popleft(), app))
            return
        self._out, self._out_since = _again(pending.popleft(), app), time.monotonic()
        app.post_message(self._out)
        app.call_after_refresh(self._stopped, app, self._out)

    def _stopped(self, app: App, key: events.Key) -> None:
        """A key a widget stopped never bubbles back: go on once it is seen stopped."""
        if key is not self._out:
            return
        # Message has no public "was stopped"; without the attribute, go on now
        stopped = getattr(key, "_stop_propagation", True)
        if stopped or time.monotonic() - self._out_since > GIVE_UP_SECONDS:
            self.handled(app, key, bubbled=True)
        else:
            app.call_after_refresh(self._stopped, app, key)


def _again(key: events.Key, app: App) -> events.Key:
    # Sent by the app, as the driver's keys are: made elsewhere, the maker would be the
    # sender, and Textual stops a message's bubbling at its sender.
    return events.Key(key.key, key.character).set_sender(app)
