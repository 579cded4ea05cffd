"""`gp-reader search` and `gp-reader index`."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager

from reader.errors import ReaderError


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "search",
        help="search every post",
        description="Search every post. Plain words must all match; see README 'Searching' "
        'for "phrases", OR, NOT/-word, prefix*, word~, title: category: topic: date:.',
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="what to look for")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--limit", type=_positive_int, default=10, metavar="N", help="at most N hits")
    p.add_argument(
        "--as-you-type",
        action="store_true",
        help="treat the last word as a prefix, as the app's search bar does",
    )
    p.set_defaults(func=run_search)

    p = commands.add_parser("index", help="build or update the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from scratch")
    p.set_defaults(func=run_index)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


@contextmanager
def _progress_bar(enabled: bool, label: str = "indexing"):
    """A rich progress bar for work that takes more than a moment (stderr, TTY only).

    Yields `progress(done, total, label=None)`; a label renames the step under way.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(label, total=None)

    def update(done: int, total: int, label: str | None = None) -> None:
        progress.update(task, completed=done, total=total, description=label or None)

    with progress:
        yield update


def _open(rebuild: bool = False):
    from reader.search import open_corpus_index

    with _progress_bar(sys.stderr.isatty()) as progress:
        index, corpus = open_corpus_index(rebuild=rebuild, progress=progress)
    for notice in index.notices:
        print(f"gp-reader: {notice}", file=sys.stderr)
    return index, corpus


def run_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    if not text.strip():
        raise ReaderError("empty query", exit_code=2)
    index, _ = _open()
    results = index.search(text, limit=args.limit, as_you_type=args.as_you_type)
    if results.notice:
        print(f"gp-reader: {results.notice}", file=sys.stderr)
    if args.json:
        json.dump(results.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not results.hits:
        print(f"No results for {text!r}.")
    else:
        shown = len(results.hits)
        print(
            f"{results.total} result{'' if results.total == 1 else 's'} for {text!r}"
            + (f", top {shown}" if shown < results.total else "")
        )
        for hit in results.hits:
            print()
            print(f"{hit.title}  [{hit.id}]")
            print(f"  {hit.category} · {hit.date or 'date unknown'} · score {hit.score:.2f}")
            print(f"  {hit.marked_snippet()}")
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}?")
    return 0


def run_index(args: argparse.Namespace) -> int:
    index, corpus = _open(rebuild=args.rebuild)
    print(f"search index ready: {index.doc_count} posts")
    index.close()
    return 0
