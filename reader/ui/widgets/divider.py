"""The line between the list and the post: drag it to make the list wider or narrower."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widget import Widget


class Divider(Widget):
    """Posts `Dragged` with the pointer's column while dragged, `Released` when let go;
    the screen decides the width and keeps it."""

    class Dragged(Message):
        def __init__(self, screen_x: int) -> None:
            super().__init__()
            self.screen_x = screen_x

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Divider.Dragged)  # only the latest place matters

    class Released(Message):
        """The drag is over: the width it left is the reader's choice."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._dragging = False

    def render(self) -> str:
        return ""  # the line is the widget's border, drawn by the stylesheet

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._dragging = True
        self.capture_mouse()
        self.add_class("-dragging")
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.post_message(self.Dragged(event.screen_x))
            event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            self.remove_class("-dragging")
            self.post_message(self.Released())
            event.stop()
