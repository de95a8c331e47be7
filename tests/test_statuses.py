"""Configurable statuses carry meanings, and logic asks the meaning, never the word."""

from __future__ import annotations

import ast

import pytest

from data_access.statuses import (
    FINISHED,
    Meaning,
    StatusEntryError,
    StatusList,
    default_statuses,
    read_entries,
)
from tests.conftest import REPO

OPEN, COMPLETE, CLOSED, SLIPPED = Meaning


def test_the_default_lists_mean_what_their_words_say():
    lists = default_statuses()
    assert dict(lists["milestone_statuses"].pairs()) == {
        "Not started": OPEN,
        "In progress": OPEN,
        "Complete": COMPLETE,
        "Slipped": SLIPPED,
        "Cancelled": CLOSED,
    }
    assert dict(lists["action_statuses"].pairs()) == {
        "Open": OPEN,
        "In progress": OPEN,
        "Done": COMPLETE,
        "Noted": CLOSED,
    }
    assert not any(statuses.assumed for statuses in lists.values())


def test_a_list_stored_without_meanings_takes_each_words_meaning_and_says_so():
    stored = StatusList.from_stored(["To do", "Done", "Dropped", "cancelled"])
    assert stored.meanings == (OPEN, COMPLETE, OPEN, CLOSED)
    assert stored.assumed == ("To do", "Done", "Dropped", "cancelled")


def test_a_list_stored_with_meanings_reads_back_as_it_was_saved():
    saved, unsaid = read_entries(["To do: open", "Finished: complete", "Parked: closed"])
    assert unsaid == ()
    again = StatusList.from_stored(saved.stored())
    assert again == saved and again.assumed == ()
    assert saved.stored()[1] == {"status": "Finished", "meaning": "complete"}


@pytest.mark.parametrize(
    ("line", "name", "meaning"),
    [
        ("Done: complete", "Done", COMPLETE),
        ("  Done :  COMPLETE ", "Done", COMPLETE),
        ("Phase: 2: slipped", "Phase: 2", SLIPPED),
        ("Done", "Done", COMPLETE),
        ("Awaiting reply", "Awaiting reply", OPEN),
    ],
)
def test_an_administrator_writes_status_colon_meaning(line, name, meaning):
    statuses, _ = read_entries([line])
    assert list(statuses.pairs()) == [(name, meaning)]


def test_a_line_ending_in_no_meaning_is_refused_naming_the_line_and_the_meanings():
    with pytest.raises(StatusEntryError) as refused:
        read_entries(["Not started", "", "Done: finished"])
    assert str(refused.value) == (
        "line 3 ('Done: finished'): 'finished' is not a meaning; end the line with one of "
        "open, complete, closed, slipped after a colon"
    )


def test_a_status_reads_as_its_name_so_lists_of_names_still_work():
    statuses, _ = read_entries(["To do", "Done: complete"])
    assert list(statuses) == ["To do", "Done"]
    assert "Done" in statuses and statuses.index("Done") == 1 and len(statuses) == 2


def test_a_word_no_longer_listed_keeps_its_default_meaning_for_past_rows():
    # rows read as at a past day may hold a status an administrator has since removed
    statuses, _ = read_entries(["To do: open", "Done: complete", "Dropped: closed"])
    assert statuses.meaning("Cancelled") == CLOSED
    assert statuses.meaning("Something else") == OPEN
    assert statuses.having(*FINISHED) == ("Done", "Dropped", "Complete", "Cancelled", "Noted")


def test_a_listed_word_means_what_the_list_says_not_what_the_word_says():
    statuses, _ = read_entries(["Open: open", "Done: open", "Complete: complete"])
    assert statuses.meaning("done") == OPEN
    assert "Done" not in statuses.having(COMPLETE)


# -- the guard: logic never tests the words ---------------------------------------------------

WORDS = {"Complete", "Cancelled", "Slipped", "Open", "Done", "Noted", "In progress"}
# where the words are defaults or data, not rules
ALLOWED = {"data_access/vocab.py", "data_access/statuses.py", "data_access/sample_data.py"}


def _word_tests(tree: ast.AST) -> list[int]:
    """Lines comparing with a status word, or listing words in a tuple, list or set."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            sides = node.elts
        else:
            continue
        if any(isinstance(s, ast.Constant) and s.value in WORDS for s in sides):
            found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    "path",
    [
        p
        for folder in ("dashboard", "data_access", "pages")
        for p in sorted((REPO / folder).rglob("*.py"))
        if p.relative_to(REPO).as_posix() not in ALLOWED
    ],
    ids=lambda p: p.relative_to(REPO).as_posix(),
)
def test_no_logic_tests_a_status_word(path):
    assert _word_tests(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_guard_finds_the_tests_it_forbids():
    code = 'CLOSED = ("Complete", "Cancelled")\nif row["status"] == "Open":\n    pass\n'
    assert _word_tests(ast.parse(code)) == [1, 2]
