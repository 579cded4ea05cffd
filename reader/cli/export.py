"""`gp-reader export highlights` (Markdown) and `gp-reader export epub` (a reading pack)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.state import open_store
from reader.errors import ReaderError
from reader.sanitise import for_terminal

if TYPE_CHECKING:
    from reader.articles.bundled import Corpus
    from reader.articles.model import Article
    from reader.store.state import StateStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("export", help="your highlights as Markdown; posts as an EPUB")
    kinds = p.add_subparsers(dest="kind", metavar="WHAT", required=True)
    a = kinds.add_parser("highlights", help="highlights and notes as Markdown (stdout by default)")
    a.add_argument("--post", metavar="ID", help="one post's highlights only")
    a.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    a.set_defaults(func=run_highlights)
    a = kinds.add_parser(
        "epub",
        help="posts as an EPUB 3 reading pack, highlights marked",
        # argparse cannot break the one-of group across lines: 96 columns on its own.
        usage="%(prog)s [-h]\n       (--bookmarked | --post ID [ID ...] | --topic NAME | "
        "--search QUERY)\n       --output FILE [--title TEXT]",
    )
    which = a.add_mutually_exclusive_group(required=True)
    which.add_argument("--bookmarked", action="store_true", help="every bookmarked post")
    which.add_argument("--post", metavar="ID", nargs="+", help="these posts, in this order")
    which.add_argument("--topic", metavar="NAME", help="every post with this topic")
    which.add_argument("--search", metavar="QUERY", help="the posts a search finds, best first")
    a.add_argument("--output", metavar="FILE", required=True, help="the .epub file to write")
    a.add_argument("--title", metavar="TEXT", help="the book's title")
    a.set_defaults(func=run_epub)


def run_highlights(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus
    from reader.export.files import highlights_text, write_highlights

    corpus = load_corpus()
    post = corpus.get(args.post) if args.post else None
    with open_store() as store:
        if args.output and args.output != "-":
            written = write_highlights(store, corpus, Path(args.output), post)
            n, posts = written.highlights, written.posts
            print(
                f"exported {n} highlight{'s' if n != 1 else ''} from {posts} "
                f"post{'s' if posts != 1 else ''} to {args.output}",
                file=sys.stderr,
            )
            return 0
        text, _, _ = highlights_text(store, corpus, post)
    sys.stdout.write(for_terminal(text))  # a file gets it exactly; the screen, clean
    return 0


def _chosen(
    args: argparse.Namespace, corpus: Corpus, store: StateStore
) -> tuple[list[Article], str]:
    from reader.export.files import bookmarked_articles, searched_articles

    if args.bookmarked:
        articles = bookmarked_articles(store, corpus)
        if not articles:
            raise ReaderError("no bookmarked posts (bookmark some with b, or `bookmark add`)", 2)
        return articles, "bookmarked posts"
    if args.post:
        ids = list(dict.fromkeys(args.post))
        return [corpus.get(i) for i in ids], "chosen posts"
    if args.topic:
        from reader.articles.bundled import _match_name

        name = _match_name(args.topic, corpus.topics, "topic")
        return corpus.select(topic=name), f"topic: {name}"
    from reader.cli.search import _open

    index, _ = _open()
    return searched_articles(index, corpus, args.search), f"search: {args.search}"


def run_epub(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus
    from reader.export.files import write_epub

    corpus = load_corpus()
    with open_store() as store:
        articles, selection = _chosen(args, corpus, store)
        title = args.title or f"gp-reader: {selection}"
        written = write_epub(store, articles, title, selection, Path(args.output))
    print(written.summary("posts"), file=sys.stderr)
    return 0
