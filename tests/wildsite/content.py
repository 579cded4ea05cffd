"""The wild site's posts and terms, and how WordPress writes them out.

Titles are stored as WordPress renders them (wptexturize's `&#8217;` and `&#8220;`, an
ampersand as `&amp;` or `&#038;`): REST's title.rendered and the feeds carry them so.
Term names are stored escaped too (WordPress keeps `&amp;` in wp_terms.name).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

_WORDS = (
    "practice patients list funding contract partners salaried nurse pharmacist "
    "appointment demand access primary care network integrated board commissioning "
    "workforce estates digital triage telephone continuity locum retirement training "
    "indemnity premises rent rates capitation global sum enhanced services quality "
    "outcomes framework targets audit prescribing referral hospital outpatient waiting "
    "community mental health social prescriber physician associate paramedic dispensing "
    "rural urban deprivation weighting formula allocation budget deficit surplus reform"
).split()


@dataclass
class Term:
    id: int
    name: str  # as WordPress stores it: entities escaped
    slug: str
    parent: int = 0
    taxonomy: str = "category"


@dataclass
class WildPost:
    id: int
    title: str  # rendered: entities as wptexturize leaves them
    slug: str
    date: datetime  # the site's local time (naive), as `date` in the REST API
    modified_gmt: datetime  # naive UTC
    content: str  # rendered HTML
    excerpt: str = ""  # rendered HTML; "" where the author wrote none and the site makes none
    categories: list[int] = field(default_factory=lambda: [1])
    tags: list[int] = field(default_factory=list)
    protected: bool = False  # password-protected: content.rendered is "" without it
    # Built with a page builder that keeps the layout in post meta (Oxygen, Bricks, Thrive
    # Architect): post_content is empty, so REST and the feeds carry no text (the excerpt
    # only, where the author wrote one); the theme renders the whole post on its page.
    builder: bool = False
    author: int = 1

    @property
    def date_gmt(self) -> datetime:
        return self.date - timedelta(hours=UTC_OFFSET)


UTC_OFFSET = 1  # the site's clock: Europe/London in summer (BST), as many UK sites are

TITLES = (
    "Why GP partners&#8217; pensions matter",
    "Funding &amp; the &#8220;global sum&#8221;",
    "PCNs: three years on &#8211; a review",
    "Q&amp;A: what the &lt;ARRS&gt; pays for",
    "Fish &#038; chips and the practice list",
    "Caf&eacute; culture in primary care",
)


def paragraphs(seed: int, count: int = 4) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(28, 45))).capitalize() + "."
        for _ in range(count)
    ]


def make_terms(count: int = 130) -> list[Term]:
    """Category 1 is Uncategorized; then enough categories that one page (100) of
    /wp/v2/categories does not hold them all."""
    terms = [Term(1, "Uncategorized", "uncategorized")]
    terms.append(Term(2, "Blogs", "blogs"))
    terms.append(Term(3, "Primary Care &amp; Commissioning", "primary-care-commissioning", 2))
    for n in range(4, count + 1):
        terms.append(Term(n, f"Topic {n:03d}", f"topic-{n:03d}"))
    return terms


def make_tags() -> list[Term]:
    return [
        Term(500, "PCNs", "pcns", taxonomy="post_tag"),
        Term(501, "Funding &amp; Contracts", "funding-contracts", taxonomy="post_tag"),
    ]


def make_posts(count: int, start: datetime | None = None) -> list[WildPost]:
    """Posts a day apart, oldest first; every third has no excerpt, the last category
    ids are on the second page of /wp/v2/categories."""
    start = start or datetime(2021, 3, 1, 23, 30)  # late evening: the UTC date differs
    posts = []
    for n in range(count):
        pid = 100 + n * 7
        base = TITLES[n % len(TITLES)]
        title = base if n < len(TITLES) else f"{base} (part {n // len(TITLES) + 1})"
        text = paragraphs(pid)
        content = "".join(f"<p>{p}</p>\n" for p in text)
        excerpt = "" if n % 3 == 2 else f"<p>{text[0][:120]} [&hellip;]</p>\n"
        cats = [2, 3] if n % 2 == 0 else [1, 120 + n % 10]
        when = start + timedelta(days=n)
        posts.append(
            WildPost(
                id=pid,
                title=title,
                slug=f"post-{pid}",
                date=when,
                modified_gmt=when - timedelta(hours=UTC_OFFSET) + timedelta(hours=2),
                content=content,
                excerpt=excerpt,
                categories=cats,
                tags=[500, 501] if n % 2 else [500],
            )
        )
    return posts


def plain_title(post: WildPost) -> str:
    """What a reader should see: the rendered title decoded once."""
    return html.unescape(post.title)
