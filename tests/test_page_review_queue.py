"""The review queue page under AppTest, on a literal census extract loaded through the importer.

The extract (31 March 2024), worked by hand with the default weights (safeguarding 100, no
contact for over 12 months 40, lives alone without a carer 30, provider concern in a care home
20, 5 points per whole 30 days overdue):

=====  =====  ================  ==========  ==============  ============================  =====
id     team   setting           review due  days overdue    factors                       score
=====  =====  ================  ==========  ==============  ============================  =====
N1     North  Community         20 Dec 23   102 (3 x 5)     safeguarding                  115
N2     North  Residential care  10 Apr 24   0 (in 10 days)  no contact 16 months, concern 60
N3     North  Community         31 Jan 24   60 (2 x 5)      lives alone, no carer         40
N4     North  Community         6 Apr 24    0 (in 6 days)   none (first review, 8 weeks)  0
S1     South  Nursing care      1 Mar 23    396 (13 x 5)    none                          65
S2     South  Community         1 Sep 24    not due         (not in the queue)
=====  =====  ================  ==========  ==============  ============================  =====

N2's last contact, 15 Nov 2022, is 16 whole months before the extract; N4's plan started on
10 Feb 2024, so its first review is due 8 weeks later, 6 April.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES, pages_for
from dashboard.ui import components
from dashboard.views import downloads
from data_access import schema
from data_access.access import principal_for, system_principal
from data_access.app_settings import queue_weights, set_queue_weights
from data_access.demo_accounts import demo_principals
from data_access.importer import import_file
from data_access.models import User
from data_access.store import StaleVersionError
from data_access.users import add_user
from tests.conftest import DIRECTOR, REPO
from tests.pages_support import page_text, signed_in_as, tables

PAGE = "pages/review_queue.py"
ADMIN_PAGE = "pages/administration.py"
NORTH, SOUTH = "North locality", "South locality"
NORTH_OFFICER = "north.officer@council.example"
ALL_TEAMS_OFFICER = "all.officer@council.example"

EXTRACT = """\
extract_date,person_id,team,age_band,setting,support_start,last_review,safeguarding_open,\
provider_concern,lives_alone,has_unpaid_carer,last_contact
2024-03-31,N1,North locality,65+,Community,2019-01-01,2022-12-20,yes,no,no,yes,2024-03-01
2024-03-31,N2,North locality,18-64,Residential care,2019-01-01,2023-04-10,no,yes,no,yes,2022-11-15
2024-03-31,N3,North locality,65+,Community,2019-01-01,2023-01-31,no,no,yes,no,2024-02-01
2024-03-31,N4,North locality,65+,Community,2024-02-10,,no,no,no,yes,2024-02-10
2024-03-31,S1,South locality,65+,Nursing care,2019-01-01,2022-03-01,no,no,no,yes,2024-01-10
2024-03-31,S2,South locality,18-64,Community,2019-01-01,2023-09-01,no,no,no,yes,2024-03-01
"""

SOON, UP_TO_3, THREE_TO_6, OVER_12 = (
    "due within 28 days",
    "overdue up to 3 months",
    "overdue 3 to 6 months",
    "overdue over 12 months",
)
# the page's table, by the default weights: rank, id, team, setting, age band, ageing band, days
# overdue, review due, score, why
N1 = ("N1", NORTH, "Community", "65+", THREE_TO_6, "102", "20 Dec 2023", "115")
N1_WHY = "open safeguarding enquiry; 102 days overdue"
N2 = ("N2", NORTH, "Residential care", "18-64", SOON, "0", "10 Apr 2024", "60")
N2_WHY = "no contact for 16 months; provider concern in a residential care setting; due in 10 days"
N3 = ("N3", NORTH, "Community", "65+", UP_TO_3, "60", "31 Jan 2024", "40")
N3_WHY = "lives alone without an unpaid carer; 60 days overdue"
N4 = ("N4", NORTH, "Community", "65+", SOON, "0", "6 Apr 2024", "0")
N4_WHY = "due in 6 days"
S1 = ("S1", SOUTH, "Nursing care", "65+", OVER_12, "396", "1 Mar 2023", "65")
S1_WHY = "396 days overdue"

LEAD = (
    "The queue is a tool for professional judgement, not a substitute for it. It lists "
    "everyone whose review is overdue or due within 28 days, highest score first, and says why "
    "each person is where they are; a practitioner who knows the person decides who is reviewed "
    "first. The score adds points for each of these, as an administrator has set them: open "
    "safeguarding enquiry 100 points; no contact for over 12 months 40 points; lives alone "
    "without an unpaid carer 30 points; provider concern in a care home 20 points; each whole "
    "30 days overdue 5 points. It can weigh only what the census extract records: census "
    "extract as at 31 March 2024."
)


def _ranked(*rows: tuple[tuple, str]) -> list[tuple]:
    return [(str(rank), *row, why) for rank, (row, why) in enumerate(rows, start=1)]


@pytest.fixture
def queue_env(empty_app_env, tmp_path):
    """The demo users (with nothing assigned), an officer of North, an officer assigned "All
    teams", and the literal extract loaded by the demo director through the importer."""
    store = empty_app_env
    tests = system_principal("tests")
    add_user(
        store, User(email=NORTH_OFFICER, name="North", role="officer", teams=(NORTH,)), actor=tests
    )
    everyone = User(email=ALL_TEAMS_OFFICER, name="All", role="officer", teams=("All teams",))
    add_user(store, everyone, actor=tests)
    path = tmp_path / "extract.csv"
    path.write_text(EXTRACT, encoding="utf-8")
    import_file(store, "cases", path, actor=DIRECTOR, as_at=date(2024, 4, 2))
    return store


