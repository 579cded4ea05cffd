"""How well search answers readers' questions: MRR@10 and recall@5 on questions.toml.

    python benchmarks/search_quality.py          # a table per kind of question
    python benchmarks/search_quality.py --json   # the same figures as JSON
    python benchmarks/search_quality.py -v       # also each question's rank

Each question of benchmarks/questions.toml (keywords, paraphrase, point) is searched as
`gp-reader search QUESTION --limit 10` searches it: reader.search.SearchIndex over the
bundled corpus (not the user's imported library), in an index built in a temporary
directory, so the user's cache is neither read nor written.

- MRR@10: the mean over questions of 1/rank of the first relevant post in the top 10
  (0 when none is there).
- recall@5: the mean over questions of the share of its relevant posts in the top 5,
  out of at most 5 (a question with 6 relevant posts scores 1.0 with 5 of them there).
- no result: questions for which the engine returned no post at all.

Figures and the command go to docs/search-quality.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.toml"
KINDS = ("keywords", "paraphrase", "point")
MRR_AT = 10
RECALL_AT = 5


@dataclass(frozen=True)
class Question:
    kind: str
    question: str
    answers: tuple[str, ...]
    why: str


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    with path.open("rb") as f:
        entries = tomllib.load(f)["question"]
    questions = [
        Question(e["kind"], e["question"], tuple(e["answers"]), e.get("why", "")) for e in entries
    ]
    for q in questions:
        if q.kind not in KINDS or not q.answers:
            raise ValueError(f"bad question entry: {q}")
    return questions


def reciprocal_rank(ranking: Sequence[str], answers: Sequence[str], at: int = MRR_AT) -> float:
    for rank, post in enumerate(ranking[:at], start=1):
        if post in answers:
            return 1.0 / rank
    return 0.0


def recall(ranking: Sequence[str], answers: Sequence[str], at: int = RECALL_AT) -> float:
    found = len(set(ranking[:at]) & set(answers))
    return found / min(len(answers), at)


def first_rank(ranking: Sequence[str], answers: Sequence[str]) -> int | None:
    return next((i for i, post in enumerate(ranking, 1) if post in answers), None)


def score(
    questions: Sequence[Question], rankings: Sequence[Sequence[str]]
) -> dict[str, dict[str, float]]:
    """{kind or 'overall': {questions, mrr@10, recall@5, no_result}}."""
    groups: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for i, q in enumerate(questions):
        groups[q.kind].append(i)
    groups["overall"] = list(range(len(questions)))
    out = {}
    for name, members in groups.items():
        n = len(members) or 1
        rr = sum(reciprocal_rank(rankings[i], questions[i].answers) for i in members)
        found = sum(recall(rankings[i], questions[i].answers) for i in members)
        out[name] = {
            "questions": len(members),
            f"mrr@{MRR_AT}": rr / n,
            f"recall@{RECALL_AT}": found / n,
            "no_result": sum(1 for i in members if not rankings[i]),
        }
    return out


def print_table(title: str, figures: dict[str, dict[str, float]], file=sys.stdout) -> None:
    print(title, file=file)
    print(f"  {'kind':<12}{'n':>4}{'MRR@10':>9}{'R@5':>8}{'no result':>11}", file=file)
    for name, f in figures.items():
        print(
            f"  {name:<12}{f['questions']:>4}{f[f'mrr@{MRR_AT}']:>9.3f}"
            f"{f[f'recall@{RECALL_AT}']:>8.3f}{f['no_result']:>11}",
            file=file,
        )


def open_bundled_index(directory: Path):
    """The current engine over the bundled posts, indexed in `directory`."""
    from reader.articles.bundled import load_corpus
    from reader.search.index import SearchIndex

    corpus = load_corpus(use_cache=False, with_library=False)
    index = SearchIndex.open(corpus.articles, corpus.fingerprint, directory)
    return index, corpus


def engine_rankings(
    questions: Sequence[Question], limit: int = MRR_AT
) -> tuple[list[list[str]], Callable[[], None]]:
    """Each question's top `limit` post ids from the current engine (as the CLI searches)."""
    tmp = tempfile.TemporaryDirectory(prefix="gp-reader-quality-")
    index, _ = open_bundled_index(Path(tmp.name) / "index")
    rankings = [[hit.id for hit in index.search(q.question, limit=limit).hits] for q in questions]

    def close() -> None:
        index.close()
        tmp.cleanup()

    return rankings, close


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="each question's rank")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument(
        "--half",
        choices=("choice", "held-out"),
        help="only the questions used for choosing parameters (1st, 3rd, ...) or the others",
    )
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    if args.half:
        questions = questions[0::2] if args.half == "choice" else questions[1::2]
    rankings, close = engine_rankings(questions)
    try:
        figures = score(questions, rankings)
    finally:
        close()
    if args.json:
        per_question = [
            {
                "kind": q.kind,
                "question": q.question,
                "first_relevant_rank": first_rank(r, q.answers),
                "results": r,
            }
            for q, r in zip(questions, rankings, strict=True)
        ]
        json.dump({"engine": "bm25", "figures": figures, "questions": per_question}, sys.stdout)
        print()
        return 0
    title = "gp-reader search (all the words, then some of them + meaning), bundled corpus"
    print_table(title + (f", {args.half} half" if args.half else ""), figures)
    if args.verbose:
        print()
        for q, r in zip(questions, rankings, strict=True):
            rank = first_rank(r, q.answers)
            print(f"  {q.kind:<11}{rank if rank else '-':>3}  {len(r):>2} hits  {q.question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
