"""Reading files the reader saved: page captures, RSS/Atom feeds, saved post pages, Markdown.

Each reader turns one file into `ImportedPost` records or raises `UnreadableFile` with a
one-line reason. Nothing here writes anything; reader.sources.planner decides what to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from reader.articles.parse import (
    MONTHS,
    derive_title,
    infer_years,
    parse_archive,
    parse_listing,
    render_markdown,
)
from reader.sources.html_markdown import escape_block_start, html_to_markdown

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
CAPTURE_SUFFIXES = {".txt"}
ALL_SUFFIXES = FEED_SUFFIXES | HTML_SUFFIXES | MARKDOWN_SUFFIXES | CAPTURE_SUFFIXES


class UnreadableFile(Exception):
    """A file that cannot be read or parsed; the message says why, in one line."""


@dataclass(frozen=True)
class ImportedPost:
    title: str
    title_is_derived: bool
    body: str  # Markdown, the subset the reader shows
    source: str  # the file it came from
    date: str | None = None  # YYYY-MM-DD
    category: str | None = None
    author: str | None = None
    site: str | None = None
    tags: tuple[str, ...] = ()
    summary_only: bool = False  # a feed that carries only a summary
    id_hint: str | None = None  # an id the post must keep (archive posts: date + words)


@dataclass
class ReadOptions:
    category: str | None = None  # for page captures: the category they belong to
    newest_year: int | None = None  # for archive captures: the year of the newest post
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read it: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableFile("it is empty")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("it is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"it is not UTF-8 text (byte {exc.start})") from exc


def kind_of(path: Path, text: str) -> str:
    """'feed', 'html', 'markdown' or 'capture', by the name and then by the content."""
    suffix = path.suffix.lower()
    head = text.lstrip()[:400].lower()
    if (
        suffix in FEED_SUFFIXES
        or head.startswith(("<rss", "<feed"))
        or (head.startswith("<?xml") and ("<rss" in head or "<feed" in head or "<rdf" in head))
    ):
        return "feed"
    if suffix in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return "html"
    if suffix in MARKDOWN_SUFFIXES or head.startswith("---\n"):
        return "markdown"
    if suffix in CAPTURE_SUFFIXES or not suffix:
        return "capture"
    raise UnreadableFile(f"not a kind of file gp-reader imports ({suffix})")


def read_file(path: Path, options: ReadOptions) -> tuple[str, list[ImportedPost]]:
    """(kind, posts) of one file; UnreadableFile when it cannot be read or parsed."""
    text = read_text(path)
    kind = kind_of(path, text)
    reader = {"feed": read_feed, "html": read_html, "markdown": read_markdown}.get(kind)
    posts = reader(text, str(path)) if reader else read_capture(text, str(path), options)
    return kind, posts


# -- page captures ------------------------------------------------------------------------

_ARCHIVE_CATEGORY_RE = re.compile(r"^Archive for the [‘'\"](.+?)[’'\"] Category$", re.M)


def _is_archive(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines()]
    return any(
        line in MONTHS and i + 1 < len(lines) and re.fullmatch(r"\d{1,2}", lines[i + 1])
        for i, line in enumerate(lines)
    )


def read_capture(text: str, source: str, options: ReadOptions) -> list[ImportedPost]:
    """A listing or archive capture, with the same parser as the bundled pages."""
    if _is_archive(text):
        if options.newest_year is None:
            raise UnreadableFile(
                "an archive capture needs --newest-year (the year of its newest post)"
            )
        found = _ARCHIVE_CATEGORY_RE.search(text)
        category = options.category or (found.group(1) if found else None)
        try:
            raw_posts = parse_archive(text, source)
        except ValueError as exc:
            raise UnreadableFile(str(exc)) from exc
        posts = []
        for raw, year in zip(raw_posts, infer_years(raw_posts, options.newest_year), strict=True):
            if not raw.lines:
                options.skipped.append(
                    (f"{source}: {year}-{raw.month:02d}-{raw.day:02d}", "no text")
                )
                continue
            posts.append(
                ImportedPost(
                    title=derive_title(raw.first_paragraph),
                    title_is_derived=True,
                    body=render_markdown(raw.lines),
                    source=source,
                    date=f"{year:04d}-{raw.month:02d}-{raw.day:02d}",
                    category=category,
                )
            )
        return posts
    capture = parse_listing(text, source)
    posts = []
    for raw in capture.posts:
        if not raw.lines:
            options.skipped.append((f"{source}: {raw.title}", "a title with no text"))
            continue
        posts.append(
            ImportedPost(
                title=raw.title,
                title_is_derived=False,
                body=render_markdown(raw.lines),
                source=source,
                category=options.category,
            )
        )
    if not posts and not options.skipped:
        raise UnreadableFile("no posts found in it")
    return posts


# -- feeds --------------------------------------------------------------------------------


def _feed_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def read_feed(text: str, source: str) -> list[ImportedPost]:
    import feedparser

    feed = feedparser.parse(text)
    if not feed.entries:
        if feed.bozo:
            raise UnreadableFile(f"not a feed gp-reader can read: {feed.bozo_exception}")
        raise UnreadableFile("the feed has no entries")
    site = feed.feed.get("title")
    posts = []
    for entry in feed.entries:
        title = " ".join((entry.get("title") or "").split())
        contents = entry.get("content") or []
        full = max((c.get("value", "") for c in contents), key=len, default="")
        summary = entry.get("summary", "")
        html = full if len(full) >= len(summary) else summary
        body = html_to_markdown(html) if "<" in html else _plain_markdown(html)
        if not body.strip():
            continue  # reported by the caller as skipped: no text
        tags = tuple(t.get("term", "").strip() for t in entry.get("tags", []) if t.get("term"))
        posts.append(
            ImportedPost(
                title=title or derive_title(body.split("\n\n")[0]),
                title_is_derived=not title,
                body=body,
                source=source,
                date=_feed_date(entry),
                # A feed's <category> elements are tags: the planner lists the post under
                # one only if the library has a category of that name (else the feed's).
                category=None,
                author=entry.get("author"),
                site=site,
                tags=tags,
                summary_only=not full,
            )
        )
    if not posts:
        broken = _xml_error(feed)
        if broken:  # a file cut short: its entries lost their text with the XML
            raise UnreadableFile(broken)
        raise UnreadableFile("none of the feed's entries has any text")
    return posts


def _xml_error(feed) -> str | None:
    """Where the feed's XML breaks ('the XML is broken at line 41, column 0: no element
    found'), if feedparser met broken XML (it then reads on as best it can)."""
    exc = feed.get("bozo_exception") if feed.get("bozo") else None
    line = getattr(exc, "getLineNumber", None)
    if exc is None or line is None:
        return None
    reason = getattr(exc, "getMessage", lambda: str(exc))()
    return f"the feed's XML is broken at line {line()}, column {exc.getColumnNumber()}: {reason}"


