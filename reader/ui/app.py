"""The Textual app: themes, the palette, and the main screen. Everything else is elsewhere."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import App
from textual.theme import Theme

from reader import paths
from reader.session import Session
from reader.ui.commands import ReaderCommands
from reader.ui.screens.main import MainScreen
from reader.ui.typeahead import TypeAhead

THEMES = {
    "dark": Theme(
        name="gp-dark",
        primary="#5fa8d3",
        secondary="#8fbc8f",
        accent="#e0b050",
        foreground="#e4e4e4",
        background="#1b1d21",
        surface="#23262b",
        panel="#2c3036",
        warning="#e0b050",
        error="#e06c6c",
        success="#8fbc8f",
        dark=True,
    ),
    "light": Theme(
        name="gp-light",
        primary="#1f5f8b",
        secondary="#3d7a3d",
        accent="#a0620a",
        foreground="#1d1d1d",
        background="#fbfaf7",
        surface="#f1efe9",
        panel="#e6e2d8",
        warning="#a0620a",
        error="#b03030",
        success="#3d7a3d",
        dark=False,
    ),
}


class ReaderApp(App):
    TITLE = "gp-reader"
    CSS_PATH = [str(paths.styles_dir() / "app.tcss")]
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        session: Session,
        theme: str = "dark",
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self._on_first_frame = on_first_frame
        # Chosen before the first style pass: set later, the change of theme would parse
        # every stylesheet again.
        for choice in THEMES.values():
            self.register_theme(choice)
        self.theme = THEMES[theme].name
        # Keys typed before the first frame: held, then handled in order (TypeAhead).
        self._type_ahead = TypeAhead()

    async def on_event(self, event: events.Event) -> None:
        if self._type_ahead.hold(event, self):
            return
        bubbled = isinstance(event, events.Key) and event.is_forwarded
        await super().on_event(event)
        self._type_ahead.handled(self, event, bubbled)

    def on_mount(self) -> None:
        # From now on a change of theme (the palette's) is the reader's choice: kept.
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme) -> None:
        from reader.settings import save_theme

        for choice, ours in THEMES.items():
            if theme.name == ours.name:
                try:
                    save_theme(choice)
                except OSError as exc:
                    self.notify(
                        f"Could not remember the theme: {exc}", severity="warning", markup=False
                    )

    def get_system_commands(self, screen):
        """Textual's own palette commands, less its Theme (twenty themes not drawn for
        this app, beside the palette's own 'Theme: light' and 'Theme: dark')."""
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield command

    def first_frame_drawn(self) -> None:
        """Called by the main screen once its first frame is on the screen."""
        self._type_ahead.release(self)
        if self._on_first_frame is not None:
            callback, self._on_first_frame = self._on_first_frame, None
            callback()

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.session)


def build_app(
    session: Session, theme: str = "dark", on_first_frame: Callable[[], None] | None = None
) -> ReaderApp:
    """The app over a session: used by `gp-reader` and by the tests over tmp dirs."""
    return ReaderApp(session, theme=theme, on_first_frame=on_first_frame)
