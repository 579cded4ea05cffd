"""A captured post's lines as the Markdown subset the reader shows.

The bundled pages' rules (reader.articles.parse.render_markdown) with one addition for
pages from elsewhere: a short line is a subheading only when text follows it. A sign-off
(`Thanks` / `Ben`) closes a post; nothing is headed by it.
"""

from __future__ import annotations

from reader.articles.parse import render_markdown

SIGN_OFF_WORDS = 6  # a closing line this short, with only such lines after it


def render_body(lines: list[str]) -> str:
    markdown = render_markdown([line for line in lines if line.strip()])
    blocks = markdown.rstrip("\n").split("\n\n") if markdown.strip() else []
    # Walking back from the end: headings with no paragraph after them are text.
    for n in range(len(blocks) - 1, -1, -1):
        block = blocks[n]
        if block.startswith("### "):
            blocks[n] = block[4:]
            continue
        if len(block.split()) > SIGN_OFF_WORDS:
            break
    return "\n\n".join(blocks) + ("\n" if blocks else "")
