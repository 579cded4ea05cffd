"""`gp-reader related`: the posts most like one post, from the search index."""

from __future__ import annotations

import argparse
import json
import sys

from reader.articles.bundled import load_corpus

RELATED_LIMIT = 5


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "related",
        help="the posts most like one post",
        description="The five posts most like one post (whoosh more-like-this on the body's "
        "key terms), best first; never the post itself.",
    )
    p.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    p.add_argument("--json", action="store_true", help="print a JSON array of {id, title, score}")
    p.set_defaults(func=run_related)


def run_related(args: argparse.Namespace) -> int:
    from reader.cli.search import _progress_bar
    from reader.search import SearchIndex

    corpus = load_corpus()
    # An unknown id fails here, naming close ids, before the index is opened.
    article = corpus.get(args.id)
    with _progress_bar(sys.stderr.isatty()) as progress:
        index = SearchIndex.open(corpus.articles, corpus.fingerprint, progress=progress)
    for notice in index.notices:
        print(f"gp-reader: {notice}", file=sys.stderr)
    try:
        related = index.related(article.id, limit=RELATED_LIMIT)
    finally:
        index.close()
    if args.json:
        data = [{"id": i, "title": title, "score": round(score, 4)} for i, title, score in related]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not related:
        print(f"No posts like “{article.title}”.")
        return 0
    print(f"Posts like “{article.title}”:")
    width = max(len(i) for i, _, _ in related)
    for related_id, title, _ in related:
        print(f"  {related_id:{width}}  {title}")
    return 0
