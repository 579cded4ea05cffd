"""Start the real app (the corpus and library of $XDG_DATA_HOME) headless, the way
`gp-reader` starts it (reader.ui.launch.run_app); exit after the first full frame; print
the phases in seconds since the process started."""

from __future__ import annotations

import json
import os
import time

START = time.perf_counter()


def main() -> None:
    from reader.ui import launch

    imported_launch = time.perf_counter()
    marks = {}
    make_session = launch.make_session

    def timed_make_library():
        marks["imported"] = time.perf_counter()  # run_app imports the app, then loads
        session = make_session()
        marks["loaded"] = time.perf_counter()
        marks["posts"] = len(session.corpus)
        return session

    launch.make_session = timed_make_library
    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen

    first_frame_drawn = ReaderApp.first_frame_drawn

    def drawn(app):
        marks["frame"] = time.perf_counter()
        os.write(1, b"FRAME\n")  # straight to the file: the app holds sys.stdout
        first_frame_drawn(app)
        app.exit()

    ReaderApp.first_frame_drawn = drawn
    MainScreen._warm_search = lambda self: None  # the index opens after the first frame
    launch.run_app(headless=True, size=(120, 40))
    print(
        json.dumps(
            {
                "imports": marks["imported"] - START,
                "load": marks["loaded"] - marks["imported"],
                "first_frame": marks["frame"] - START,
                "posts": marks["posts"],
                "_launch": imported_launch - START,
            }
        )
    )


if __name__ == "__main__":
    main()
