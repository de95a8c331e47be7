"""``ascgov users set-role / assign / disable / enable``: the Administration page's changes to
a person from a terminal, through the same functions, audited, in plain words."""

from __future__ import annotations

from tests.test_cli import ADMIN, _demo_file, demo_url, run  # noqa: F401, F811 - fixtures

JO = "jo.officer@council.gov.uk"


def _add_jo(url: str) -> None:
    run(url, "users", "add", JO, "--role", "officer", "--areas", "IP09", as_=ADMIN)


def test_an_administrator_changes_role_and_assignment_then_disables_and_enables(demo_url):  # noqa: F811
    _add_jo(demo_url)
    assert (
        f"{JO}\tofficer\tjo.officer\tarea:IP09\tversion 1" in run(demo_url, "users", "list").stdout
    )
    done = run(
        demo_url,
        "users",
        "assign",
        JO,
        "--areas",
        "IP10,IP18",
        "--teams",
        "North locality",
        "--version",
        "1",
        as_=ADMIN,
    )
    assert done.stdout.strip() == (
        f"{JO} may now edit area:IP10,area:IP18,team:North locality (version 2)"
    )
    done = run(demo_url, "users", "set-role", JO, "--role", "director", "--version", "2", as_=ADMIN)
    assert done.stdout.strip() == f"{JO} is now director (version 3)"
    stale = run(demo_url, "users", "disable", JO, "--version", "2", ok=False, as_=ADMIN)
    assert stale.returncode == 1 and "version" in stale.stderr
    done = run(demo_url, "users", "disable", JO, "--version", "3", as_=ADMIN)
    assert done.stdout.strip() == f"{JO} is disabled: sign-in is refused (version 4)"
    assert "\tversion 4\tdisabled" in run(demo_url, "users", "list").stdout
    # a disabled person cannot run commands either
    refused = run(
        demo_url, "edit", "action", "ROT-A1", "--version", "1", "--status", "Done", ok=False, as_=JO
    )
    assert refused.returncode == 2 and "disabled" in refused.stderr
    run(demo_url, "users", "enable", JO, "--version", "4", as_=ADMIN)
    history = run(demo_url, "history", "--since", "2000-01-01", "--limit", "4").stdout
    for action in ("user:enable", "user:disable", "user:role", "user:assignment"):
        assert f"{ADMIN}\t{action}\tusers\t{JO}" in history


def test_refusals_are_in_plain_words(demo_url):  # noqa: F811
    _add_jo(demo_url)
    bad = run(
        demo_url, "users", "set-role", JO, "--role", "mayor", "--version", "1", ok=False, as_=ADMIN
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "Role: 'mayor' is not one of member, officer, director or admin"
    bad = run(
        demo_url,
        "users",
        "assign",
        JO,
        "--areas",
        "bad code!",
        "--version",
        "1",
        ok=False,
        as_=ADMIN,
    )
    assert "pattern" not in bad.stderr
    assert "Accountability areas: 'bad code!' is not a code" in bad.stderr
    bad = run(demo_url, "users", "add", "not-an-email", "--role", "member", ok=False, as_=ADMIN)
    assert bad.stderr.strip() == (
        "Email address: 'not-an-email' is not an email address "
        "(it should look like name@council.gov.uk)"
    )
    nobody = run(demo_url, "users", "disable", "who@x.org", "--version", "1", ok=False, as_=ADMIN)
    assert "no user with email who@x.org" in nobody.stderr


def test_an_administrator_adds_a_measure_and_an_officer_edits_its_figure(demo_url):  # noqa: F811
    added = run(
        demo_url,
        "measures",
        "add",
        "carers_assessed",
        "--label",
        "Carers assessed",
        "--definition",
        "Carers whose own needs were assessed in the month.",
        "--unit",
        "carers",
        "--rise-is-good",
        "yes",
        as_=ADMIN,
    )
    assert added.stdout.strip() == "added measure carers_assessed (Carers assessed)"
    listed = run(demo_url, "measures", "list").stdout
    assert "carers_assessed\tCarers assessed\tcarers\trise is good\tlocal measure" in listed
    assert "awaiting_assessment\tPeople awaiting a first assessment" in listed
    again = run(
        demo_url,
        "measures",
        "add",
        "Carers Assessed!",
        "--label",
        "x",
        "--definition",
        "x",
        "--unit",
        "people",
        ok=False,
        as_=ADMIN,
    )
    assert again.returncode == 2 and "pattern" not in again.stderr
    assert again.stderr.startswith("Code: 'carers assessed!' is not a measure code")
    saved = run(
        demo_url,
        "edit",
        "backlog",
        "carers_assessed",
        "2024-03",
        "All teams",
        "All priorities",
        "--value",
        "12",
    )
    assert saved.stdout.startswith("saved backlog carers_assessed")
    history = run(demo_url, "history", "--since", "2000-01-01", "--limit", "3").stdout
    assert f"{ADMIN}\tmeasure:add\tmeasures\tcarers_assessed" in history
