"""SQLite FTS5 as a reader.search.SearchBackend: the benchmark's reference engine.

stdlib sqlite3 only: a `posts` FTS5 table (porter unicode61 tokenizer), title weighted
3 as in gp-reader, bm25 ranking, snippet(). Its query language is FTS5's own; plain
words mean the same in both engines (all must match), which is what
tests/test_fts5_reference.py compares. Not used by gp-reader itself.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.articles.model import Article
from reader.search import MatchTerm, RelatedPost, SearchHit, SearchResults

SCHEMA = """
CREATE VIRTUAL TABLE posts USING fts5(
    id UNINDEXED, title, body, category, topic, date UNINDEXED,
    tokenize = 'porter unicode61'
);
CREATE TABLE hashes (id TEXT PRIMARY KEY, hash TEXT NOT NULL, docid INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE vocab_rows USING fts5vocab(posts, 'row');
CREATE VIRTUAL TABLE vocab_instances USING fts5vocab(posts, 'instance');
"""
WHERE = "posts MATCH '{title body} : (' || ? || ')'"
RANK = "bm25(posts, 0.0, 3.0, 1.0, 0.0, 0.0, 0.0)"
# Title weighs 3 as in gp-reader; {title body}: searches the text, not category/topic.
TOP = f"""
SELECT id, title, category, date, snippet(posts, 2, char(2), char(3), '…', 32), -{RANK}
FROM posts WHERE {WHERE} ORDER BY {RANK} LIMIT ?
"""
COUNT = f"SELECT count(*) FROM posts WHERE {WHERE}"
_MARKED_RE = re.compile("\x02(.*?)\x03", re.S)


def content_hash(article: Article) -> str:
    text = "\x1f".join([article.title, article.body, article.category, "|".join(article.topics)])
    return hashlib.sha1(f"{text}\x1f{article.date or ''}".encode()).hexdigest()


class Fts5Index:
    """An FTS5 index of posts, kept in step with them as gp-reader's SearchIndex is."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.notices: list[str] = []

    @classmethod
    def open(
        cls,
        articles: Sequence[Article],
        fingerprint: str,
        directory: Path | None = None,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Fts5Index:
        """The index in `directory` (a new temporary directory when None)."""
        directory = directory or Path(tempfile.mkdtemp(prefix="gp-reader-fts5-"))
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "posts.db"
        if rebuild:
            path.unlink(missing_ok=True)
        fresh = not path.exists()
        db = sqlite3.connect(path, check_same_thread=False)
        if fresh:
            db.executescript(SCHEMA)
        index = cls(db)
        known = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if known is None or known[0] != fingerprint:
            index._sync(articles, fingerprint, progress)
        return index

    def _sync(self, articles, fingerprint: str, progress) -> None:
        """Rewrite the posts whose content changed, drop those gone, add the new."""
        wanted = {a.id: (a, content_hash(a)) for a in articles}
        known = {i: (h, d) for i, h, d in self.db.execute("SELECT id, hash, docid FROM hashes")}
        gone = [(d,) for i, (h, d) in known.items() if i not in wanted or wanted[i][1] != h]
        new = [pair for i, pair in wanted.items() if i not in known or known[i][0] != pair[1]]
        first = self.db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM posts").fetchone()[0]
        with self.db:
            self.db.executemany("DELETE FROM posts WHERE rowid = ?", gone)
            self.db.executemany("DELETE FROM hashes WHERE docid = ?", gone)
            self.db.executemany(
                "INSERT INTO posts(rowid, id, title, body, category, topic, date)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (n, a.id, a.title, a.body, a.category, ", ".join(a.topics), a.date)
                    for n, (a, _) in enumerate(new, start=first)
                ),
            )
            self.db.executemany(
                "INSERT INTO hashes VALUES (?, ?, ?)",
                ((a.id, h, n) for n, (a, h) in enumerate(new, start=first)),
            )
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        if progress:
            progress(len(new), len(new))

    def top(self, text: str, limit: int = 20) -> list[tuple]:
        """The best `limit` rows with snippets and nothing else: the benchmark's baseline,
        as measured before the protocol (no total)."""
        return self.db.execute(TOP, (text, limit)).fetchall()

    def search(
        self, text: str, limit: int = 20, *, as_you_type: bool = False, snippets: bool = True
    ) -> SearchResults:
        started = time.perf_counter()
        if as_you_type and re.search(r"\w$", text):
            text += "*"  # FTS5's prefix query
        try:
            rows = self.top(text, limit)
            total = (
                len(rows) if len(rows) < limit else self.db.execute(COUNT, (text,)).fetchone()[0]
            )
        except sqlite3.OperationalError as exc:  # FTS5 syntax errors
            took = (time.perf_counter() - started) * 1000
            return SearchResults(text, took, 0, (), notice=f"FTS5: {exc}")
        hits, words = [], set()
        for article_id, title, category, date, raw, score in rows:
            snippet, spans = _unmarked(raw) if snippets else ("", ())
            words.update(snippet[a:b].lower() for a, b in spans)
            hits.append(SearchHit(article_id, title, category, date, score, snippet, spans))
        terms = tuple(MatchTerm((w,)) for w in sorted(words))
        took = (time.perf_counter() - started) * 1000
        return SearchResults(text, took, total, tuple(hits), terms)

    def related(self, article_id: str, limit: int = 5) -> list[RelatedPost]:
        """Posts sharing the post's most telling body words (tf x idf, 20 of them)."""
        row = self.db.execute("SELECT docid FROM hashes WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return []
        counts = self.db.execute(
            "SELECT term, count(*) FROM vocab_instances WHERE doc = ? AND col = 'body'"
            " GROUP BY term",
            (row[0],),
        ).fetchall()
        docs = self.doc_count
        frequency = dict(self.db.execute("SELECT term, doc FROM vocab_rows"))
        weight = {t: n * math.log(docs / frequency[t]) for t, n in counts if t in frequency}
        key = sorted(weight, key=lambda t: (-weight[t], t))[:20]
        if not key:
            return []
        query = " OR ".join(f'"{t}"' for t in key)
        found = self.db.execute(
            f"SELECT id, title, -{RANK} FROM posts WHERE posts MATCH 'body : (' || ? || ')'"
            f" AND rowid != ? ORDER BY {RANK} LIMIT ?",
            (query, row[0], limit),
        )
        return [RelatedPost(*r) for r in found]

    @property
    def doc_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM posts").fetchone()[0]

    def close(self) -> None:
        self.db.close()


def _unmarked(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """FTS5's snippet with its \\x02 ... \\x03 marks taken out, as text and spans."""
    out, spans, last, length = [], [], 0, 0
    for match in _MARKED_RE.finditer(raw):
        before = raw[last : match.start()]
        out.append(before)
        length += len(before)
        out.append(match.group(1))
        spans.append((length, length + len(match.group(1))))
        length += len(match.group(1))
        last = match.end()
    out.append(raw[last:])
    return "".join(out), tuple(spans)
