"""Turn captured blog pages into posts.

Two shapes of page are understood:

* listing pages ('The General Practice Blog'): each post starts with its title line,
  posts follow one another newest first, a pager footer closes the page;
* archive pages ('CCGs and Primary Care'): untitled posts, each under a month line and
  a day line, newest first, with tag separators (lines of commas) between them.

Each non-blank line of a capture is one paragraph. The functions here are pure: text
in, records out; no files, no Textual.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from reader.articles.markdown import escape_block_start

PARSER_VERSION = 2  # 2: topics counted by walking the words

MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}

_PAGER_RE = re.compile(r"^Page (\d+) of (\d+)$")
_DIGITS_RE = re.compile(r"^\d+$")
_ARCHIVE_HEADING_RE = re.compile(r"^Archive for the .* Category$")
_COMMAS_RE = re.compile(r"^[\s,]*,[\s,]*$")
_FLATTENED_ITEM_RE = re.compile(r"^\s+\d+\.\s+(.*)$")
_BULLET_RE = re.compile(r"^\s*[•·▪◦‣]\s*(.*)$")
_ROMAN_ITEM_RE = re.compile(r"^[ivxlc]+\.\s", re.IGNORECASE)
_PAGE_REF_RE = re.compile(r"\((?:[A-Za-z][A-Za-z ]* )?p\.?\s?\d+\)$")
_SENTENCE_END_RE = re.compile(r"[.?!…][’”'\")]*(?=\s|$)")

# Words that stay lower case in a title, and so say nothing about whether a line is one.
_MINOR_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of"}
    | {"on", "or", "so", "the", "to", "with", "its", "be", "via", "vs"}
)
TITLE_MAX_CHARS = 100
DERIVED_TITLE_MAX = 80


def is_chrome(line: str) -> bool:
    """Lines of page furniture that belong to no post."""
    text = line.strip()
    if not text:
        # Blank, or holding only non-breaking spaces (str.strip removes those too).
        return True
    return bool(
        _PAGER_RE.match(text)
        or _DIGITS_RE.match(text)
        or text == "Archive"
        or _ARCHIVE_HEADING_RE.match(text)
        or _COMMAS_RE.match(text)
    )


def title_case_ratio(line: str) -> float:
    """Share of the significant words that start with a capital letter or a digit."""
    words = [w.strip("‘’“”\"'():,?!") for w in line.split()]
    significant = [w for w in words if w and w.lower() not in _MINOR_WORDS]
    if not significant:
        return 0.0
    capital = sum(1 for w in significant if w[0].isupper() or w[0].isdigit())
    return capital / len(significant)


def _is_short_single_line(text: str) -> bool:
    if len(text) > TITLE_MAX_CHARS or text[-1] in ".:,;":
        return False
    # One sentence only: no sentence end before the last character.
    return not any(m.end() < len(text) for m in _SENTENCE_END_RE.finditer(text))


def looks_like_title(text: str) -> bool:
    """A post title: short, one phrase, Title Case ('Why Engage with Neighbourhoods?')."""
    if _FLATTENED_ITEM_RE.match(text) or _BULLET_RE.match(text):
        return False
    text = text.strip()
    return _is_short_single_line(text) and title_case_ratio(text) >= 0.5


def looks_like_subheading(text: str) -> bool:
    """A heading inside a post: short, one phrase, sentence case ('What exactly then is ...?')."""
    text = text.strip()
    return _is_short_single_line(text) and not _ROMAN_ITEM_RE.match(text)


@dataclass
class RawPost:
    """A post as found on one page, before it is merged with other captures."""

    source: str
    lines: list[str] = field(default_factory=list)  # content lines, as captured
    title: str | None = None
    month: int | None = None
    day: int | None = None

    @property
    def first_paragraph(self) -> str:
        return self.lines[0].strip() if self.lines else ""


@dataclass
class Capture:
    """One listing page: its posts top to bottom and the pager's page count."""

    source: str
    posts: list[RawPost]
    total_pages: int | None


def parse_listing(text: str, source: str) -> Capture:
    """Split a titled listing page into posts."""
    posts: list[RawPost] = []
    total_pages = None
    previous = ""
    for raw in text.splitlines():
        pager = _PAGER_RE.match(raw.strip())
        if pager:
            total_pages = int(pager.group(2))
        if is_chrome(raw):
            continue
        line = raw.rstrip()
        starts_post = not posts or (looks_like_title(line) and not previous.endswith((":", ",")))
        if starts_post:
            posts.append(RawPost(source=source, title=line.strip()))
        else:
            posts[-1].lines.append(line)
        previous = line.strip()
    return Capture(source=source, posts=posts, total_pages=total_pages)


def parse_archive(text: str, source: str) -> list[RawPost]:
    """Split a dated archive page into posts, each starting at its month/day marker."""
    lines = text.splitlines()
    posts: list[RawPost] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        text_line = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if text_line in MONTHS and re.fullmatch(r"\d{1,2}", nxt):
            posts.append(RawPost(source=source, month=MONTHS[text_line], day=int(nxt)))
            i += 2
            continue
        if not is_chrome(raw):
            if not posts:
                raise ValueError(f"{source}: text before the first month/day marker: {text_line!r}")
            posts[-1].lines.append(raw.rstrip())
        i += 1
    return posts


def infer_years(posts: list[RawPost], newest_year: int) -> list[int]:
    """Years for archive posts listed newest first.

    Walking down the list, dates go back in time; when the month (or, within a month, the
    day) goes up instead, the post belongs to the year before.
    """
    years = []
    year = newest_year
    previous: tuple[int, int] | None = None
    for post in posts:
        if post.month is None or post.day is None:
            raise ValueError(f"{post.source}: an archive post without its month/day marker")
        current = (post.month, post.day)
        if previous is not None and current > previous:
            year -= 1
        years.append(year)
        previous = current
    return years


def derive_title(first_paragraph: str, limit: int = DERIVED_TITLE_MAX) -> str:
    """A title from a post's opening sentence, cut at a word boundary to at most `limit`."""
    text = " ".join(first_paragraph.split())
    end = _SENTENCE_END_RE.search(text)
    sentence = text[: end.end()] if end else text
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def render_markdown(lines: list[str]) -> str:
    """A post's captured lines as Markdown.

    Flattened '1.' items are numbered 1, 2, 3 ... through the post (they are numbered
    sections with paragraphs between them); bullets become '-' items; short sentence-case
    lines become '###' subheadings; a paragraph introduced by a line ending in ':' or ','
    (or closing with a page reference like '(p13)') is a quotation.
    """
    blocks: list[str] = []
    number = 0
    previous = ""
    previous_quoted = False
    for raw in lines:
        text = raw.strip()
        item = _FLATTENED_ITEM_RE.match(raw)
        bullet = _BULLET_RE.match(raw)
        quoted = False
        if item:
            number += 1
            block = f"{number}. {item.group(1).strip()}"
        elif bullet:
            block = f"- {bullet.group(1).strip()}"
        elif (
            previous.endswith((":", ","))
            or _PAGE_REF_RE.search(text)
            or (previous_quoted and _ROMAN_ITEM_RE.match(text))
        ):
            quoted = True
            block = "> " + escape_block_start(text)
        elif looks_like_subheading(text):
            block = f"### {text}"
        else:
            block = escape_block_start(text)
        blocks.append(block)
        previous = text
        previous_quoted = quoted
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def slugify(text: str, max_len: int = 60) -> str:
    """A readable, URL-safe id part: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len:
            break
        slug = candidate
    return slug or "post"


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def count_words(markdown: str) -> int:
    return len(re.findall(r"[\w’'£%-]+", markdown))
