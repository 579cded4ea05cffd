"""Page furniture in text captures: what a browser's "Save as text" or a copy and paste
of a WordPress page carries around the post.

A theme prints, in order: a skip link, the site name, the menu (once for wide screens,
again for the mobile menu; as `* `/`+ ` or `•`/`◦` lists, or one item a line), a shop
basket, then for each post a date block (day, month in lower case, comment count, each
on its own line), the title, and a byline run together by the theme's inline markup
(`Posted by Ben GowlandBlogs, The General Practice BlogNo Comments`: author, categories,
comments). After the post come sharing buttons, likes, related posts, comments, the reply
form, widgets, the copyright line and a cookie notice. Other sites add a banner for old
browsers, an author bio before the title, `– By Name` after it and picture captions.

The rules are the ones these themes and browsers follow, not lists of one page's lines:
the post starts at its title (anything above a byline or a by-line is the site's), and
ends at the first line of the furniture that follows every WordPress post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MONTH_NUMBERS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_FULL_MONTHS = {
    m: n
    for n, m in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ],
        1,
    )
}  # fmt: skip

_COMMENTS = r"(?:No Comments|One Comment|1 Comment|\d+ Comments|Comments Off|Leave a comment)"
_BYLINE_RE = re.compile(rf"^Posted [Bb]y\s*(?P<rest>.+?)\s*\|?\s*(?P<comments>{_COMMENTS})?\s*$")
# 'Ben Gowland On 3 March 2025 @ 07:00 In Blogs, The General Practice Blog' (WP-Print's
# print view and themes that print 'Posted by X on DATE in CATEGORIES')
_ON_DATE_RE = re.compile(
    r"^(?P<name>.+?)\s+on\s+(?P<date>.+?)(?:\s*@\s*\d{1,2}[:.]\d\d(?:\s*[ap]m)?)?"
    r"(?:\s+in\s+(?P<cats>.+?))?\s*$",
    re.I,
)
# '– By Ben Gowland', 'By Ben Gowland', 'by Ben Gowland | 3 June 2025'
_BY_RE = re.compile(
    r"^[–—-]?\s*[Bb]y\s+(?P<name>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3})"
    r"(?:\s*[|·•,–—-]\s*(?P<date>.+?))?\s*$"
)
_DAY_RE = re.compile(r"^\d{1,2}$")
_COUNT_RE = re.compile(r"^\d{1,5}$")
_CAPTION_RE = re.compile(
    r"^\((?:Picture|Image|Photo|Photograph|Credit|Source)s?:.*\)$"
    r"|^(?:Picture|Image|Photo|Photograph)s?(?: credit)?:\s*\S.{0,80}$",
    re.I,
)
_DATE_LINE_RE = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(?P<m>[A-Za-z]+)\s*,?\s+(?P<y>(?:19|20)\d\d)$"
    r"|^(?P<m2>[A-Za-z]+)\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,\s*(?P<y2>(?:19|20)\d\d)$"
)
_BULLET_LINE_RE = re.compile(r"^\s*(?:[*+•◦▪‣·-])\s*(?P<item>.*)$")

# Lines a theme or a site prints around every post; matched whole, case and spacing aside.
_FURNITURE = {
    "skip to content", "skip to main content", "menu", "main menu", "toggle navigation",
    "search", "search for:", "no products in the basket.", "your basket is empty.",
    "view basket", "checkout", "subscribe", "sign in", "log in", "login", "register",
    "you are using an outdated browser. please upgrade your browser to improve your experience.",
    "advertisement", "advert", "sponsored", "accept all", "reject all", "accept", "manage cookies",
}  # fmt: skip
# Lines that start what follows the post: the end of the post's text.
_FOOTER_RE = re.compile(
    r"^(?:share this:?|share this (?:article|post|story)|share|share on \w+|like this:?|"
    r"like loading\.*|loading\.*|related|related (?:posts|articles|stories)|"
    r"you may also like|more from \w.*|leave a reply(?: cancel reply)?|leave a comment|"
    r"post comment|comments? \(\d+\)|\d+ comments?|no comments|one comment|"
    r"(?:\d+|one|two|three) thoughts? on [“\"].*|(?:«|‹|←)\s*previous post.*|"
    r"previous post|next post.*|recent posts|recent comments|most read|most popular|"
    r"tags?:.*|posted in .*|filed under:? .*|categories:?|archives|about the author|"
    r"(?:©|\(c\)|copyright).*|we use cookies.*|cookie settings.*|page \d+ of \d+|"
    r"sign in to comment|you must be logged in to comment\.?|"
    r"read more(?: »| →|\.\.\.|…)?|continue reading(?: .*)?|read the full (?:post|article).*|"
    # a print view's closing lines (WP-Print and print plugins like it)
    r"article printed from .*|url to article:.*|urls in this post:?|click here to print\.?|"
    r"print (?:this )?(?:post|page|article)|back to top)$",
    re.I,
)
# A caption or a site name line has no sentence in it; a date line says a date.
_SENTENCE_END_RE = re.compile(r"[.?!…:][’”'\")]*$")


def fold(line: str) -> str:
    return " ".join(line.replace("\u00a0", " ").split()).casefold()


def is_furniture(line: str) -> bool:
    return fold(line) in _FURNITURE


def is_footer(line: str) -> bool:
    return bool(_FOOTER_RE.match(fold(line)))


def is_caption(line: str) -> bool:
    return bool(_CAPTION_RE.match(fold(line)))


def parse_date_line(line: str) -> str | None:
    """'3 June 2025', 'June 3, 2025', 'Tuesday 3rd June 2025' as 2025-06-03."""
    m = _DATE_LINE_RE.match(" ".join(line.split()))
    if not m:
        return None
    day, month, year = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
    number = _FULL_MONTHS.get(month.casefold()) or MONTH_NUMBERS.get(month.casefold()[:3])
    if not number or not 1 <= int(day) <= 31:
        return None
    return f"{int(year):04d}-{number:02d}-{int(day):02d}"


@dataclass
class Byline:
    author: str | None
    categories: tuple[str, ...]
    comments: str | None
    date: str | None = None


def split_byline(line: str, known_authors: tuple[str, ...] = ()) -> Byline | None:
    """`Posted by Ben GowlandBlogs, Life After the NHSNo Comments` in its parts.

    The theme prints author, category links and comment link with no space between them;
    a lower-case letter followed by a capital is where one run meets the next.
    """
    m = _BYLINE_RE.match(" ".join(line.replace("\u00a0", " ").split()))
    if not m:
        return None
    rest = m["rest"]
    comments = m["comments"]
    if comments is None:
        joined = re.search(rf"(?<=[a-z.)]){_COMMENTS}$", rest)
        if joined:
            comments, rest = joined.group(0), rest[: joined.start()]
    on = _ON_DATE_RE.match(rest)
    date = parse_date_line(on["date"]) if on else None
    if on and date:
        cats = _categories(on["cats"] or "")
        return Byline(author=on["name"].strip(), categories=cats, comments=comments, date=date)
    author, categories = _author_and_categories(rest, known_authors)
    return Byline(author=author, categories=categories, comments=comments)


def _author_and_categories(rest: str, known: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    for name in known:
        if rest.startswith(name):
            return name, _categories(rest[len(name) :])
    boundaries = [m.start() + 1 for m in re.finditer(r"[a-z][A-Z]", rest)]
    comma = rest.find(",")
    if comma >= 0:
        before = [b for b in boundaries if b < comma]
        cut = before[-1] if before else None
    else:
        cut = boundaries[0] if boundaries else None
    if cut is None:
        return rest.strip() or None, ()
    return rest[:cut].strip(), _categories(rest[cut:])


def _categories(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


@dataclass
class DateBlock:
    """The theme's three short lines: day, month (lower case), comment count."""

    start: int  # index of its first line
    month: int
    day: int


