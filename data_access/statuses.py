"""What each configurable status means, so that logic asks the meaning and never the word.

An administrator names the statuses of each list (``vocab.CONFIGURABLE_LISTS``) and gives each
one a meaning. A milestone list that says "Done" for complete then counts "Done" as complete
wherever completion counts: plan progress, overdue milestones, open actions, the overview's
items needing attention, the briefing pack and the changes since a meeting.

A list is stored (``app_settings``) as ``[{"status": "Done", "meaning": "complete"}, ...]``. A
list stored before statuses had meanings is a plain list of names: each name then takes the
meaning of the default word it matches, and any other word is open (``StatusList.assumed``
names them, and the Administration page says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, overload

from data_access.vocab import CONFIGURABLE_LISTS


class Meaning(StrEnum):
    OPEN = "open"
    COMPLETE = "complete"
    CLOSED = "closed"
    SLIPPED = "slipped"


MEANING_HELP = {
    Meaning.OPEN: "still to do or under way",
    Meaning.COMPLETE: "done",
    Meaning.CLOSED: "finished without being done, e.g. cancelled or noted",
    Meaning.SLIPPED: "still to do, and later than planned",
}

# an item in one of these is finished: nothing more is due, so it is neither open nor overdue
FINISHED = (Meaning.COMPLETE, Meaning.CLOSED)
STILL_OPEN = (Meaning.OPEN, Meaning.SLIPPED)

# what the default lists' words mean; a stored list without meanings is read with these
WORD_MEANINGS = {
    "complete": Meaning.COMPLETE,
    "done": Meaning.COMPLETE,
    "cancelled": Meaning.CLOSED,
    "noted": Meaning.CLOSED,
    "slipped": Meaning.SLIPPED,
}
_MEANING_WORDS = frozenset(m.value for m in Meaning)
_DEFAULT_WORDS = tuple(dict.fromkeys(n for names in CONFIGURABLE_LISTS.values() for n in names))


class StatusEntryError(ValueError):
    """A status list as an administrator wrote it cannot be read; the message says why."""


def meaning_of_word(name: str) -> Meaning | None:
    """The meaning of a default list's word (any case); None for any other word.

    >>> meaning_of_word("done"), meaning_of_word("Paused")
    (<Meaning.COMPLETE: 'complete'>, None)
    """
    return WORD_MEANINGS.get(name.strip().lower())


@dataclass(frozen=True)
class StatusList(Sequence[str]):
    """A configured list: its statuses in display order, each with its meaning.

    It reads as the sequence of its names, so ``"Done" in statuses`` and ``list(statuses)``
    work as they did when lists were plain names.
    """

    names: tuple[str, ...]
    meanings: tuple[Meaning, ...]
    # names whose meaning was not stored but taken from the word (any other word: open)
    assumed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.names) != len(self.meanings):
            raise ValueError("a status list needs one meaning per status")

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index):
        return self.names[index]

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def by_word(cls, names: Iterable[str]) -> StatusList:
        """Each name with the meaning of its word; any other word is open (and ``assumed``)."""
        names = tuple(names)
        meanings = tuple(meaning_of_word(n) or Meaning.OPEN for n in names)
        return cls(names, meanings, assumed=names)

    @classmethod
    def from_stored(cls, value: Any) -> StatusList:
        """A list as ``app_settings`` holds it: entries with meanings, or names without."""
        names, meanings, assumed = [], [], []
        for entry in value:
            if isinstance(entry, dict):
                names.append(entry["status"])
                meanings.append(Meaning(entry["meaning"]))
            else:
                names.append(entry)
                meanings.append(meaning_of_word(entry) or Meaning.OPEN)
                assumed.append(entry)
        return cls(tuple(names), tuple(meanings), tuple(assumed))

    def pairs(self) -> Iterable[tuple[str, Meaning]]:
        return zip(self.names, self.meanings, strict=True)

    def stored(self) -> list[dict[str, str]]:
        return [{"status": n, "meaning": m.value} for n, m in self.pairs()]

    def meaning(self, name: str) -> Meaning:
        """What ``name`` means. A name no longer in the list (a row read as at a past day may
        hold one) means what its word means, else open."""
        for listed, meaning in self.pairs():
            if listed.lower() == name.lower():
                return meaning
        return meaning_of_word(name) or Meaning.OPEN

    def having(self, *meanings: Meaning) -> tuple[str, ...]:
        """The names that mean one of ``meanings``, for ``pl.col("status").is_in(...)``: the
        list's own, and default words the list no longer holds (rows as at a past day).

        >>> StatusList.by_word(["To do", "Done"]).having(Meaning.COMPLETE)
        ('Done', 'Complete')
        """
        listed = {n.lower() for n in self.names}
        own = [n for n, m in self.pairs() if m in meanings]
        gone = [
            n for n in _DEFAULT_WORDS if n.lower() not in listed and self.meaning(n) in meanings
        ]
        return (*own, *gone)

    def described(self) -> str:
        """The list as an administrator writes it: one ``Status: meaning`` a line."""
        return "\n".join(f"{n}: {m.value}" for n, m in self.pairs())


def default_statuses() -> dict[str, StatusList]:
    """Every configurable list as it is before an administrator changes it."""
    return {
        name: StatusList(names, tuple(meaning_of_word(n) or Meaning.OPEN for n in names))
        for name, names in CONFIGURABLE_LISTS.items()
    }


def read_entries(lines: Iterable[str]) -> tuple[StatusList, tuple[str, ...]]:
    """A list as an administrator writes it, one status a line, ``Status: meaning`` or just
    ``Status``; also the names given no meaning, which take their word's (else open).

    The meaning follows the last colon, so a name may hold colons when a meaning ends it.

    >>> read_entries(["Not started", "Done: complete"])[0].meanings
    (<Meaning.OPEN: 'open'>, <Meaning.COMPLETE: 'complete'>)
    """
    names, meanings, unsaid = [], [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name, colon, word = line.rpartition(":")
        if not colon:
            name = line.strip()
            meanings.append(meaning_of_word(name) or Meaning.OPEN)
            unsaid.append(name)
        elif word.strip().lower() in _MEANING_WORDS:
            meanings.append(Meaning(word.strip().lower()))
        else:
            raise StatusEntryError(
                f"line {number} ({line.strip()!r}): {word.strip()!r} is not a meaning; "
                f"end the line with one of {', '.join(Meaning)} after a colon"
            )
        names.append(name.strip())
    return StatusList(tuple(names), tuple(meanings)), tuple(unsaid)
