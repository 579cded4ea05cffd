"""Reading files the reader saved: page captures, RSS/Atom feeds, saved post pages, Markdown.

Each reader turns one file into `ImportedPost` records or raises `UnreadableFile` with a
one-line reason. Nothing here writes anything; reader.sources.planner decides what to add.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.articles.markdown import escape_block_start
from reader.articles.parse import derive_title
from reader.sanitise import clean_text
from reader.sources.html_markdown import html_to_markdown
from reader.sources.readers import containers, front_matter

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
CAPTURE_SUFFIXES = {".txt"}
ALL_SUFFIXES = (
    FEED_SUFFIXES | HTML_SUFFIXES | MARKDOWN_SUFFIXES | CAPTURE_SUFFIXES | containers.SUFFIXES
)
# A saved page or feed is kilobytes; the largest real ones a few MB. Larger files are
# refused (`gp-reader import --max-file-size MB` sets one limit for every kind), which
# also bounds the time and memory the parsers take. Measured on a shared machine: a 20 MB
# Markdown file 140 MB and 20 s; trafilatura, finding the post in a saved page, took
# 130 MB and 10 s for 3 MB of HTML and grows faster than the page, so pages stop at 5 MB.
DEFAULT_MAX_MB = 20
DEFAULT_MAX_HTML_MB = 5


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
    categories: tuple[str, ...] = ()  # as the page lists them, generic ones included
    summary_only: bool = False  # a feed that carries only a summary
    url: str | None = None  # where the post is on the web (feeds, saved pages)
    id_hint: str | None = None  # an id the post must keep (archive posts: date + words)


@dataclass
class ReadOptions:
    category: str | None = None  # for page captures: the category they belong to
    newest_year: int | None = None  # for archive captures: the year of the newest post
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    max_bytes: int | None = None  # larger files are refused; None: the defaults above


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024) -> bytes:
    """The file's bytes, refused in one line when unreadable, over `max_bytes` or empty."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # never more than the cap, whatever stat says
    except OSError as exc:
        raise UnreadableFile(f"cannot read it: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        try:
            size = _megabytes(path.stat().st_size)
        except OSError:
            size = "more"
        raise UnreadableFile(
            f"it is {size}, over the {_megabytes(max_bytes)} limit for one file "
            "(--max-file-size MB raises it)"
        )
    if not data.strip():
        raise UnreadableFile("it is empty")
    return data


def decode_file_text(data: bytes) -> str:
    """A text file's bytes as text: BOMs, UTF-8, then Windows-1252; else UnreadableFile."""
    wide = _wide_unicode(data)
    if wide is not None:
        return wide
    if b"\x00" in data[:4096]:
        raise UnreadableFile("it is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from reader.sources.readers.encoding import decode_legacy

        text = decode_legacy(data)
        if text is None:
            reason = f"it is not text in UTF-8 or Windows-1252 (byte {exc.start})"
            raise UnreadableFile(reason) from exc
        return text


# Windows Notepad's "Unicode" is UTF-16 with a byte-order mark; a few tools write UTF-32.
# UTF-32's marks begin with UTF-16's, so they are tried first.
_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_unicode(data: bytes) -> str | None:
    """The text of a file that starts with a UTF-16 or UTF-32 byte-order mark, else None."""
    for mark, codec in _WIDE_MARKS:
        if data.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(
                    f"it is damaged {codec.upper()} text (byte {exc.start})"
                ) from exc
            if not text.strip():
                raise UnreadableFile("it is empty")
            return text
    return None


SKIPPED_NAME_MAX = 100


def skipped_name(source: str, title: str | None) -> str:
    """A skipped post named in at most SKIPPED_NAME_MAX characters: file, then title."""
    name = Path(source).name if source else ""
    what = f"{name}: {title}" if title else name
    what = " ".join(what.split())
    return what if len(what) <= SKIPPED_NAME_MAX else what[: SKIPPED_NAME_MAX - 1] + "…"


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
    """(kind, posts) of one file; UnreadableFile when it cannot be read or parsed.

    What the posts say is cleaned here, where it enters (reader.sanitise): no escape
    sequence or control character from a file is ever stored.
    """
    data = read_bytes(path, options.max_bytes or DEFAULT_MAX_MB * 1024 * 1024)
    url = None
    if containers.is_container(path.suffix.lower(), data[:8]):
        try:
            page = containers.unpack(path.suffix.lower(), data)
        except containers.ContainerError as exc:
            raise UnreadableFile(str(exc)) from None
        except RecursionError:  # MIME parts nested thousands deep
            raise UnreadableFile("it is nested too deeply to read") from None
        except Exception as exc:  # noqa: BLE001 - email and plistlib raise assorted errors
            reason = " ".join(str(exc).split())[:120]
            raise UnreadableFile(
                f"gp-reader could not unpack it ({type(exc).__name__}: {reason})"
            ) from None
        text, url, kind = page.html, page.url, "html"
    else:
        text = decode_file_text(data)
        kind = kind_of(path, text)
    html_cap = DEFAULT_MAX_HTML_MB * 1024 * 1024
    if kind == "html" and options.max_bytes is None and len(text) > html_cap:
        raise UnreadableFile(
            f"it is a {_megabytes(len(text.encode('utf-8', 'surrogatepass')))} page, over "
            f"the {DEFAULT_MAX_HTML_MB} MB limit for saved pages (--max-file-size MB raises it)"
        )
    reader = {"feed": read_feed, "html": read_html, "markdown": read_markdown}.get(kind)
    try:
        posts = reader(text, str(path)) if reader else read_capture(text, str(path), options)
        if url:  # the address the browser saved the page from
            posts = [replace(post, url=post.url or url) for post in posts]
    except UnreadableFile:
        raise
    except RecursionError:
        raise UnreadableFile("it is nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise assorted errors
        reason = " ".join(str(exc).split())[:120]
        raise UnreadableFile(
            f"gp-reader could not parse it ({type(exc).__name__}: {reason})"
        ) from None
    options.skipped[:] = [(clean_text(what), why) for what, why in options.skipped]
    return kind, [clean_post(post) for post in posts]


def clean_post(post: ImportedPost) -> ImportedPost:
    """The post with every text field through reader.sanitise.clean_text."""

    def optional(value: str | None) -> str | None:
        return clean_text(value) if value else value

    return replace(
        post,
        title=" ".join(clean_text(post.title).split()),
        body=clean_text(post.body),
        source=clean_text(post.source),
        category=optional(post.category),
        author=optional(post.author),
        site=optional(post.site),
        tags=tuple(clean_text(t) for t in post.tags),
    )


# -- page captures ------------------------------------------------------------------------


def read_capture(text: str, source: str, options: ReadOptions) -> list[ImportedPost]:
    """A text capture: archive pages, themed pages and plain text (see .capture)."""
    from reader.sources.readers.capture import read_capture as read

    return read(text, source, options)


# -- feeds --------------------------------------------------------------------------------


def _feed_date(entry: Mapping[str, Any]) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def _refuse_xml_entities(text: str) -> None:
    """Refuse a feed that declares entities or refers to external ones (billion laughs,
    XXE): defusedxml's checks on expat's events. feedparser is then given only XML with
    nothing to expand; a feed expat cannot parse at all goes to feedparser's loose
    parser, which expands no declared entities."""
    import defusedxml
    import defusedxml.ElementTree as SafeTree

    try:
        SafeTree.fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnreadableFile(
            f"the feed declares XML entities or refers to outside files, which gp-reader "
            f"never expands ({type(exc).__name__})"
        ) from None
    except Exception:  # noqa: BLE001 - not well-formed: feedparser's loose parser reads it
        return


def read_feed(text: str, source: str) -> list[ImportedPost]:
    import xml.sax

    import feedparser

    from reader.sources.categories import primary_category
    from reader.sources.readers.feedtext import cut_summary, site_of, without_footers

    _refuse_xml_entities(text)
    feed = feedparser.parse(text)
    if feed.bozo and isinstance(feed.bozo_exception, xml.sax.SAXParseException):
        # Cut off or broken: what a lenient parser makes of it may be half a post.
        raise UnreadableFile(_xml_error(feed) or "the feed's XML is broken")
    if not feed.entries:
        if feed.bozo:
            raise UnreadableFile(f"not a feed gp-reader can read: {feed.bozo_exception}")
        raise UnreadableFile("the feed has no entries")
    site = site_of(feed.feed.get("title"))
    posts = []
    for entry in feed.entries:
        title = " ".join((entry.get("title") or "").split())
        contents = entry.get("content") or []
        full = max((c.get("value", "") for c in contents), key=len, default="")
        summary = entry.get("summary", "")
        html = full if len(full) >= len(summary) else summary
        body = html_to_markdown(html) if "<" in html else _plain_markdown(html)
        body, cut = cut_summary(without_footers(body))
        if not body.strip():
            continue  # reported by the caller as skipped: no text
        terms = tuple(t.get("term", "").strip() for t in entry.get("tags", []) if t.get("term"))
        posts.append(
            ImportedPost(
                title=title or derive_title(body.split("\n\n")[0]),
                title_is_derived=not title,
                body=body,
                source=source,
                date=_feed_date(entry),
                category=primary_category(terms),
                categories=terms,
                author=entry.get("author"),
                site=site,
                tags=terms,
                summary_only=cut or not full,
                url=entry.get("link") or None,
            )
        )
    if not posts:
        raise UnreadableFile("none of the feed's entries has any text")
    return posts


def _xml_error(feed: Any) -> str | None:
    """Where the feed's XML breaks ('the XML is broken at line 41, column 0: no element
    found'), if feedparser met broken XML (it then reads on as best it can)."""
    exc = feed.get("bozo_exception") if feed.get("bozo") else None
    line = getattr(exc, "getLineNumber", None)
    if exc is None or line is None:
        return None
    reason = getattr(exc, "getMessage", lambda: str(exc))()
    return f"the feed's XML is broken at line {line()}, column {exc.getColumnNumber()}: {reason}"


def _plain_markdown(text: str) -> str:
    import html

    paragraphs = [" ".join(html.unescape(p).split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(escape_block_start(p) for p in paragraphs if p) + "\n"


# -- saved post pages ---------------------------------------------------------------------


# A page whose text is nearly all link text is a list of links: Pocket's and Instapaper's
# exports, a browser's bookmarks. A post page, menus and related links and all, is under
# a quarter links (the saved pages measured: 0 to 0.19; Pocket's export 0.96).
LINK_LIST_SHARE = 0.6
LINK_LIST_LINKS = 5


def _refuse_link_list(text: str) -> None:
    from selectolax.lexbor import LexborHTMLParser

    body = LexborHTMLParser(text).body
    if body is None:
        return
    for node in body.css("script, style, noscript, template"):
        node.decompose()
    total = len(" ".join(body.text(separator=" ").split()))
    links = body.css("a")
    linked = sum(len(" ".join(a.text(separator=" ").split())) for a in links)
    if len(links) >= LINK_LIST_LINKS and linked >= LINK_LIST_SHARE * max(total, 1):
        raise UnreadableFile(
            f"it is a list of {len(links)} links (a read-later or bookmarks export), with no "
            "post text in it: save the posts' pages and import those"
        )


def read_html(text: str, source: str) -> list[ImportedPost]:
    """The post of a saved page; each post of a blog's listing page (a category, an
    archive, the front page) that prints its posts in full, as the blog's theme does."""
    from selectolax.lexbor import LexborHTMLParser

    from reader.sources.readers import pagemeta

    _refuse_link_list(text)
    page = LexborHTMLParser(text)
    listed = pagemeta.listed_posts(page)
    if len(listed) < 2:
        return [_page_post(text, page, page, source)]
    posts = []
    for node in listed:
        try:
            posts.append(_page_post(f"<html><body>{node.html}</body></html>", node, page, source))
        except UnreadableFile:
            continue  # an excerpt with no text of its own
    if not posts:
        raise UnreadableFile("no post text found in the page")
    return posts


def _page_post(text: str, scope: Any, page: Any, source: str) -> ImportedPost:
    """The post in `text`; its title, date, author and categories as `scope` (the page,
    or the post's article on a listing page) prints them."""
    import trafilatura

    from reader.sources.categories import primary_category
    from reader.sources.readers import edges, pagemeta
    from reader.sources.readers.capture import KNOWN_AUTHORS

    document = trafilatura.bare_extraction(text, with_metadata=True, favor_recall=True)
    main_html = trafilatura.extract(
        text, output_format="html", favor_recall=True, include_comments=False
    )
    body = html_to_markdown(main_html) if main_html else ""
    if not body.strip():
        raise UnreadableFile("no post text found in the page")
    meta = document.as_dict() if document is not None and hasattr(document, "as_dict") else {}
    title, sites = pagemeta.post_title(scope)
    sites = sites or ((site,) if (site := pagemeta.site_name(page)) else ())
    body = pagemeta.without_title_heading(body, title)
    body, header = edges.trim(body, title, KNOWN_AUTHORS)
    if header.title and (not title or _folded(header.title) in _folded(title)):
        # The title printed above the byline; the page's <title> adds the site's words.
        title = header.title
        body = pagemeta.without_title_heading(body, title)
    if not body.strip():
        raise UnreadableFile("no post text found in the page")
    listed = pagemeta.categories(scope) or header.categories
    tags = tuple(t for t in (meta.get("tags") or ()) if t not in listed)
    url = pagemeta.title_link(scope) if scope is not page else pagemeta.post_url(page, text)
    return ImportedPost(
        title=title or derive_title(body.split("\n\n")[0]),
        title_is_derived=not title,
        body=body,
        source=source,
        date=pagemeta.published(scope) or header.date,
        category=primary_category(listed),
        categories=listed,
        author=pagemeta.author(scope)
        or header.author
        or (None if pagemeta.is_clip(page) else meta.get("author")),
        site=sites[0] if sites else meta.get("sitename"),
        tags=listed + tags,
        url=url,
    )


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


# -- Markdown with front matter -----------------------------------------------------------


from reader.sources.readers.markdown import normalise_markdown  # noqa: E402


def read_markdown(text: str, source: str) -> list[ImportedPost]:
    from reader.sources.categories import primary_category

    try:
        meta, content = front_matter.split(text)
        title = front_matter.text_field(meta, "title") or ""
        tags = front_matter.list_field(meta, "tags")
        categories = front_matter.list_field(meta, "category") or front_matter.list_field(
            meta, "categories"
        )
        author = front_matter.text_field(meta, "author")
        date = front_matter.front_matter_date(meta, "date")
        url = _front_matter_url(meta)
    except front_matter.BadFrontMatter as exc:
        raise UnreadableFile(str(exc)) from None
    body = normalise_markdown(content)
    if not body.strip():
        raise UnreadableFile("it has no text below its front matter")
    return [
        ImportedPost(
            title=title or derive_title(body.split("\n\n")[0]),
            title_is_derived=not title,
            body=body,
            source=source,
            date=date,
            category=primary_category(categories),
            categories=tuple(categories),
            author=author,
            tags=tuple(tags),
            url=url,
        )
    ]


def _front_matter_url(meta: dict[str, Any]) -> str | None:
    """Where the post is on the web, as exports name it (canonical_url: dev.to, Medium;
    original_url, url, link: Jekyll and WordPress exporters). A relative url (Hugo's
    path on the site) says nothing of where the post is, and is not taken."""
    from reader.sources.readers.pagemeta import web_address

    for name in ("canonical_url", "original_url", "url", "link"):
        value = meta.get(name)
        if isinstance(value, str) and (url := web_address(value)):
            return url
    return None
