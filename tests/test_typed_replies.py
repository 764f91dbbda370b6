"""The table of typed replies (tests/data/typed_replies.yaml): none is read wrong, and most are
understood. The figures: `python -m benchmarks.reply_understanding`."""

from __future__ import annotations

from benchmarks.reply_understanding import HUMAN, load_rows, read_all, shares

MIN_REPLIES = 300
MIN_SHARE = 0.90  # measured 94.4% overall (871 replies); each question type 90% or more
MIN_SHARE_PER_TYPE = 0.85


def test_the_table_is_large_and_covers_every_kind_of_question() -> None:
    _, rows = load_rows()
    assert len(rows) >= MIN_REPLIES
    assert sum(row.expected == HUMAN for row in rows) >= 50  # replies a person must read
    outcomes = read_all(*load_rows())
    assert {o.kind for o in outcomes} == {"single_choice", "yes_no", "scale", "pick_time"}


def test_no_typed_reply_is_read_wrong() -> None:
    outcomes = read_all(*load_rows())
    wrong = [(o.row.question, o.row.text, o.read, o.row.expected) for o in outcomes if o.wrong]
    assert wrong == []


def test_most_typed_replies_are_understood() -> None:
    figures = shares(read_all(*load_rows()))
    understood, readable, _ = figures["overall"]
    assert understood / readable >= MIN_SHARE
    for kind, (understood, readable, _) in figures.items():
        assert understood / readable >= MIN_SHARE_PER_TYPE, kind
