"""Sources to sync: the ones gp-reader comes with, and OPML in and out.

OPML is how newsboat (`newsboat -i/-e`) and Miniflux exchange subscriptions: one
<outline type="rss" text=... xmlUrl=... htmlUrl=...> a feed, folders as outlines around
them (a folder's name becomes the source's category here, as Miniflux reads it).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from reader import paths
from reader.errors import ReaderError
from reader.sanitise import clean_text
from reader.sources.web.matching import url_key
from reader.store.web import Subscription

DEFAULTS_FILE = "sources_web.toml"
MAX_OPML_BYTES = 5 * 1024 * 1024


def default_subscriptions(corpus_dir: Path | None = None) -> list[Subscription]:
    path = (corpus_dir or paths.corpus_dir()) / DEFAULTS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return [
            Subscription(s["name"], s["url"], s.get("category")) for s in data.get("source", [])
        ]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ReaderError(f"cannot read the default sources {path}: {exc}") from exc


def check_url(url: str) -> str:
    """The address as given, if gp-reader can sync it; else a one-line ReaderError."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ReaderError(
            f"{url!r} is not a web address gp-reader can sync (http:// or https://)", exit_code=2
        )
    return url


def name_for(url: str) -> str:
    """A source's name when none is given: the site's host without www."""
    return (urlsplit(url).hostname or url).removeprefix("www.")


def read_opml(path: Path) -> list[Subscription]:
    """The feeds an OPML file lists (folders give categories); ReaderError if unreadable."""
    import defusedxml
    import defusedxml.ElementTree as SafeTree

    if path.exists() and not path.is_file():  # a pipe would block, /dev/zero never end
        raise ReaderError(f"{path} is not a file (a folder, pipe or device)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise ReaderError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_OPML_BYTES:
        raise ReaderError(f"{path} is over 5 MB; that is not a subscription list")
    try:
        # defusedxml refuses entity declarations in any encoding ('<!ENTITY' in UTF-16
        # is other bytes) and external references.
        root = SafeTree.fromstring(data)
    except defusedxml.DefusedXmlException:
        raise ReaderError(f"{path}: OPML with entity declarations is not read") from None
    except ElementTree.ParseError as exc:
        raise ReaderError(f"{path} is not OPML ({exc})") from None
    body = root.find("body")
    if root.tag.lower() != "opml" or body is None:
        raise ReaderError(f"{path} is not OPML (no <opml><body>)")
    found: list[Subscription] = []

    # Depth first, in document order, with a stack of its own: folders nested thousands
    # deep are no RecursionError.
    stack: list[tuple[Iterator[ElementTree.Element], str | None]] = [
        (iter(body.findall("outline")), None)
    ]
    while stack:
        outlines, folder = stack[-1]
        outline = next(outlines, None)
        if outline is None:
            stack.pop()
            continue
        url = outline.get("xmlUrl") or outline.get("xmlurl") or outline.get("htmlUrl")
        home = outline.get("htmlUrl") or ""
        if url and home and url_key(url) == url_key(home.rstrip("/") + "/feed/"):
            url = home  # a WordPress site's own feed: its home page offers more (REST)
        text = clean_text((outline.get("title") or outline.get("text") or "").strip())
        if url:
            found.append(Subscription(text or name_for(url), url.strip(), folder))
        else:
            stack.append((iter(outline.findall("outline")), text or folder))
    return found


def write_opml(subs: list[Subscription]) -> str:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "gp-reader sources"
    body = ElementTree.SubElement(root, "body")
    folders: dict[str, ElementTree.Element] = {}
    for sub in subs:
        parent = body
        if sub.category:
            if sub.category not in folders:
                folders[sub.category] = ElementTree.SubElement(
                    body, "outline", text=sub.category, title=sub.category
                )
            parent = folders[sub.category]
        attrs = {"type": "rss", "text": sub.name, "title": sub.name}
        feed = sub.state.get("feed")
        attrs["xmlUrl"] = feed or sub.url
        attrs["htmlUrl"] = sub.url
        ElementTree.SubElement(parent, "outline", attrs)
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )


def same_site(a: str, b: str) -> bool:
    return url_key(a) == url_key(b)
