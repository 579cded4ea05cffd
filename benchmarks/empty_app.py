"""The reference for start-up: an empty Textual app that draws one line."""

import os
import sys

from textual.app import App
from textual.widgets import Static


class EmptyApp(App):
    def compose(self):
        yield Static("EMPTY-APP-READY")

    def on_mount(self) -> None:
        if "--exit-after-first-frame" in sys.argv:
            self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        os.write(1, b"FRAME\n")  # straight to the file: the app holds sys.stdout
        self.exit()


if __name__ == "__main__":
    EmptyApp().run(headless="--headless" in sys.argv)