def date_block_before(lines: list[str], title_at: int) -> DateBlock | None:
    """The date block just above the title line at `title_at`, if the theme printed one."""
    near = [i for i in range(title_at - 1, -1, -1) if lines[i].strip()][:3]
    if len(near) < 2:
        return None
    texts = [lines[i].strip().casefold() for i in near]
    # Above the title: [count, month, day] or [month, day] (no comment count shown).
    for day_at, month_at in ((2, 1), (1, 0)):
        if day_at >= len(texts):
            continue
        day, month = texts[day_at], texts[month_at]
        if _DAY_RE.match(day) and month[:3] in MONTH_NUMBERS and len(month) <= 9:
            if month_at == 1 and not _COUNT_RE.match(texts[0]):
                continue
            if 1 <= int(day) <= 31:
                return DateBlock(start=near[day_at], month=MONTH_NUMBERS[month[:3]], day=int(day))
    return None


@dataclass
class Post:
    """One post found in a capture: its title line (or none) and its text lines."""

    title: str | None
    lines: list[str] = field(default_factory=list)
    month_day: tuple[int, int] | None = None
    date: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()


def find_bylines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _BYLINE_RE.match(line.strip())]


def _previous_content(lines: list[str], at: int) -> int | None:
    for i in range(at - 1, -1, -1):
        if lines[i].strip():
            return i
    return None


