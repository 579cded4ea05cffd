"""`gp-reader import` and `gp-reader library list/remove`: the reader's own library."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from reader.cli.output import progress_bar
from reader.errors import ReaderError
from reader.sanitise import for_terminal

if TYPE_CHECKING:
    from reader.sources.planner import ImportReport
    from reader.store.posts import PostStore

LISTED = 10  # duplicates and skipped posts named one by one, at most


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "import",
        help="add saved pages, feeds, post pages or Markdown files to your library",
        description="Add posts to your library from page captures (.txt), RSS/Atom feeds "
        "(.xml/.rss/.atom), saved post pages (.html) and Markdown files with front matter "
        "(.md); folders are searched for such files. Each file is imported or refused on "
        "its own: a refused file is named with its reason, the rest go in, and the exit "
        "status is 1 when any file was refused.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--dry-run", action="store_true", help="report what would be added")
    p.add_argument(
        "--category",
        metavar="NAME",
        help="category for the posts of text captures (over the page's own)",
    )
    p.add_argument(
        "--newest-year",
        type=int,
        metavar="YEAR",
        help="year of the newest post, for pages that show days and months but no year "
        "(a page's own year, as in 'Archive for July, 2013', wins)",
    )
    p.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="add nothing at all if any file is refused (for scripts)",
    )
    p.add_argument(
        "--max-file-size",
        type=_megabytes,
        default=None,
        metavar="MB",
        help="refuse files larger than this many megabytes (default: 20)",
    )
    p.add_argument(
        "--fetch-full-text",
        action="store_true",
        help="fetch the page of each post a feed gives only as a summary and keep its full "
        "text (as `gp-reader sync` does); offline, the summaries stay",
    )
    p.set_defaults(func=run_import)

    group = commands.add_parser("library", help="what you have imported")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="the files you imported, with their posts")
    p.set_defaults(func=run_library_list)
    p = actions.add_parser("remove", help="remove the posts imported from a file")
    p.add_argument("source", metavar="SOURCE", help="a file as `gp-reader library list` shows it")
    p.set_defaults(func=run_library_remove)


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of megabytes: {text!r}") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 100000")
    return value


def run_import(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus
    from reader.sources.planner import plan_import, write_plan
    from reader.sources.readers import ReadOptions
    from reader.store.posts import PostStore

    corpus = load_corpus()
    existing = PostStore.open_existing()
    rows = existing.rows() if existing else []
    options = ReadOptions(category=args.category, newest_year=args.newest_year)
    if args.max_file_size is not None:
        options.max_bytes = int(args.max_file_size * 1024 * 1024)
    with progress_bar(sys.stderr.isatty(), "reading") as progress:
        report, plan = plan_import(args.paths, corpus, rows, options, progress=progress)
    for path, why in report.failed:
        line = f"gp-reader: cannot import {path}: {why}"
        print(for_terminal(line, single_line=True), file=sys.stderr)
    refused = 1 if report.failed else 0
    if refused and args.all_or_nothing:
        print("gp-reader: nothing was imported (--all-or-nothing)", file=sys.stderr)
        return 1
    _print_details(report)
    print(report.summary(dry_run=args.dry_run))
    if args.dry_run:
        return refused
    # --fetch-full-text: the summaries among these files' posts, new or held already
    # (imported before without the flag).
    wanted = {post_id for _, _, post_id, _ in report.outcomes} if args.fetch_full_text else set()
    if not (plan.rows or plan.sources):
        if existing is not None and wanted and _summaries_among(existing, wanted):
            _fetch_full_texts(existing, wanted)
            _update_index()
        return refused
    store = existing or PostStore.open()
    write_plan(plan, store)
    if wanted and _summaries_among(store, wanted):
        _fetch_full_texts(store, wanted)
    elif report.summaries:
        print("  (`gp-reader sync`, or --fetch-full-text, fetches their full text)")
    _update_index()
    return refused


def _summaries_among(store: PostStore, ids: set[str]) -> bool:
    return not set(store.summaries()).isdisjoint(ids)


def _fetch_full_texts(store: PostStore, ids: set[str]) -> None:
    """The full text of the summaries just imported, from their pages. Whatever fails,
    the import stands: the summaries stay, and `gp-reader sync` tries them again."""
    from reader.sources.web.fulltext import fetch_full_texts
    from reader.sources.web.http import Cancelled, PoliteClient, pause_from_env

    try:
        with (
            PoliteClient(pause=pause_from_env()) as client,
            progress_bar(sys.stderr.isatty(), "fetching full texts") as progress,
        ):
            full = fetch_full_texts(store, client, ids=ids, progress=progress)
    except (KeyboardInterrupt, Cancelled):
        print("gp-reader: stopped fetching full texts; the import is kept", file=sys.stderr)
        return
    print(for_terminal(full.summary(), single_line=True))
    for line in full.lines():
        print(for_terminal(line, single_line=True))
    if full.unreachable:
        print("  offline? the summaries stay; `gp-reader sync` fetches them when online")


def _print_details(report: ImportReport) -> None:
    for label, items in (("duplicate", report.duplicates), ("skipped", report.skipped)):
        for what, why in items[:LISTED]:
            what = _shortened(what)
            line = (
                f"  {label}: {what} ({why})"
                if label == "skipped"
                else f"  {label}: {what}  [{why}]"
            )
            print(for_terminal(line, single_line=True))
        if len(items) > LISTED:
            print(f"  … and {len(items) - LISTED} more {label}")
    for post_id, title in report.fuller[:LISTED]:
        print(for_terminal(f"  fuller text kept: {title}  [{post_id}]", single_line=True))
    for post_id, title in report.summaries[:LISTED]:
        line = f"  summary only: {_shortened(title)}  [{post_id}] (the feed gives only its opening)"
        print(for_terminal(line, single_line=True))


def _shortened(what: str) -> str:
    from reader.sources.readers import SKIPPED_NAME_MAX

    what = " ".join(what.split())
    return what if len(what) <= SKIPPED_NAME_MAX else what[: SKIPPED_NAME_MAX - 1] + "…"


def _update_index() -> None:
    """Bring the search index up to date with the library (only what changed is written)."""
    from reader.cli.search import _open

    index, _ = _open()
    index.close()


def _find_source(given: str, store: PostStore) -> str:
    from pathlib import Path

    sources = [info.source for info in store.sources()]
    if given in sources:
        return given
    resolved = str(Path(given).expanduser().resolve())
    if resolved in sources:
        return resolved
    named = [s for s in sources if Path(s).name == given]
    if len(named) == 1:
        return named[0]
    hint = "; `gp-reader library list` shows them" if sources else "; you have imported nothing"
    raise ReaderError(f"no imported file {given!r}{hint}", exit_code=2)


def run_library_list(args: argparse.Namespace) -> int:
    from reader.store.posts import PostStore

    store = PostStore.open_existing()
    infos = store.sources() if store else []
    if not infos:
        print("You have imported nothing yet (see `gp-reader import --help`).")
        return 0
    for info in infos:
        posts = f"{info.posts:5} post" + ("" if info.posts == 1 else "s")
        line = f"{info.imported[:10]}  {info.kind:8}  {posts:11}  {info.source}"
        print(for_terminal(line, single_line=True))
    return 0


def run_library_remove(args: argparse.Namespace) -> int:
    from reader.store.posts import PostStore

    store = PostStore.open_existing()
    if store is None:
        raise ReaderError("you have imported nothing yet", exit_code=2)
    source = _find_source(args.source, store)
    removed, kept = store.remove_source(source)
    print(
        for_terminal(
            f"removed {len(removed)} post{'s' if len(removed) != 1 else ''} imported from {source}"
            + (f"; {len(kept)} kept (another file has them too)" if kept else ""),
            single_line=True,
        )
    )
    _update_index()
    return 0
