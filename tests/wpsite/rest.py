"""The REST API routes: /wp-json/, /wp/v2/posts(/ID), /wp/v2/categories, /wp/v2/tags,
/wp/v2/users/ID, as WP_REST_Posts_Controller and WP_REST_Terms_Controller answer them
to a visitor who is not logged in.

Modelled from the controllers' get_items: per_page 1..100 (default 10), page >= 1, a page
past the last is 400 rest_post_invalid_page_number for posts (terms answer [] instead),
X-WP-Total / X-WP-TotalPages, Link rel="prev"/"next" built from the request's own query
with page replaced, prev clamped to the last page. Dates without an offset are site time.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from .content import Post
from .rest_objects import filter_fields, post_object, term_object, user_object
from .wire import Response, json_response, rest_error

ORDERBY_POSTS = (
    "author",
    "date",
    "id",
    "include",
    "modified",
    "parent",
    "relevance",
    "slug",
    "include_slugs",
    "title",
)
ORDERBY_TERMS = (
    "id",
    "include",
    "name",
    "slug",
    "include_slugs",
    "term_group",
    "description",
    "count",
)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$")


class Invalid(Exception):
    def __init__(self, param: str, message: str, code: str = "rest_invalid_param") -> None:
        super().__init__(message)
        self.param, self.message, self.code = param, message, code

    def response(self) -> Response:
        return rest_error(
            "rest_invalid_param",
            f"Invalid parameter(s): {self.param}",
            400,
            params={self.param: self.message},
            details={self.param: {"code": self.code, "message": self.message, "data": None}},
        )


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name) or params.get(f"{name}[]")
    return values[-1] if values else None


def _int(params, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = _one(params, name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d+", raw.strip()):
        raise Invalid(name, f"{name} is not of type integer.", "rest_invalid_type")
    value = int(raw)
    if high is not None and not low <= value <= high:
        raise Invalid(
            name,
            f"{name} must be between {low} (inclusive) and {high} (inclusive)",
            "rest_out_of_bounds",
        )
    if value < low:
        raise Invalid(name, f"{name} must be greater than or equal to {low}", "rest_out_of_bounds")
    return value


def _ints(params, name: str) -> list[int]:
    values = (params.get(name) or []) + (params.get(f"{name}[]") or [])
    out = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                if not part.strip().isdigit():
                    raise Invalid(name, f"{name}[0] is not of type integer.", "rest_invalid_type")
                out.append(int(part))
    return out


def _enum(params, name: str, choices, default: str) -> str:
    raw = _one(params, name)
    if raw is None:
        return default
    if raw not in choices:
        listed = ", ".join(choices[:-1]) + f", and {choices[-1]}"
        raise Invalid(name, f"{name} is not one of {listed}.", "rest_not_in_enum")
    return raw


def _date(site, params, name: str) -> datetime | None:
    raw = _one(params, name)
    if raw is None:
        return None
    if not DATE_RE.match(raw):
        raise Invalid(name, "Invalid date.", "rest_invalid_date")
    when = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
    return when.astimezone(UTC) if when.tzinfo else site.from_local(when)


def _paging(site, route: str, params, items: list, per_page: int, page: int, posts: bool):
    total = len(items)
    pages = math.ceil(total / per_page) if total else 0
    if posts and page > pages and total > 0:
        return None, rest_error(
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
            400,
        )
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    base = {k: v for k, v in params.items() if k not in ("page", "rest_route")}
    links = []

    def link(n: int) -> str:
        query = urlencode([(k, v) for k, vs in base.items() for v in vs] + [("page", n)])
        return f"{site.url}wp-json{route}?{query}"

    if page > 1:
        links.append(f'<{link(min(page - 1, pages) if pages else 1)}>; rel="prev"')
    if pages > page:
        links.append(f'<{link(page + 1)}>; rel="next"')
    if links:
        headers.append(("Link", ", ".join(links)))
    return chunk, headers


def _sort_key(orderby: str, include: list[int]):
    keys = {
        "date": lambda p: (p.date_gmt, p.id),
        "modified": lambda p: (p.modified_gmt, p.id),
        "id": lambda p: p.id,
        "title": lambda p: (p.title.lower(), p.id),
        "slug": lambda p: p.slug,
        "author": lambda p: (p.author, p.date_gmt),
        "include": lambda p: include.index(p.id) if p.id in include else len(include),
    }
    return keys.get(orderby, keys["date"])


def posts(site, route: str, params) -> Response:
    if _one(params, "context") == "edit":
        return rest_error(
            "rest_forbidden_context",
            "Sorry, you are not allowed to edit posts in this post type.",
            401,
        )
    per_page = _int(params, "per_page", 10, 1, 100)
    page = _int(params, "page", 1, 1)
    offset = _int(params, "offset", 0, 0)
    orderby = _enum(params, "orderby", ORDERBY_POSTS, "date")
    order = _enum(params, "order", ("asc", "desc"), "desc")
    include, exclude = _ints(params, "include"), _ints(params, "exclude")
    cats, cats_not = _ints(params, "categories"), _ints(params, "categories_exclude")
    tags, tags_not = _ints(params, "tags"), _ints(params, "tags_exclude")
    bounds = {
        n: _date(site, params, n) for n in ("after", "before", "modified_after", "modified_before")
    }
    slugs = [s for v in params.get("slug", []) + params.get("slug[]", []) for s in v.split(",")]
    search = (_one(params, "search") or "").lower()
    if orderby == "relevance" and not search:
        return rest_error(
            "rest_no_search_term_defined",
            "You need to define a search term to order by relevance.",
            400,
        )
    if orderby == "include" and not include:
        return rest_error(
            "rest_orderby_include_missing_include",
            "You need to define an include parameter to order by include.",
            400,
        )

    def keep(p: Post) -> bool:
        c = {t.id for t in site.post_terms(p, "category")}
        t = {t.id for t in site.post_terms(p, "post_tag")}
        checks = (
            not include or p.id in include,
            p.id not in exclude,
            not cats or c & set(cats),
            not c & set(cats_not),
            not tags or t & set(tags),
            not t & set(tags_not),
            not slugs or p.slug in slugs,
            bounds["after"] is None or p.date_gmt > bounds["after"],
            bounds["before"] is None or p.date_gmt < bounds["before"],
            bounds["modified_after"] is None or p.modified_gmt > bounds["modified_after"],
            bounds["modified_before"] is None or p.modified_gmt < bounds["modified_before"],
            not search or search in (p.title + " " + p.content).lower(),
        )
        return all(checks)

    items = sorted((p for p in site.snapshot() if keep(p)), key=_sort_key(orderby, include))
    if order == "desc" and orderby != "include":
        items.reverse()
    items = items[offset:]
    chunk, headers = _paging(site, route, params, items, per_page, page, posts=True)
    if chunk is None:
        return headers
    embed = "_embed" in params
    fields = _one(params, "_fields")
    body = [filter_fields(post_object(site, p, embed), fields) for p in chunk]
    resp = json_response(body, headers=headers)
    resp.last_modified = max((p.modified_gmt for p in chunk), default=site.last_modified())
    return resp


def single_post(site, post_id: int, params) -> Response:
    post = site.get(post_id)
    if post is None:
        return rest_error("rest_post_invalid_id", "Invalid post ID.", 404)
    data = filter_fields(post_object(site, post, "_embed" in params), _one(params, "_fields"))
    resp = json_response(
        data, headers=[("Link", f'<{site.permalink(post)}>; rel="alternate"; type=text/html')]
    )
    resp.last_modified = post.modified_gmt
    return resp


def terms(site, route: str, taxonomy: str, params) -> Response:
    per_page = _int(params, "per_page", 10, 1, 100)
    page = _int(params, "page", 1, 1)
    orderby = _enum(params, "orderby", ORDERBY_TERMS, "name")
    order = _enum(params, "order", ("asc", "desc"), "asc")
    items = site.terms(taxonomy)
    if _one(params, "hide_empty") in ("1", "true"):
        items = [t for t in items if site.term_count(t)]
    if (post_id := _one(params, "post")) is not None:
        post = site.get(int(post_id)) if post_id.isdigit() else None
        items = [t for t in items if post and t in site.post_terms(post, taxonomy)]
    if (parent := _one(params, "parent")) is not None and taxonomy == "category":
        items = [t for t in items if str(t.parent) == parent]
    if slugs := [s for v in params.get("slug", []) for s in v.split(",")]:
        items = [t for t in items if t.slug in slugs]
    key = {"id": lambda t: t.id, "slug": lambda t: t.slug, "count": site.term_count}
    items = sorted(items, key=key.get(orderby, lambda t: t.name.lower()), reverse=order == "desc")
    chunk, headers = _paging(site, route, params, items, per_page, page, posts=False)
    body = [filter_fields(term_object(site, t), _one(params, "_fields")) for t in chunk]
    resp = json_response(body, headers=headers)
    resp.last_modified = site.last_modified()
    return resp


def index(site) -> Response:
    routes = {}
    for route in (
        "/",
        "/wp/v2",
        "/wp/v2/posts",
        "/wp/v2/posts/(?P<id>[\\d]+)",
        "/wp/v2/categories",
        "/wp/v2/tags",
        "/wp/v2/users/(?P<id>[\\d]+)",
    ):
        entry = {
            "namespace": "" if route == "/" else "wp/v2",
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": {}}],
        }
        if "(?P" not in route:
            entry["_links"] = {"self": [{"href": f"{site.url}wp-json{route}"}]}
        routes[route] = entry
    for name in ("per_page", "page"):
        routes["/wp/v2/posts"]["endpoints"][0]["args"][name] = {
            "description": "Maximum number of items to be returned in result set."
            if name == "per_page"
            else "Current page of the collection.",
            "type": "integer",
            "default": 10 if name == "per_page" else 1,
            "minimum": 1,
            **({"maximum": 100} if name == "per_page" else {}),
            "required": False,
        }
    return json_response(
        {
            "name": site.name,
            "description": site.description,
            "url": site.url.rstrip("/"),
            "home": site.url.rstrip("/"),
            "gmt_offset": str(site.utc_offset_hours),
            "timezone_string": "",
            "page_for_posts": 0,
            "page_on_front": 0,
            "show_on_front": "posts",
            "namespaces": ["oembed/1.0", "jetpack/v4", "wp/v2", "wp-site-health/v1"],
            "authentication": {},
            "routes": routes,
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
        }
    )


def dispatch(site, route: str, params) -> Response:
    """One REST route (the part after /wp-json, or rest_route's value)."""
    route = "/" + route.strip("/") if route.strip("/") else "/"
    try:
        if route == "/":
            return index(site)
        if route == "/wp/v2":
            return json_response({"namespace": "wp/v2", "routes": {}})
        if route == "/wp/v2/posts":
            return posts(site, route, params)
        if m := re.fullmatch(r"/wp/v2/posts/(\d+)", route):
            return single_post(site, int(m.group(1)), params)
        if route in ("/wp/v2/categories", "/wp/v2/tags"):
            taxonomy = "category" if route.endswith("categories") else "post_tag"
            return terms(site, route, taxonomy, params)
        if m := re.fullmatch(r"/wp/v2/users/(\d+)", route):
            for author in site.authors():
                if site.author_id(author) == int(m.group(1)):
                    return json_response(user_object(site, author))
            return rest_error("rest_user_invalid_id", "Invalid user ID.", 404)
    except Invalid as err:
        return err.response()
    return rest_error(
        "rest_no_route", "No route was found matching the URL and request method.", 404
    )
