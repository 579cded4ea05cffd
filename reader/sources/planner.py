"""`gp-reader import`: read files, deduplicate against everything held, add in one go.

The same post from two sources appears once (the fuller text is kept); re-importing a
file adds nothing; ids follow the bundled corpus's rules, so bookmarks keep pointing at
the right post. If any file cannot be read, nothing at all is added.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader import paths
from reader.articles.bundled import TAXONOMY, Corpus
from reader.articles.parse import count_words, short_hash, slugify
from reader.articles.topics import Taxonomy, load_taxonomy
from reader.sources.readers import (
    ALL_SUFFIXES,
    ImportedPost,
    ReadOptions,
    UnreadableFile,
    read_file,
)
from reader.store.posts import PostRow, PostStore

DEFAULT_CATEGORY = "Imported"
# From this many files on, two processes read them (parsing, word counts and topics are
# most of an import's reading time, and each file is read on its own).
PARALLEL_READ_FROM = 200


@dataclass
class ImportReport:
    added: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    fuller: list[tuple[str, str]] = field(default_factory=list)  # duplicates whose text we took
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (title, source)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    files: int = 0

    def summary(self, dry_run: bool = False) -> str:
        would = "would add" if dry_run else "added"
        parts = [f"{would} {len(self.added)}"]
        if self.fuller:
            parts.append(f"{len(self.fuller)} fuller text{'s' if len(self.fuller) != 1 else ''}")
        parts.append(f"{len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}")
        parts.append(f"{len(self.skipped)} skipped")
        line = f"{self.files} file{'s' if self.files != 1 else ''}: " + ", ".join(parts)
        if not self.added and not self.fuller and not self.failed:
            line += " — nothing new, everything in these files is already in your library"
        return line


@dataclass
class ImportPlan:
    rows: list[PostRow] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source, kind)


def expand_paths(arguments: Iterable[str], report: ImportReport) -> list[Path]:
    """Files named, and the importable files inside folders named, in a stable order."""
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ALL_SUFFIXES
            )
            if not found:
                report.failed.append((str(path), "no files gp-reader can import in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            report.failed.append((str(path), "no such file or folder"))
    return files


def _normal_title(title: str) -> str:
    return " ".join(title.casefold().split())


def _base_id(post: ImportedPost) -> str:
    if post.id_hint:
        return post.id_hint
    if not post.title_is_derived:
        return slugify(post.title)
    first = post.body.split("\n\n", 1)[0]
    return f"{post.date}-{slugify(first, max_len=40)}" if post.date else slugify(first, max_len=40)


def _same_post(post: ImportedPost, title: str, date: str | None) -> bool:
    if _normal_title(post.title) == _normal_title(title):
        return True
    return bool(post.title_is_derived and post.date and post.date == date)


def plan_import(
    arguments: Iterable[str],
    corpus: Corpus,
    library_rows: list[PostRow],
    options: ReadOptions,
    progress: Callable[[int, int], None] | None = None,
    taxonomy: Taxonomy | None = None,
) -> tuple[ImportReport, ImportPlan]:
    report = ImportReport()
    plan = ImportPlan()
    files = expand_paths(arguments, report)
    report.files = len(files)
    taxonomy = taxonomy or load_taxonomy(paths.corpus_dir() / TAXONOMY)
    known_sources = {s for row in library_rows for s in row.sources}
    store = {row.id: row for row in library_rows}
    planned: dict[str, PostRow] = {}
    for n, (path, source, read) in enumerate(_read_all(files, options, taxonomy), start=1):
        if progress:
            progress(n, len(files))
        if isinstance(read, str):
            report.failed.append((str(path), read))
            continue
        kind, prepared, skipped = read
        options.skipped.extend(skipped)
        if source not in known_sources:
            plan.sources.append((source, kind))
        for post, words, topics in prepared:
            _plan_post(post, words, topics, source, corpus, store, planned, report, options)
    report.skipped.extend(options.skipped)
    plan.rows = list(planned.values())
    return report, plan


def _category(post: ImportedPost, corpus, options: ReadOptions) -> str:
    """Where an imported post is listed, so that a file's posts stay together under a
    name the reader knows: the category given with --category; else a category the
    library has already that the post names (a feed's first fitting <category>, a page's
    category link); else the post's own category unless it is a topic's name (a topic
    is listed under Topics, not beside it); else its source's name (the feed's or the
    site's title); else Imported."""
    if options.category:
        return options.category
    known = {name.casefold(): name for name in corpus.categories}
    for name in (post.category, *post.tags):
        if name and name.casefold() in known:
            return known[name.casefold()]
    topics = {topic.casefold() for topic in corpus.topics}
    if post.category and post.category.casefold() not in topics:
        return post.category
    return post.site or DEFAULT_CATEGORY


