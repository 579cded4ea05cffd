"""Posts and terms of the simulated site, and a generator of messy WordPress post HTML.

A Post holds what WordPress stores (title as typed, content as rendered by the_content, dates
in UTC, category and tag names); the site turns it into REST objects, feed items and pages.
Titles go through a small copy of wptexturize (curly quotes, dashes, ellipses as numeric
entities), as WordPress renders them everywhere: REST title.rendered, feed <title>, <h1>.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

GENERIC_CATEGORIES = ("Blogs", "Uncategorized")
SPECIFIC_CATEGORIES = (
    "The General Practice Blog",
    "Primary Care Networks",
    "Workforce",
    "Contracts and Funding",
    "Integrated Care",
    "Podcast",
)
TAGS = (
    "ARRS",
    "BMA",
    "GP partnership",
    "ICB",
    "NHS England",
    "PCN",
    "QOF",
    "access",
    "continuity",
    "digital",
    "funding",
    "workload",
)


@dataclass
class Post:
    """One published post. content is the rendered HTML body (what the_content returns)."""

    id: int
    title: str
    content: str
    date_gmt: datetime
    slug: str = ""
    categories: list[str] = field(default_factory=lambda: ["Uncategorized"])
    tags: list[str] = field(default_factory=list)
    author: str = "Ben Gowland"
    modified_gmt: datetime | None = None
    excerpt: str = ""  # a hand-written excerpt; empty means WordPress trims the content

    def __post_init__(self) -> None:
        if self.date_gmt.tzinfo is None:
            self.date_gmt = self.date_gmt.replace(tzinfo=UTC)
        if self.modified_gmt is None:
            self.modified_gmt = self.date_gmt
        elif self.modified_gmt.tzinfo is None:
            self.modified_gmt = self.modified_gmt.replace(tzinfo=UTC)
        if not self.slug:
            self.slug = slugify(self.title) or str(self.id)


@dataclass(frozen=True)
class Term:
    """A category or tag as the REST API lists it."""

    id: int
    name: str
    slug: str
    taxonomy: str  # "category" or "post_tag"
    parent: int = 0


def slugify(text: str) -> str:
    """sanitize_title_with_dashes, near enough: ASCII, lower case, words joined by '-'."""
    text = unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[’'`]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:190]


_TEXTURIZE = (
    (re.compile(r"\.\.\."), "&#8230;"),
    (re.compile(r" -- "), " &#8212; "),
    (re.compile(r" - "), " &#8211; "),
    (re.compile(r"(\w)'(\w)"), r"\1&#8217;\2"),
    (re.compile(r"(^|[\s(\[])'"), r"\1&#8216;"),
    (re.compile(r"'"), "&#8217;"),
    (re.compile(r'(^|[\s(\[])"'), r"\1&#8220;"),
    (re.compile(r'"'), "&#8221;"),
)


def texturize(text: str) -> str:
    """Plain text to WordPress's rendered form: & escaped, quotes and dashes as entities."""
    out = html.escape(html.unescape(text), quote=False)
    for pattern, repl in _TEXTURIZE:
        out = pattern.sub(repl, out)
    return out.replace("–", "&#8211;").replace("—", "&#8212;").replace("’", "&#8217;")


def plain_text(fragment: str) -> str:
    """Tags, shortcodes and block comments stripped, entities decoded, space collapsed."""
    fragment = re.sub(r"<!--.*?-->", " ", fragment, flags=re.S)
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S | re.I)
    fragment = re.sub(r"<figcaption\b.*?</figcaption>", " ", fragment, flags=re.S | re.I)
    fragment = re.sub(r"\[/?[a-z_]+[^\]]*\]", " ", fragment)
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(fragment)).strip()


def trimmed_excerpt(post: Post, more: str = " [&#8230;]", words: int = 55) -> str:
    """wp_trim_excerpt's text: the hand-written excerpt, or the first 55 words then `more`
    (' [&hellip;]'; feeds print it as the numeric ' [&#8230;]')."""
    if post.excerpt:
        return texturize(post.excerpt)
    text = plain_text(post.content).split()
    body = texturize(" ".join(text[:words]))
    return body + (more if len(text) > words else "")


def paragraphs_html(paragraphs: Iterable[str], blocks: bool = True) -> str:
    """Plain paragraphs (a corpus post's) as block-editor HTML, one <p> a paragraph."""
    out = []
    for para in paragraphs:
        para = para.strip()
        if not para:
            continue
        heading = re.match(r"^#{2,3}\s+(.*)$", para)
        tag = "h2" if heading else "p"
        body = texturize(heading.group(1) if heading else para)
        if blocks:
            kind = "heading" if heading else "paragraph"
            out.append(f"<!-- wp:{kind} -->\n<{tag}>{body}</{tag}>\n<!-- /wp:{kind} -->")
        else:
            out.append(f"<{tag}>{body}</{tag}>")
    return "\n\n".join(out) + "\n"


