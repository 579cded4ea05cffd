"""The index on disk: its meta file, the lock, moving a damaged index aside, and
bringing it in step with the articles."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from reader.articles.model import Article
from reader.search.schema import SCHEMA_VERSION, article_fields, content_hash, make_schema
from reader.search.whoosh_internals import FastMpWriter, FastSegmentWriter, plain_codec

META_FILE = "gp-reader-meta.json"
LOCK_WAIT_SECONDS = 5.0
# Above this many articles to write, builds use both cores and several segments.
PARALLEL_BUILD_THRESHOLD = 2000
# Up to this many posts, a segment is one compound file, which whoosh copies into
# memory when it opens it: lookups are then memory reads, not system calls (the bundled
# corpus's queries about 14% faster). Above it the copying costs more, on every start
# and update, than it saves (3,000 posts: re-open 43 -> 20 ms, one changed post 286 ->
# 182 ms as separate files).
COMPOUND_BELOW = 2000
# This many posts or more into an index that already holds posts (a sync or import that
# brought an archive) are written by the fast writer as one new segment, the segments
# held left as they are: whoosh's writer took 2.6 s over 500 synced posts, and its merge
# of the small segments would rewrite posts that did not change.
APPEND_FAST_AT = 50

# -- index files ------------------------------------------------------------------------


def read_meta(directory: Path) -> dict:
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def write_meta(directory: Path, fingerprint: str, hashes: dict[str, str], generation: int) -> None:
    """Note what the index now holds: the next start can skip or narrow its check."""
    from reader.files import write_atomically

    meta = {
        "schema_version": SCHEMA_VERSION,
        "fingerprint": fingerprint,
        "hashes": hashes,
        "generation": generation,  # the index's commit these hashes describe
    }
    try:
        write_atomically(directory / META_FILE, json.dumps(meta))
    except OSError:
        return  # without the note the next start compares every document again; no harm


@contextmanager
def exclusive_lock(path: Path, wait_seconds: float):
    """Hold an exclusive OS lock on `path`, waiting at most `wait_seconds`; yields success.

    The kernel drops the lock when the process ends, so a crash never leaves it stuck.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; whoosh's own lock still guards writes
        yield True
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)  # polling a lock: there is no event to wait on
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _move_aside(directory: Path, notices: list[str], why: str) -> None:
    """Keep the damaged index for a look (only the newest: repeated faults must not fill
    the cache with copies), and clear the way for a new one."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = directory.with_name(f"{directory.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = directory.with_name(f"{directory.name}.broken-{stamp}-{n}")
    try:
        directory.rename(target)
        notices.append(f"search index was {why}; moved it to {target.name} and rebuilt it")
    except OSError:
        shutil.rmtree(directory, ignore_errors=True)
        notices.append(f"search index was {why}; rebuilt it")
        return
    for older in directory.parent.glob(f"{directory.name}.broken-*"):
        if older != target:
            shutil.rmtree(older, ignore_errors=True)


def rebuild_damaged(
    directory: Path | None,
    articles: Sequence[Article],
    fingerprint: str | None,
    why: str,
    notices: list[str],
):
    """A new index in place of one a search found damaged: on disk when this process
    holds the index (`directory`), else in memory (another process is rebuilding it)."""
    from whoosh.filedb.filestore import RamStorage

    if directory is not None and fingerprint is not None:
        with exclusive_lock(directory.with_name(directory.name + ".lock"), LOCK_WAIT_SECONDS) as ok:
            if ok:
                try:
                    if directory.exists():
                        _move_aside(directory, notices, why)
                    ix = open_checked(directory, False, notices)
                    hashes = sync_index(ix, articles, None, None)
                    write_meta(directory, fingerprint, hashes, ix.latest_generation())
                    return ix
                except OSError as exc:
                    notices.append(
                        f"search index was {why} and cannot be rebuilt ({exc}); "
                        "searching a copy in memory"
                    )
    ix = RamStorage().create_index(make_schema())
    sync_index(ix, articles, None, None)
    if not notices:
        notices.append(f"search index was {why}; searching a copy in memory")
    return ix


def _probe(ix) -> None:
    """Read a little of every segment, so damaged or missing files fail now, not mid-search."""
    with ix.searcher() as searcher:
        searcher.doc_count_all()
        # The first term of a field opens every segment's term files; reading all the
        # ids took 120 ms at 10,000 posts, on every start.
        for fieldname in ("id", "body"):
            for _ in searcher.lexicon(fieldname):
                break
        for docnum in searcher.document_numbers():
            searcher.stored_fields(docnum)
            break


def open_existing(directory: Path):
    """The index as it is on disk, if it is readable and current; None otherwise."""
    if read_meta(directory).get("schema_version") != SCHEMA_VERSION:
        return None
    try:
        ix = whoosh_index.open_dir(str(directory))
        _probe(ix)
        return ix
    except Exception:  # noqa: BLE001 - any damage means: not usable as it is
        return None


def open_checked(directory: Path, rebuild: bool, notices: list[str]):
    """The on-disk index, rebuilt from nothing when stale, half-written or damaged."""
    meta = read_meta(directory)
    if directory.exists() and any(directory.iterdir()):
        if rebuild:
            shutil.rmtree(directory, ignore_errors=True)
        elif meta.get("schema_version") != SCHEMA_VERSION:
            if meta:
                notices.append("search index was made by another version of gp-reader; rebuilt it")
                shutil.rmtree(directory, ignore_errors=True)
            else:
                _move_aside(directory, notices, "incomplete (no record of a finished build)")
        elif not any(directory.glob("*.toc")):
            _move_aside(directory, notices, "incomplete (no table of contents)")
        else:
            try:
                ix = whoosh_index.open_dir(str(directory))
                _probe(ix)
                return ix
            except Exception as exc:  # noqa: BLE001 - damaged files raise many kinds of error
                _move_aside(directory, notices, f"damaged ({type(exc).__name__})")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        if stale.name != META_FILE:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale, ignore_errors=True)
    (directory / META_FILE).unlink(missing_ok=True)
    return whoosh_index.create_in(str(directory), make_schema())


def _writer(ix, fresh_build: bool, parallel: bool, compound: bool):
    """The index writer for a sync: whoosh's, or our faster segment writers.

    A new index, and many posts at once (a large import), are written by
    reader.search.whoosh_internals.segment_writer's writers (the same files, about twice
    as fast; in two processes, one new segment each, when `parallel`). They keep a
    segment's postings in memory, compactly, which suits a known batch; small updates
    keep whoosh's writer, whose pool spills to disk when it merges large segments.
    """
    if parallel and isinstance(ix.storage, FileStorage):  # helpers share files, not memory
        return FastMpWriter(ix, procs=2, timeout=LOCK_WAIT_SECONDS, compound=compound)
    if fresh_build:
        return FastSegmentWriter(ix, timeout=LOCK_WAIT_SECONDS, compound=compound)
    # whoosh's writer, storing posting blocks as the fast writers do (not zlib'd: see
    # segment_writer.POSTING_COMPRESSION), segments it merges included
    return ix.writer(timeout=LOCK_WAIT_SECONDS, compound=compound, codec=plain_codec())


def sync_index(ix, articles: Sequence[Article], progress, known: dict | None) -> dict[str, str]:
    """Make the index hold exactly `articles`, rewriting only what changed.

    `known` maps ids to content hashes as of the last sync (from the meta file); without
    it they are read from the index's stored fields. Returns the hashes now indexed.
    """
    wanted = {a.id: content_hash(a) for a in articles}
    if known is None or ix.is_empty():  # doc_count() would open every segment
        with ix.searcher() as searcher:
            known = {f["id"]: f.get("content_hash") for f in searcher.all_stored_fields()}
    stale = [i for i in known if i not in wanted]
    changed = [a for a in articles if known.get(a.id) != wanted[a.id]]
    if not stale and not changed:
        return wanted
    # Many posts to write (a first build, or a large import into an existing index) go to
    # two helper processes, each writing a segment of its own; the posts already indexed
    # stay where they are. Below the threshold, one process writes them.
    fresh_build = not known
    parallel = len(changed) >= PARALLEL_BUILD_THRESHOLD
    compound = len(wanted) < COMPOUND_BELOW
    append = not fresh_build and not parallel and len(changed) >= APPEND_FAST_AT
    writer = _writer(ix, fresh_build or append, parallel, compound)
    try:
        # Only posts the index already holds need deleting: update_document would look
        # every new post up first (10,000 new posts: minutes of lookups that find nothing).
        for article_id in stale + [a.id for a in changed if a.id in known]:
            writer.delete_by_term("id", article_id)
        for n, article in enumerate(changed, start=1):
            writer.add_document(**article_fields(article))
            if progress and (n % 200 == 0 or n == len(changed)):
                progress(n, len(changed))
        if progress and parallel:
            progress(len(changed), len(changed), "writing the index")  # most of a big build
    except BaseException:
        writer.cancel()
        raise
    if append:
        writer.commit(merge=False)
    else:
        writer.commit()
    return wanted
