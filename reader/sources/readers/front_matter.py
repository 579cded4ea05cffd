"""Front matter (YAML between `---` lines, or JSON) read within a budget, and checked.

YAML's anchors and aliases let 489 bytes stand for a structure too large for any memory
(an "anchor bomb": nine aliases of nine aliases ...); PyYAML's safe loader builds it
lazily, as shared references, and the blow-up comes when the values are read. So the
front matter is limited in size and in aliases *before* it is loaded (counting the
parser's alias events, which costs a pass over at most MAX_BYTES), and the loader is the
safe one (no `!!python/object`). YAML's implicit timestamps are off: a date is read by
`front_matter_date`, which names the field when it is no date (`2013-02-30`), instead
of PyYAML raising from deep inside its constructor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import frontmatter
import yaml

MAX_BYTES = 64 * 1024  # front matter is a few lines; this is hundreds of times that
MAX_ALIASES = 100
MAX_NODES = 100_000  # values once every alias is expanded

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader without implicit timestamps (dates stay text, checked by us)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class BadFrontMatter(ValueError):
    """Front matter that cannot be used; the message says why, in one line."""


def split(text: str) -> tuple[dict[str, Any], str]:
    """(metadata, content) of a Markdown file; no front matter gives ({}, text)."""
    handler = frontmatter.detect_format(text, frontmatter.handlers)
    if handler is None:
        return {}, text
    try:
        raw, content = handler.split(text)
    except ValueError:  # an opening line and no closing one
        return {}, text
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise BadFrontMatter(f"its front matter is over {MAX_BYTES // 1024} KB")
    try:
        if isinstance(handler, frontmatter.YAMLHandler):
            _check_expansion(raw)
            meta = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a safe loader
        else:
            meta = handler.load(raw)
    except yaml.YAMLError as exc:
        raise BadFrontMatter(f"its front matter is not valid YAML{_yaml_where(exc)}") from None
    except RecursionError:
        raise BadFrontMatter("its front matter is nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:  # JSON, or an explicit !!tag
        raise BadFrontMatter(f"its front matter cannot be read: {exc}") from None
    if meta is None:
        return {}, content
    if not isinstance(meta, dict):
        raise BadFrontMatter("its front matter is not a set of fields (name: value)")
    return meta, content


def _yaml_where(exc: Exception) -> str:
    """' at line 3, column 7: mapping values are not allowed here', in the file's own line
    numbers (python-frontmatter hands YAML the text from the opening ---'s line end, so
    YAML's line 0 is the file's line 1)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f": {problem}"
    return f" at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _check_expansion(raw: str) -> None:
    """Refuse YAML whose aliases, expanded, make more than MAX_NODES values: the parser's
    events, with each anchored node's expanded size, in one pass and nothing built."""
    anchored: dict[str, int] = {}
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, size so far) of each one open
    aliases = 0
    for event in yaml.parse(raw, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append((event.anchor, 1))
            continue
        if isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise BadFrontMatter(f"its front matter uses over {MAX_ALIASES} YAML aliases")
            size = anchored.get(event.anchor or "", 1)  # an alias always names an anchor
        elif isinstance(event, yaml.CollectionEndEvent) and open_nodes:
            anchor, size = open_nodes.pop()
            if anchor:
                anchored[anchor] = size
        else:
            continue
        if open_nodes:
            outer, so_far = open_nodes[-1]
            open_nodes[-1] = (outer, so_far + size)
        if size > MAX_NODES or (open_nodes and open_nodes[-1][1] > MAX_NODES):
            raise BadFrontMatter(
                f"its front matter's YAML aliases expand to over {MAX_NODES:,} values"
            )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def text_field(meta: dict[str, Any], name: str) -> str | None:
    """A field that holds text (a number is taken as its digits); None when absent."""
    value = meta.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadFrontMatter(f"its front matter field {name!r} must be text, not {_show(value)}")
    return " ".join(str(value).split()) or None


def list_field(meta: dict[str, Any], name: str) -> list[str]:
    """A field that holds a list of texts, or one comma-separated text."""
    value = meta.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list) and all(
        isinstance(t, str | int | float) and not isinstance(t, bool) for t in value
    ):
        return [str(t).strip() for t in value if str(t).strip()]
    raise BadFrontMatter(
        f"its front matter field {name!r} must be a list of words or a comma-separated "
        f"text, not {_show(value)}"
    )


_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y/%m/%d")


def front_matter_date(meta: dict[str, Any], name: str = "date") -> str | None:
    """The field as YYYY-MM-DD; BadFrontMatter naming it when it is no date."""
    value = meta.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise BadFrontMatter(f"its front matter field {name!r} is not a date: {_show(value)}")
    text = value.strip()
    parsers = [_iso_date, *(_strptime_date(f) for f in _DATE_FORMATS)]
    for parse in parsers:
        try:
            return parse(text).isoformat()
        except (ValueError, OverflowError):
            continue
    raise BadFrontMatter(f"its front matter field {name!r} is not a date: {_show(text)}")


def _iso_date(text: str) -> date:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def _strptime_date(form: str) -> Callable[[str], date]:
    return lambda text: datetime.strptime(text, form).date()
