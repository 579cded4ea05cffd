"""The one exception type the CLI turns into a clean one-line message."""


class ReaderError(Exception):
    """A problem the user can act on. Printed as one line, never as a traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