def _as_datetime(value: date | datetime | str | None, fallback: datetime) -> datetime:
    if value is None or value == "":
        return fallback
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(9, 0))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_post(
    id: int,
    title: str,
    paragraphs: Sequence[str] | str,
    date: date | datetime | str | None = None,
    categories: Sequence[str] = ("Blogs",),
    tags: Sequence[str] = (),
    author: str = "Ben Gowland",
    slug: str = "",
) -> Post:
    """A Post from plain data: paragraphs (or text with blank lines between) become <p>s."""
    if isinstance(paragraphs, str):
        paragraphs = re.split(r"\n\s*\n", paragraphs)
    when = _as_datetime(date, datetime(2020, 1, 1, 9, tzinfo=UTC) + timedelta(days=id))
    cats = list(categories) or ["Uncategorized"]
    return Post(id, title, paragraphs_html(paragraphs), when, slug, cats, list(tags), author)


def posts_from_records(records: Iterable[Mapping | Sequence], first_id: int = 101) -> list[Post]:
    """Posts from (title, paragraphs, date, categories) tuples or mappings with those keys
    (and optionally tags, author, slug, id). Ids rise in date order, as WordPress's do."""
    rows = []
    for rec in records:
        if isinstance(rec, Mapping):
            rows.append(dict(rec))
        else:
            rows.append(dict(zip(("title", "paragraphs", "date", "categories"), rec, strict=False)))
    base = datetime(2015, 1, 1, 9, tzinfo=UTC)
    order = sorted(
        range(len(rows)), key=lambda i: (_as_datetime(rows[i].get("date"), base + timedelta(i)), i)
    )
    posts, seen = [], set()
    for n, i in enumerate(order):
        row = rows[i]
        if not row.get("date"):  # undated (an archive capture): one a day from 2015
            row["date"] = base + timedelta(days=i)
        row.setdefault("id", first_id + 3 * n)
        stem = row.get("slug") or slugify(row["title"]) or str(row["id"])
        slug, k = stem, 2
        while slug in seen:  # wp_unique_post_slug: -2, -3, ...
            slug, k = f"{stem}-{k}", k + 1
        seen.add(slug)
        row["slug"] = slug
        row["categories"] = list(row.get("categories") or ["Blogs"])
        posts.append(build_post(**row))
    return posts


# --- the generator -------------------------------------------------------------------------

_WORDS = (
    "practice practices patients GP partners workload funding contract ICB PCN access "
    "appointments continuity clinicians pharmacists nurses workforce investment policy "
    "demand capacity teams primary care general system local national reform money time "
    "pressure staff model list sizes premises digital telephone online triage targets"
).split()
_SUBJECTS = (
    "the new GP contract",
    "access",
    "continuity",
    "the ARRS roles",
    "ICBs",
    "the partnership model",
    "funding",
    "workload",
    "digital front doors",
    "Primary Care Networks",
    "the pandemic's lessons",
    '"more appointments"',
    "the 10 year plan",
    "list sizes",
)
_FORMS = (
    "What {} means for practices",
    "Why {} isn't the answer",
    "{} -- three years on",
    "Five things to know about {}",
    "Is this the end of {}?",
    "{} - what next?",
    "The trouble with {}...",
    "Getting {} right",
    "{}: the 'missing' piece",
    "Rethinking {}",
)
_TOPICS = tuple(form.format(subject) for subject in _SUBJECTS for form in _FORMS)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.25:
        words.insert(rng.randint(1, len(words) - 1), "NHS England's")
    end = rng.choice([".", ".", ".", "?", "..."])
    return " ".join(words) + end


def _para(rng: random.Random, sentences: int | None = None) -> str:
    text = " ".join(_sentence(rng) for _ in range(sentences or rng.randint(2, 5)))
    text = texturize(text)
    if rng.random() < 0.3:  # a double space after a full stop, as typed in the editor
        text = text.replace(". ", ".&nbsp; ", 1)
    if rng.random() < 0.3:
        word = rng.choice(_WORDS)
        link = f'<a href="https://www.england.nhs.uk/gp/{word}/" target="_blank" rel="noopener">'
        text = text.replace(f" {word} ", f" {link}{word}</a> ", 1)
    if rng.random() < 0.15:
        text = f"<strong>{text.split('. ')[0]}.</strong> " + text
    return text


