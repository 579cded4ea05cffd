"""A simulated WordPress 6 site for tests that must not touch the network.

    from tests.wpsite import WordPressSite, generate_posts

    @pytest.fixture
    def site():
        yield from WordPressSite.serving(generate_posts(30))

    def test_x(site):
        urlopen(site.url + "wp-json/wp/v2/posts?per_page=5")
        site.fault("/feed/", "429", times=2, retry_after=1)
        site.edit_post(site.posts[0].id, title="New title")
        assert site.requests[-1].header("user-agent") == ...

WordPressSite(posts=(), *, name, description, rest_api=True, feed=True, full_text_feed=True,
yoast_footer=False, jetpack=True, permalinks="date"|"postname", posts_per_page=5,
posts_per_rss=10, nest_categories=True, robots=None, disallow=("/wp-admin/",), gzip=False,
utc_offset_hours=0)

Life: start(), stop(), with-statement, WordPressSite.serving(...) for fixtures, .url.
Log: requests, requests_to(glob), bytes_sent(glob), clear_requests().
Faults: fault(pattern, kind, times=1, **options), clear_faults(); kinds in FAULT_KINDS,
each documented in tests/wpsite/faults.py.
Content: posts, get(id), add_post(post), edit_post(id, **changes), remove_post(id),
permalink(post), terms("category"|"post_tag"); generate_posts(), build_post(),
posts_from_records() make Posts.

Modules: content (posts, generator), render (theme HTML, RSS), rest and rest_objects (the
REST API), routes (URL to response), faults, server (HTTP plumbing), wire (bytes, dates).
"""

from .content import (
    Post,
    Term,
    build_post,
    generate_posts,
    paragraphs_html,
    posts_from_records,
    slugify,
    texturize,
)
from .faults import KINDS as _KINDS
from .faults import Fault
from .site import WordPressSite
from .wire import RequestRecord

FAULT_KINDS = frozenset(_KINDS)

__all__ = [
    "FAULT_KINDS",
    "Fault",
    "Post",
    "RequestRecord",
    "Term",
    "WordPressSite",
    "build_post",
    "generate_posts",
    "paragraphs_html",
    "posts_from_records",
    "slugify",
    "texturize",
]