def _plain_markdown(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(escape_block_start(p) for p in paragraphs if p) + "\n"


# -- saved post pages ---------------------------------------------------------------------


def read_html(text: str, source: str) -> list[ImportedPost]:
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    document = trafilatura.bare_extraction(text, with_metadata=True, favor_recall=True)
    main_html = trafilatura.extract(
        text, output_format="html", favor_recall=True, include_comments=False
    )
    body = html_to_markdown(main_html) if main_html else ""
    if not body.strip():
        raise UnreadableFile("no post text found in the page")
    meta = document.as_dict() if document is not None and hasattr(document, "as_dict") else {}
    title = (meta.get("title") or "").strip()
    # WordPress and most blogs mark their category links with rel="category tag".
    page = LexborHTMLParser(text)
    categories = [a.text(strip=True) for a in page.css('a[rel~="category"]') if a.text(strip=True)]
    categories += [c for c in (meta.get("categories") or []) if c not in categories]
    return [
        ImportedPost(
            title=title or derive_title(body.split("\n\n")[0]),
            title_is_derived=not title,
            body=body,
            source=source,
            date=meta.get("date"),
            category=categories[0] if categories else None,
            author=meta.get("author"),
            site=meta.get("sitename"),
            tags=tuple(categories) + tuple(meta.get("tags") or ()),
        )
    ]


# -- Markdown with front matter -----------------------------------------------------------


def _front_matter_date(value, source: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for parse in (
        lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")).date(),
        lambda t: datetime.strptime(t, "%d %B %Y").date(),
        lambda t: datetime.strptime(t, "%d %b %Y").date(),
        lambda t: datetime.strptime(t, "%B %d, %Y").date(),
    ):
        try:
            return parse(text).isoformat()
        except ValueError:
            continue
    raise UnreadableFile(f"its front matter has a date gp-reader cannot read: {text!r}")


_EMPHASIS_RE = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _plain_inline(text: str) -> str:
    """Inline Markdown the reader does not draw (emphasis, links) as its plain words."""
    # Most posts have neither: the patterns' look-arounds cost a scan of the whole text.
    if "](" in text:
        text = _LINK_RE.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _EMPHASIS_RE.sub(lambda m: m.group(2) or m.group(4), text)
    return text


def normalise_markdown(text: str) -> str:
    """Markdown from elsewhere in the subset the reader shows."""
    text = _plain_inline(text)
    blocks = []
    for raw in re.split(r"\n\s*\n", text.strip()):
        block = raw.strip()
        if not block:
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", block, re.S)
        if heading:
            blocks.append("### " + " ".join(heading.group(1).split()))
            continue
        lines = block.splitlines()
        if all(re.match(r"^\s*([-*+]|\d+[.)])\s+", line) for line in lines):
            for line in lines:
                item = re.match(r"^\s*([-*+]|\d+[.)])\s+(.*)$", line)
                marker = "-" if item.group(1) in "-*+" else item.group(1).rstrip(")") + "."
                blocks.append(f"{marker} {item.group(2).strip()}")
            continue
        if all(line.startswith(">") for line in lines):
            blocks.append("> " + " ".join(line.lstrip("> ").strip() for line in lines))
            continue
        blocks.append(" ".join(" ".join(lines).split()))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _yaml_where(exc: Exception) -> str:
    """' at line 3, column 7: mapping values are not allowed here', in the file's own line
    numbers (python-frontmatter hands YAML the text from the opening ---'s line end, so
    YAML's line 0 is the file's line 1)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f": {problem}"
    return f" at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def read_markdown(text: str, source: str) -> list[ImportedPost]:
    import frontmatter
    import yaml

    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise UnreadableFile(f"its front matter is not valid YAML{_yaml_where(exc)}") from exc
    meta = post.metadata
    body = normalise_markdown(post.content)
    if not body.strip():
        raise UnreadableFile("it has no text below its front matter")
    title = str(meta.get("title") or "").strip()
    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    category = meta.get("category") or meta.get("categories")
    if isinstance(category, list):
        category = category[0] if category else None
    return [
        ImportedPost(
            title=title or derive_title(body.split("\n\n")[0]),
            title_is_derived=not title,
            body=body,
            source=source,
            date=_front_matter_date(meta.get("date"), source),
            category=str(category) if category else None,
            author=str(meta["author"]) if meta.get("author") else None,
            tags=tuple(str(t) for t in tags if t),
        )
    ]