def _block(kind: str, inner: str, blocks: bool, attrs: str = "") -> str:
    if not blocks:
        return inner
    a = f" {attrs}" if attrs else ""
    return f"<!-- wp:{kind}{a} -->\n{inner}\n<!-- /wp:{kind} -->"


def generate_content(rng: random.Random, post_id: int, blocks: bool = True) -> str:
    """One post body in the mixture real WordPress sites serve."""
    parts = [_block("paragraph", f"<p>{_para(rng)}</p>", blocks) for _ in range(rng.randint(2, 4))]
    for n in range(rng.randint(1, 3)):
        level = rng.choice([2, 2, 3])
        heading = texturize(rng.choice(_TOPICS).split(" - ")[0])
        inner = f'<h{level} class="wp-block-heading">{n + 1}. {heading}</h{level}>'
        parts.append(_block("heading", inner, blocks, f'{{"level":{level}}}' if level == 3 else ""))
        parts.append(_block("paragraph", f"<p>{_para(rng)}</p>", blocks))
        extra = rng.random()
        if extra < 0.3:
            tag = rng.choice(["ul", "ol"])
            items = "".join(f"<li>{_para(rng, 1)}</li>" for _ in range(rng.randint(2, 5)))
            attr = '{"ordered":true}' if tag == "ol" else ""
            parts.append(_block("list", f"<{tag}>{items}</{tag}>", blocks, attr))
        elif extra < 0.45:
            quote = f'<blockquote class="wp-block-quote"><p>{_para(rng, 2)}</p></blockquote>'
            parts.append(_block("quote", quote, blocks))
        elif extra < 0.6:
            img = (
                f'<figure id="attachment_{post_id + 1}" aria-describedby="caption-attachment-'
                f'{post_id + 1}" style="width: 640px" class="wp-caption aligncenter">'
                f'<img decoding="async" loading="lazy" class="size-large wp-image-{post_id + 1}" '
                f'src="https://example.invalid/wp-content/uploads/2019/03/chart-{post_id}.png" '
                f'alt="" width="640" height="360" /><figcaption id="caption-attachment-'
                f'{post_id + 1}" class="wp-caption-text">Figure {n + 1}: '
                f"{texturize(rng.choice(_TOPICS))}</figcaption></figure>"
            )
            parts.append(img)  # a classic-editor [caption] as the_content renders it
        elif extra < 0.7:
            parts.append(f'<p>[gallery ids="{post_id + 2},{post_id + 3}"]</p>')  # plugin gone
    if rng.random() < 0.5:
        parts.append("<p>&nbsp;</p>")
    return "\n\n".join(parts) + "\n"


def generate_posts(
    count: int = 30,
    seed: int = 1,
    start: datetime | None = None,
    end: datetime | None = None,
    blocks: bool = True,
) -> list[Post]:
    """count posts dated from start to end (default 2016 to 2025), oldest first, sparse ids,
    each in a generic category and one or two specific ones, with a few tags."""
    rng = random.Random(seed)
    start = start or datetime(2016, 1, 4, 8, tzinfo=UTC)
    end = end or datetime(2025, 11, 28, 8, tzinfo=UTC)
    span = (end - start).total_seconds()
    stamps = sorted(rng.random() * span for _ in range(count))
    posts, seen, post_id = [], set(), 10
    for offset in stamps:
        post_id += rng.randint(2, 9)  # attachments and revisions share the id sequence
        when = (start + timedelta(seconds=offset)).replace(microsecond=0)
        title = rng.choice([t for t in _TOPICS if t not in seen] or _TOPICS)
        seen.add(title)
        title = title[0].upper() + title[1:]
        generic = "Uncategorized" if rng.random() < 0.1 else "Blogs"
        specific = rng.sample(SPECIFIC_CATEGORIES, rng.choice([1, 1, 2]))
        modified = when + timedelta(hours=rng.choice([0, 0, 2, 30]))
        posts.append(
            Post(
                id=post_id,
                title=title,
                content=generate_content(rng, post_id, blocks),
                date_gmt=when,
                categories=[generic, *specific],
                tags=rng.sample(TAGS, rng.randint(0, 3)),
                modified_gmt=modified,
            )
        )
    slugs: set[str] = set()
    for post in posts:
        base, n = post.slug, 2
        while post.slug in slugs:
            post.slug, n = f"{base}-{n}", n + 1
        slugs.add(post.slug)
    return posts
