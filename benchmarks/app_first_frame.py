"""Start the real app (the corpus and library of $XDG_DATA_HOME) headless; exit after the
first full frame; print the phases in seconds since the process started."""

from __future__ import annotations

import json
import os
import time

START = time.perf_counter()


def main() -> None:
    from reader.ui.launch import make_library

    imported_launch = time.perf_counter()
    from reader.ui.app import build_app
    from reader.ui.screens.main import MainScreen

    imported = time.perf_counter()
    library = make_library()
    loaded = time.perf_counter()
    marks = {}
    original = MainScreen.on_mount

    def on_mount(self):
        original(self)

        def drawn():
            marks["frame"] = time.perf_counter()
            os.write(1, b"FRAME\n")  # straight to the file: the app holds sys.stdout
            self.app.exit()

        self.call_after_refresh(drawn)

    MainScreen.on_mount = on_mount
    MainScreen._warm_search = lambda self: None  # the index opens after the first frame
    build_app(library).run(headless=True, size=(120, 40))
    library.close()
    print(
        json.dumps(
            {
                "imports": imported - START,
                "load": loaded - imported,
                "first_frame": marks["frame"] - START,
                "posts": len(library.corpus),
                "_launch": imported_launch - START,
            }
        )
    )


if __name__ == "__main__":
    main()
