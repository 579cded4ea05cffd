"""The glossary: coverage of the real corpus, look-ups, acronym finding and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from reader import paths
from reader.articles.glossary import (
    Glossary,
    GlossaryEntry,
    count_posts,
    find_acronym_matches,
    find_acronyms,
    load_glossary,
)
from reader.articles.model import Article
from reader.cli import main
from reader.errors import ReaderError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def own_xdg_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Keep the developer's cache and data directories out of reach (subprocesses too)."""
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary()


def article(title: str, body: str, article_id: str = "a") -> Article:
    return Article(
        id=article_id,
        title=title,
        title_is_derived=False,
        category="Test",
        site="Test",
        author="Test",
        date=None,
        topics=(),
        body=body,
        source="test",
        words=len(body.split()),
    )


def write_glossary(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "glossary.toml").write_text(text, encoding="utf-8")
    return directory


# --- the real corpus -------------------------------------------------------------------


def test_every_acronym_used_in_two_or_more_posts_is_explained_or_ignored(corpus, glossary):
    counts = count_posts(corpus)
    missing = glossary.missing(counts, min_posts=2)
    assert not missing, (
        "acronyms used in 2+ posts with no entry in corpus/glossary.toml "
        f"(add an [[entry]], or add them to `ignore` with a reason): {missing}"
    )


def test_the_coverage_check_catches_an_unexplained_acronym():
    small = Glossary([GlossaryEntry("PCN", "primary care network", "A group of practices.")])
    posts = [
        article("PCNs and the QOF", "The QOF again.", "a"),
        article("More", "QOF, PCN and the NHS.", "b"),
    ]
    assert small.missing(count_posts(posts)) == {"QOF": 2}
    assert small.missing(count_posts(posts), min_posts=1) == {"NHS": 1, "QOF": 2}


def test_the_acronyms_the_issue_names_are_explained(glossary):
    for term in ("ARRS", "DES", "LES", "MPIG", "QOF", "IIF", "GPwER", "PCN", "ICB", "ICS"):
        assert glossary.lookup(term) is not None, term


def test_acronyms_used_in_one_post_are_explained_too(glossary, corpus):
    counts = count_posts(corpus, glossary)
    for term in ("GPwER", "INT", "APMS", "PDSA", "TDA", "CQC", "CVD", "DHSC"):
        assert counts[term] == 1, term
        assert glossary.lookup(term) is not None, term


def test_every_term_and_ignored_token_is_recognised_as_an_acronym(glossary):
    for entry in glossary:
        assert find_acronyms(entry.term) == {entry.term}, entry.term
    for token in glossary.ignore:
        assert find_acronyms(token) == {token}, token


def test_entries_are_one_line_each_and_complete(glossary):
    assert len(glossary) >= 30
    for entry in glossary:
        assert entry.expansion and entry.explanation, entry.term
        assert "\n" not in entry.explanation, entry.term
        assert len(entry.explanation) <= 240, entry.term
        # The expansion is a phrase of prose, not the acronym again.
        assert entry.term not in entry.expansion.split(), entry.term


def test_phrases_spelled_out_in_the_posts_find_their_acronym(glossary, corpus):
    text = "\n".join(f"{a.title}\n{a.body}" for a in corpus).casefold()
    spelled_out = {
        "Integrated Care Boards": "ICB",
        "Integrated Care Systems": "ICS",
        "Primary Care Networks": "PCN",
        "clinical commissioning groups": "CCG",
        "Investment and Impact Fund": "IIF",
        "Additional Roles Reimbursement Scheme": "ARRS",
        "GPs with Extended Roles": "GPwER",
        "Integrated Neighbourhood Team": "INT",
        "local enhanced services": "LES",
        "Clinical Directors": "CD",
        "Department of Health and Social Care": "DHSC",
        "Trust Development Authority": "TDA",
        "Royal College of General Practitioners": "RCGP",
        "NHS England": "NHSE",
    }
    for phrase, term in spelled_out.items():
        assert phrase.casefold() in text, phrase  # the posts really do write it so
        entry = glossary.lookup(phrase)
        assert entry is not None and entry.term == term, phrase


def test_count_posts_over_the_real_corpus(corpus, glossary):
    counts = count_posts(corpus, glossary)
    assert counts["MPIG"] == 2
    assert counts["PCN"] >= 10
    assert counts["GP"] > counts["PCN"]
    # Titles count: the ICSs post says 'ICSs' in its title.
    titled = [a for a in corpus if "ICSs" in a.title]
    assert titled and "ICS" in count_posts(titled)


# --- finding acronyms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PCNs and ICSs", {"PCN", "ICS"}),
        ("GPs with Extended Roles (GPwER)", {"GP", "GPwER"}),
        ("the DES and the LES’s", {"DES", "LES"}),
        ("4 hour A&E target", {"A&E"}),
        ("ICB-driven meetings", {"ICB"}),
        ("an _ARRS_ role, **QOF**", {"ARRS", "QOF"}),
        ("NOTHING in a seven-letter shout", set()),
        ("Ms Read and Dr Dixon", set()),
        ("a single capital: I, A, V", set()),
        ("digits glued on: PCN2 2PCN", set()),
        ("WillysWorms.co.uk and McDonalds", set()),
        ("GP’s view", {"GP"}),
    ],
)
def test_find_acronyms(text: str, expected: set[str]):
    assert find_acronyms(text) == expected


def test_find_acronym_matches_gives_positions_for_marking_up():
    text = "Our PCNs and the GPwER."
    matches = list(find_acronym_matches(text))
    assert [(m.text, m.acronym) for m in matches] == [("PCNs", "PCN"), ("GPwER", "GPwER")]
    assert all(text[m.start : m.end] == m.text for m in matches)


