"""Pages a browser saved as one file around the HTML: MHTML and Safari's web archive.

- MHTML (`.mhtml`, `.mht`): Chrome and Edge's "Webpage, Single File". A MIME message
  (RFC 2557, multipart/related) whose root part is the page's HTML, each part in its own
  transfer encoding (quoted-printable or base64) and charset; the page's address is in
  `Snapshot-Content-Location` (Chrome) or the root part's `Content-Location`.
- Web archive (`.webarchive`): Safari's "Web Archive". A property list (binary as a rule)
  whose `WebMainResource` holds `WebResourceData` (the HTML bytes), its
  `WebResourceTextEncodingName` and `WebResourceURL`.

Both come down to (html, address); reader.sources.readers reads the HTML as a saved page.
Only the standard library parses them: `email` for MIME, `plistlib` for property lists.
"""

from __future__ import annotations

import email
import email.policy
import plistlib
from dataclasses import dataclass
from email.message import EmailMessage, Message

MHTML_SUFFIXES = {".mhtml", ".mht"}
WEBARCHIVE_SUFFIXES = {".webarchive"}
SUFFIXES = MHTML_SUFFIXES | WEBARCHIVE_SUFFIXES


class ContainerError(ValueError):
    """The file is not a saved page of the kind its name says (one line, for the user)."""


@dataclass(frozen=True)
class SavedPage:
    html: str
    url: str | None


def is_container(suffix: str, head: bytes) -> bool:
    """Whether a file is a page container, by its name or its first bytes."""
    return suffix in SUFFIXES or head.startswith(b"bplist00")


def unpack(suffix: str, data: bytes) -> SavedPage:
    if suffix in WEBARCHIVE_SUFFIXES or data.startswith((b"bplist00", b"<?xml")):
        return _webarchive(data)
    return _mhtml(data)


def _decode(raw: bytes, charset: str | None) -> str:
    for name in (charset, "utf-8"):
        if not name:
            continue
        try:
            return raw.decode(name)
        except (LookupError, ValueError):  # also codecs that are not text (idna, undefined)
            continue
    return raw.decode("cp1252", errors="replace")


def _mhtml(data: bytes) -> SavedPage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not message.is_multipart() and message.get_content_type() != "text/html":
        raise ContainerError("it is not an MHTML page (no HTML part in it)")
    address = message.get("Snapshot-Content-Location")
    root = _root_part(message)
    if root is None:
        raise ContainerError("the MHTML file holds no HTML page")
    raw = root.get_payload(decode=True)
    if not isinstance(raw, bytes) or not raw.strip():
        raise ContainerError("the MHTML file's page is empty")
    html = _decode(raw, root.get_content_charset())
    url = str(address or root.get("Content-Location") or "") or None
    return SavedPage(html, _web_address(url))


def _root_part(message: Message) -> Message | None:
    """The page: the part `start` names, else the first text/html part (RFC 2557 §5)."""
    parts = [p for p in message.walk() if not p.is_multipart()]
    start = message.get_param("start") if isinstance(message, EmailMessage) else None
    if isinstance(start, str):
        for part in parts:
            if part.get("Content-ID", "").strip() == start.strip():
                return part
    for part in parts:
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            return part
    return None


def _webarchive(data: bytes) -> SavedPage:
    try:
        archive = plistlib.loads(data)
    except Exception:  # noqa: BLE001 - plistlib raises several kinds for a damaged file
        raise ContainerError(
            "it is not a Safari web archive (its property list is damaged)"
        ) from None
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    if not isinstance(main, dict):
        raise ContainerError("the web archive has no main page in it")
    raw = main.get("WebResourceData")
    if not isinstance(raw, bytes) or not raw.strip():
        raise ContainerError("the web archive's page is empty")
    kind = str(main.get("WebResourceMIMEType") or "text/html")
    if "html" not in kind:
        raise ContainerError(f"the web archive holds {kind}, not a web page")
    encoding = main.get("WebResourceTextEncodingName")
    url = main.get("WebResourceURL")
    return SavedPage(
        _decode(raw, encoding if isinstance(encoding, str) else None),
        _web_address(url if isinstance(url, str) else None),
    )


def _web_address(url: str | None) -> str | None:
    """The saved page's address, when it is on the web (not file: or cid:)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None
