"""REST objects as WordPress 6 shapes them for context=view: posts, terms, users, and
_fields filtering (rest_filter_response_fields)."""

from __future__ import annotations

from datetime import UTC, datetime

from .content import Post, Term, texturize, trimmed_excerpt
from .render import rendered_content


def _wp_date(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def filter_fields(obj: dict, fields: str | None) -> dict:
    """rest_filter_response_fields: top-level names, or dotted paths into nested objects."""
    if not fields:
        return obj
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    out: dict = {}
    for path in wanted:
        keys = path.split(".")
        src, dst = obj, out
        for i, key in enumerate(keys):
            if not isinstance(src, dict) or key not in src:
                break
            if i == len(keys) - 1:
                dst[key] = src[key]
            else:
                dst = dst.setdefault(key, {})
                src = src[key]
    return out


def term_object(site, term: Term, embed: bool = False) -> dict:
    base = f"{site.url}wp-json/wp/v2/{'categories' if term.taxonomy == 'category' else 'tags'}"
    data = {"id": term.id, "link": site.term_link(term), "name": term.name, "slug": term.slug}
    data["taxonomy"] = term.taxonomy
    if not embed:
        data = {
            "id": term.id,
            "count": site.term_count(term),
            "description": "",
            "link": site.term_link(term),
            "name": term.name,
            "slug": term.slug,
            "taxonomy": term.taxonomy,
        }
        if term.taxonomy == "category":
            data["parent"] = term.parent
        data["meta"] = []
    data["_links"] = {
        "self": [{"href": f"{base}/{term.id}"}],
        "collection": [{"href": base}],
        "about": [{"href": f"{site.url}wp-json/wp/v2/taxonomies/{term.taxonomy}"}],
        "wp:post_type": [
            {"href": f"{site.url}wp-json/wp/v2/posts?{base.rsplit('/', 1)[1]}={term.id}"}
        ],
        "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
    }
    return data


def user_object(site, author: str) -> dict:
    uid = site.author_id(author)
    slug = site.author_slug_for(author)
    return {
        "id": uid,
        "name": author,
        "url": "",
        "description": "",
        "link": f"{site.url}author/{slug}/",
        "slug": slug,
        "avatar_urls": {
            str(s): f"https://secure.gravatar.com/avatar/0?s={s}&d=mm&r=g" for s in (24, 48, 96)
        },
        "_links": {
            "self": [{"href": f"{site.url}wp-json/wp/v2/users/{uid}"}],
            "collection": [{"href": f"{site.url}wp-json/wp/v2/users"}],
        },
    }


def post_object(site, post: Post, embed: bool) -> dict:
    api = f"{site.url}wp-json/wp/v2"
    cats = [t.id for t in site.post_terms(post, "category")]
    tags = [t.id for t in site.post_terms(post, "post_tag")]
    data = {
        "id": post.id,
        "date": _wp_date(site.local(post.date_gmt)),
        "date_gmt": _wp_date(post.date_gmt.astimezone(UTC)),
        "guid": {"rendered": f"{site.url}?p={post.id}"},
        "modified": _wp_date(site.local(post.modified_gmt)),
        "modified_gmt": _wp_date(post.modified_gmt.astimezone(UTC)),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": site.permalink(post),
        "title": {"rendered": texturize(post.title)},
        "content": {"rendered": rendered_content(site, post), "protected": False},
        "excerpt": {
            "rendered": f"<p>{trimmed_excerpt(post, ' [&hellip;]')}</p>\n",
            "protected": False,
        },
        "author": site.author_id(post.author),
        "featured_media": 0,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": cats,
        "tags": tags,
        "class_list": [f"post-{post.id}", "post", "type-post", "status-publish", "hentry"]
        + [f"category-{t.slug}" for t in site.post_terms(post, "category")]
        + [f"tag-{t.slug}" for t in site.post_terms(post, "post_tag")],
        "_links": {
            "self": [{"href": f"{api}/posts/{post.id}", "targetHints": {"allow": ["GET"]}}],
            "collection": [{"href": f"{api}/posts"}],
            "about": [{"href": f"{api}/types/post"}],
            "author": [{"embeddable": True, "href": f"{api}/users/{site.author_id(post.author)}"}],
            "replies": [{"embeddable": True, "href": f"{api}/comments?post={post.id}"}],
            "wp:attachment": [{"href": f"{api}/media?parent={post.id}"}],
            "wp:term": [
                {
                    "taxonomy": "category",
                    "embeddable": True,
                    "href": f"{api}/categories?post={post.id}",
                },
                {"taxonomy": "post_tag", "embeddable": True, "href": f"{api}/tags?post={post.id}"},
            ],
            "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
        },
    }
    if embed:
        data["_embedded"] = {
            "author": [user_object(site, post.author)],
            "wp:term": [
                [term_object(site, t, embed=True) for t in site.post_terms(post, "category")],
                [term_object(site, t, embed=True) for t in site.post_terms(post, "post_tag")],
            ],
        }
    return data
