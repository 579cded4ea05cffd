"""`gp-reader bookmark`, `gp-reader mark` and `gp-reader state`: the reader's own data."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.articles.model import Article
from reader.cli.output import print_json
from reader.errors import ReaderError
from reader.sanitise import for_terminal, json_for_terminal
from reader.store.export import InvalidExport
from reader.store.state import StateStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("bookmark", help="bookmark posts to read later")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="bookmark a post")
    a.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    a.add_argument("--note", metavar="TEXT", help="a note to keep with the bookmark")
    a.set_defaults(func=run_bookmark_add)
    a = actions.add_parser("remove", help="remove a bookmark")
    a.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    a.set_defaults(func=run_bookmark_remove)
    a = actions.add_parser("list", help="list bookmarks, newest first")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.set_defaults(func=run_bookmark_list)
    from reader.cli.highlights import register_bookmark_note

    register_bookmark_note(actions)

    p = commands.add_parser("mark", help="mark posts read or unread")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, read in (("read", True), ("unread", False)):
        a = actions.add_parser(name, help=f"mark posts {name}")
        a.add_argument("ids", metavar="ID", nargs="+", help="the posts' ids (see `gp-reader list`)")
        a.set_defaults(func=run_mark, read=read)

    p = commands.add_parser("state", help="export, import or locate your bookmarks and state")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("export", help="write everything as JSON (stdout by default)")
    a.add_argument("file", metavar="FILE", nargs="?", help="write here instead of stdout")
    a.set_defaults(func=run_export)
    a = actions.add_parser("import", help="merge an export into your state (- for stdin)")
    a.add_argument(
        "file", metavar="FILE", help="a file `gp-reader state export` wrote (- reads stdin)"
    )
    a.set_defaults(func=run_import)
    a = actions.add_parser("path", help="print where the store lives")
    a.set_defaults(func=run_path)


@contextlib.contextmanager
def open_store() -> Iterator[StateStore]:
    """The store, with any notice (a damaged file moved aside) printed to stderr."""
    with StateStore.open() as store:
        for notice in store.notices:
            print(f"gp-reader: {for_terminal(notice, single_line=True)}", file=sys.stderr)
        yield store


def filter_by_state(articles: list[Article], unread: bool, bookmarked: bool) -> list[Article]:
    """`gp-reader list --unread / --bookmarked`: keep the posts in that state."""
    with open_store() as store:
        if unread:
            read = store.read_ids()
            articles = [a for a in articles if a.id not in read]
        if bookmarked:
            marked = store.bookmarked_ids()
            articles = [a for a in articles if a.id in marked]
    return articles


def run_bookmark_add(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus

    article = load_corpus().get(args.id)
    with open_store() as store:
        existed = store.bookmark(article.id) is not None
        store.add_bookmark(article.id, article.title, note=args.note)
    if not existed:
        print(f"bookmarked: {for_terminal(article.title, single_line=True)}")
    elif args.note is not None:
        print(f"updated the note on: {for_terminal(article.title, single_line=True)}")
    else:
        print(f"already bookmarked: {for_terminal(article.title, single_line=True)}")
    return 0


def run_bookmark_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        mark = store.bookmark(args.id)
        if mark is None:
            from reader.articles.bundled import load_corpus

            load_corpus().get(args.id)  # an unknown id is an error of its own (exit 2)
            raise ReaderError(f"{args.id} is not bookmarked")
        store.remove_bookmark(args.id)
    print(f"removed bookmark: {for_terminal(mark.title, single_line=True)}")
    return 0


def run_bookmark_list(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    with open_store() as store:
        marks = store.bookmarks()
    rows: list[dict[str, Any]] = []
    for mark in marks:
        article = corpus.find(mark.article_id)
        rows.append(
            {
                "id": mark.article_id,
                # The current title while the post exists; the remembered one once it is gone.
                "title": article.title if article else mark.title,
                "note": mark.note,
                "created": mark.created,
                "missing": article is None,
            }
        )
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no bookmarks yet; add one with `gp-reader bookmark add ID`", file=sys.stderr)
        return 0
    id_width = max(len(r["id"]) for r in rows)
    for r in rows:
        line = f"{r['created'][:10]}  {r['id']:{id_width}}  {r['title']}"
        if r["missing"]:
            line += "  [missing: no longer in the corpus]"
        if r["note"]:
            line += f"  — {r['note']}"
        print(for_terminal(line, single_line=True))
    return 0


def run_mark(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus

    corpus = load_corpus()
    ids = list(dict.fromkeys(corpus.get(i).id for i in args.ids))  # all valid, or none marked
    with open_store() as store:
        if args.read:
            store.mark_read(ids)
        else:
            store.mark_unread(ids)
    what = "read" if args.read else "unread"
    print(f"marked {what}: {len(ids)} post{'s' if len(ids) != 1 else ''}")
    return 0


def _export_target(name: str) -> Path:
    """Where `state export FILE` writes: through a symlink to the file it points at (the
    link stays a link); never over a device, pipe or folder; never into a folder that is
    not there (a mistyped path is an error, not a new tree of folders)."""
    import os
    import stat

    target = Path(os.path.realpath(Path(name).expanduser()))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ReaderError(f"cannot write {name}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise ReaderError(f"cannot write {name}: it is {what}; nothing was written", exit_code=2)
    if not target.parent.is_dir():
        raise ReaderError(
            f"cannot write {name}: the folder {target.parent} does not exist; nothing was written",
            exit_code=2,
        )
    return target


def run_export(args: argparse.Namespace) -> int:
    with open_store() as store:
        document = store.export_state()
    text = json_for_terminal(document) + "\n"
    if args.file is None or args.file == "-":
        sys.stdout.write(text)
        return 0
    from reader.files import write_atomically

    target = _export_target(args.file)
    try:
        write_atomically(target, text, make_parents=False)
    except OSError as exc:
        raise ReaderError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    counts = ", ".join(
        f"{key.replace('_', ' ')}: {len(document[key])}"
        for key in ("bookmarks", "read_state", "history", "saved_searches", "highlights")
    )
    print(f"exported to {args.file}: {counts}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    name = "stdin" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise ReaderError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReaderError(f"{name}: not UTF-8 text; nothing was imported") from None
    except json.JSONDecodeError as exc:
        raise ReaderError(f"{name}: not valid JSON ({exc}); nothing was imported") from None
    except RecursionError:
        raise ReaderError(f"{name}: its JSON is nested too deeply; nothing was imported") from None
    except ValueError as exc:  # a number of thousands of digits, and the like
        raise ReaderError(f"{name}: not usable JSON ({exc}); nothing was imported") from None
    with open_store() as store:
        try:
            summary = store.import_state(document)
        except InvalidExport as exc:
            raise ReaderError(f"{name}: {exc}; nothing was imported") from None
    print(f"imported {name}: {summary.describe()}")
    return 0


def run_path(args: argparse.Namespace) -> int:
    from reader import paths

    print(paths.state_db())
    return 0
