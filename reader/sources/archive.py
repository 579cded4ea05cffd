"""Archive pages of a WordPress 3 theme (the CCG Information site), saved as text.

WordPress heads each archive view with what it lists: `Archive for July, 2013` (a month),
`Archive for July 29th, 2013` (a day), `Archive for 2013` (a year), `Archive for the
‘CCGs and Primary Care’ Category`, `Posts Tagged ‘clinical commissioning groups’`, or in
later themes `Monthly Archives: July 2013`, `Category Archives: X`, `Tag Archives: X`.
The theme prints each post's month and day as two short lines (`Jul` / `29`), or no date
at all (then each post's title line heads it), and its tags as a line of links that a
text capture turns into commas (`, ,`). A pager (`« Older Entries`) ends the page.

The heading is chrome, but it says things: a month or day heading gives the year of
every post on the page; a category or tag heading gives the posts' category or tag. Only
where the page gives no year is --newest-year needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.articles.parse import MONTHS, infer_years, looks_like_title, title_case_ratio

_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_Q = "[‘'\"“]"
_QE = "[’'\"”]"
_HEADINGS = [
    ("month", re.compile(rf"^Archive for (?P<m>{_MONTH_NAMES}),? (?P<y>\d{{4}})$", re.I)),
    (
        "day",
        re.compile(
            rf"^Archive for (?P<m>{_MONTH_NAMES}) \d{{1,2}}(?:st|nd|rd|th)?,? (?P<y>\d{{4}})$",
            re.I,
        ),
    ),
    ("year", re.compile(r"^Archive for (?P<y>\d{4})$", re.I)),
    ("month", re.compile(rf"^Monthly Archives?: (?P<m>{_MONTH_NAMES}),? (?P<y>\d{{4}})$", re.I)),
    ("year", re.compile(r"^Yearly Archives?: (?P<y>\d{4})$", re.I)),
    ("category", re.compile(rf"^Archive for the {_Q}(?P<name>.+?){_QE} Category$", re.I)),
    ("category", re.compile(r"^Category(?: Archives?)?: (?P<name>.+)$", re.I)),
    ("tag", re.compile(rf"^Posts Tagged {_Q}(?P<name>.+?){_QE}$", re.I)),
    ("tag", re.compile(r"^Tag(?: Archives?)?: (?P<name>.+)$", re.I)),
    ("author", re.compile(r"^Author Archives?(?:: .+)?$", re.I)),
]
_CHROME_RE = re.compile(
    r"^(?:Archives?|[\s,]*,[\s,]*|«\s*Older Entries|Newer Entries\s*»|"
    r"«\s*Older Posts|Newer Posts\s*»|Older posts|Newer posts|Page \d+ of \d+|\d+)$",
    re.I,
)
_SEPARATOR_RE = re.compile(r"^[\s,]*,[\s,]*$")
_FULL_MONTHS = {m: n for n, m in enumerate(_MONTH_NAMES.split("|"), 1)}


@dataclass
class Heading:
    kind: str | None = None
    year: int | None = None
    month: int | None = None
    name: str | None = None  # a category's or tag's name


@dataclass
class ArchivePost:
    lines: list[str] = field(default_factory=list)
    title: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


def heading_of(line: str) -> tuple[str, re.Match[str]] | None:
    text = " ".join(line.replace("\u00a0", " ").split())
    for kind, pattern in _HEADINGS:
        m = pattern.match(text)
        if m:
            return kind, m
    return None


def is_archive(lines: list[str]) -> bool:
    """A WordPress archive page: its heading, or month/day markers between posts."""
    stripped = [line.strip() for line in lines]
    if any(heading_of(line) for line in stripped[:40]):
        return True
    return any(
        line in MONTHS and i + 1 < len(stripped) and re.fullmatch(r"\d{1,2}", stripped[i + 1])
        for i, line in enumerate(stripped)
    )


def read_heading(lines: list[str]) -> Heading:
    heading = Heading()
    for line in lines[:40]:
        found = heading_of(line.strip())
        if not found:
            continue
        kind, m = found
        heading.kind = heading.kind or kind
        groups = m.groupdict()
        if groups.get("y"):
            heading.year = int(groups["y"])
        if groups.get("m"):
            heading.month = _FULL_MONTHS[groups["m"].casefold()]
        if groups.get("name"):
            heading.name = groups["name"].strip()
    return heading


def _is_chrome(line: str) -> bool:
    text = line.replace("\u00a0", " ").strip()
    return not text or bool(_CHROME_RE.match(text)) or heading_of(text) is not None


def split_posts(lines: list[str]) -> list[ArchivePost]:
    """Posts at their month/day markers; on a page with none, at their title lines."""
    stripped = [line.strip() for line in lines]
    marked = any(
        s in MONTHS and i + 1 < len(stripped) and re.fullmatch(r"\d{1,2}", stripped[i + 1])
        for i, s in enumerate(stripped)
    )
    posts: list[ArchivePost] = []
    after_separator = True  # the page's start, or a tag line: where a post may begin
    previous = ""
    i = 0
    while i < len(lines):
        text = stripped[i]
        nxt = stripped[i + 1] if i + 1 < len(lines) else ""
        if marked and text in MONTHS and re.fullmatch(r"\d{1,2}", nxt):
            posts.append(ArchivePost(month=MONTHS[text], day=int(nxt)))
            after_separator = True
            i += 2
            continue
        if _SEPARATOR_RE.match(text):
            after_separator = True
            i += 1
            continue
        if _is_chrome(lines[i]):
            i += 1
            continue
        starts_titled = _title_line(text, stripped, i) and (
            after_separator or (previous.endswith((".", "?", "!", "”", "’")) and not marked)
        )
        if starts_titled and (not marked or (posts and not posts[-1].lines)):
            if not marked or not posts:
                posts.append(ArchivePost())
            posts[-1].title = text
        else:
            if not posts:
                posts.append(ArchivePost())
            posts[-1].lines.append(lines[i].rstrip())
        after_separator = False
        previous = text
        i += 1
    return [p for p in posts if p.lines or p.title]


def _title_line(text: str, stripped: list[str], at: int) -> bool:
    """A post's title: Title Case, one phrase, and a paragraph of text after it."""
    if not looks_like_title(text) or title_case_ratio(text) < 0.6 or len(text.split()) < 2:
        return False
    after = next((s for s in stripped[at + 1 :] if s and not _is_chrome(s)), "")
    return len(after.split()) >= 12


def date_posts(posts: list[ArchivePost], heading: Heading, newest_year: int | None) -> bool:
    """Give posts their years; False when the page has day markers but no year is known."""
    dated = [p for p in posts if p.month is not None]
    if not dated:
        return True
    if heading.year is not None and heading.kind in ("month", "day"):
        for post in dated:
            post.year = heading.year
        return True
    newest = heading.year if heading.kind == "year" else newest_year
    if newest is None:
        return False
    for post, year in zip(dated, infer_years(dated, newest), strict=True):  # type: ignore[arg-type]
        post.year = year
    return True
