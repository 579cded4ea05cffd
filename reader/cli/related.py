"""`gp-reader related`: the posts most like one post, from the search index."""

from __future__ import annotations

import argparse
import sys

from reader.articles.bundled import load_corpus
from reader.sanitise import for_terminal

RELATED_LIMIT = 5


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "related",
        help="the posts most like one post",
        description="The five posts most like one post, best first, never the post itself: "
        "those closest in meaning (the model search uses), or without the model whoosh's "
        "more-like-this on the body's key terms.",
    )
    p.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    p.add_argument("--json", action="store_true", help="print a JSON array of {id, title, score}")
    p.set_defaults(func=run_related)


def run_related(args: argparse.Namespace) -> int:
    from reader.cli.output import print_json, progress_bar
    from reader.search import SearchIndex

    corpus = load_corpus()
    # An unknown id fails here, naming close ids, before the index is opened.
    article = corpus.get(args.id)
    with progress_bar(sys.stderr.isatty()) as progress:
        index = SearchIndex.open(corpus.articles, corpus.fingerprint, progress=progress)
    for notice in index.notices:
        print(f"gp-reader: {for_terminal(notice, single_line=True)}", file=sys.stderr)
    try:
        related = index.related(article.id, limit=RELATED_LIMIT)
    finally:
        index.close()
    if args.json:
        data = [{"id": i, "title": title, "score": round(score, 4)} for i, title, score in related]
        print_json(data)
        return 0
    if not related:
        print(f"No posts like “{for_terminal(article.title, single_line=True)}”.")
        return 0
    print(f"Posts like “{for_terminal(article.title, single_line=True)}”:")
    width = max(len(i) for i, _, _ in related)
    for related_id, title, _ in related:
        print(for_terminal(f"  {related_id:{width}}  {title}", single_line=True))
    return 0
