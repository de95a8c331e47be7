"""The one password rule, after NCSC's password guidance: long enough to be a passphrase,
bounded so that hashing stays cheap, and not a password attackers try first.

Used by everything that sets a password (``ascgov users add`` and ``set-password``, the
Administration page, the demo accounts) through ``data_access.users``.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
# argon2 of a 100,000-character password is costly: longer ones are refused before hashing
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

_WHAT_TO_DO = "such as three random words."
TOO_SHORT = (
    f"A password needs at least {MIN_LENGTH} characters: choose a longer passphrase, {_WHAT_TO_DO}"
)
TOO_LONG = (
    f"A password can have at most {MAX_LENGTH} characters: choose a shorter passphrase, "
    "such as three or four random words."
)
ONLY_SPACES = f"A password cannot be only spaces: choose a passphrase, {_WHAT_TO_DO}"
ONE_CHARACTER = f"A password cannot be one character repeated: choose a passphrase, {_WHAT_TO_DO}"
COMMON = (
    "That password is one attackers try first (a common password, perhaps with numbers or "
    f"symbols added, or repeated): choose another, {_WHAT_TO_DO}"
)

# what people add to a common password to get it past a rule: digits, symbols, spaces
_PADDING = frozenset(string.digits + string.punctuation + string.whitespace)


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` as a new password (a message saying what to do
    instead, never repeating it), or None when it may be used.

    >>> password_problem("password1234")[:34]
    'That password is one attackers try'
    >>> password_problem("marble fox kettle") is None
    True
    """
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if not password.strip():
        return ONLY_SPACES
    if len(set(password)) == 1:
        return ONE_CHARACTER
    if common_passwords().matches(password):
        return COMMON
    return None


class CommonPasswords:
    """The shipped list of common passwords, matched as attackers vary them.

    Matching is case-insensitive, and also tries the password with digits, punctuation and
    spaces taken off either end (``password1234``, ``!!dragon2024!!``), with its spaces
    removed (``i love you``), and a word said again and again said once (``qwertyqwerty``):
    the changes people make to a common password to satisfy a rule, and the first ones
    cracking tools try. A common word inside a longer passphrase is not refused.
    """

    def __init__(self, passwords: frozenset[str]):
        self._passwords = passwords

    def __len__(self) -> int:
        return len(self._passwords)

    def matches(self, password: str) -> bool:
        return any(form in self._passwords for form in _forms(password.lower()))


def _forms(text: str) -> Iterator[str]:
    for base in dict.fromkeys((text, "".join(text.split()))):
        for start in dict.fromkeys((base, base.lstrip("".join(_PADDING)))):
            for stem in _stems(start):
                yield stem
                unit = _repeated_unit(stem)
                if unit != stem:
                    yield from _stems(unit)


def _stems(text: str) -> Iterator[str]:
    """``text`` and each beginning of it that only padding follows."""
    yield text
    end = len(text)
    while end > 1 and text[end - 1] in _PADDING:
        end -= 1
        yield text[:end]


def _repeated_unit(text: str) -> str:
    """The shortest piece that ``text`` repeats (``qwertyqwerty`` -> ``qwerty``)."""
    size = len(text)
    for period in range(1, size // 2 + 1):
        if size % period == 0 and text[:period] * (size // period) == text:
            return text[:period]
    return text


@lru_cache(maxsize=1)
def common_passwords() -> CommonPasswords:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return CommonPasswords(frozenset(line for line in lines if line and not line.startswith("#")))
