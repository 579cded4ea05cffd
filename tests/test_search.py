"""Search over the real corpus: every query feature, equivalences, suggestions, faults."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from reader.search import MatchTerm, SearchIndex, find_match_spans, marked
from reader.search import storage as search_mod


def ids(index, text, **kwargs):
    """The posts the strict search finds: every word, or the query's syntax. (Below three,
    the results go on with posts of some of the words or close in meaning:
    tests/test_search_partial.py.)"""
    return [h.id for h in index.search(text, limit=100, **kwargs).hits if h.matched == "all"]


def words_of(article):
    return set(re.findall(r"\w+", (article.title + " " + article.body).lower()))


def test_plain_words_must_all_match(index, corpus):
    found = ids(index, "maggots burger")
    assert found == ["2013-12-16-much-has-been-written-about-maggots-this"]
    for article_id in ids(index, "federation workload"):
        text = corpus.get(article_id).body.lower()
        assert "federation" in text and "workload" in text


def test_title_matches_rank_above_body_matches(index, corpus):
    top = ids(index, "neighbourhoods")[:4]
    assert all("neighbourhood" in corpus.get(i).title.lower() for i in top)


def test_exact_forms_rank_above_stemmed_variants(index, corpus):
    found = ids(index, "integrator")
    says_it = ["integrator" in corpus.get(i).body.lower() for i in found]
    assert True in says_it and False in says_it  # both kinds are found...
    assert says_it == sorted(says_it, reverse=True)  # ...exact ones first


def test_phrases(index, corpus):
    found = ids(index, '"local areas"')
    assert found
    for article_id in found:
        # Stemmed phrase: 'locality areas' is 'local area' too.
        assert re.search(r"local\w*\s+areas?\b", corpus.get(article_id).body, re.I)
    assert len(found) < len(ids(index, "local areas"))


@pytest.mark.parametrize(
    "phrase", ["local authorities", "acute trust", "local providers", "feels like", "work with"]
)
def test_a_phrases_exact_wording_ranks_above_stemmed_variants(index, corpus, phrase):
    # Posts with the phrase as typed come before posts with only other forms of its
    # words ('local area', 'local authority'); the exact forms lift, as for words.
    order = []
    for article_id in ids(index, f'"{phrase}"'):
        text = corpus.get(article_id).title + " " + corpus.get(article_id).body
        if re.search(rf"\b{phrase}\b", text, re.I):
            order.append("exact")
        elif not all(re.search(rf"\b{w}\b", text, re.I) for w in phrase.split()):
            order.append("variant")
    assert "exact" in order and "variant" in order
    assert order == sorted(order)  # 'exact' < 'variant'


def test_or_and_not(index, corpus):
    maggots, books = set(ids(index, "maggots")), set(ids(index, "bookstores"))
    assert set(ids(index, "maggots OR bookstores")) == maggots | books
    with_des = set(ids(index, "PCN"))
    without = set(ids(index, "PCN NOT DES"))
    assert without and without < with_des
    assert set(ids(index, "PCN -DES")) == without
    for article_id in without:
        assert "DES" not in re.findall(r"\b[A-Z]+\b", corpus.get(article_id).body)


def test_prefix_and_search_as_you_type(index):
    assert ids(index, "neighbourh") == []
    typed = ids(index, "neighbourh", as_you_type=True)
    assert typed and set(typed) == set(ids(index, "neighbourh*"))
    # A finished word (trailing space) is not a prefix.
    assert ids(index, "PCN ", as_you_type=True) == ids(index, "PCN")
    # a single letter being typed after other words waits for the next one
    assert ids(index, "primary c", as_you_type=True) == ids(index, "primary")
    assert ids(index, "primary c") == []  # typed and submitted, it is a word
    # A complete word still typed as the last one keeps its acronym equivalence...
    full = set(ids(index, "primary care network"))
    assert set(ids(index, "primary care network", as_you_type=True)) >= full
    # ...and a field-qualified last word is a prefix too.
    assert ids(index, "title:neighb", as_you_type=True) == ids(index, "title:neighb*")


def test_fields(index, corpus):
    for article_id in ids(index, "title:neighbourhoods"):
        assert "neighbourhood" in corpus.get(article_id).title.lower()
    ccg = ids(index, "category:ccgs")
    assert len(ccg) == 10 and all(corpus.get(i).category == "CCGs and Primary Care" for i in ccg)
    access = ids(index, "topic:access")
    assert access and all("Access" in corpus.get(i).topics for i in access)


def test_dates(index, corpus):
    in_2013 = ids(index, "date:2013")
    assert len(in_2013) == 8 and all(corpus.get(i).date.startswith("2013") for i in in_2013)
    summer = ids(index, "date:2013-07..2013-09")
    dates = sorted(corpus.get(i).date for i in summer)
    assert dates == ["2013-07-08", "2013-07-19", "2013-08-11", "2013-09-14", "2013-09-22"]
    assert set(ids(index, "practice date:2014")) <= {
        a.id for a in corpus if (a.date or "") >= "2014"
    }


def test_fuzzy(index, corpus):
    found = ids(index, "federaton~")
    assert found and all("federation" in corpus.get(i).body.lower() for i in found)


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("neighbourhood", "neighborhood"),
        ("organisation", "organization"),
        ("programme", "program"),
        ("prioritise", "prioritize"),
        ("centre", "center"),
    ],
)
def test_british_and_american_spellings_match_each_other(index, british, american):
    assert ids(index, american) == ids(index, british)
    assert ids(index, british)


@pytest.mark.parametrize(
    ("acronym", "expansion"),
    [
        ("PCN", "primary care network"),
        ("ICB", "integrated care board"),
        ("ICS", "integrated care system"),
        ("ARRS", "additional roles reimbursement scheme"),
        ("CCG", "clinical commissioning group"),
    ],
)
def test_acronyms_and_expansions_match_each_other(index, acronym, expansion):
    by_acronym = set(ids(index, acronym))
    assert by_acronym
    assert set(ids(index, f'"{expansion}"')) == by_acronym
    assert set(ids(index, expansion)) >= by_acronym


@pytest.mark.parametrize(
    ("acronym", "expansion"),
    [("ICS", "integrated care system"), ("LES", "local enhanced service"), ("NHSE", "NHS England")],
)
def test_acronym_search_finds_posts_that_only_spell_it_out(index, corpus, acronym, expansion):
    spelled_only = [
        a.id
        for a in corpus
        if re.search(expansion, a.body, re.I) and not re.search(rf"\b{acronym}s?\b", a.body)
    ]
    assert spelled_only, "the corpus has such a post"
    assert set(spelled_only) <= set(ids(index, acronym))


def test_no_hits_says_so_and_a_misspelling_gets_a_suggestion(index):
    results = index.search("neighbourhods")
    assert all(hit.matched != "all" for hit in results.hits)  # only close in meaning
    assert index.search("neighbourhods -x").hits == ()  # syntax: strict, nothing found
    assert results.suggestion == "neighbourhoods"
    assert index.search("neighbourhoods").suggestion is None
    assert index.search("xqzvwk").suggestion is None
    # The closest word, not the most common one within two edits.
    assert index.search("neighbourhod").suggestion == "neighbourhood"
    assert index.search("lone").suggestion == "one"  # not 'on', two edits away
    assert index.search('"lone').suggestion == "one"  # searched as words: offered as words
    assert index.search('"primary neighbourhod"').suggestion == '"primary neighbourhood"'
    # Of equally close words, the one that keeps the typed word's ending.
    assert index.search("integrater").suggestion == "integrator"
    assert index.search("trsut").suggestion == "trust"  # a transposition is one edit


def test_a_real_english_word_the_posts_lack_is_not_corrected(index):
    question = "why should my practice bother with neighbourhoods"
    results = index.search(question)
    assert results.total > 0 and results.suggestion is None  # not 'other'
    assert index.search("why should my practice bother").suggestion is None
    assert index.search("lone ranger").suggestion is None  # a phrase, not a typo of 'one'
    # A typo in the same kind of question is still corrected.
    typo = index.search("how do integraters help practices")
    assert typo.suggestion == "how do integrators help practices"


@pytest.mark.parametrize("word", ["blorp", "qwert", "wardz"])
def test_a_short_word_two_edits_from_any_post_word_is_not_corrected(index, word):
    assert index.search(word).suggestion is None  # not 'blog', 'exert', 'words'


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("bother", True),
        ("organisation", True),  # British spellings count
        ("colour", True),
        ("centre", True),
        ("integrater", False),
        ("neighbourhod", False),
        ("recieve", False),
    ],
)
def test_english_words_are_told_from_typos(word, english):
    from reader.search.suggest import is_english_word

    assert is_english_word(word) is english


@pytest.mark.parametrize(
    ("text", "words", "noticed"),
    [
        ('"primary care', "primary care", True),
        # A dangling operator or bracket is dropped, with the note the README promises.
        ("pcn OR", "pcn", True),
        ("pcn (", "pcn", True),
        ("(pcn", "pcn", True),
        ("primary)", "primary", True),
        ("care AND", "care", True),
        ("practice ~", "practice", False),
        ("title:", "title", False),
    ],
)
def test_malformed_syntax_finds_what_its_words_find(index, text, words, noticed):
    """What a reader sees: the posts the words find, and a note where syntax was dropped."""
    results = index.search(text, limit=100)
    expected = ids(index, words)
    assert expected  # the words are in the posts, so the comparison means something
    assert {h.id for h in results.hits} == set(expected) and results.total == len(expected)
    assert (results.notice is not None) == noticed, results.notice


@pytest.mark.parametrize("text", ["(", ")(", "~", '"', "OR", "AND NOT"])
def test_syntax_with_no_words_finds_nothing(index, text):
    results = index.search(text)
    assert results.total == 0 and results.hits == () and results.suggestion is None


def test_a_lone_star_finds_every_post(index, corpus):
    results = index.search("*", limit=100)
    assert {h.id for h in results.hits} == {a.id for a in corpus.articles}


def test_a_date_that_is_not_one_gets_a_one_line_notice(index):
    for text in (
        "date:2013-13",
        "date:abc commissioning",
        "date:2013-02-30",
        "date:2013..20x",
        "date:[",
    ):
        notice = index.search(text).notice
        assert notice and "is not a date" in notice and "\n" not in notice, text
    for text in ("date:2013", "date:2013-07", "date:2013-07-08", "date:2013-07..2013-12"):
        assert index.search(text).notice is None, text
    assert index.search("date:2013-07..2013-12").total > 0


def test_a_lone_quote_is_searched_as_plain_words(index):
    results = index.search('"primary care')
    assert results.notice and "words" in results.notice
    assert {h.id for h in results.hits} == set(ids(index, "primary care"))


def test_hits_carry_what_the_app_and_json_need(index, corpus):
    results = index.search("integrator", limit=2)
    assert results.total == 3 and len(results.hits) == 2
    assert results.took_ms > 0
    hit = results.hits[0]
    assert hit.category == "The General Practice Blog" and hit.date is None and hit.score > 0
    assert "**integrator**" in hit.marked_snippet().lower()
    assert [hit.snippet[a:b].lower() for a, b in hit.highlights] == ["integrator"]
    spans = find_match_spans(corpus.get(hit.id).body, results.terms)
    body = corpus.get(hit.id).body
    assert spans and all(body[a:b].lower().startswith("integr") for a, b in spans)
    data = results.to_json()
    assert set(data) == {"query", "took_ms", "total", "suggestion", "hits"}
    assert set(data["hits"][0]) == {
        "id",
        "title",
        "category",
        "date",
        "score",
        "snippet",
        "matched",
    }


def test_acronym_highlights_mark_the_expansion_too(index, corpus):
    results = index.search("PCN", limit=30)
    bodies = {h.id: corpus.get(h.id).body for h in results.hits}
    spelled = [h for h in results.hits if "PCN" not in bodies[h.id]]
    for h in spelled:
        spans = find_match_spans(bodies[h.id], results.terms)
        assert any(
            re.fullmatch(r"primary care networks?", bodies[h.id][a:b], re.I) for a, b in spans
        )


# -- the index on disk ------------------------------------------------------------------


def open_index(corpus, directory, articles=None):
    return SearchIndex.open(
        articles or corpus.articles, corpus.fingerprint + "x" * (articles is not None), directory
    )


def test_a_corrupt_table_of_contents_is_moved_aside_and_rebuilt(corpus, tmp_path):
    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    (toc,) = directory.glob("*.toc")
    toc.write_bytes(b"\x80\x04garbage")
    ix = open_index(corpus, directory)
    assert any("moved it to index.broken-" in n for n in ix.notices)
    assert list(tmp_path.glob("index.broken-*"))
    assert ix.search("PCN").total == 16
    ix.close()


def test_a_missing_segment_is_detected_and_rebuilt(corpus, tmp_path):
    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    for seg in directory.glob("*.seg"):
        seg.unlink()
    for postings in directory.glob("*.trm"):
        postings.unlink()
    ix = open_index(corpus, directory)
    assert any("damaged" in n for n in ix.notices), ix.notices
    assert ix.search("maggots").total == 1
    ix.close()


def test_a_half_written_index_is_rebuilt(corpus, tmp_path):
    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    (directory / search_mod.META_FILE).unlink()  # the build never finished
    ix = open_index(corpus, directory)
    assert any("incomplete" in n for n in ix.notices)
    assert ix.search("maggots").total == 1


def test_a_stale_schema_is_rebuilt(corpus, tmp_path, monkeypatch):
    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    monkeypatch.setattr(search_mod, "SCHEMA_VERSION", search_mod.SCHEMA_VERSION + 1)
    ix = open_index(corpus, directory)
    assert any("another version" in n for n in ix.notices)
    assert ix.search("maggots").total == 1


def test_changed_articles_are_updated_incrementally(corpus, tmp_path, monkeypatch):
    import dataclasses

    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    articles = list(corpus.articles)
    articles[0] = dataclasses.replace(articles[0], body=articles[0].body + "\n\nZebracorn.\n")
    removed = articles.pop()
    written = []
    real_fields = search_mod.article_fields
    monkeypatch.setattr(
        search_mod, "article_fields", lambda a: written.append(a.id) or real_fields(a)
    )
    ix = open_index(corpus, directory, articles)
    assert written == [articles[0].id]
    assert [h.id for h in ix.search("zebracorn").hits] == [articles[0].id]
    assert ix.doc_count == len(corpus) - 1
    assert removed.id not in {h.id for h in ix.search(removed.title, limit=50).hits}
    ix.close()


def _copies(article, n):
    import dataclasses

    return [
        dataclasses.replace(article, id=f"{article.id}-copy-{i}", title=f"Quokkafish {i}")
        for i in range(n)
    ]


def test_many_new_posts_join_an_existing_index_in_helper_processes(corpus, tmp_path, monkeypatch):
    """An import of many posts: helper processes write them, nothing is doubled or lost."""
    import dataclasses

    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    monkeypatch.setattr(search_mod, "PARALLEL_BUILD_THRESHOLD", 5)
    articles = list(corpus.articles)
    articles[1] = dataclasses.replace(articles[1], body=articles[1].body + "\n\nZebracorn.\n")
    articles += _copies(articles[0], 12)
    steps = []
    ix = SearchIndex.open(articles, "grown", directory, progress=lambda *step: steps.append(step))
    # 13 posts written (12 new, 1 changed), then the long step: the writing, named
    assert steps[0] == (13, 13) and (13, 13, "writing the index") in steps
    assert ix.doc_count == len(corpus) + 12
    assert ix.search("quokkafish").total == 12
    assert [h.id for h in ix.search("zebracorn").hits] == [articles[1].id]
    assert ix.search("maggots").total == 1
    ix.close()


def test_a_note_left_by_a_process_killed_after_its_commit_is_not_trusted(corpus, tmp_path):
    """Killed between committing new posts and noting them: they are not added twice."""
    import json

    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    old_note = (directory / search_mod.META_FILE).read_text()
    articles = list(corpus.articles) + _copies(corpus.articles[0], 3)
    open_index(corpus, directory, articles).close()
    (directory / search_mod.META_FILE).write_text(old_note)  # as if the note never came
    assert json.loads(old_note)["hashes"].keys() == {a.id for a in corpus.articles}
    ix = SearchIndex.open(articles, corpus.fingerprint + "y", directory)
    assert ix.doc_count == len(articles)
    assert ix.search("quokkafish").total == 3
    ix.close()


HOLD_LOCK = """
import sys
from pathlib import Path
from reader.search.storage import exclusive_lock
with exclusive_lock(Path(sys.argv[1]), 1) as ok:
    print("locked" if ok else "failed", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def lock_holder(tmp_path):
    def hold(directory):
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(directory.with_name(directory.name + ".lock"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "locked"
        procs.append(proc)
        return proc

    procs: list[subprocess.Popen] = []
    yield hold
    for proc in procs:
        proc.communicate("\n", timeout=10)


def test_a_second_process_searches_the_existing_index_while_the_first_writes(
    corpus, tmp_path, lock_holder, monkeypatch
):
    directory = tmp_path / "index"
    open_index(corpus, directory).close()
    monkeypatch.setattr(search_mod, "LOCK_WAIT_SECONDS", 0.2)
    lock_holder(directory)
    ix = open_index(corpus, directory)
    assert any("searching it as it was" in n for n in ix.notices)
    assert ix.search("maggots").total == 1
    ix.close()


def test_a_second_process_with_no_index_yet_searches_a_private_copy(
    corpus, tmp_path, lock_holder, monkeypatch
):
    directory = tmp_path / "index"
    monkeypatch.setattr(search_mod, "LOCK_WAIT_SECONDS", 0.2)
    lock_holder(directory)
    ix = open_index(corpus, directory)
    assert any("private copy" in n for n in ix.notices)
    assert ix.search("maggots").total == 1
    assert not directory.exists() or not any(directory.iterdir())


def test_two_processes_building_at_once_both_answer():
    command = [sys.executable, "-m", "reader", "search", "--json", "primary care network"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "LockError" not in err
        assert '"total": 18' in out


def test_a_snippet_reads_as_the_post_does_in_the_app():
    from reader.articles.markdown import plain_text
    from reader.search.highlight import Highlighter
    from reader.search.snippets import make_snippet

    body = "\n\n".join(
        [
            "### Why **care** matters",
            "> Care is *what* we do",
            "1. First, care",
            "- a care bullet",
            "36\\. is not a list, care",
            "\\- nor a care bullet",
            "See [the care plan](https://example.org/care) for more",
        ]
    )
    care = Highlighter([MatchTerm(("care",), "stem")])
    snippet, spans = make_snippet(body, care, width=400)
    # The codec's text, one line: no '### ', '> ', '**', '*', backslash or link syntax.
    assert snippet == " ".join(plain_text(body).split())
    assert snippet == (
        "Why care matters Care is what we do 1. First, care • a care bullet "
        "36. is not a list, care - nor a care bullet See the care plan for more"
    )
    assert [snippet[a:b].lower() for a, b in spans] == ["care"] * 7
    # Cut in the middle of a post: still the drawn text, highlights on the word.
    long = "\n\n".join(
        ["### Heading"] + ["> " + "filler words here " * 8] * 3 + ["- the **care** item"]
    )
    snippet, spans = make_snippet(long, care)
    assert snippet.startswith("…") and snippet.endswith("• the care item")
    assert "**" not in snippet and "> " not in snippet
    assert [snippet[a:b] for a, b in spans] == ["care"]


def test_a_snippet_shows_the_stretch_with_most_of_the_query_words(index):
    from reader.search.highlight import Highlighter
    from reader.search.snippets import make_snippet

    words = Highlighter([MatchTerm(("primari",), "stem"), MatchTerm(("care",), "stem")])
    filler = "and so on " * 30
    body = f"Good care starts here. {filler}Primary care networks began in 2019. {filler}"
    snippet, spans = make_snippet(body, words)
    assert "**Primary** **care** networks" in marked(snippet, spans)
    care = Highlighter([MatchTerm(("care",), "stem")])
    assert make_snippet("Nothing to see.", care) == ("Nothing to see.", ())
    # On the corpus: every hit of a two-word search shows both words where a post has
    # them within a snippet's reach.
    for hit in index.search("primary care", limit=10).hits:
        marked_words = {hit.snippet[a:b].lower() for a, b in hit.highlights}
        assert {"primary", "care"} <= marked_words, hit.marked_snippet()


def test_the_search_command_takes_minus_words_and_says_result_for_one(capsys):
    from reader.cli import main

    def run(*args):
        try:
            code = main(["search", *args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = run("neighbourhood", "-pcn", "--limit", "1")
    assert code == 0 and out.startswith("1 result for 'neighbourhood -pcn'")
    assert run("-pcn", "neighbourhood")[1].startswith("1 result for 'neighbourhood -pcn'")
    assert run("integrator")[1].startswith("3 results for 'integrator'")
    code, _, err = run("neighbourhood", "--limt", "2")  # a mistyped option is still an error
    assert code == 2 and "unrecognized arguments: --limt 2" in err


def test_a_search_that_fails_after_a_rebuild_says_so_as_a_notice(corpus, tmp_path, monkeypatch):
    """Still failing once the index is rebuilt: one line in the notice, no suggestion
    ("did you mean ...") made of it, and nothing to mark in the post."""
    ix = SearchIndex.open(corpus.articles[:5], corpus.fingerprint, tmp_path / "index")
    try:

        def broken(*args, **kwargs):
            raise ValueError("not damage")

        monkeypatch.setattr(ix, "_search", broken)
        results = ix.search("neighbourhoods")
    finally:
        ix.close()
    assert results.total == 0 and results.hits == () and results.terms == ()
    assert results.suggestion is None
    assert results.notice and "this search still failed (ValueError)" in results.notice


def test_no_did_you_mean_for_the_start_of_a_word_being_typed(index):
    """While typing, a word under the cursor that starts a word the posts use is on its
    way there ('neighbourh'): no suggestion for it; a misspelt one still gets one."""
    typing = "maggots neighbourh"
    results = index.search(typing, as_you_type=True)
    assert results.hits and not any(hit.matched == "all" for hit in results.hits)
    assert results.suggestion is None
    assert index.search(typing).suggestion is not None  # typed whole: not a word
    misspelt = index.search("involved in neighbourhods", as_you_type=True)
    assert misspelt.suggestion == "involved in neighbourhoods"
