"""The WordPress REST API route: every post with its full content, dates, terms and link.

/wp/v2/posts is paged 100 a page (the most it allows) in order of modification, oldest
first, with X-WP-TotalPages saying how many pages there are. The first sync backfills the
whole archive; later ones ask only for posts modified after the newest modification seen
(modified_after, WordPress 5.7+), so a sync with nothing new is one small request.
Category, tag and author names are read once and kept in the source's state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reader.sanitise import clean_text
from reader.sources.web.content import clean_title, post_markdown
from reader.sources.web.http import Disallowed, FetchError, PoliteClient, Response, refusal
from reader.sources.web.pages import read_post_page
from reader.sources.web.records import Batch, WebPost, most_specific
from reader.store.web import SyncState

# A taxonomy's terms by id, each [name, parent id] (a JSON pair, as SyncState keeps it).
Terms = dict[str, list[Any]]

PER_PAGE = 100
MAX_PAGES = 2000  # 200,000 posts: a bound, never a real archive's size
_FIELDS = "id,date,date_gmt,modified_gmt,link,title,content,excerpt,categories,tags,guid,author"


class RestUnavailable(FetchError):
    """The site advertises the REST API but does not serve it to gp-reader (a security
    plugin's 401 or 403, a 404, an HTML page, robots.txt, a bot check, paging that does not
    page): sync takes the feed instead. `not_routed`: the web server's own 404, not
    WordPress's JSON one, so the request never reached WordPress (its rewrite rules are
    missing) and the ?rest_route= form of the address may well work."""

    def __init__(self, url: str, reason: str, *, not_routed: bool = False) -> None:
        super().__init__(url, reason)
        self.not_routed = not_routed


def rest_url(api: str, route: str, params: Mapping[str, object] | None = None) -> str:
    """The address of `route` (e.g. "wp/v2/posts") under the REST root `api`, with
    `params`: /wp-json/wp/v2/posts?page=2 on a site with pretty permalinks, and
    /?rest_route=/wp/v2/posts&page=2 on one without (the root WordPress then advertises)."""
    parts = urlsplit(api)
    query = parse_qsl(parts.query, keep_blank_values=True)
    extra = [(k, str(v)) for k, v in (params or {}).items()]
    if any(k == "rest_route" for k, _ in query):
        query = [
            (k, (v.rstrip("/") + "/" + route.lstrip("/")) if k == "rest_route" else v)
            for k, v in query
        ]
        return urlunsplit(parts._replace(query=urlencode(query + extra, safe="/,")))
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit(
        parts._replace(path=path + route.lstrip("/"), query=urlencode(query + extra, safe=","))
    )


def plain_rest_root(api: str) -> str | None:
    """The ?rest_route= form of a pretty REST root (https://x/blog/wp-json/ gives
    https://x/blog/?rest_route=/), which WordPress answers whatever its permalinks and
    rewrite rules; None for a root that is already in that form."""
    parts = urlsplit(api)
    if "rest_route=" in parts.query or not parts.path.strip("/"):
        return None
    base = parts.path.rstrip("/").rsplit("/", 1)[0].removesuffix("/index.php") + "/"
    return urlunsplit(parts._replace(path=base, query="rest_route=/", fragment=""))


_JSON_START = re.compile(r"(?:^|>|\n)\s*([\[{])")
_TO_THE_END = re.compile(r"\s*\Z")
# Where the JSON may start after PHP's notices: a few lines as a rule. A bound, so a body
# of a million false starts ('<br />\n[x' over and over) is not read a million times.
MAX_JSON_STARTS = 100


def parse_json(body: bytes) -> object:
    """JSON as WordPress sites really send it: after a UTF-8 BOM (a plugin file saved with
    one) or PHP notices and warnings printed before it (display_errors left on).
    ValueError when it is not JSON, or nests deeper than Python's parser goes."""
    text = body.decode("utf-8-sig", errors="replace").lstrip()
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError:
        pass
    # PHP's notices are HTML lines ending in <br />; the JSON starts at the first [ or {
    # that opens a line's remainder after them, and runs to the end.
    decoder = json.JSONDecoder()
    for n, match in enumerate(_JSON_START.finditer(text)):
        if n == MAX_JSON_STARTS:
            break
        try:
            value, end = decoder.raw_decode(text, match.start(1))  # no copy of the rest
        except (ValueError, RecursionError):
            continue
        if _TO_THE_END.match(text, end):
            return value
    raise ValueError("not JSON")


def _json(client: PoliteClient, url: str) -> tuple[object, Response]:
    """The JSON at `url`, asking twice when a response arrives cut short."""
    for attempt in (1, 2):
        response = client.get(url, accept="application/json")
        if not response.ok:
            return None, response
        try:
            return parse_json(response.body), response
        except ValueError:
            if "html" in response.content_type:
                raise RestUnavailable(url, "the REST API answered with a web page") from None
            if attempt == 2:
                raise FetchError(url, "the site sent malformed JSON") from None
    raise AssertionError("unreachable")


def _pages(
    client: PoliteClient, api: str, route: str, params: Mapping[str, object]
) -> Iterator[tuple[list[dict[str, object]], int]]:
    """Each page of a collection: (items, total pages, 0 where the site does not say).
    Without X-WP-TotalPages (a proxy or cache that drops it) pages are read until one
    comes back short, empty or with WordPress's 400 past the last."""
    page = 1
    total = 1
    per_page = int(str(params.get("per_page", PER_PAGE)))
    first: set[str] = set()  # the items of page 1
    while page <= min(total, MAX_PAGES):
        url = rest_url(api, route, {**params, "page": page})
        try:
            data, response = _json(client, url)
        except Disallowed as exc:
            raise RestUnavailable(exc.url, exc.reason) from None
        if response.status == 400 and page > 1:
            return  # past the last page (the archive shrank while we read it)
        if response.status == 400 and page == 1 and per_page > 10:
            # A site that lowered the most a page may hold (rest_invalid_param): ask for
            # WordPress's own default, which every site allows.
            per_page = 10
            params = {**params, "per_page": per_page}
            continue
        if not response.ok:
            reason = refusal(response, "the REST API")
            if page == 1 and (response.status in (401, 403, 404, 410) or response.challenged):
                not_routed = response.status == 404 and "json" not in response.content_type
                raise RestUnavailable(url, reason, not_routed=not_routed)
            raise FetchError(url, reason)
        if not isinstance(data, list):
            if page == 1:
                raise RestUnavailable(url, "the REST API answered something that is not a list")
            raise FetchError(url, "the REST API answered something that is not a list")
        items = [item for item in data if isinstance(item, dict)]
        keys = {str(item.get("id", item.get("link"))) for item in items}
        if page > 1 and keys and keys == first:
            # A cache keyed on the path alone sends page 1 for every ?page=: the rest of
            # the archive cannot be had this way (the feed, and its sitemap, may give it).
            raise RestUnavailable(url, f"the REST API sends page 1 again for page {page}")
        first = first if page > 1 else keys
        header = response.headers.get("x-wp-totalpages")
        try:
            total = int(header) if header is not None else 0
        except ValueError:
            total = 0
        yield items, total
        if total == 0:
            if len(data) < per_page:
                return
            total = page + 1
        page += 1


def _terms(client: PoliteClient, api: str, taxonomy: str, wanted: set[str], known: Terms) -> Terms:
    """`known` with the terms of `wanted` ids (and their parents) added, asked for by id
    (include=, 100 at a time), so a site with thousands of tags costs a request or two."""
    found = dict(known)
    for _round in range(3):  # the terms, their parents, the parents' parents
        missing = sorted({w for w in wanted if w.isdigit()} - set(found), key=int)
        if not missing:
            break
        for start in range(0, len(missing), PER_PAGE):
            ids = missing[start : start + PER_PAGE]
            params = {"include": ",".join(ids), "per_page": PER_PAGE, "_fields": "id,name,parent"}
            try:
                for items, _total in _pages(client, api, f"wp/v2/{taxonomy}", params):
                    for item in items:
                        if "id" in item:
                            found[str(item["id"])] = [
                                clean_title(str(item.get("name", ""))),
                                item.get("parent"),
                            ]
            except RestUnavailable:
                pass  # terms hidden: the posts come without their names
            for term_id in ids:
                found.setdefault(term_id, ["", None])  # asked once, not on every page
        wanted = {str(v[1]) for v in found.values() if v[1]}
    return found


def _author(client: PoliteClient, api: str, author_id: object, known: dict[str, str]) -> str:
    key = str(author_id)
    if key not in known:
        try:
            data, response = _json(client, rest_url(api, f"wp/v2/users/{key}", {"_fields": "name"}))
            name = data.get("name", "") if response.ok and isinstance(data, dict) else ""
            known[key] = clean_text(str(name))
        except FetchError:
            known[key] = ""  # an author's name is not worth failing a sync for
    return known[key]


def _gmt(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def rest_batches(
    client: PoliteClient,
    api: str,
    state: SyncState,
    category_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Batch]:
    """Posts page by page; the last Batch (final) carries the state to keep."""
    state = state.copy()
    high = state.get("high_water")
    params: dict[str, str | int] = {
        "per_page": PER_PAGE,
        "orderby": "modified",
        "order": "asc",
        "_fields": _FIELDS,
    }
    if category_id:
        params["categories"] = category_id
    if high:
        params["modified_after"] = high.replace("+00:00", "Z")
    cats = state.get("categories") or {}
    tags = state.get("tags") or {}
    users = state.get("authors") or {}
    newest = floor = _gmt(high.replace("Z", "")) if high else None
    done = 0
    for items, total in _pages(client, api, "wp/v2/posts", params):
        wanted_cats = {str(c) for i in items for c in _ids(i.get("categories"))}
        wanted_tags = {str(t) for i in items for t in _ids(i.get("tags"))}
        if wanted_cats - set(cats):
            cats = _terms(client, api, "categories", wanted_cats, cats)
        if wanted_tags - set(tags):
            tags = _terms(client, api, "tags", wanted_tags, tags)
        posts = []
        for item in items:
            stamp = _gmt(item.get("modified_gmt"))
            if stamp and floor and stamp <= floor:
                continue  # a WordPress before 5.7 ignores modified_after: seen already
            if stamp and (newest is None or stamp > newest):
                newest = stamp
            post = _post(client, api, item, cats, tags, users)
            if post is not None:
                posts.append(post)
        done += 1
        if progress:
            progress(done, total)
        yield Batch(posts, state)
    state.update({"categories": cats, "tags": tags, "authors": users})
    if newest is not None:
        state["high_water"] = newest.isoformat()
    yield Batch([], state, final=True)


def _ids(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _rendered(value: object) -> str:
    """A REST field that is {"rendered": ...} (or, from some plugins, a bare string)."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _post(
    client: PoliteClient,
    api: str,
    item: dict[str, object],
    cats: Terms,
    tags: Terms,
    users: dict[str, str],
) -> WebPost | None:
    link = item.get("link")
    if not isinstance(link, str) or not link:
        return None
    content = _rendered(item.get("content"))
    full = True
    page_body = None
    if not content.strip():
        field = item.get("content")
        if isinstance(field, dict) and field.get("protected"):
            return None  # password-protected: no text without its password
        # Empty post_content: a page builder that keeps the post in its own meta (Oxygen,
        # Bricks, Thrive Architect) renders it on the page alone. The excerpt, where there
        # is one, stands as a summary whose page is fetched after the sync (web.fulltext);
        # with none, the page is read now. A page with no text either: nothing to keep.
        content = _rendered(item.get("excerpt"))
        full = False
        if not content.strip():
            page_body = _page_text(client, link)
            if page_body is None:
                return None
            full = True
    names = [cats[str(c)][0] for c in _ids(item.get("categories")) if cats.get(str(c), [""])[0]]
    by_id = {key: value[0] for key, value in cats.items()}
    parents = {
        cats[str(c)][0]: by_id.get(str(cats[str(c)][1]))
        for c in _ids(item.get("categories"))
        if str(c) in cats and cats[str(c)][1]
    }
    raw_date = str(item.get("date") or "")
    date = raw_date[:10] if re.match(r"\d{4}-\d\d-\d\d", raw_date) else None
    author = _author(client, api, item["author"], users) if item.get("author") else ""
    wp_id = item.get("id")
    return WebPost(
        url=link,
        title=clean_title(_rendered(item.get("title"))),
        body=page_body if page_body is not None else post_markdown(content, link),
        date=date,
        modified=(_gmt(item.get("modified_gmt")) or datetime.now(UTC)).isoformat(),
        guid=clean_text(_rendered(item.get("guid"))) or None,
        wp_id=wp_id if isinstance(wp_id, int) and not isinstance(wp_id, bool) else None,
        categories=tuple(most_specific(names, parents)),
        tags=tuple(tags[str(t)][0] for t in _ids(item.get("tags")) if tags.get(str(t), [""])[0]),
        author=author,
        full_text=full,
    )


def _page_text(client: PoliteClient, link: str) -> str | None:
    """The text of a post's own page, or None when it cannot be had or holds none."""
    try:
        response = client.get(link, accept="text/html,application/xhtml+xml;q=0.9")
    except FetchError as exc:
        if exc.unreachable:
            raise
        return None
    if not response.ok or "html" not in (response.content_type or "html"):
        return None
    page = read_post_page(response.text, response.url)
    return page.body if page is not None else None