def _signed_in(path: str, email: str) -> AppTest:
    at = AppTest.from_file(str(REPO / path), default_timeout=60)
    at.user = {"is_logged_in": True, "email": email, "name": email, "sub": email}
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page(email: str = "director@demo.example", **query: str) -> AppTest:
    at = _signed_in(PAGE, email)
    for key, value in query.items():
        at.query_params[key] = value
    return _run(at)


def _rows(at: AppTest) -> list[tuple]:
    (table,) = tables(at)  # a short queue is a static table, a long one a scrolling one
    # compared in the order the ranking table in this module's docstring gives them
    order = [
        "Rank",
        "Person id",
        "Team",
        "Setting",
        "Age band",
        "Ageing band",
        "Days overdue",
        "Review due",
        "Score",
        "Why here",
    ]
    return [tuple(str(v) for v in row) for row in table[order].itertuples(index=False)]


def test_an_officer_sees_only_the_people_of_their_team_ranked_with_reasons(queue_env):
    at = _page(NORTH_OFFICER)
    assert at.title[0].value == "Review queue"
    assert _rows(at) == _ranked((N1, N1_WHY), (N2, N2_WHY), (N3, N3_WHY), (N4, N4_WHY))
    # who, why and how urgent first: the reason never needs sideways scrolling
    assert list(tables(at)[0].columns) == [
        "Rank",
        "Person id",
        "Why here",
        "Score",
        "Days overdue",
        "Review due",
        "Ageing band",
        "Team",
        "Setting",
        "Age band",
    ]
    text = page_text(at)
    assert LEAD in text
    assert "4 people in the queue in North locality: 2 overdue, 2 due within 28 days." in text
    assert at.selectbox(key="team").options == ["All teams", NORTH]


def test_a_director_sees_every_team(queue_env):
    at = _page()
    assert _rows(at) == _ranked(
        (N1, N1_WHY), (S1, S1_WHY), (N2, N2_WHY), (N3, N3_WHY), (N4, N4_WHY)
    )
    assert "5 people in the queue in all teams: 3 overdue, 2 due within 28 days." in page_text(at)
    assert at.selectbox(key="team").options == ["All teams", NORTH, SOUTH]


def test_an_officer_assigned_all_teams_sees_every_team(queue_env):
    assert [row[1] for row in _rows(_page(ALL_TEAMS_OFFICER))] == ["N1", "S1", "N2", "N3", "N4"]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_members_and_administrators_are_refused_in_words_and_not_offered_the_page(queue_env, role):
    at = _run(signed_in_as(AppTest.from_file(str(REPO / PAGE), default_timeout=60), role))
    assert "Your role does not include working with case records." in page_text(at)
    assert not tables(at) and not at.selectbox
    assert "N1" not in page_text(at)
    page = next(p for p in PAGES if p.path == PAGE)
    offered = [p.role.value for p in demo_principals() if page in pages_for(p)]
    assert offered == ["officer", "director"]