def test_count_posts_counts_each_post_once_and_folds_variants(glossary):
    posts = [
        article("PCN", "PCNs, PCN, PCNs", "a"),
        article("CCGs", "first CGGs and then ICBs", "b"),
    ]
    assert count_posts(posts) == Counter({"PCN": 1, "CCG": 1, "CGG": 1, "ICB": 1})
    assert count_posts(posts, glossary) == Counter({"PCN": 1, "CCG": 1, "ICB": 1})


# --- look-ups --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("PCN", "PCN"),
        ("pcn", "PCN"),
        ("Pcns", "PCN"),
        ("ICSs", "ICS"),
        ("icss", "ICS"),
        ("des", "DES"),
        ("gpwer", "GPwER"),
        ("GPWER", "GPwER"),
        ("a&e", "A&E"),
        ("primary care network", "PCN"),
        ("Primary  Care  Networks", "PCN"),
        ("Integrated Care Board", "ICB"),
        ("NHS England", "NHSE"),
    ],
)
def test_lookup_ignores_case_and_plurals(glossary, name: str, term: str):
    entry = glossary.lookup(name)
    assert entry is not None and entry.term == term


def test_unknown_term_suggests_close_terms(glossary):
    assert glossary.lookup("PNC") is None
    with pytest.raises(ReaderError) as caught:
        glossary.get("PNC")
    assert caught.value.exit_code == 2
    assert "PCN" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(ReaderError, match="PCN"):
        glossary.get("network")
    with pytest.raises(ReaderError, match="lists every term"):
        glossary.get("xyzzy")


# --- loading the file ------------------------------------------------------------------

GOOD_ENTRY = """
[[entry]]
term = "PCN"
expansion = "primary care network"
explanation = "A group of practices."
"""


def test_missing_glossary_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ReaderError, match="cannot read the glossary"):
        load_glossary(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entry = [", "not valid TOML"),
        ('[[entry]]\nterm = "PCN"\nexplanation = "x"\n', "'expansion' must be"),
        (GOOD_ENTRY.replace("explanation", "explaination"), "unknown key"),
        (GOOD_ENTRY + GOOD_ENTRY.replace('"PCN"', '"pcn"'), "repeats entry 1"),
        ('ignore = ["PCN"]\n' + GOOD_ENTRY, "ignored but also defined: PCN"),
        ('ignore = "UK"\n' + GOOD_ENTRY, "'ignore' must be a list"),
        (
            GOOD_ENTRY.replace('"A group', '["A group').replace('practices."', 'practices."]'),
            "'explanation' must be",
        ),
        (GOOD_ENTRY + 'also = "PCNs"\n', "'also' must be"),
        ("terms = []\n", "unknown top-level key"),
    ],
)
def test_malformed_glossary_is_a_clear_error(tmp_path: Path, text: str, message: str):
    write_glossary(tmp_path, text)
    with pytest.raises(ReaderError, match=message) as caught:
        load_glossary(tmp_path)
    assert "glossary.toml" in str(caught.value)


def test_a_variant_claimed_by_two_entries_is_an_error(tmp_path: Path):
    second = GOOD_ENTRY.replace('"PCN"', '"PCT"').replace("network", "trust")
    write_glossary(tmp_path, GOOD_ENTRY + second + 'also = ["primary care network"]\n')
    with pytest.raises(ReaderError, match="claimed by both PCN and PCT"):
        load_glossary(tmp_path)


# --- the command line ------------------------------------------------------------------


def test_cli_json_lists_every_term_with_its_post_count(capsys, glossary, corpus):
    assert main(["glossary", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == len(glossary)
    for item in data:
        assert set(item) == {"term", "expansion", "explanation", "posts"}
        assert isinstance(item["posts"], int)
    by_term = {item["term"]: item for item in data}
    counts = count_posts(corpus, glossary)
    assert by_term["MPIG"]["posts"] == counts["MPIG"] == 2
    assert by_term["PCN"]["expansion"] == "primary care network"


def test_cli_term_is_case_insensitive(capsys):
    assert main(["glossary", "icss", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["term"] for item in data] == ["ICS"]
    assert data[0]["expansion"] == "integrated care system"
    assert data[0]["posts"] >= 2


def test_cli_text_output_explains_the_term(capsys, glossary):
    assert main(["glossary", "mpig"]) == 0
    out = capsys.readouterr().out
    entry = glossary.get("MPIG")
    assert out.startswith("MPIG  Minimum Practice Income Guarantee (2 posts)\n")
    assert entry.explanation in out


def test_cli_unknown_term_exits_2_with_one_line(capsys):
    assert main(["glossary", "PNC"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "no glossary entry for 'PNC'" in captured.err and "PCN" in captured.err


def test_cli_broken_glossary_is_one_line_not_a_traceback(capsys, monkeypatch, tmp_path):
    bad = write_glossary(tmp_path / "corpus", "entry = [")
    monkeypatch.setattr(paths, "corpus_dir", lambda: bad)
    assert main(["glossary"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid TOML" in err


def test_python_m_reader_glossary_in_a_subprocess(own_xdg_dirs):
    env = os.environ | own_xdg_dirs
    ok = subprocess.run(
        [sys.executable, "-m", "reader", "glossary", "GPwER", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["expansion"] == "GP with an extended role"
    bad = subprocess.run(
        [sys.executable, "-m", "reader", "glossary", "ARSS"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
    assert "ARRS" in bad.stderr
