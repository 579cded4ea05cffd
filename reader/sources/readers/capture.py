"""Text captures: a browser's "Save as text" or a copy and paste of a page.

Three shapes: a WordPress archive page (reader.sources.archive); a page whose theme
prints bylines (one post, or a category page of several; reader.sources.readers.chrome);
and plain text, which is a listing of titled posts (as the bundled pages are) or one post
with or without a title line. The site's furniture is dropped in each; the post's text
is kept to its last word.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reader.articles.parse import is_chrome, looks_like_title, parse_listing
from reader.sources import archive, titles
from reader.sources.body import render_body
from reader.sources.categories import primary_category
from reader.sources.readers import chrome

if TYPE_CHECKING:  # reader.sources.readers imports this module: no cycle at run time
    from reader.sources.readers import ImportedPost, ReadOptions, UnreadableFile

KNOWN_AUTHORS = ("Ben Gowland",)
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")  # not str.splitlines: U+0085 is text here


def split_lines(text: str) -> list[str]:
    return _LINE_BREAK_RE.split(text)


def read_capture(text: str, source: str, options: ReadOptions) -> list[ImportedPost]:
    from reader.sources.readers import ImportedPost, UnreadableFile

    lines = split_lines(text)
    if not any(line.replace("\u00a0", " ").strip() for line in lines):
        raise UnreadableFile("it holds only spaces: no post to import")
    if archive.is_archive(lines):
        return _archive_posts(lines, source, options, ImportedPost, UnreadableFile)
    found = chrome.themed_posts(lines, KNOWN_AUTHORS)
    if found is None:
        guest = chrome.by_line_post(lines)
        found = [guest] if guest else _plain_posts(lines, source)
    posts = []
    for post in found:
        if not any(line.strip() for line in post.lines):
            options.skipped.append((_named(source, post.title), "a title with no text"))
            continue
        body = render_body(post.lines)
        first = next(line.strip() for line in post.lines if line.strip())
        title, derived = titles.choose(post.title, first, source)
        date = post.date
        if date is None and post.month_day and options.newest_year:
            # The theme shows day and month; --newest-year says the year.
            month, day = post.month_day
            date = f"{options.newest_year:04d}-{month:02d}-{day:02d}"
        posts.append(
            ImportedPost(
                title=title,
                title_is_derived=derived,
                body=body,
                source=source,
                date=date,
                category=options.category or primary_category(post.categories),
                categories=post.categories,
                author=post.author,
            )
        )
    if not posts and not options.skipped:
        raise UnreadableFile("no posts found in it")
    return posts


def _named(source: str, title: str | None) -> str:
    from reader.sources.readers import skipped_name

    return skipped_name(source, title)


def _plain_posts(lines: list[str], source: str) -> list[chrome.Post]:
    """Text with no byline: the bundled listing's rules, after the site's furniture."""
    body = chrome.strip_footer(chrome.strip_header(lines))
    body, date = _short_head(body)
    first_at = next((i for i, line in enumerate(body) if line.strip()), None)
    if first_at is None:
        return []
    first = body[first_at].strip()
    # The first line is the title only if it reads as one; a junk one ('Home') is dropped.
    cleaned = titles.without_site(first)
    if titles.is_junk(cleaned):
        body = body[first_at + 1 :]
    capture = parse_listing("\n".join(body), source)
    posts = []
    for n, raw in enumerate(capture.posts):
        title = raw.title
        lines_ = [line for line in raw.lines if not is_chrome(line)]
        if n == 0 and title is not None and not _reads_as_title(title):
            lines_ = [title, *lines_]  # the opening paragraph, not a title
            title = None
        post = chrome.Post(title=title, date=date if n == 0 else None)
        post.lines = chrome.body_lines(lines_, post)
        posts.append(post)
    return posts


HEAD_LINE_WORDS = 12  # a line this short, above the first paragraph, is a heading


def _short_head(lines: list[str]) -> tuple[list[str], str | None]:
    """Short lines above the first paragraph: the site's name, sections, a date, the title.

    The title is the last of them (a date line gives the date); the others are the
    site's. One short line is simply the title, as on the bundled pages.
    """
    head = []
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if len(text.split()) > HEAD_LINE_WORDS:
            break
        head.append(i)
    else:
        return lines, None
    first = lines[head[0]].strip() if head else ""
    site_first = titles.is_junk(titles.without_site(first)) or chrome.parse_date_line(first)
    if len(head) < 3 and not (len(head) == 2 and site_first):
        return lines, None  # a title, perhaps a subheading: the bundled pages' shape
    date = None
    title_at = None
    for i in head:
        text = lines[i].strip()
        found = chrome.parse_date_line(text)
        if found:
            date = date or found
        elif not chrome.is_caption(text) and (title_at is None or looks_like_title(text)):
            title_at = i
    if title_at is None:
        return lines[head[-1] + 1 :], date
    return lines[title_at : title_at + 1] + lines[head[-1] + 1 :], date


def _reads_as_title(line: str) -> bool:
    from reader.articles.parse import looks_like_title

    text = titles.without_site(line)
    return looks_like_title(text) or (len(text) <= 100 and not text.endswith((".", ":", ",")))


def _archive_posts(
    lines: list[str],
    source: str,
    options: ReadOptions,
    ImportedPost: type[ImportedPost],  # the class, passed in: no import cycle
    UnreadableFile: type[UnreadableFile],
) -> list[ImportedPost]:
    heading = archive.read_heading(lines)
    posts = archive.split_posts(lines)
    if not archive.date_posts(posts, heading, options.newest_year):
        raise UnreadableFile(
            "an archive page that shows days and months but not the year: "
            "add --newest-year YEAR (the year of its newest post)"
        )
    category = heading.name if heading.kind == "category" else None
    tags = (heading.name,) if heading.kind == "tag" and heading.name else ()
    out = []
    for post in posts:
        if not post.lines:
            options.skipped.append((_named(source, post.title), "a title with no text"))
            continue
        first = post.lines[0].strip()
        title, derived = titles.choose(post.title, first, "")
        date = None
        if post.year and post.month and post.day:
            date = f"{post.year:04d}-{post.month:02d}-{post.day:02d}"
        out.append(
            ImportedPost(
                title=title,
                title_is_derived=derived,
                body=render_body(post.lines),
                source=source,
                date=date,
                category=options.category or category,
                categories=(category,) if category else (),
                tags=tags,
            )
        )
    if not out and not options.skipped:
        raise UnreadableFile("no posts found in it")
    return out
