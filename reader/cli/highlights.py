"""`gp-reader highlight add/list/remove/note` and `gp-reader bookmark note`."""

from __future__ import annotations

import argparse

from reader.cli.output import print_json
from reader.cli.state import open_store
from reader.sanitise import for_terminal


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("highlight", help="highlight passages of posts, with notes")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="highlight a passage, given as its exact words")
    a.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    a.add_argument("--quote", metavar="TEXT", required=True, help="the passage, as in the post")
    a.add_argument("--note", metavar="TEXT", help="a note on it")
    a.set_defaults(func=run_add)
    a = actions.add_parser("list", help="highlights, newest first (one post's, given its ID)")
    a.add_argument(
        "id", metavar="ID", nargs="?", help="only this post's highlights (default: every post's)"
    )
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.set_defaults(func=run_list)
    a = actions.add_parser("remove", help="remove a highlight (its id, or its id's start)")
    a.add_argument(
        "hid",
        metavar="HID",
        help="the highlight's id, or its start (see `gp-reader highlight list`)",
    )
    a.set_defaults(func=run_remove)
    a = actions.add_parser("note", help="set a highlight's note ('' removes it)")
    a.add_argument(
        "hid",
        metavar="HID",
        help="the highlight's id, or its start (see `gp-reader highlight list`)",
    )
    a.add_argument("text", metavar="TEXT", help="the note ('' removes it)")
    a.set_defaults(func=run_note)


def register_bookmark_note(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = actions.add_parser("note", help="set a bookmark's note ('' removes it); bookmarks too")
    a.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    a.add_argument("text", metavar="TEXT", help="the note ('' removes it)")
    a.set_defaults(func=run_bookmark_note)


def run_add(args: argparse.Namespace) -> int:
    from reader.annotations import highlight_quote
    from reader.articles.bundled import load_corpus

    article = load_corpus().get(args.id)
    with open_store() as store:
        highlight, places = highlight_quote(store, article, args.quote, args.note)
    more = f" (the first of {places} places it is)" if places > 1 else ""
    print(for_terminal(f"highlighted in {article.title}{more}: {highlight.id}", single_line=True))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from reader.annotations import place, place_all
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    with open_store() as store:
        found = place(store, corpus.get(args.id)) if args.id else place_all(store, corpus)
    rows = [
        {
            "id": h.id,
            "article_id": h.article_id,
            "quote": h.quote,
            "note": h.note,
            "created": h.created,
            "updated": h.updated,
            "detached": h.detached,
        }
        for h in found
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no highlights yet; add one with `gp-reader highlight add ID --quote TEXT`")
        return 0
    for h in found:
        article = corpus.find(h.article_id)
        title = article.title if article else f"{h.article_id} (no longer in the library)"
        quote = " ".join(h.quote.split())
        quote = quote if len(quote) <= 100 else quote[:97] + "..."
        flag = "  [detached: no longer found in the post]" if h.detached else ""
        print(for_terminal(f"{h.id}  {h.created[:10]}  {title}{flag}", single_line=True))
        print(for_terminal(f"    “{quote}”", single_line=True))
        if h.note:
            print(for_terminal(f"    note: {' '.join(h.note.split())}", single_line=True))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        highlight = store.find_highlight(args.hid)
        store.remove_highlight(highlight.id)
    quote = " ".join(highlight.quote.split())
    shown = f"{quote[:60]}{'...' if len(quote) > 60 else ''}"
    print(for_terminal(f"removed highlight {highlight.id}: “{shown}”", single_line=True))
    return 0


def run_note(args: argparse.Namespace) -> int:
    with open_store() as store:
        highlight = store.set_highlight_note(store.find_highlight(args.hid).id, args.text)
    print(f"{'noted' if highlight.note else 'removed the note on'} highlight {highlight.id}")
    return 0


def run_bookmark_note(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus

    article = load_corpus().get(args.id)
    with open_store() as store:
        existed = store.bookmark(article.id) is not None
        store.set_bookmark_note(article.id, article.title, args.text)
    said = "noted" if args.text.strip() else "removed the note on"
    title = for_terminal(article.title, single_line=True)
    print(f"{said} the bookmark{'' if existed else ' (now bookmarked)'}: {title}")
    return 0
