"""Saved-page containers built to break their parsers: each imports or is refused in one
line, never a traceback."""

from __future__ import annotations

import plistlib

import pytest

WORDS = "A paragraph about neighbourhoods and general practice, long enough to keep. " * 12
PAGE = f"<html><body><article><h1>Saved</h1><p>{WORDS}</p></article></body></html>"


@pytest.mark.parametrize("encoding", ["undefined", "idna", "punycode", "base64", "no-such"])
def test_a_web_archive_naming_a_codec_that_is_not_text_is_read(cli, tmp_path, encoding):
    # Python's 'undefined' and 'idna' raise UnicodeError whatever the errors argument.
    archive = tmp_path / f"{encoding}.webarchive"
    resource = {
        "WebResourceData": PAGE.encode(),
        "WebResourceURL": "https://example.org/saved/",
        "WebResourceMIMEType": "text/html",
        "WebResourceTextEncodingName": encoding,
    }
    archive.write_bytes(plistlib.dumps({"WebMainResource": resource}, fmt=plistlib.FMT_BINARY))
    ran = cli("import", str(archive))
    assert ran.code == 0 and "added 1 post" in ran.out, ran.err


def test_mime_parts_nested_thousands_deep_are_one_line(cli, tmp_path):
    depth = 3000
    text = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b0"\r\n\r\n'
    for i in range(1, depth):
        text += f'--b{i - 1}\r\nContent-Type: multipart/related; boundary="b{i}"\r\n\r\n'
    text += f"--b{depth - 1}\r\nContent-Type: text/html\r\n\r\n{PAGE}\r\n"
    text += "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    saved = tmp_path / "deep.mhtml"
    saved.write_text(text, encoding="utf-8")
    ran = cli("import", str(saved))
    assert ran.code == 1 and "Traceback" not in ran.err
    assert ran.err.strip().count("\n") == 0 and "nested too deeply" in ran.err, ran.err
