"""`gp-reader source ...`, `gp-reader sync` and `gp-reader open`: the reader and the web."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.output import print_json
from reader.errors import ReaderError
from reader.sanitise import for_terminal

if TYPE_CHECKING:
    from rich.progress import TaskID

    from reader.sources.web.fulltext import FullTextResult
    from reader.sources.web.http import PoliteClient
    from reader.sources.web.sync import Progress, SourceResult, Syncer
    from reader.store.posts import PostStore
    from reader.store.web import Subscription

# As reader.sources.web.http names it (not imported here: httpx is slow to load).
PAUSE_ENV = "GP_READER_SYNC_PAUSE"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = commands.add_parser("source", help="the sites gp-reader syncs")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("add", help="follow a site (its home page, a feed or a category page)")
    p.add_argument(
        "url", metavar="URL", help="the site's home page, a feed or a category page (http or https)"
    )
    p.add_argument("--name", metavar="NAME", help="what to call it (default: the site's host)")
    p.add_argument("--category", metavar="NAME", help="put its posts in this category")
    p.set_defaults(func=run_source_add)
    p = actions.add_parser("list", help="the sites gp-reader syncs")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=run_source_list)
    p = actions.add_parser("remove", help="stop syncing a site (its posts stay)")
    p.add_argument("name", metavar="NAME", help="the source's name (see `gp-reader source list`)")
    p.add_argument("--delete-posts", action="store_true", help="remove the posts it brought too")
    p.set_defaults(func=run_source_remove)
    p = actions.add_parser("import", help="follow the feeds of an OPML file")
    p.add_argument(
        "file", metavar="FILE.opml", help="an OPML list of feeds (as newsboat and Miniflux export)"
    )
    p.set_defaults(func=run_source_import)
    p = actions.add_parser("export", help="print the sources as OPML")
    p.set_defaults(func=run_source_export)

    p = commands.add_parser(
        "sync",
        help="fetch new and changed posts from the sites",
        description="Fetch new and changed posts from each source (or the named ones): the "
        "WordPress REST API where the site has it, else its feed. One request at a time per "
        "site, a pause between requests, robots.txt honoured. Ctrl+C stops; what was synced "
        "so far is kept.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="sources to sync (default: all)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--dry-run", action="store_true", help="fetch and report, change nothing")
    p.add_argument(
        "--pause",
        type=float,
        metavar="SECONDS",
        help=f"pause between requests to a site (default 1; or ${PAUSE_ENV})",
    )
    p.set_defaults(func=run_sync)

    p = commands.add_parser("open", help="open a post's page on the web in the browser")
    p.add_argument("id", metavar="ID", help="the post's id (see `gp-reader list`)")
    p.set_defaults(func=run_open)


def open_store() -> PostStore:
    """The library store with the default sources in it (added once)."""
    from reader.sources.web.subscriptions import default_subscriptions
    from reader.store.posts import PostStore

    store = PostStore.open()
    for notice in store.notices:
        print(f"gp-reader: {for_terminal(notice, single_line=True)}", file=sys.stderr)
    store.seed_subscriptions(default_subscriptions())
    return store


def _find(store: PostStore, name: str) -> Subscription:
    subs = store.subscriptions()
    for sub in subs:
        if sub.name == name:
            return sub
    folded = [s for s in subs if s.name.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    names = ", ".join(repr(s.name) for s in subs) or "none (see `gp-reader source add`)"
    raise ReaderError(f"no source named {name!r}; the sources are: {names}", exit_code=2)


def run_source_add(args: argparse.Namespace) -> int:
    from reader.sanitise import clean_text
    from reader.sources.web.subscriptions import check_url, name_for, same_site
    from reader.store.web import Subscription

    url = check_url(args.url)
    name = clean_text(args.name or name_for(url)).strip()
    if not name:
        raise ReaderError("a source's name cannot be empty", exit_code=2)
    with open_store() as store:
        for sub in store.subscriptions():
            if same_site(sub.url, url):
                raise ReaderError(f"{url} is already a source, named {sub.name!r}", exit_code=2)
        store.add_subscription(Subscription(name, url, args.category))
    where = f" (posts go in {args.category!r})" if args.category else ""
    print(for_terminal(f"added source {name!r}: {url}{where}; `gp-reader sync` fetches its posts"))
    return 0


def run_source_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        subs = store.subscriptions()
        counts: dict[str, int] = {}
        for row in store.rows():
            if row.feed:
                counts[row.feed] = counts.get(row.feed, 0) + 1
    if args.json:
        data = [
            {
                "name": s.name,
                "url": s.url,
                "category": s.category,
                "route": s.state.get("route"),
                "last_sync": s.state.get("last_sync"),
                "posts": counts.get(s.name, 0),
            }
            for s in subs
        ]
        print_json(data)
        return 0
    if not subs:
        print("No sources (see `gp-reader source add --help`).")
    for s in subs:
        last = (s.state.get("last_sync") or "never synced")[:16].replace("T", " ")
        category = f"  [{s.category}]" if s.category else ""
        line = f"{s.name}  {s.url}{category}  {counts.get(s.name, 0)} posts, {last}"
        print(for_terminal(line, single_line=True))
    return 0


def run_source_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        sub = _find(store, args.name)
        gone = store.remove_subscription(sub.name, args.delete_posts)
    if args.delete_posts:
        print(f"removed source {sub.name!r} and {gone} post{'s' if gone != 1 else ''}")
        from reader.cli.imports import _update_index

        _update_index()
    else:
        print(f"removed source {sub.name!r}; its posts, bookmarks and reading state stay")
    return 0


def run_source_import(args: argparse.Namespace) -> int:
    from reader.sources.web.subscriptions import check_url, read_opml, same_site

    found = read_opml(Path(args.file).expanduser())
    added, skipped = 0, []
    with open_store() as store:
        held = store.subscriptions()
        names = {s.name for s in held}
        for sub in found:
            try:
                check_url(sub.url)
            except ReaderError as exc:
                skipped.append(f"{sub.name}: {exc}")
                continue
            if any(same_site(h.url, sub.url) for h in held):
                skipped.append(f"{sub.name}: already a source")
                continue
            name, n = sub.name, 2
            while name in names:
                name, n = f"{sub.name} ({n})", n + 1
            held.append(store.add_subscription(type(sub)(name, sub.url, sub.category)))
            names.add(name)
            added += 1
    for line in skipped:
        print(for_terminal(f"  skipped {line}", single_line=True))
    print(for_terminal(f"added {added} source{'s' if added != 1 else ''} from {args.file}"))
    return 0


def run_source_export(args: argparse.Namespace) -> int:
    from reader.sources.web.subscriptions import write_opml

    with open_store() as store:
        sys.stdout.write(for_terminal(write_opml(store.subscriptions())))
    return 0


def _pause(args: argparse.Namespace) -> float:
    value: float
    if args.pause is not None:
        value = args.pause
    else:
        raw = os.environ.get(PAUSE_ENV)
        try:
            value = float(raw) if raw else 1.0
        except ValueError:
            raise ReaderError(f"${PAUSE_ENV} is {raw!r}, not a number of seconds", 2) from None
    if value < 0:
        raise ReaderError("--pause cannot be negative", exit_code=2)
    return value


def run_sync(args: argparse.Namespace) -> int:
    from reader.articles.bundled import load_corpus
    from reader.sources.web.http import PoliteClient
    from reader.sources.web.matching import site_key
    from reader.sources.web.sync import Syncer

    pause = _pause(args)
    with open_store() as store:
        subs = store.subscriptions()
        if args.names:
            subs = [_find(store, name) for name in dict.fromkeys(args.names)]
        if not subs:
            print("No sources to sync (see `gp-reader source add --help`).")
            return 0
        results: list[SourceResult] = []
        show = sys.stderr.isatty() and not args.json
        try:
            with (
                # A dry run changes nothing, not even the robots.txt it keeps.
                PoliteClient(pause=pause, robots_cache=None if args.dry_run else store) as client,
                _progress(show) as progress,
            ):
                syncer = Syncer(store, load_corpus, client, dry_run=args.dry_run, progress=progress)
                for sub in subs:
                    result = syncer.sync(sub)
                    results.append(result)
                    if not args.json:
                        # Errors quote addresses and text the site sent.
                        summary = result.summary(args.dry_run)
                        print(for_terminal(summary, single_line=True), flush=True)
                        for error in result.errors[:10]:
                            if not result.unreachable:
                                print(for_terminal(f"  failed: {error}", single_line=True))
                sites = {site_key(sub.url) for sub in subs} if args.names else None
                down = {site_key(r.url) for r in results if r.unreachable}
                full = _full_texts(store, client, syncer, sites, down, args, progress)
        except KeyboardInterrupt:
            print(
                "gp-reader: sync stopped; what was synced so far is kept "
                "(the next sync carries on)",
                file=sys.stderr,
            )
            _reindex(results, args.dry_run, fetched=True)  # full texts fetched before it
            return 130
    if args.json:
        data = {"sources": [r.to_json() for r in results], "full_text": full.to_json()}
        print_json(data)
    _reindex(results, args.dry_run, bool(full.fetched))
    # A summary whose page could not be had is a note, not a failed sync: it stays, and
    # the next sync tries it again.
    return 1 if any(r.errors for r in results) else 0


def _full_texts(
    store: PostStore,
    client: PoliteClient,
    syncer: Syncer,
    sites: set[str] | None,
    down: set[str],
    args: argparse.Namespace,
    progress: Progress | None,
) -> FullTextResult:
    """Fetch the full text of every summary-only post held (on the synced sites)."""
    from reader.sanitise import for_terminal
    from reader.sources.web.fulltext import fetch_full_texts

    def step(done: int, total: int) -> None:
        if progress:
            progress("full text", done, total)

    full = fetch_full_texts(
        store,
        client,
        syncer.taxonomy,
        sites=sites,
        unreachable=down,
        dry_run=args.dry_run,
        progress=step,
    )
    if full.pending and not args.json:
        print(for_terminal(full.summary(args.dry_run), single_line=True), flush=True)
        for line in full.lines():
            print(for_terminal(line, single_line=True))
    return full


def _reindex(results: list[SourceResult], dry_run: bool, fetched: bool = False) -> None:
    if dry_run or not (fetched or any(r.added or r.updated for r in results)):
        return
    from reader.cli.imports import _update_index

    _update_index()


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar per source on a terminal (stderr), else nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=None)
        bar.update(tasks[name], completed=done, total=total or None)

    with bar:
        yield update


def run_open(args: argparse.Namespace) -> int:
    import webbrowser

    from reader.articles.bundled import load_corpus

    article = load_corpus().get(args.id)
    if not article.url:
        raise ReaderError(
            f"{args.id!r} has no address on the web yet (`gp-reader sync` finds it)", exit_code=2
        )
    if not article.url.lower().startswith(("http://", "https://")):
        # A site's 'link' may be any scheme (file:, javascript:, a desktop program's own):
        # only web addresses go to the browser, as in the app.
        raise ReaderError(
            for_terminal(
                f"{args.id!r}'s address is not a web address, so it is not opened: {article.url}",
                single_line=True,
            ),
            exit_code=2,
        )
    if not webbrowser.open(article.url):
        print(for_terminal(article.url, single_line=True))
    return 0