def test_an_officer_with_no_team_is_refused(queue_env):
    # the demo officer of this store has nothing assigned
    at = _page("officer@demo.example")
    assert "Your role does not include working with case records." in page_text(at)
    assert not tables(at)


def test_filters_by_team_setting_and_band_renumber_the_people_shown(queue_env):
    at = _page()
    at.selectbox(key="team").select(SOUTH)
    _run(at)
    assert _rows(at) == _ranked((S1, S1_WHY))
    at.selectbox(key="team").select("All teams")
    at.selectbox(key="band").select(SOON)
    _run(at)
    assert _rows(at) == _ranked((N2, N2_WHY), (N4, N4_WHY))
    assert (
        "2 people shown: 0 overdue, 2 due within 28 days (of 5 people in the queue in all "
        "teams)." in page_text(at)
    )
    at.selectbox(key="band").select("All ageing bands")
    at.selectbox(key="setting").select("Residential care")
    _run(at)
    assert _rows(at) == _ranked((N2, N2_WHY))
    assert "1 person shown: 0 overdue, 1 due within 28 days (of 5 people" in page_text(at)
    assert at.selectbox(key="band").options == [
        "All ageing bands",
        SOON,
        UP_TO_3,
        THREE_TO_6,
        OVER_12,
    ]
    assert at.selectbox(key="setting").options == [
        "All settings",
        "Community",
        "Nursing care",
        "Residential care",
    ]


def test_a_filter_matching_nobody_says_so(queue_env):
    at = _page(team=SOUTH, setting="Residential care")
    assert "Nobody in the queue matches these filters." in page_text(at)
    assert "0 people shown: 0 overdue, 0 due within 28 days (of 5 people" in page_text(at)
    assert not tables(at)
    # a band the officer's own queue does not hold is not offered, and a link naming it shows
    # their whole queue
    at = _page(NORTH_OFFICER, band=OVER_12)
    assert OVER_12 not in at.selectbox(key="band").options
    assert len(_rows(at)) == 4


@pytest.fixture
def offered(monkeypatch):
    """What the download buttons would hand over, recorded as the page runs."""
    recorded = []
    original = components.download_buttons

    def record(table, *, key, source=None):
        recorded.append((key, table, source))
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    return recorded


def test_the_download_holds_the_rows_shown_as_values(queue_env, offered):
    at = _page(NORTH_OFFICER, setting="Community")
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download CSV",
        "Download Excel",
    ]
    ((key, table, source),) = offered
    assert key == "review-queue"
    assert source == "Census extract from the case management system as at 31 March 2024"
    csv = pl.read_csv(io.BytesIO(downloads.csv_bytes(table)), try_parse_dates=True)
    # in the ranking table's order (the file's own order puts the reason third)
    csv = csv.select(
        "Rank", "Person id", "Team", "Setting", "Age band", "Ageing band", "Days overdue",
        "Review due", "Score", "Why here",
    )  # fmt: skip
    assert csv.rows() == [
        (1, "N1", NORTH, "Community", "65+", THREE_TO_6, 102, date(2023, 12, 20), 115, N1_WHY),
        (2, "N3", NORTH, "Community", "65+", UP_TO_3, 60, date(2024, 1, 31), 40, N3_WHY),
        (3, "N4", NORTH, "Community", "65+", SOON, 0, date(2024, 4, 6), 0, N4_WHY),
    ]
    book = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, notes={"Table": "x"})))
    sheet = book["Review queue"]
    assert [c.value for c in sheet[2]][:3] == [1, "N1", N1_WHY]
    assert sheet.cell(2, 6).value.date() == date(2023, 12, 20)


def test_text_that_a_spreadsheet_would_run_is_made_inert_in_the_download(queue_env, offered):
    from dashboard.views.review_queue import queue_table

    queue = pl.DataFrame(
        {
            "person_id": ['=HYPERLINK("http://x.example")'],
            "team": ["+North"],
            "age_band": ["65+"],
            "setting": ["@Community"],
            "band": [SOON],
            "review_due": [date(2024, 4, 6)],
            "days_overdue": [0],
            "score": [0],
            "reason": ["due in 6 days"],
        }
    )
    csv = downloads.csv_bytes(queue_table(queue)).decode("utf-8")
    assert "'=HYPERLINK" in csv and "'+North" in csv and "'@Community" in csv


