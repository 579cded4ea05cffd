"""`gp-reader glossary`: what the posts' acronyms stand for."""

from __future__ import annotations

import argparse
from collections import Counter

from reader.articles.bundled import load_corpus
from reader.articles.glossary import GlossaryEntry, count_posts, load_glossary
from reader.cli.output import print_json


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("glossary", help="explain the acronyms the posts use")
    p.add_argument(
        "term",
        metavar="TERM",
        nargs="?",
        help="an acronym or its expansion, any case (default: every term)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array of {term, expansion, explanation, posts}",
    )
    p.set_defaults(func=run_glossary)


def entry_fields(entry: GlossaryEntry, posts: int) -> dict[str, object]:
    return {
        "term": entry.term,
        "expansion": entry.expansion,
        "explanation": entry.explanation,
        "posts": posts,
    }


def _posts_label(n: int) -> str:
    return f"{n} post" if n == 1 else f"{n} posts"


def run_glossary(args: argparse.Namespace) -> int:
    glossary = load_glossary()
    # Look the term up before loading the corpus: a mistyped term fails fast.
    entries = [glossary.get(args.term)] if args.term is not None else list(glossary)
    counts: Counter[str] = count_posts(load_corpus(), glossary)
    if args.json:
        data = [entry_fields(e, counts[e.term]) for e in entries]
        print_json(data)
        return 0
    width = max(len(e.term) for e in entries)
    for entry in entries:
        print(f"{entry.term:{width}}  {entry.expansion} ({_posts_label(counts[entry.term])})")
        print(f"{'':{width}}  {entry.explanation}")
    return 0
