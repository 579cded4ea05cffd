"""`gp-reader export highlights` (Markdown, against a golden file) and `export epub`."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reader.articles.text import plain_text
from reader.export.epub import build_epub
from reader.export.markdown import PostHighlights, group_by_post, highlights_markdown
from reader.store.highlights import Highlight

GOLDEN = Path(__file__).parent / "data" / "highlights_export.md"
POST = "what-a-neighbourhood-health-service-for-london-means-for"
OTHER = "why-engage-with-neighbourhoods"


def made(corpus, article_id: str, quote: str, hid: str, created: str, note=None, detached=False):
    article = corpus.find(article_id)
    start = plain_text(article).find(quote) if article else -1
    if not detached:
        assert start >= 0, quote
    start = max(start, 0)
    return Highlight(
        hid, article_id, quote, "", "", start, start + len(quote), note, created, created, detached
    )


def sample(corpus) -> list[Highlight]:
    return [
        made(
            corpus,
            POST,
            "a somewhat fuzzy concept",
            "aaaa00000001",
            "2025-01-02T10:00:00+00:00",
            note="Say this in section 2.\n\n# Not a heading: a note's own line",
        ),
        made(
            corpus,
            POST,
            "terming a “target operating model”",
            "aaaa00000002",
            "2025-01-01T09:00:00+00:00",
        ),
        made(
            corpus,
            OTHER,
            "1. A sentence that was cut from the post",
            "aaaa00000003",
            "2024-12-31T08:00:00+00:00",
            note="Gone from the fuller text",
            detached=True,
        ),
        made(
            corpus,
            "no-longer-here",
            "A quote from a removed post",
            "aaaa00000004",
            "2024-12-30T08:00:00+00:00",
            detached=True,
        ),
    ]


def assert_epubcheck_passes(out: Path) -> None:
    ran = subprocess.run(
        ["java", "-jar", "/usr/share/java/epubcheck.jar", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "0 errors / 0 warnings" in ran.stdout


def test_markdown_export_matches_the_golden_file(corpus):
    posts = group_by_post(sample(corpus), corpus)
    # The post highlighted most recently first; in the post, in the order of its text.
    assert [p.article_id for p in posts] == [POST, OTHER, "no-longer-here"]
    assert [h.id for h in posts[0].highlights] == ["aaaa00000002", "aaaa00000001"]
    text = highlights_markdown(posts, "2025-01-03T12:00:00Z")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_markdown_export_front_matter_is_yaml_and_empty_export_says_so(corpus):
    text = highlights_markdown([], "2025-01-03T12:00:00Z")
    head = text.split("---")[1]
    assert 'exported: "2025-01-03T12:00:00Z"' in head and "highlights: 0" in head
    assert "No highlights yet." in text


def read_epub(path: Path):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        files = {n: z.read(n) for n in names}
    return infos, files


def test_epub_is_a_well_formed_epub3_with_contents_and_marks(corpus, tmp_path):
    articles = [corpus.get(POST), corpus.get(OTHER)]
    highlights = {POST: sample(corpus)[:2], OTHER: sample(corpus)[2:3]}
    out = build_epub(articles, highlights, "Board paper", tmp_path / "pack.epub", "chosen posts")
    infos, files = read_epub(out)
    # The OCF rules a reader checks first: mimetype first, stored, exactly this text.
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert files["mimetype"] == b"application/epub+zip"
    container = ElementTree.fromstring(files["META-INF/container.xml"])
    ns = {"c": "urn:oasis:names:tc:opendocument:xmlns:container"}
    opf_path = container.find(".//c:rootfile", ns).get("full-path")
    opf = ElementTree.fromstring(files[opf_path])
    o = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.get("version") == "3.0"
    assert opf.find(".//dc:title", o).text == "Board paper"
    manifest = {i.get("id"): i for i in opf.findall(".//o:manifest/o:item", o)}
    navs = [i for i in manifest.values() if "nav" in (i.get("properties") or "")]
    assert len(navs) == 1
    spine = [r.get("idref") for r in opf.findall(".//o:spine/o:itemref", o)]
    base = opf_path.rsplit("/", 1)[0] + "/"
    chapters = [manifest[i].get("href") for i in spine]
    assert chapters[0] == navs[0].get("href")  # the contents page opens the book
    nav = files[base + chapters[0]].decode()
    assert "What A Neighbourhood Health Service for London" in nav and "Why Engage" in nav
    first = files[base + chapters[1]].decode()
    ElementTree.fromstring(first)  # well-formed XHTML
    assert "<mark>a somewhat fuzzy concept</mark>" in first
    assert "Say this in section 2." in first
    second = files[base + chapters[2]].decode()
    assert "no longer found in this post" in second and "Gone from the fuller text" in second


@pytest.mark.skipif(
    not (shutil.which("java") and Path("/usr/share/java/epubcheck.jar").exists()),
    reason="epubcheck is not installed (apt-get install epubcheck)",
)
def test_epub_passes_epubcheck(corpus, tmp_path):
    out = build_epub(
        [corpus.get(POST)], {POST: sample(corpus)[:2]}, "Pack", tmp_path / "p.epub", "x"
    )
    assert_epubcheck_passes(out)


@pytest.fixture
def cli(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return cli


def test_export_commands_as_a_user_runs_them(cli, tmp_path):
    added = cli("highlight", "add", POST, "--quote", "a somewhat fuzzy concept", "--note", "N")
    assert added[0] == 0
    code, out, _ = cli("export", "highlights")
    assert code == 0 and "> a somewhat fuzzy concept" in out and "**Note:** N" in out
    md = tmp_path / "h.md"
    assert cli("export", "highlights", "--post", POST, "--output", str(md))[0] == 0
    assert md.read_text().startswith("---\n")
    assert cli("bookmark", "add", POST)[0] == 0
    pack = tmp_path / "pack.epub"
    code, _, err = cli("export", "epub", "--bookmarked", "--output", str(pack))
    assert code == 0 and "1 post, 1 highlight" in err
    _, files = read_epub(pack)
    assert any(b"<mark>a somewhat fuzzy concept</mark>" in v for v in files.values())
    code, _, err = cli("export", "epub", "--topic", "neighbourhoods", "--output", str(pack))
    assert code == 0
    # Bad input: one line, exit 2, no file left behind.
    code, _, err = cli("export", "epub", "--topic", "nope", "--output", str(tmp_path / "x.epub"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.epub").exists()
    code, _, err = cli("export", "epub", "--post", "no-such-post", "--output", str(pack))
    assert code == 2
    code, _, err = cli("export", "epub", "--output", str(pack))
    assert code == 2
    code, _, err = cli(
        "export", "epub", "--post", POST, "--output", str(tmp_path / "nodir" / "x.epub")
    )
    assert code == 1 and "no such directory" in err
    assert json.loads(cli("highlight", "list", "--json")[1])[0]["quote"]


def hostile_post():
    from reader.articles.model import Article

    body = "\n\n".join(
        [
            "### A **bold** heading",
            'Plain, then **strongly & <b>truly</b>** meant, then *quietly "said"* too.',
            "> *All* of it quoted",
            "- a **bullet** point",
            "<script>alert('body')</script> & 'quotes'",
            "See [the **ARRS** post](https://ockham.healthcare/arrs/?a=1&b=2) and "
            "[this one](javascript:alert(1)).",
        ]
    )
    return Article(
        id="hostile",
        title='<script>alert("t")</script> & \'Tom\' "quoted"',
        title_is_derived=False,
        category="Imported",
        site="",
        author="A & B <x>",
        date="2013-07",
        topics=(),
        body=body,
        source="hostile.md",
        words=30,
    )


def test_epub_keeps_bold_and_italic_and_shows_markup_as_text(tmp_path):
    article = hostile_post()
    text = plain_text(article)
    quote = "meant, then quietly"  # a highlight across the end of the bold and into italic
    start = text.index("truly</b> meant")
    h = Highlight(
        "hh",
        article.id,
        text[start : start + 30],
        "",
        "",
        start,
        start + 30,
        None,
        "2025-01-01T00:00:00+00:00",
        "2025-01-01T00:00:00+00:00",
        False,
    )
    out = build_epub([article], {article.id: [h]}, "Pack & <co>", tmp_path / "h.epub", "x")
    _, files = read_epub(out)
    name = next(n for n in files if n.endswith("post-0001.xhtml"))
    chapter = ElementTree.fromstring(files[name])  # well-formed, whatever the post held
    x = "{http://www.w3.org/1999/xhtml}"
    assert chapter.find(f".//{x}script") is None and chapter.find(f".//{x}b") is None
    body_text = "".join(chapter.find(f"{x}body").itertext())
    assert '<script>alert("t")</script> & \'Tom\' "quoted"' in body_text  # the title
    assert "<script>alert('body')</script> & 'quotes'" in body_text
    assert "**" not in body_text and "*quietly" not in body_text
    strong = ["".join(e.itertext()) for e in chapter.iter(f"{x}strong")]
    em = ["".join(e.itertext()) for e in chapter.iter(f"{x}em")]
    # The highlight cuts the bold in two: both halves stay bold, one inside the <mark>.
    assert strong == ["bold", "strongly & <b>", "truly</b>", "bullet", "ARRS"]
    # Links as links (web addresses only), never as Markdown.
    links = [(e.get("href"), "".join(e.itertext())) for e in chapter.iter(f"{x}a")]
    assert links == [("https://ockham.healthcare/arrs/?a=1&b=2", "the ARRS post")]
    assert "](" not in body_text and "See the ARRS post and this one." in body_text
    assert em == ["quietly ", '"said"', "All"]  # the mark ends after the space
    marks = ["".join(e.itertext()) for e in chapter.iter(f"{x}mark")]
    assert marks == [text[start : start + 30]] and quote in marks[0]
    mark = next(chapter.iter(f"{x}mark"))
    assert [c.tag for c in mark] == [f"{x}strong", f"{x}em"]


@pytest.mark.skipif(
    not (shutil.which("java") and Path("/usr/share/java/epubcheck.jar").exists()),
    reason="epubcheck is not installed (apt-get install epubcheck)",
)
def test_an_epub_of_a_hostile_post_with_emphasis_passes_epubcheck(tmp_path):
    out = build_epub([hostile_post()], {}, "Pack & <co>", tmp_path / "h.epub", "x")
    assert_epubcheck_passes(out)


def test_markdown_export_keeps_bold_and_italic_and_escapes_markup():
    article = hostile_post()
    text = plain_text(article)
    start = text.index("strongly")
    end = text.index(" too.")
    h = Highlight(
        "hh",
        article.id,
        text[start:end],
        "",
        "",
        start,
        end,
        None,
        "2025-01-01T00:00:00+00:00",
        "2025-01-01T00:00:00+00:00",
        False,
    )
    cut = text.index("meant")  # a passage that starts inside the bold
    inside = Highlight(
        "hi",
        article.id,
        text[cut - 6 : cut + 5],
        "",
        "",
        cut - 6,
        cut + 5,
        None,
        "2025-01-01T00:00:00+00:00",
        "2025-01-01T00:00:00+00:00",
        False,
    )
    gone = Highlight(
        "hg",
        article.id,
        "*not* <i>here</i>",
        "",
        "",
        0,
        17,
        None,
        "2025-01-01T00:00:00+00:00",
        "2025-01-01T00:00:00+00:00",
        True,
    )
    doc = highlights_markdown(
        [PostHighlights(article.id, article, (h, inside, gone))], "2025-01-03T12:00:00Z"
    )
    lines = doc.splitlines()
    assert '> **strongly & \\<b>truly\\</b>** meant, then *quietly "said"*' in lines
    assert "> **y\\</b>** meant" in lines  # the bold cut to what the passage holds
    assert "> \\*not\\* \\<i>here\\</i>" in lines  # no longer in the post: all text
    assert '## \\<script>alert("t")\\</script> & \'Tom\' "quoted"' in lines


def test_blocks_with_offsets_stand_where_the_plain_text_has_them():
    # The app's passage cursor and highlights, and both exports, count in this text: a
    # link's address left in a block moved every highlight after it.
    from reader.articles.markdown import plain_text as body_plain_text
    from reader.articles.text import blocks_with_offsets

    body = hostile_post().body + "\n\nAfter the [link](https://example.org/) a **last** word."
    text = body_plain_text(body)
    for block in blocks_with_offsets(body):
        assert text[block.start : block.end] == block.text
        for start, end, kind in block.emphasis:
            assert kind in ("bold", "italic") and 0 <= start < end <= len(block.text)
    last = blocks_with_offsets(body)[-1]
    assert last.text == "After the link a last word."
    assert [last.text[a:b] for a, b, _ in last.links] == ["link"]
    assert [last.text[a:b] for a, b, _ in last.emphasis] == ["last"]