def test_with_no_extract_loaded_the_page_says_where_one_is_loaded(empty_app_env):
    at = _page()
    text = page_text(at)
    assert "No census extract has been loaded yet, so there is nobody to list." in text
    assert "on the Load a file page" in text
    assert "ascgov" not in text and not tables(at)


def test_as_at_a_day_before_any_extract_the_page_says_so(queue_env):
    at = _page(as_at="2024-03-30")
    assert "No census extract dated on or before 30 March 2024 has been loaded" in page_text(at)


def _audit_rows(store) -> list[tuple]:
    events = schema.audit_events
    with store.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(events.c.actor, events.c.before, events.c.after).where(
                    events.c.action == "settings:set", events.c.entity_key == "queue_weights"
                )
            )
        ]


def test_an_administrator_changes_the_weights_and_the_order_changes(queue_env):
    admin = _run(_signed_in(ADMIN_PAGE, "admin@demo.example"))
    assert admin.number_input(key="weight:per_30_days_overdue").value == 5
    admin.number_input(key="weight:per_30_days_overdue").set_value(20)
    admin.button(key="FormSubmitter:queue-weights-Save weights").click()
    _run(admin)
    assert "Review queue weights saved: the queue now ranks by them." in page_text(admin)
    assert admin.number_input(key="weight:per_30_days_overdue").value == 20

    ((actor, before, after),) = _audit_rows(queue_env)
    assert actor == "admin@demo.example"
    assert before["value"]["per_30_days_overdue"] == 5 and before["version"] == 0
    assert after["value"]["per_30_days_overdue"] == 20 and after["version"] == 1
    # lateness now 20 points a 30 days: S1 13 x 20 = 260; N1 100 + 60; N3 30 + 40 (the
    # lateness outweighs living alone, so it is said first); N2 60; N4 0
    at = _page()
    assert [(row[1], row[-2], row[-1]) for row in _rows(at)] == [
        ("S1", "260", S1_WHY),
        ("N1", "160", N1_WHY),
        ("N3", "70", "60 days overdue; lives alone without an unpaid carer"),
        ("N2", "60", N2_WHY),
        ("N4", "0", N4_WHY),
    ]
    assert "each whole 30 days overdue 20 points" in page_text(at)


def test_a_change_based_on_weights_someone_has_since_changed_is_refused(queue_env):
    admin = _run(_signed_in(ADMIN_PAGE, "admin@demo.example"))  # the form shows version 0
    other = principal_for(queue_env, "admin@demo.example")
    set_queue_weights(queue_env, {"safeguarding_open": 150}, version=0, actor=other)
    admin.number_input(key="weight:lives_alone_without_carer").set_value(45)
    admin.button(key="FormSubmitter:queue-weights-Save weights").click()
    _run(admin)
    assert (
        "Not saved: the review queue weighting was changed by someone else since you opened it "
        "(you had version 0; it is now at version 1)" in page_text(admin)
    )
    saved = queue_weights(queue_env)
    assert (saved.weights.safeguarding_open, saved.weights.lives_alone_without_carer) == (150, 30)
    assert saved.version == 1
    # the form now shows the weights in force, to change again
    assert admin.number_input(key="weight:safeguarding_open").value == 150
    with pytest.raises(StaleVersionError):
        set_queue_weights(queue_env, {"safeguarding_open": 90}, version=0, actor=other)
    assert len(_audit_rows(queue_env)) == 1


def test_nobody_due_is_said_in_words(empty_app_env, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(EXTRACT.splitlines()[0] + "\n" + EXTRACT.splitlines()[-1] + "\n")
    import_file(empty_app_env, "cases", path, actor=DIRECTOR, as_at=date(2024, 4, 2))
    text = page_text(_page())
    assert (
        "Nobody in all teams is overdue a review or due one within 28 days at the census "
        "extract's date." in text
    )
    assert "0 people in the queue in all teams: 0 overdue, 0 due within 28 days." in text