def _plan_post(post, words, topics, source, corpus, store, planned, report, options) -> None:
    base = _base_id(post)
    candidate = base
    existing = _existing(candidate, corpus, store, planned)
    if existing is not None and not _same_post(post, existing[0], existing[1]):
        # Another post already has this slug: this one gets the hash of its opening.
        candidate = f"{base}-{short_hash(post.body.split(chr(10) * 2, 1)[0])}"
        existing = _existing(candidate, corpus, store, planned)
    if existing is None:
        planned[candidate] = PostRow(
            id=candidate,
            title=post.title,
            title_is_derived=post.title_is_derived,
            category=_category(post, corpus, options),
            site=post.site or "",
            author=post.author or "",
            date=post.date,
            topics=topics,
            words=words,
            sources=(source,),
            overrides=False,
            body=post.body,
        )
        report.added.append((candidate, post.title))
        return
    title, _date, held_words, held_sources, row = existing
    sources = tuple(dict.fromkeys([*held_sources, source]))
    if words > held_words:
        # The same post, more completely: keep this text under the id it already has.
        bundled = candidate in corpus.bundled_ids
        planned[candidate] = PostRow(
            id=candidate,
            title=row.title if row else title,
            title_is_derived=row.title_is_derived if row else post.title_is_derived,
            category=row.category if row else _category(post, corpus, options),
            site=row.site if row else (post.site or ""),
            author=row.author if row else (post.author or ""),
            date=(row.date if row else None) or post.date,
            topics=topics,
            words=words,
            sources=tuple(s for s in sources if s),
            overrides=bundled,
            body=post.body,
        )
        report.fuller.append((candidate, title))
        return
    report.duplicates.append((post.title, source))
    if row is not None and source not in row.sources and candidate not in planned:
        # Remember that this file holds the post too (so removing one source keeps it).
        planned[candidate] = PostRow(**{**row.__dict__, "sources": sources, "body": None})


_Read = tuple[str, list[tuple[ImportedPost, int, tuple[str, ...]]], list[tuple[str, str]]]


def _read_one(
    path: Path, options: ReadOptions, taxonomy: Taxonomy
) -> tuple[Path, str, _Read | str]:
    """One file, read and prepared (words, topics); or why it cannot be read."""
    source = str(path.resolve())
    mine = replace(options, skipped=[])  # what this file skips, handed back with it
    try:
        kind, posts = read_file(path, mine)
    except UnreadableFile as exc:
        return path, source, str(exc)
    prepared = [(post, count_words(post.body), _topics(post, taxonomy)) for post in posts]
    return path, source, (kind, prepared, mine.skipped)


_WORKER_ARGS: tuple[ReadOptions, Taxonomy] | None = None


def _init_worker(options: ReadOptions, taxonomy: Taxonomy) -> None:
    global _WORKER_ARGS
    _WORKER_ARGS = (options, taxonomy)


def _read_in_worker(path: Path):
    return _read_one(path, *_WORKER_ARGS)


def _read_all(
    files: list[Path], options: ReadOptions, taxonomy: Taxonomy
) -> Iterator[tuple[Path, str, _Read | str]]:
    """Every file's reading, in the files' order (so the plan is the same either way)."""
    forking = "fork" in multiprocessing.get_all_start_methods()
    if len(files) < PARALLEL_READ_FROM or not forking or (os.cpu_count() or 1) < 2:
        for path in files:
            yield _read_one(path, options, taxonomy)
        return
    with ProcessPoolExecutor(
        max_workers=2,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(options, taxonomy),
    ) as pool:
        yield from pool.map(_read_in_worker, files, chunksize=16)


def _existing(post_id, corpus, store, planned):
    """(title, date, words, sources, library row or None) of what already holds this id."""
    if post_id in planned:
        row = planned[post_id]
        return row.title, row.date, row.words, row.sources, row
    if post_id in store:
        row = store[post_id]
        if row.overrides:
            article = corpus.find(post_id)
            return article.title, article.date, row.words, row.sources, None
        return row.title, row.date, row.words, row.sources, row
    article = corpus.find(post_id)
    if article is not None:
        return article.title, article.date, article.words, (), None
    return None


def _topics(post: ImportedPost, taxonomy: Taxonomy) -> tuple[str, ...]:
    names = {name.casefold(): name for name in taxonomy.patterns}
    tagged = [names[t.casefold()] for t in post.tags if t.casefold() in names]
    assigned = [t for t in taxonomy.assign(post.title, post.body) if t not in tagged]
    return tuple((tagged + assigned)[:3])


def write_plan(plan: ImportPlan, store: PostStore) -> None:
    """Add the planned posts; rows with no body keep the body they have."""
    rows = []
    for row in plan.rows:
        if row.body is None:
            row = PostRow(**{**row.__dict__, "body": store.body(row.id)})
        rows.append(row)
    store.write(rows, plan.sources)
