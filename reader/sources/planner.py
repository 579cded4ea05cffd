"""`gp-reader import`: read files, deduplicate against everything held, add in one go.

The same post from two sources appears once (the fuller text is kept), found by the
words of its opening (reader.sources.dedupe), never by an equal title alone; re-importing
a file adds nothing; ids follow the bundled corpus's rules, so bookmarks keep pointing at
the right post. A file that cannot be read is refused on its own; the CLI decides whether
the others go in (they do, unless --all-or-nothing).
"""

from __future__ import annotations

import multiprocessing
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader import paths
from reader.articles.bundled import TAXONOMY, Corpus
from reader.articles.parse import count_words, short_hash, slugify
from reader.articles.topics import Taxonomy, load_taxonomy
from reader.sources.dedupe import TextIndex
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
    # Each post read, in order: (post, 'added' | 'fuller' | 'duplicate', id, library title).
    outcomes: list[tuple[ImportedPost, str, str, str]] = field(default_factory=list)
    summaries: list[tuple[str, str]] = field(default_factory=list)  # (id, title) added as such

    def summary(self, dry_run: bool = False) -> str:
        would = "would add" if dry_run else "added"
        parts = [f"{would} {len(self.added)} post{'s' if len(self.added) != 1 else ''}"]
        if self.fuller:
            parts.append(f"{len(self.fuller)} fuller text{'s' if len(self.fuller) != 1 else ''}")
        parts.append(f"{len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}")
        parts.append(f"{len(self.skipped)} skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} refused")
        line = f"{self.files} file{'s' if self.files != 1 else ''}: " + ", ".join(parts)
        if not self.added and not self.fuller and not self.failed:
            line += " — nothing new, everything in these files is already in your library"
        return line


@dataclass
class ImportPlan:
    rows: list[PostRow] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source, kind)


_LINK = "a symbolic link (links inside a folder are not followed)"


