"""A private tmux server for end-to-end tests (own socket, no user config): a tmux
already running on the machine, or its default size, cannot change what the test sees."""

from __future__ import annotations

import subprocess
import time
import uuid


class Terminal:
    def __init__(self, name: str, timeout: float = 20.0) -> None:
        self.socket = f"gp-reader-{name}-" + uuid.uuid4().hex[:8]
        self.timeout = timeout

    def tmux(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], **kwargs)

    def screen(self, session: str) -> str:
        done = self.tmux("capture-pane", "-p", "-t", session, capture_output=True, text=True)
        return done.stdout

    def wait_for(self, session: str, text: str, timeout: float | None = None) -> str:
        """Poll the terminal until `text` is on it (the app has drawn that state)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            shown = self.screen(session)
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen(session)}")

    def wait_for_gone(self, session: str, text: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        while text in self.screen(session):
            if time.monotonic() > deadline:
                shown = self.screen(session)
                raise AssertionError(f"{text!r} never went; the screen was:\n{shown}")
            time.sleep(0.05)
