"""gp-reader source/sync against the simulated WordPress site: never the real network."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reader.cli import main
from tests.wpsite import WordPressSite, build_post, generate_posts, posts_from_records


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def add_and_sync(capsys, site, *extra: str, name: str = "Test site") -> dict:
    if name not in cli(capsys, "source", "list")[1]:
        assert cli(capsys, "source", "add", site.url, "--name", name, *extra)[0] == 0
    code, out, err = cli(capsys, "sync", name, "--pause", "0", "--json")
    assert code == 0, err
    return json.loads(out)["sources"][0]


def listed(capsys) -> dict[str, dict]:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    return {p["id"]: p for p in json.loads(out)}


def test_defaults_are_sources_out_of_the_box(capsys):
    code, out, _ = cli(capsys, "source", "list", "--json")
    sources = {s["name"]: s for s in json.loads(out)}
    assert sources["The General Practice Blog"]["url"] == "https://ockham.healthcare/"
    assert sources["CCG Information"]["category"] == "CCGs and Primary Care"
    assert cli(capsys, "source", "remove", "CCG Information")[0] == 0
    # A default the reader removed is not added back.
    assert "CCG Information" not in cli(capsys, "source", "list")[1]


def test_first_sync_backfills_then_nothing_new_is_cheap(capsys):
    with WordPressSite(generate_posts(120)) as site:
        first = add_and_sync(capsys, site)
        assert (first["added"], first["updated"], first["errors"]) == (120, 0, [])
        first_bytes = site.bytes_sent()
        posts = [p for p in listed(capsys).values() if p["source"] == site.url]
        assert len(posts) == 120 and all(p["date"] for p in posts)
        # Paged 100 a page, as X-WP-TotalPages says.
        assert len(site.requests_to("/wp-json/wp/v2/posts*")) == 2
        site.clear_requests()
        again = add_and_sync(capsys, site)
        assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 120)
        assert len(site.requests) <= 3
        assert site.bytes_sent() < 0.05 * first_bytes
        assert all(r.header("user-agent").startswith("gp-reader/") for r in site.requests)


def test_site_that_changes_between_syncs(capsys):
    with WordPressSite(generate_posts(12)) as site:
        add_and_sync(capsys, site)
        before = listed(capsys)
        edited = site.posts[3]
        site.edit_post(edited.id, title="A title edited on the site")
        site.add_post(
            build_post(
                9001,
                "A brand new post",
                ["Fresh text about PCNs and funding."] * 3,
                datetime.now(UTC),
                categories=["Blogs", "Workforce"],
            )
        )
        result = add_and_sync(capsys, site)
        assert (result["added"], result["updated"]) == (1, 1)
        after = listed(capsys)
        assert len(after) == len(before) + 1
        renamed = [p for p in after.values() if p["title"] == "A title edited on the site"]
        assert len(renamed) == 1 and renamed[0]["id"] in before  # updated in place, same id
        new = after["a-brand-new-post"]
        assert new["category"] == "Workforce"  # the specific category, not "Blogs"


def test_theme_chrome_is_not_in_the_text_and_url_is_known(capsys):
    with WordPressSite(generate_posts(3), yoast_footer=True) as site:
        add_and_sync(capsys, site)
        post_id = next(i for i, p in listed(capsys).items() if p["source"] == site.url)
        code, out, _ = cli(capsys, "show", post_id, "--json")
        shown = json.loads(out)
        assert shown["url"].startswith(site.url)
        for chrome in ("Share this", "Click to share", "Related", "appeared first on"):
            assert chrome not in shown["body"]


def test_feed_route_when_there_is_no_rest_api(capsys):
    with WordPressSite(generate_posts(25), rest_api=False, posts_per_rss=10) as site:
        result = add_and_sync(capsys, site)
        assert result["added"] == 25
        assert len(site.requests_to("/feed/*")) >= 3  # ?paged=2, 3 ...
        site.clear_requests()
        again = add_and_sync(capsys, site)
        assert again["added"] == 0
        feed_requests = site.requests_to("/feed/*")
        assert len(feed_requests) == 1 and feed_requests[0].header("if-none-match")


def test_a_feed_that_lists_an_undated_post_twice_adds_it_once_without_error(capsys):
    # No date on the item: nothing says the second copy is unchanged, so it is compared
    # with the post the first copy added moments before (which no corpus holds).
    with WordPressSite(generate_posts(2), rest_api=False) as site:
        text = " ".join(f"Sentence {n} about practice lists and funding." for n in range(40))
        item = (
            f"<item><title>Twice listed</title><link>{site.url}twice-listed/</link>"
            f"<description><![CDATA[<p>{text}</p>]]></description></item>"
        )
        site.fault(
            "/feed/",
            "status",
            times=1,
            status=200,
            body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>'
            f"<link>{site.url}</link>{item}{item}</channel></rss>",
            content_type="application/rss+xml; charset=UTF-8",
        )
        result = add_and_sync(capsys, site)
        assert result["errors"] == []
        twice = [p for p in listed(capsys).values() if p["title"] == "Twice listed"]
        assert len(twice) == 1


def test_url_variants_never_make_a_second_copy(capsys):
    with WordPressSite(generate_posts(5)) as site:
        add_and_sync(capsys, site)
        count = len(listed(capsys))
    # The same site read by its feed (GUID ?p=ID, the same links) adds nothing more.
    with WordPressSite(generate_posts(5), rest_api=False) as other:
        assert cli(capsys, "source", "add", other.url, "--name", "Other")[0] == 0
        result = json.loads(cli(capsys, "sync", "Other", "--pause", "0", "--json")[1])
        assert result["sources"][0]["added"] == 5  # another port: another site
    assert len(listed(capsys)) == count + 5


def test_bundled_posts_gain_dates_and_keep_their_ids(capsys, corpus):
    bundled = [a for a in corpus if a.category == "The General Practice Blog"]
    undated = [a for a in bundled if a.date is None]
    assert len(undated) == 18
    records = [
        {
            "title": a.title,
            "paragraphs": [b.lstrip("#> ") for b in a.body.split("\n\n") if b.strip()],
            "date": datetime(2019, 3, n + 1, 9, tzinfo=UTC),
            "categories": ["Blogs", "The General Practice Blog"],
        }
        for n, a in enumerate(undated)
    ]
    # A different text under a title that is already held: never merged with it.
    records.append(
        {
            "title": undated[0].title,
            "paragraphs": ["Completely different words about something else entirely."] * 4,
            "date": datetime(2024, 1, 2, 9, tzinfo=UTC),
            "categories": ["Blogs", "The General Practice Blog"],
        }
    )
    with WordPressSite(posts_from_records(records)) as site:
        cli(
            capsys,
            "source",
            "add",
            site.url,
            "--name",
            "GPB",
            "--category",
            "The General Practice Blog",
        )
        result = json.loads(cli(capsys, "sync", "GPB", "--pause", "0", "--json")[1])
    assert (result["sources"][0]["added"], result["sources"][0]["updated"]) == (1, 18)
    now = listed(capsys)
    for n, article in enumerate(undated):
        assert now[article.id]["date"] == f"2019-03-{n + 1:02d}"
    assert sum(1 for p in now.values() if p["title"] == undated[0].title) == 2


@pytest.mark.parametrize(
    ("kind", "options"),
    [("429", {"retry_after": 1}), ("503", {"retry_after": 0}), ("500", {}), ("reset", {})],
)
def test_transient_faults_are_retried(capsys, kind, options):
    with WordPressSite(generate_posts(5)) as site:
        site.fault("/wp-json/wp/v2/posts*", kind, times=2, **options)
        result = add_and_sync(capsys, site)
        assert result["added"] == 5 and result["errors"] == []


def test_site_down_one_line_exit_1_nothing_changed(capsys):
    with WordPressSite(generate_posts(4)) as site:
        add_and_sync(capsys, site)
        before = listed(capsys)
        url = site.url
    code, out, err = cli(capsys, "sync", "Test site", "--pause", "0")
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach" in lines[0] and "nothing changed" in lines[0]
    assert url in lines[0]
    assert listed(capsys) == before


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("oversized", "over 20 MB"),
        ("gzip_bomb", "over 20 MB"),
        ("redirect_loop", "redirect"),
        ("redirect_scheme", "only http and https"),
    ],
)
def test_hostile_responses_are_refused(capsys, kind, why):
    with WordPressSite(generate_posts(3)) as site:
        site.fault("/wp-json/wp/v2/posts*", kind, times=None)
        assert cli(capsys, "source", "add", site.url, "--name", "S")[0] == 0
        code, out, _ = cli(capsys, "sync", "S", "--pause", "0", "--json")
        assert code == 1
        errors = json.loads(out)["sources"][0]["errors"]
        assert len(errors) == 1 and why in errors[0]


@pytest.mark.parametrize("answer", ["[]", '"private"', "[1, 2]"])
def test_an_author_endpoint_that_is_not_an_object_costs_only_the_name(capsys, answer):
    # Security plugins answer /wp/v2/users/ID with 200 and a list or a string; the sync
    # goes on with no author name, as it does when the endpoint is refused.
    with WordPressSite(generate_posts(3)) as site:
        site.fault(
            "/wp-json/wp/v2/users/*",
            "status",
            times=None,
            status=200,
            body=answer,
            content_type="application/json; charset=UTF-8",
        )
        result = add_and_sync(capsys, site)
        assert (result["added"], result["errors"]) == (3, [])
        assert site.requests_to("/wp-json/wp/v2/users/*")


def test_a_posts_page_with_items_that_are_not_objects_is_read_around_them(capsys):
    with WordPressSite(generate_posts(3)) as site:
        site.fault(
            "/wp-json/wp/v2/posts*",
            "status",
            times=None,
            status=200,
            body='[1, null, "post", []]',
            content_type="application/json; charset=UTF-8",
        )
        result = add_and_sync(capsys, site)
        assert (result["added"], result["errors"]) == (0, [])
        assert site.requests_to("/wp-json/wp/v2/posts*")


def test_robots_txt_is_honoured(capsys):
    with WordPressSite(generate_posts(3), disallow=("/wp-json/", "/feed/", "/")) as site:
        assert cli(capsys, "source", "add", site.url, "--name", "S")[0] == 0
        code, out, _ = cli(capsys, "sync", "S", "--pause", "0", "--json")
        assert code == 1 and "robots.txt" in json.loads(out)["sources"][0]["errors"][0]
        assert [r.path for r in site.requests] == ["/robots.txt"]


def test_dry_run_changes_nothing(capsys):
    with WordPressSite(generate_posts(4)) as site:
        cli(capsys, "source", "add", site.url, "--name", "S")
        code, out, _ = cli(capsys, "sync", "S", "--pause", "0", "--dry-run")
        assert code == 0 and "would add 4" in out
    assert len(listed(capsys)) == 28


def test_pause_spaces_requests_to_one_host(capsys):
    with WordPressSite(generate_posts(3)) as site:
        cli(capsys, "source", "add", site.url, "--name", "S")
        assert cli(capsys, "sync", "S", "--pause", "0.2")[0] == 0
        times = [r.time for r in site.requests]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert gaps and min(gaps) >= 0.19


def test_opml_round_trip(capsys, tmp_path):
    code, out, _ = cli(capsys, "source", "export")
    assert code == 0 and "ockham.healthcare" in out
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Health"><outline type="rss" text="Feed A" '
        'xmlUrl="https://a.example/feed/" htmlUrl="https://a.example/"/></outline>'
        '<outline type="rss" text="Bad" xmlUrl="file:///etc/passwd"/>'
        "</body></opml>"
    )
    code, out, _ = cli(capsys, "source", "import", str(opml))
    assert code == 0 and "added 1 source" in out and "skipped Bad" in out
    sources = {s["name"]: s for s in json.loads(cli(capsys, "source", "list", "--json")[1])}
    assert sources["Feed A"]["url"] == "https://a.example/"  # a WordPress feed: its site
    assert sources["Feed A"]["category"] == "Health"
    (tmp_path / "bad.opml").write_text("<html>not opml</html>")
    code, _, err = cli(capsys, "source", "import", str(tmp_path / "bad.opml"))
    # A bad file exits 1, as every command's bad file does (2 is for usage and unknown ids)
    assert code == 1 and "not OPML" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "source", "import", str(tmp_path / "missing.opml"))
    assert code == 1 and "cannot read" in err and len(err.strip().splitlines()) == 1


def test_two_syncs_of_one_site_at_once_never_both_add_a_post(capsys):
    # The tight race: this sync read the library before another gp-reader's sync stored
    # the same posts, and commits after it. The check inside the write keeps one copy.
    from reader.articles.bundled import load_corpus
    from reader.sources.web.http import PoliteClient
    from reader.sources.web.sync import Syncer
    from reader.store.posts import PostStore

    with WordPressSite(generate_posts(5, seed=3)) as site:
        assert cli(capsys, "source", "add", site.url, "--name", "Race")[0] == 0
        stale = load_corpus()  # the library as this sync first read it
        assert cli(capsys, "sync", "Race", "--pause", "0")[0] == 0  # the other reader's
        with PostStore.open() as store, PoliteClient(pause=0) as client:
            (sub,) = [s for s in store.subscriptions() if s.name == "Race"]
            sub = type(sub)(**{**sub.__dict__, "state": {}})  # as if never synced here
            result = Syncer(store, lambda: stale, client).sync(sub)
        assert result.added == 0 and not result.errors, result.errors
        titles = [p["title"] for p in listed(capsys).values()]
        assert len(titles) == len(set(titles))
