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
from reader.cli import main
from reader.export.epub import build_epub
from reader.export.markdown import group_by_post, highlights_markdown
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
    ran = subprocess.run(
        ["java", "-jar", "/usr/share/java/epubcheck.jar", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "0 errors / 0 warnings" in ran.stdout


@pytest.fixture
def cli(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    def run(*args: str):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


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
