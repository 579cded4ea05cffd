"""A simulated WordPress 6 site for tests that must not touch the network.

    from tests.wpsite import WordPressSite, generate_posts

    with WordPressSite(generate_posts(30)) as site:
        urlopen(site.url + "wp-json/wp/v2/posts?per_page=5")
        site.fault("/feed/", "429", times=2, retry_after=1)
        site.edit_post(site.posts[0].id, title="New title")
        assert site.requests[-1].header("user-agent") ...

WordPressSite(posts, *, name, description, rest_api=True, feed=True, full_text_feed=True,
yoast_footer=False, jetpack=True, permalinks="date"|"postname", posts_per_page=5,
posts_per_rss=10, nest_categories=True, robots=None, disallow=("/wp-admin/",), gzip=False,
utc_offset_hours=0). Methods: start(), stop(), url, requests, requests_to(glob),
bytes_sent(glob), clear_requests(), fault(pattern, kind, times=1, **options),
clear_faults(), posts, get(id), add_post(post), edit_post(id, **changes),
remove_post(id), permalink(post), terms(taxonomy).

Fault kinds: see FAULT_KINDS and tests/wpsite/faults.py for each kind's options.
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