def _special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular file."""
    for test, name in (
        (stat.S_ISLNK, _LINK),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


# A browser's "Webpage, Complete" (Chrome, Firefox, Edge, Internet Explorer) and Word's
# "Web Page" put the page's parts in a folder named after it: `Post.html` and
# `Post_files/` (stylesheets, scripts, images, and the page's frames saved as
# `saved_resource.html`). The parts are not pages of their own.
_PAGE_PARTS_SUFFIX = "_files"


def _page_parts(folder_name: str, file_names: list[str]) -> bool:
    """Whether `folder_name` holds the parts of a saved page beside it in `file_names`."""
    if not folder_name.endswith(_PAGE_PARTS_SUFFIX):
        return False
    stem = folder_name[: -len(_PAGE_PARTS_SUFFIX)]
    return any(
        Path(name).stem == stem and Path(name).suffix.lower() in (".html", ".htm", ".xhtml")
        for name in file_names
    )


def _walk(folder: Path, report: ImportReport) -> list[Path]:
    """The importable regular files under `folder`: symlinks are not followed (a link to
    /etc/passwd or out of the folder is skipped, with a reason), nor are devices, named
    pipes and sockets read."""
    found: list[Path] = []

    def failed(exc: OSError) -> None:
        why = exc.strerror or str(exc)
        report.skipped.append((exc.filename or str(folder), f"cannot read it: {why}"))

    for top, dirs, names in os.walk(folder, onerror=failed, followlinks=False):
        base = Path(top)
        dirs[:] = [name for name in dirs if not _page_parts(name, names)]
        for name in sorted(dirs):
            if (base / name).is_symlink():
                report.skipped.append((str(base / name), _LINK))
        for name in names:
            path = base / name
            if path.suffix.lower() not in ALL_SUFFIXES:
                continue
            try:
                kind = _special_kind(path.lstat().st_mode)
            except OSError as exc:
                report.skipped.append((str(path), f"cannot read it: {exc.strerror}"))
                continue
            if kind is None:
                found.append(path)
            else:
                report.skipped.append((str(path), kind))
    return sorted(found)


def expand_paths(arguments: Iterable[str], report: ImportReport) -> list[Path]:
    """Files named, and the importable files inside folders named, in a stable order.

    A file named on the command line may be a symlink (it is what the user asked for);
    it must lead to a regular file."""
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            missing = isinstance(exc, FileNotFoundError | NotADirectoryError)
            report.failed.append(
                (str(path), "no such file or folder" if missing else exc.strerror or str(exc))
            )
            continue
        if stat.S_ISDIR(mode):
            found = _walk(path, report)
            if not found:
                report.failed.append((str(path), "no files gp-reader can import in this folder"))
            files.extend(found)
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            report.failed.append((str(path), f"it is {_special_kind(mode)}, not a file to import"))
    return files


def _base_id(post: ImportedPost) -> str:
    if post.id_hint:
        return post.id_hint
    if not post.title_is_derived:
        return slugify(post.title)
    first = post.body.split("\n\n", 1)[0]
    return f"{post.date}-{slugify(first, max_len=40)}" if post.date else slugify(first, max_len=40)


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
    texts = _text_index(corpus, library_rows, planned) if files else TextIndex()
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
            _plan_post(post, words, topics, source, corpus, store, planned, report, options, texts)
    report.skipped.extend(options.skipped)
    plan.rows = list(planned.values())
    return report, plan


def _category(post: ImportedPost, corpus: Corpus, options: ReadOptions) -> str:
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


def _text_index(
    corpus: Corpus, library_rows: list[PostRow], planned: dict[str, PostRow]
) -> TextIndex:
    """Every post held, by the words of its opening (see reader.sources.dedupe)."""
    held_rows = {row.id: row for row in library_rows}

    def body_of(post_id: str) -> str | None:
        if post_id in planned and planned[post_id].body is not None:
            return planned[post_id].body
        article = corpus.find(post_id)
        if article is not None:
            return article.body
        row = held_rows.get(post_id)
        return row.body if row else None

    index = TextIndex(body_of)
    for article in corpus:
        index.add(article.id, article.title, article.body, not article.title_is_derived)
    for row in library_rows:
        if row.body is not None and row.id not in corpus:
            index.add(row.id, row.title, row.body, not row.title_is_derived)
    return index


def _plan_post(
    post: ImportedPost,
    words: int,
    topics: tuple[str, ...],
    source: str,
    corpus: Corpus,
    store: dict[str, PostRow],
    planned: dict[str, PostRow],
    report: ImportReport,
    options: ReadOptions,
    texts: TextIndex,
) -> None:
    held, opening = texts.find(post.title, post.body, not post.title_is_derived)
    existing = _existing(held, corpus, store, planned) if held is not None else None
    if existing is not None and post.date and existing[1] and post.date != existing[1]:
        existing = None  # the same words on another date: another post (a repost)
    if existing is not None and held is not None:  # existing is only found for a held id
        candidate = held
    else:
        base = _base_id(post)
        candidate = base
        existing = _existing(candidate, corpus, store, planned)
        if existing is not None:
            # Another post has this slug, with another text: this one gets its own id.
            candidate = f"{base}-{short_hash(post.body.split(chr(10) * 2, 1)[0])}"
            existing = _existing(candidate, corpus, store, planned)
    if existing is None:
        texts.add(candidate, post.title, post.body, not post.title_is_derived, opening)
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
            url=post.url or "",
            tags=post.tags,
            web_categories=post.categories,
            summary_url=(post.url or "") if post.summary_only else None,
        )
        report.added.append((candidate, post.title))
        report.outcomes.append((post, "added", candidate, post.title))
        if post.summary_only:
            report.summaries.append((candidate, post.title))
        return
    title, _date, held_words, held_sources, row = existing
    sources = tuple(dict.fromkeys([*held_sources, source]))
    held_derived = row.title_is_derived if row else _derived(candidate, corpus)
    if held_derived and not post.title_is_derived:
        # The held copy lost its title (a derived one); this page gives the real one.
        title = post.title
        row = _retitled(row, candidate, post, corpus, topics, sources, held_words)
        planned[candidate] = row
    if words > held_words and not post.summary_only:
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
            **_web_fields(row, post),
        )
        report.fuller.append((candidate, title))
        report.outcomes.append((post, "fuller", candidate, title))
        texts.add(candidate, title, post.body, True)
        return
    report.duplicates.append((title, source))  # named as the reader holds it
    report.outcomes.append((post, "duplicate", candidate, title))
    if row is None:
        return
    if source not in row.sources and candidate not in planned:
        # Remember that this file holds the post too (so removing one source keeps it).
        planned[candidate] = replace(row, sources=sources, body=None)
    if not row.url and post.url:
        # Where the post is on the web, when this file is the first to say.
        kept = planned.get(candidate) or replace(row, body=None)
        planned[candidate] = replace(kept, **_web_fields(row, post))


def _web_fields(row: PostRow | None, post: ImportedPost) -> dict[str, Any]:
    """The address, tags and categories a post keeps: the held row's, else the file's."""
    return {
        "url": (row.url if row else "") or post.url or "",
        "tags": (row.tags if row else ()) or post.tags,
        "web_categories": (row.web_categories if row else ()) or post.categories,
    }


def _derived(post_id: str, corpus: Corpus) -> bool:
    article = corpus.find(post_id)
    return bool(article and article.title_is_derived)


def _retitled(
    row: PostRow | None,
    post_id: str,
    post: ImportedPost,
    corpus: Corpus,
    topics: tuple[str, ...],
    sources: tuple[str, ...],
    held_words: int,
) -> PostRow:
    """The held post under the title this page gives it, its text unchanged."""
    if row is not None:
        return replace(row, title=post.title, title_is_derived=False, sources=sources)
    article = corpus.find(post_id)
    assert article is not None, post_id  # no library row: _existing found it bundled
    return PostRow(
        id=post_id,
        title=post.title,
        title_is_derived=False,
        category=article.category,
        site=article.site,
        author=article.author,
        date=article.date or post.date,
        topics=article.topics or topics,
        words=held_words,
        sources=tuple(s for s in sources if s),
        overrides=post_id in corpus.bundled_ids,
        body=article.body,
    )


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


def _init_worker(options: ReadOptions, taxonomy: Taxonomy, parent_pid: int) -> None:
    global _WORKER_ARGS
    from reader.processes import end_with_parent

    end_with_parent(parent_pid)  # a killed import leaves no reader behind
    _WORKER_ARGS = (options, taxonomy)


def _read_in_worker(path: Path) -> tuple[Path, str, _Read | str]:
    if _WORKER_ARGS is None:
        raise RuntimeError("a reading worker started without _init_worker")
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
        initargs=(options, taxonomy, os.getpid()),
    ) as pool:
        yield from pool.map(_read_in_worker, files, chunksize=16)


_Existing = tuple[str, str | None, int, tuple[str, ...], PostRow | None]


def _existing(
    post_id: str, corpus: Corpus, store: dict[str, PostRow], planned: dict[str, PostRow]
) -> _Existing | None:
    """(title, date, words, sources, library row or None) of what already holds this id."""
    if post_id in planned:
        row = planned[post_id]
        return row.title, row.date, row.words, row.sources, row
    if post_id in store:
        row = store[post_id]
        article = corpus.find(post_id) if row.overrides else None
        if article is not None:  # a fuller text of a bundled post: the bundled title holds
            return article.title, article.date, row.words, row.sources, None
        return row.title, row.date, row.words, row.sources, row
    article = corpus.find(post_id)
    if article is not None:
        return article.title, article.date, article.words, (), None
    return None


def _topics(post: ImportedPost, taxonomy: Taxonomy) -> tuple[str, ...]:
    names = {name.casefold(): name for name in taxonomy.topics}
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
