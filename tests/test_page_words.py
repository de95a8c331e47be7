"""Every page as each role reads it (AppTest, the demo council with a small synthetic case
history): members and directors read no file names, dataset names, settings, commands or names
in code; no page names a setting; counts agree with their nouns; MTFS, OT and BRAG are spelt
out at their first use on each page. The checks are shown to fail on words that are wrong."""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES
from data_access.demo_accounts import demo_principals
from data_access.demo_cases import load_demo_cases
from data_access.store import Store
from tests.conftest import with_demo_council
from tests.pages_support import least_privileged_role, run_page
from tests.words_support import abbreviation_faults, count_faults, internals, reading_order

PEOPLE = 1_000  # the generator's least: the case pages show their figures, not "none loaded"
ROLES = tuple(p.role.value for p in demo_principals())
VISITS = [
    (role, spec)
    for role in ROLES
    for spec in PAGES
    if spec.offered_to(next(p for p in demo_principals() if p.role.value == role))
]
# pages whose first reader is a member or a director; officers' and administrators' own
# pages (updates, loading a file, the review queue, administration) may name a dataset
READERS = ("member", "director")


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    """Each page's words as each role reads them, ``(visible, with hidden)``; run once."""
    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("words") / "store.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    load_demo_cases(store, people=PEOPLE)
    from data_access.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASCGOV_DATABASE_URL", store.url)
        get_settings.cache_clear()
        words = {}
        for role, spec in VISITS:
            at = run_page(spec.path, role=role)
            words[role, spec.path] = (reading_order(at), reading_order(at, hidden=True))
    get_settings.cache_clear()
    store.dispose()
    return words


def _ids(visits):
    return [f"{role}-{spec.path[6:-3]}" for role, spec in visits]


MEMBER_PAGES = [(r, s) for r, s in VISITS if least_privileged_role(s) in READERS]
OTHER_PAGES = [(r, s) for r, s in VISITS if least_privileged_role(s) not in READERS]


@pytest.mark.parametrize(("role", "spec"), MEMBER_PAGES, ids=_ids(MEMBER_PAGES))
def test_members_and_directors_read_no_file_dataset_setting_or_command_names(read, role, spec):
    _, everything = read[role, spec.path]
    assert internals(everything) == []


@pytest.mark.parametrize(("role", "spec"), OTHER_PAGES, ids=_ids(OTHER_PAGES))
def test_officer_and_admin_pages_name_no_setting_or_seed_file(read, role, spec):
    _, everything = read[role, spec.path]
    assert internals(everything, datasets=False) == []


@pytest.mark.parametrize(("role", "spec"), VISITS, ids=_ids(VISITS))
def test_counts_agree_with_their_nouns(read, role, spec):
    _, everything = read[role, spec.path]
    assert count_faults(everything) == []


@pytest.mark.parametrize(("role", "spec"), VISITS, ids=_ids(VISITS))
def test_abbreviations_are_spelt_out_at_first_use(read, role, spec):
    visible, _ = read[role, spec.path]
    assert abbreviation_faults(visible) == []


def test_the_pages_read_are_every_page_for_every_role_offered_it(read):
    assert {path for _, path in read} == {spec.path for spec in PAGES}
    overview = " ".join(read["member", "pages/overview.py"][0])
    # the walk reaches headings, figures, tables and sources in words
    assert "Adult social care: overview" in overview
    assert "People waiting for a review" in overview
    assert "Nottingham City Council: local news report on review backlogs, 2023" in overview


# the checks fail on words that are wrong ------------------------------------------------------


@pytest.mark.parametrize(
    "wrong",
    [
        "Source: 000_b69d1c7bb4dbf9f4.txt",
        "(ASCGOV_STALE_AFTER_DAYS sets the number of days.)",
        "as `ascgov export` writes it",
        "run ascgov check",
        "3 of 3 parts are not published (line_code NCC-OA)",
        "**reported_totals**: totals as papers report them",
        "the mtfs figures",
        "The areas dataset now (live)",
        "**savings**: Savings lines",
    ],
)
def test_internal_names_are_found(wrong):
    assert internals([wrong])


def test_dataset_names_as_everyday_words_are_not_internal():
    assert internals(["7 savings lines; the areas of the plan; actions from 3 meetings"]) == []
    assert internals(["reported_totals"], datasets=False) == []


@pytest.mark.parametrize(
    "wrong",
    [
        "17 new figuress since the meeting",
        "14 items need attention (2 red area, 9 overdue milestone)",
        "1 items need attention",
        "26 items (7 savings line, 19 accountability area)",
        "0 item",
        "1,234 overdue milestone",
        "3 of 1 parts",
    ],
)
def test_counts_that_disagree_with_their_nouns_are_found(wrong):
    assert count_faults([wrong])


def test_counts_that_agree_are_not_faults():
    words = [
        "1 item needs attention (1 red area); 2 red areas; 1,234 overdue milestones",
        "£1.29m over a 3 year total; 12 Mar 2024; 0 overdue; a 12-month review; 3 of 11 entries",
    ]
    assert count_faults(words) == []


def test_abbreviations_used_bare_first_are_found():
    assert abbreviation_faults(["Part of MTFS project plans", "Medium Term Financial Strategy"])
    assert abbreviation_faults(["People waiting for an OT assessment"])
    assert abbreviation_faults(["BRAG key", "Blue, Red, Amber, Green (BRAG)"])
    spelt = ["The Medium Term Financial Strategy (MTFS) gap", "Part of MTFS project plans"]
    assert abbreviation_faults(spelt) == []
    assert abbreviation_faults(["An occupational therapy (OT) wait", "OT"]) == []
