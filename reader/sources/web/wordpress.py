"""The WordPress REST API route: every post with its full content, dates, terms and link.

/wp/v2/posts is paged 100 a page (the most it allows) in order of modification, oldest
first, with X-WP-TotalPages saying how many pages there are. The first sync backfills the
whole archive; later ones ask only for posts modified after the newest modification seen
(modified_after, WordPress 5.7+), so a sync with nothing new is one small request.
Category, tag and author names are read once and kept in the source's state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from reader.sanitise import clean_text
from reader.sources.web.content import clean_title, post_markdown
from reader.sources.web.http import FetchError, PoliteClient, Response
from reader.sources.web.records import Batch, WebPost, most_specific
from reader.store.web import SyncState

# A taxonomy's terms by id, each [name, parent id] (a JSON pair, as SyncState keeps it).
Terms = dict[str, list[Any]]

PER_PAGE = 100
MAX_PAGES = 2000  # 200,000 posts: a bound, never a real archive's size
_FIELDS = "id,date,date_gmt,modified_gmt,link,title,content,categories,tags,guid,author"


def _json(client: PoliteClient, url: str) -> tuple[object, Response]:
    """The JSON at `url`, asking twice when a response arrives cut short."""
    for attempt in (1, 2):
        response = client.get(url, accept="application/json")
        if not response.ok:
            return None, response
        try:
            return json.loads(response.body), response
        except ValueError:
            if attempt == 2:
                raise FetchError(url, "the site sent malformed JSON") from None
    raise AssertionError("unreachable")


def _pages(
    client: PoliteClient, base: str, params: dict[str, str | int]
) -> Iterator[tuple[list[object], int]]:
    """Each page of a collection: (items, total pages)."""
    page = 1
    total = 1
    while page <= min(total, MAX_PAGES):
        url = f"{base}?{urlencode({**params, 'page': page})}"
        data, response = _json(client, url)
        if response.status == 400 and page > 1:
            return  # past the last page (the archive shrank while we read it)
        if not response.ok:
            raise FetchError(url, f"the REST API answered {response.status}")
        if not isinstance(data, list):
            raise FetchError(url, "the REST API answered something that is not a list")
        try:
            total = int(response.headers.get("x-wp-totalpages", "1"))
        except ValueError:
            total = 1
        yield data, total
        page += 1


def _terms(client: PoliteClient, api: str, taxonomy: str) -> Terms:
    found: Terms = {}
    params: dict[str, str | int] = {"per_page": PER_PAGE, "_fields": "id,name,parent"}
    for items, _total in _pages(client, f"{api}wp/v2/{taxonomy}", params):
        for item in items:
            if isinstance(item, dict) and "id" in item:
                found[str(item["id"])] = [
                    clean_title(str(item.get("name", ""))),
                    item.get("parent"),
                ]
    return found


def _author(client: PoliteClient, api: str, author_id: object, known: dict[str, str]) -> str:
    key = str(author_id)
    if key not in known:
        try:
            data, response = _json(client, f"{api}wp/v2/users/{key}?_fields=name")
            found = data if response.ok and isinstance(data, dict) else {}
            known[key] = clean_text(str(found.get("name", "")))
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
    newest = _gmt(high.replace("Z", "")) if high else None
    done = 0
    for found, total in _pages(client, f"{api}wp/v2/posts", params):
        items = [i for i in found if isinstance(i, dict)]  # a post is a JSON object
        wanted_cats = {str(c) for i in items for c in (i.get("categories") or [])}
        wanted_tags = {str(t) for i in items for t in (i.get("tags") or [])}
        if wanted_cats - set(cats):
            cats = _terms(client, api, "categories")
        if wanted_tags - set(tags):
            tags = _terms(client, api, "tags")
        posts = []
        for item in items:
            post = _post(client, api, item, cats, tags, users)
            if post is None:
                continue
            posts.append(post)
            stamp = _gmt(item.get("modified_gmt"))
            if stamp and (newest is None or stamp > newest):
                newest = stamp
        done += 1
        if progress:
            progress(done, total)
        yield Batch(posts, state)
    state.update({"categories": cats, "tags": tags, "authors": users})
    if newest is not None:
        state["high_water"] = newest.isoformat()
    yield Batch([], state, final=True)


def _post(
    client: PoliteClient,
    api: str,
    item: object,
    cats: Terms,
    tags: Terms,
    users: dict[str, str],
) -> WebPost | None:
    if not isinstance(item, dict) or not item.get("link"):
        return None
    link = str(item["link"])
    names = [cats[str(c)][0] for c in item.get("categories") or [] if str(c) in cats]
    by_id = {key: value[0] for key, value in cats.items()}
    parents = {
        cats[str(c)][0]: by_id.get(str(cats[str(c)][1]))
        for c in item.get("categories") or []
        if str(c) in cats and cats[str(c)][1]
    }
    content = (item.get("content") or {}).get("rendered") or ""
    date = str(item.get("date") or "")[:10] or None
    author = _author(client, api, item["author"], users) if item.get("author") else ""
    return WebPost(
        url=link,
        title=clean_title((item.get("title") or {}).get("rendered") or ""),
        body=post_markdown(content, link),
        date=date,
        modified=(_gmt(item.get("modified_gmt")) or datetime.now(UTC)).isoformat(),
        guid=clean_text(str((item.get("guid") or {}).get("rendered") or "")) or None,
        wp_id=item.get("id") if isinstance(item.get("id"), int) else None,
        categories=tuple(most_specific(names, parents)),
        tags=tuple(tags[str(t)][0] for t in item.get("tags") or [] if str(t) in tags),
        author=author,
        full_text=True,
    )
