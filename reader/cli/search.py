"""`gp-reader search` and `gp-reader index`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from reader.articles.model import shown_date
from reader.cli.output import print_json, progress_bar
from reader.errors import ReaderError
from reader.sanitise import for_terminal

if TYPE_CHECKING:
    from reader.search.index import SearchIndex


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    p.add_argument(
        "--save", metavar="NAME", help="also save the search under NAME (see `gp-reader searches`)"
    )
    p.set_defaults(func=run_search)

    p = commands.add_parser("searches", help="the saved searches, with what each finds now")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--delete", metavar="NAME", help="delete a saved search")
    p.set_defaults(func=run_searches)

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


def _open(rebuild: bool = False) -> tuple[SearchIndex, object]:
    from reader.search import open_corpus_index

    with progress_bar(sys.stderr.isatty()) as progress:
        index, corpus = open_corpus_index(rebuild=rebuild, progress=progress)
    for notice in index.notices:
        print(f"gp-reader: {for_terminal(notice, single_line=True)}", file=sys.stderr)
    return index, corpus


def run_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    if not text.strip():
        raise ReaderError("empty query", exit_code=2)
    index, _ = _open()
    results = index.search(text, limit=args.limit, as_you_type=args.as_you_type)
    if args.save is not None:
        from reader.cli.state import open_store

        with open_store() as store:
            store.save_search(args.save.strip(), text.strip())
        print(f"saved the search {text.strip()!r} as {args.save.strip()!r}", file=sys.stderr)
    if results.notice:
        print(f"gp-reader: {for_terminal(results.notice, single_line=True)}", file=sys.stderr)
    if args.json:
        print_json(results.to_json())
        return 0
    shown_query = for_terminal(text, single_line=True)
    if len(shown_query) > 80:  # a pasted page is not echoed back whole
        shown_query = shown_query[:79] + "…"
    if not results.hits:
        print(f"No results for {shown_query!r}.")
    else:
        shown = len(results.hits)
        print(
            f"{results.total} result{'' if results.total == 1 else 's'} for {shown_query!r}"
            + (f", top {shown}" if shown < results.total else "")
        )
        for hit in results.hits:
            print()
            print(for_terminal(f"{hit.title}  [{hit.id}]", single_line=True))
            # An unknown date is left out, as in the app's results.
            where = " · ".join(p for p in (hit.category, shown_date(hit.date)) if p)
            how = f" · {hit.matched_label}" if hit.matched_label else ""
            print(f"  {for_terminal(where, single_line=True)} · score {hit.score:.2f}{how}")
            print(f"  {for_terminal(hit.marked_snippet(), single_line=True)}")
    if results.suggestion:
        print(f"Did you mean: {for_terminal(results.suggestion, single_line=True)}?")
    return 0


def run_index(args: argparse.Namespace) -> int:
    index, _ = _open(rebuild=args.rebuild)
    print(f"search index ready: {index.doc_count} posts")
    index.close()
    return 0


def run_searches(args: argparse.Namespace) -> int:
    from reader.cli.state import open_store

    with open_store() as store:
        if args.delete is not None:
            if not store.delete_search(args.delete):
                raise ReaderError(f"no saved search {args.delete!r}", exit_code=2)
            print(f"deleted the saved search {args.delete!r}")
            return 0
        saved = store.saved_searches()
    if not saved:
        if args.json:
            print("[]")
        else:
            print("no saved searches; save one with `gp-reader search --save NAME QUERY`")
        return 0
    index, _ = _open()
    rows = [
        {
            "name": s.name,
            "query": s.query,
            "saved": s.saved,
            "total": index.search(s.query, limit=1).total if s.query.strip() else 0,
        }
        for s in saved
    ]
    if args.json:
        print_json(rows)
        return 0
    width = max(len(s.name) for s in saved)
    for r in rows:
        n = r["total"]
        line = f"{r['name']:{width}}  {r['query']}  ({n} post{'s' if n != 1 else ''})"
        print(for_terminal(line, single_line=True))
    return 0
