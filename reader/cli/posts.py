"""`gp-reader list` and `gp-reader show`: the corpus from the command line."""

from __future__ import annotations

import argparse
import sys

from reader.articles.bundled import load_corpus
from reader.articles.model import Article, byline, shown_date
from reader.cli.output import print_json
from reader.sanitise import for_terminal


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("list", help="list posts, newest first")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--category", metavar="NAME", help="only posts in this category")
    p.add_argument("--topic", metavar="NAME", help="only posts with this topic")
    p.add_argument("--unread", action="store_true", help="only posts not marked read")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked posts")
    p.set_defaults(func=run_list)

    p = commands.add_parser("show", help="print one post as Markdown")
    p.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    p.add_argument("--json", action="store_true", help="print a JSON object with the body")
    p.set_defaults(func=run_show)


def list_fields(article: Article) -> dict[str, object]:
    return {
        "id": article.id,
        "title": article.title,
        "title_is_derived": article.title_is_derived,
        "category": article.category,
        "topics": list(article.topics),
        "date": article.date,
        "words": article.words,
        "source": article.source,
        "url": article.url or None,
    }


def print_article_lines(articles: list[Article]) -> None:
    """One line a post: date, id, title; the same layout for every listing command."""
    id_width = max((len(a.id) for a in articles), default=0)
    for a in articles:
        title = for_terminal(a.title, single_line=True)
        print(f"{shown_date(a.date) or '—':10}  {for_terminal(a.id):{id_width}}  {title}")


def run_list(args: argparse.Namespace) -> int:
    corpus = load_corpus()
    articles = corpus.select(category=args.category, topic=args.topic)
    if getattr(args, "unread", False) or getattr(args, "bookmarked", False):
        from reader.cli.state import filter_by_state

        articles = filter_by_state(articles, unread=args.unread, bookmarked=args.bookmarked)
    if args.json:
        print_json([list_fields(a) for a in articles])
    else:
        print_article_lines(articles)
    return 0


def article_markdown(article: Article) -> str:
    """The post as Markdown, cleaned for the terminal (--json prints it exactly)."""
    title = for_terminal(article.title, single_line=True)
    return for_terminal(f"# {title}\n\n*{byline(article)}*\n\n{article.body}")


def run_show(args: argparse.Namespace) -> int:
    article = load_corpus().get(args.id)
    if args.json:
        data = list_fields(article) | {"body": article.body}
        print_json(data)
    elif sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        # No OSC 8 hyperlinks: a link's target would be hidden behind its text.
        markdown = Markdown(article_markdown(article), hyperlinks=False)
        Console().print(markdown, width=min(100, Console().width))
    else:
        sys.stdout.write(article_markdown(article))
    return 0
