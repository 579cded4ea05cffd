"""The wild site's REST API (/wp/v2/posts, categories, tags, users), as the REST API
handbook documents it: X-WP-Total and X-WP-TotalPages, per_page 1..100 (400
rest_invalid_param past it), 400 rest_post_invalid_page_number past the last page,
_fields, include, slug, modified_after, orderby/order, and the errors security plugins
give (401 rest_not_logged_in, 403 rest_forbidden)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from .content import Term, WildPost

if TYPE_CHECKING:
    from .site import WildSite

Reply = tuple[int, str, bytes, list[tuple[str, str]]]
JSON = "application/json; charset=UTF-8"
_NOTICE = (
    b"<br />\n<b>Notice</b>:  Undefined index: HTTP_REFERER in "
    b"<b>/var/www/html/wp-content/plugins/old-seo/seo.php</b> on line <b>212</b><br />\n"
)


def _dump(site: WildSite, data: object) -> bytes:
    body = json.dumps(data, ensure_ascii=False).encode()
    if site.quirks.json_junk == "bom":
        body = b"\xef\xbb\xbf" + body  # a plugin file saved with a BOM
    elif site.quirks.json_junk == "notice":
        body = _NOTICE + body  # display_errors on: PHP writes before WordPress does
    return body


def error(site: WildSite, status: int, code: str, message: str) -> Reply:
    body = json.dumps({"code": code, "message": message, "data": {"status": status}}).encode()
    return status, JSON, body, []


def _fields(item: dict, fields: str | None) -> dict:
    if not fields:
        return item
    keep = {f.strip().split(".")[0] for f in fields.split(",") if f.strip()}
    return {k: v for k, v in item.items() if k in keep}


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def post_json(site: WildSite, post: WildPost) -> dict:
    return {
        "id": post.id,
        "date": _iso(post.date),
        "date_gmt": _iso(post.date_gmt),
        "guid": {"rendered": f"{site.url}?p={post.id}"},
        "modified": _iso(post.modified_gmt),
        "modified_gmt": _iso(post.modified_gmt),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": site.permalink(post),
        "title": {"rendered": post.title},
        "content": {
            "rendered": "" if post.protected or post.builder else post.content,
            "protected": post.protected,
        },
        "excerpt": {
            "rendered": "" if post.protected else post.excerpt,
            "protected": post.protected,
        },
        "author": post.author,
        "categories": list(post.categories),
        "tags": list(post.tags),
    }


def _term_json(term: Term) -> dict:
    return {"id": term.id, "name": term.name, "slug": term.slug, "parent": term.parent, "count": 1}


def _paged(site: WildSite, items: list, params: dict[str, str], route: str) -> Reply:
    try:
        per_page = int(params.get("per_page", "10"))
        page = int(params.get("page", "1"))
    except ValueError:
        return error(site, 400, "rest_invalid_param", "Invalid parameter(s): per_page")
    if not 1 <= per_page <= site.quirks.per_page_max:
        return error(
            site,
            400,
            "rest_invalid_param",
            f"Invalid parameter(s): per_page (must be between 1 and {site.quirks.per_page_max})",
        )
    if site.quirks.rest_page_ignored:
        page = 1  # a cache keyed on the path alone: every ?page= gets page 1, even past the end
    total = len(items)
    pages = max(1, -(-total // per_page)) if total else 0
    if page > max(pages, 1):
        return error(
            site,
            400,
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
        )
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = []
    if site.quirks.paging_headers:
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    data = [_fields(x, params.get("_fields")) for x in chunk]
    return 200, JSON, _dump(site, data), headers


def handle(site: WildSite, route: str, params: dict[str, str]) -> Reply:
    q = site.quirks
    if q.rest in ("401", "403"):
        # As "Disable REST API" and the security plugins answer a visitor.
        if q.rest == "401":
            return error(site, 401, "rest_not_logged_in", "You are not currently logged in.")
        return error(site, 403, "rest_forbidden", "Sorry, you are not allowed to do that.")
    if q.rest == "html200":
        # A "hardened" host that serves the home page (or a maintenance page) for /wp-json/.
        return 200, "text/html; charset=UTF-8", site.home_html(), []
    route = route.rstrip("/") or "/"
    if route == "/":
        return 200, JSON, _dump(site, {"name": site.name, "namespaces": ["wp/v2"]}), []
    if route == "/wp/v2/posts":
        posts = list(site.posts)
        if "categories" in params:
            wanted = {int(c) for c in params["categories"].split(",") if c.isdigit()}
            posts = [p for p in posts if wanted & set(p.categories)]
        if "modified_after" in params and q.modified_after:
            after = datetime.fromisoformat(params["modified_after"].replace("Z", ""))
            posts = [p for p in posts if p.modified_gmt > after]
        key = params.get("orderby", "date")
        posts.sort(key=lambda p: (p.modified_gmt if key == "modified" else p.date, p.id))
        if params.get("order", "desc") == "desc":
            posts.reverse()
        return _paged(site, [post_json(site, p) for p in posts], params, route)
    for name, terms in (("categories", site.categories), ("tags", site.tags)):
        if route == f"/wp/v2/{name}":
            found = list(terms)
            if "include" in params:
                ids = {int(x) for x in params["include"].split(",") if x.isdigit()}
                found = [t for t in found if t.id in ids]
            if "slug" in params:
                found = [t for t in found if t.slug == params["slug"]]
            return _paged(site, [_term_json(t) for t in found], params, route)
    if route.startswith("/wp/v2/users/"):
        # User enumeration is the first thing security plugins close.
        return error(
            site, 401, "rest_user_cannot_view", "Sorry, you are not allowed to list users."
        )
    return error(
        site, 404, "rest_no_route", "No route was found matching the URL and request method."
    )