def themed_posts(lines: list[str], known_authors: tuple[str, ...] = ()) -> list[Post] | None:
    """Posts of a capture whose theme prints bylines; None when it prints none."""
    bylines = find_bylines(lines)
    if not bylines:
        return None
    starts = []  # (first line of the post's header, title index, byline index)
    for at in bylines:
        title_at = _previous_content(lines, at)
        if title_at is None:
            continue
        block = date_block_before(lines, title_at)
        starts.append((block.start if block else title_at, title_at, at, block))
    posts = []
    for n, (_head, title_at, at, block) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        byline = split_byline(lines[at], known_authors)
        post = Post(
            title=lines[title_at].strip(),
            month_day=(block.month, block.day) if block else None,
            author=byline.author if byline else None,
            categories=byline.categories if byline else (),
        )
        post.lines = body_lines(lines[at + 1 : end], post)
        posts.append(post)
    return posts


def by_line_post(lines: list[str]) -> Post | None:
    """A page whose title is followed by `– By Name` (guest posts on news sites)."""
    for i, line in enumerate(lines):
        m = _BY_RE.match(line.strip())
        if not m:
            continue
        title_at = _previous_content(lines, i)
        if title_at is None or len(lines[title_at].strip()) > 150:
            continue
        post = Post(title=lines[title_at].strip(), author=m["name"])
        post.date, post.categories = _after_by(m["date"] or "")
        post.lines = without_bio(body_lines(lines[i + 1 :], post), post.author)
        return post
    return None


def _after_by(text: str) -> tuple[str | None, tuple[str, ...]]:
    """What follows the name in `By Name | date`, or in Divi's `by Name | Apr 28, 2025 |
    Blogs, The General Practice Blog | 2 comments`: the date, and the categories when a
    date shows the parts are the theme's post meta."""
    parts = [part.strip() for part in text.split("|") if part.strip()]
    date = next((found for part in parts if (found := parse_date_line(part))), None)
    if date is None:
        return parse_date_line(text) if text else None, ()
    rest = [p for p in parts if not parse_date_line(p) and not re.fullmatch(_COMMENTS, p, re.I)]
    rest = [p for p in rest if not re.fullmatch(r"\d+ comments?", p, re.I)]
    return date, _categories(rest[0]) if len(rest) == 1 else ()


def without_bio(lines: list[str], author: str | None) -> list[str]:
    """A guest post's closing author bio ('Ben Gowland is the founder of ...') is the site's."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    if author and len(content) > 1:
        last = lines[content[-1]].strip()
        if last.startswith(f"{author} is ") and len(last) <= 300:
            return lines[: content[-1]]
    return lines


def body_lines(lines: list[str], post: Post) -> list[str]:
    """The post's text: from after its title (or byline) to the furniture after it.

    A date line before the first paragraph is the post's date; captions, NBSP-only
    lines and repeated menus are dropped; the first footer line ends the post.
    """
    out: list[str] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            out.append("")
            continue
        if not any(line.strip() for line in out):
            date = parse_date_line(text)
            if date and post.date is None:
                post.date = date
                continue
        if is_footer(text):
            if any(line.strip() for line in out):
                break
            continue
        if is_caption(text) or is_furniture(text):
            continue
        out.append(raw.rstrip())
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return out


def strip_header(lines: list[str]) -> list[str]:
    """Menus, skip links, baskets and banners above a capture's first text line.

    A menu is a run of list items (or of short lines the page repeats); the site's
    furniture lines are known. What is left starts at the first line of the post.
    """
    counts: dict[str, int] = {}
    for line in lines:
        key = fold(line)
        if key:
            counts[key] = counts.get(key, 0) + 1
    start = 0
    for i, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            start = i + 1
            continue
        bullet = _BULLET_LINE_RE.match(raw)
        menu_item = bullet is not None and len(bullet["item"]) <= 40 and not _ends_sentence(text)
        repeated = counts.get(fold(text), 0) > 1 and len(text) <= 40 and not _ends_sentence(text)
        if is_furniture(text) or menu_item or repeated or _is_basket(text):
            start = i + 1
            continue
        break
    return lines[start:]


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text)) and len(text.split()) > 3


def _is_basket(text: str) -> bool:
    return bool(re.match(r"^\d+\s*items?\s*[£$€]\s?\d+[.,]\d\d$", text.replace("\u00a0", " ")))


def strip_footer(lines: list[str]) -> list[str]:
    """The capture's text up to the furniture that follows a post."""
    out: list[str] = []
    for raw in lines:
        if is_footer(raw.strip()) and any(line.strip() for line in out):
            break
        out.append(raw)
    while out and not out[-1].strip():
        out.pop()
    return out
