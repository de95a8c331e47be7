"""The demo council: figures from the five published papers in ``shared/seeds``, figure for figure.

Every row names the paper it came from. Published figures are kept exactly as published, even
where a paper's own totals disagree (``ascgov check`` finds those). Where a view needs figures a
paper does not give (months between two published points, titles of areas the paper only counts),
the rows are marked ``modelled`` or ``illustrative`` and say so in their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, select

from data_access import cld_store, papers, schema
from data_access.access import Permission, Principal, authorise
from data_access.datasets import DATASETS, LOAD_ORDER, DatasetSpec, stored_frame
from data_access.store import Store, WriteTx
from data_access.synthetic_cases import SOURCE as SYNTHETIC_SOURCE
from data_access.vocab import ALL_BANDS, ALL_TEAMS, Basis, SourceKind

# each row's source names its paper by file reference; pages show the paper's title (papers.py)
NOTTINGHAM_CITY = papers.NOTTINGHAM_CITY.file
ROTHERHAM = papers.ROTHERHAM.file
LEICESTER_REVIEWS = papers.LEICESTER_REVIEWS.file
LEICESTER_MITIGATION = papers.LEICESTER_MITIGATION.file
NOTTINGHAMSHIRE = papers.NOTTINGHAMSHIRE.file

NOTTS_DATE = date(2017, 10, 9)  # the committee report is dated 9 October 2017
# the news report gives no date; it reports October 2023 figures, so November 2023 is used
NOTTINGHAM_DATE = date(2023, 11, 30)
# the minutes of Rotherham and Leicester carry no meeting dates: demo dates, said so in source
ROTHERHAM_DATE = date(2024, 1, 23)
LEICESTER_REVIEWS_DATE = date(2024, 2, 6)
LEICESTER_MITIGATION_DATE = date(2024, 3, 12)
NOTTS_WORKSTREAM = "Care and support planning best practice (Nottinghamshire 2017)"
DEMO_ACTOR = "system:sample-data"


def _prov(source: str, as_at: date, basis: Basis = Basis.PUBLISHED, note: str = "") -> dict:
    return {
        "source": f"{source} ({note})" if note else source,
        "source_kind": SourceKind.PAPER.value,
        "as_at": as_at,
        "basis": basis.value,
    }


# improvement plan -----------------------------------------------------------------------------

_AREAS = [
    # (title, status, rag, lead)
    ("Safeguarding Adults", "Routine activity", "Green", "Head of Safeguarding"),
    ("Commissioning", "Routine activity", "Green", "Head of Commissioning"),
    (
        "Care Act compliance and legal literacy",
        "Routine activity",
        "Green",
        "Principal Social Worker",
    ),
    ("Performance management and data quality", "Routine activity", "Green", "Head of Performance"),
    ("Carers' assessments and support", "Routine activity", "Green", "Head of Localities"),
    ("Information, advice and guidance", "Routine activity", "Green", "Head of Early Help"),
    ("Quality assurance of casework", "Routine activity", "Amber", "Principal Social Worker"),
    ("Workforce supervision and appraisal", "Routine activity", "Green", "Head of Workforce"),
    (
        "Reviews of care and support plans",
        "Part of MTFS project plans",
        "Amber",
        "Head of Localities",
    ),
    (
        "Younger adults' accommodation and supported living",
        "Part of MTFS project plans",
        "Amber",
        "Head of Commissioning",
    ),
    (
        "Older adults' residential and nursing care demand",
        "Part of MTFS project plans",
        "Green",
        "Head of Localities",
    ),
    (
        "Home care market and brokerage",
        "Part of MTFS project plans",
        "Amber",
        "Head of Commissioning",
    ),
    (
        "Day services modernisation",
        "Part of MTFS project plans",
        "Green",
        "Head of Provider Services",
    ),
    ("Assistive technology", "Part of MTFS project plans", "Green", "Head of Provider Services"),
    (
        "Enablement and reablement",
        "Part of MTFS project plans",
        "Green",
        "Head of Provider Services",
    ),
    ("Direct payments", "Part of MTFS project plans", "Amber", "Head of Localities"),
    (
        "Income and client contributions",
        "Part of MTFS project plans",
        "Green",
        "Head of Finance (Adults)",
    ),
    (
        "Transitions from children's to adult social care",
        "Focus of additional input",
        "Red",
        "Strategic Director",
    ),
    (
        "Care market shaping and provider training",
        "Focus of additional input",
        "Red",
        "Strategic Director",
    ),
]
_AREA_NOTE = "the minutes give 19 areas and their statuses, not their titles: titles illustrative"
_STATUS_COMMENTARY = {
    "Routine activity": "Progressed on to become routine activity.",
    "Part of MTFS project plans": (
        "Now forms part of the MTFS project plans, directly or as an enabler to delivery."
    ),
    "Focus of additional input": "Has become the focus of additional input.",
}


def _areas() -> list[dict]:
    return [
        {
            "code": f"IP{n:02d}",
            "title": title,
            "lead": lead,
            "status": status,
            "rag": rag,
            "commentary": _STATUS_COMMENTARY[status],
            "last_updated": ROTHERHAM_DATE,
            **_prov(ROTHERHAM, ROTHERHAM_DATE, Basis.ILLUSTRATIVE, _AREA_NOTE),
        }
        for n, (title, status, rag, lead) in enumerate(_AREAS, start=1)
    ]


_MILESTONES = {
    # area number: [(title, due, status, completed)]
    9: [
        (
            "Reviewing team recruited and trained",
            date(2023, 12, 31),
            "Complete",
            date(2023, 12, 15),
        ),
        ("Backlog of overdue reviews halved", date(2024, 6, 30), "In progress", None),
        ("Every care plan reviewed within 12 months", date(2025, 3, 31), "Not started", None),
    ],
    10: [
        (
            "Accommodation needs of younger adults mapped",
            date(2023, 9, 30),
            "Complete",
            date(2023, 10, 20),
        ),
        (
            "Supported housing pathway agreed with district councils",
            date(2024, 1, 31),
            "Slipped",
            None,
        ),
    ],
    12: [("Brokerage framework re-tendered", date(2024, 2, 29), "In progress", None)],
    16: [("Direct payment policy refreshed", date(2024, 3, 31), "In progress", None)],
    18: [
        (
            "Joint transitions protocol with children's services",
            date(2023, 11, 30),
            "Slipped",
            None,
        ),
        (
            "Transitions tracker covering all 14-25 year olds",
            date(2024, 4, 30),
            "Not started",
            None,
        ),
    ],
    19: [
        (
            "Risks of ceasing care-home training identified and mitigated",
            date(2024, 3, 31),
            "In progress",
            None,
        ),
        ("Market position statement published", date(2024, 6, 30), "Not started", None),
    ],
    1: [
        (
            "Annual safeguarding report to the board",
            date(2023, 10, 31),
            "Complete",
            date(2023, 10, 25),
        )
    ],
    7: [("Case file audit programme embedded", date(2023, 12, 31), "Complete", date(2024, 1, 19))],
}


def _milestones() -> list[dict]:
    rows = []
    for area, items in sorted(_MILESTONES.items()):
        for n, (title, due, status, completed) in enumerate(items, start=1):
            rows.append(
                {
                    "code": f"IP{area:02d}-M{n}",
                    "area_code": f"IP{area:02d}",
                    "title": title,
                    "owner": _AREAS[area - 1][3],
                    "due_date": due,
                    "status": status,
                    "completed_date": completed,
                    "evidence": "Reported to the fortnightly Project Assurance meeting."
                    if completed
                    else None,
                    **_prov(
                        ROTHERHAM,
                        ROTHERHAM_DATE,
                        Basis.ILLUSTRATIVE,
                        "the minutes mention critical milestones without listing them: "
                        "illustrative",
                    ),
                }
            )
    return rows


# savings ----------------------------------------------------------------------------------------

_NOTTS_LINES = [
    # code, title, cohort, targets by year in pounds
    (
        "NCC-YA",
        "Younger adults: consistent best practice in care and support planning",
        "younger",
        {"2018/19": 1_500_000, "2019/20": 749_000, "2020/21": 100_000},
    ),
    (
        "NCC-OA",
        "Older adults: reducing variation in homecare, day services and short term care",
        "older",
        {"2018/19": 130_000, "2019/20": 130_000, "2020/21": 199_000},
    ),
]
_LEICESTER_LINES = [
    # code, title, (target, forecast, delivered) for 2024/25 in pounds: illustrative
    (
        "LCC-W1",
        "Reduce the cost of care, improve efficiency and examine improvement opportunities",
        (2_400_000, 2_400_000, 2_400_000),
        "Blue",
    ),
    ("LCC-W2", "Reduce new entrants and manage demand", (1_800_000, 1_750_000, 900_000), None),
    (
        "LCC-W3",
        "Improve efficiency within Adult Social Care",
        (1_200_000, 1_000_000, 450_000),
        None,
    ),
    ("LCC-W4", "Partnership working", (900_000, 540_000, 120_000), None),
]


def _savings() -> list[dict]:
    rows = []
    for code, title, cohort, targets in _NOTTS_LINES:
        for year, target in targets.items():
            rows.append(
                {
                    "code": code,
                    "financial_year": year,
                    "title": title,
                    "workstream": NOTTS_WORKSTREAM,
                    "cohort": cohort,
                    "owner": "Group Manager, Strategic Commissioning",
                    "target": target,
                    "forecast": None,
                    "delivered": None,
                    **_prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 25 table, £000s"),
                }
            )
    rows.append(
        {
            "code": "NCITY-REV",
            "financial_year": "2023/24",
            "title": "Reviews programme: in-year savings from reviewing care plans",
            "workstream": "Reviews programme (Nottingham City)",
            "cohort": "all-age",
            "owner": "Director of Adult Social Care",
            "target": 1_293_000,
            "forecast": None,
            "delivered": None,
            **_prov(NOTTINGHAM_CITY, NOTTINGHAM_DATE),
        }
    )
    for code, title, (target, forecast, delivered), override in _LEICESTER_LINES:
        rows.append(
            {
                "code": code,
                "financial_year": "2024/25",
                "title": title,
                "workstream": "Cost Mitigation Programme (Leicester)",
                "cohort": "all-age",
                "owner": "Director for Adult Social Care Commissioning",
                "target": target,
                "forecast": forecast,
                "delivered": delivered,
                "brag_override": override,
                "override_reason": "Delivered in full and confirmed by finance"
                if override
                else None,
                **_prov(
                    LEICESTER_MITIGATION,
                    LEICESTER_MITIGATION_DATE,
                    Basis.ILLUSTRATIVE,
                    "the minutes name the workstreams but give no amounts: amounts illustrative",
                ),
            }
        )
    return rows


def _components() -> list[dict]:
    para18 = _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 18")
    para19 = _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 19: split not published")
    return [
        {
            "code": "NCC-YA-C1",
            "line_code": "NCC-YA",
            "amount": 1_900_000,
            **para18,
            "title": "Replace sleep-ins and reduce daytime hours where risk assessments allow",
        },
        {
            "code": "NCC-YA-C2",
            "line_code": "NCC-YA",
            "amount": 325_000,
            **para18,
            "title": "Moves from supported living into general needs accommodation",
        },
        {
            "code": "NCC-YA-C3",
            "line_code": "NCC-YA",
            "amount": 124_000,
            **para18,
            "title": "Moves from residential care homes into supported living",
        },
        {
            "code": "NCC-OA-C1",
            "line_code": "NCC-OA",
            "amount": None,
            **para19,
            "title": "Reduce variation in homecare packages of £300 per week and above",
        },
        {
            "code": "NCC-OA-C2",
            "line_code": "NCC-OA",
            "amount": None,
            **para19,
            "title": "Reduce variation in day services for older adults",
        },
        {
            "code": "NCC-OA-C3",
            "line_code": "NCC-OA",
            "amount": None,
            **para19,
            "title": "Reduce variation in short term care for older adults",
        },
    ]


def _mtfs() -> list[dict]:
    return [
        {
            "code": "NCITY-MTFS-ASC",
            "period": "Five years from 2023/24 (adult social care)",
            "required": 67_000_000,
            "forecast": 54_430_000,
            "reported_shortfall": 12_620_000,
            **_prov(NOTTINGHAM_CITY, NOTTINGHAM_DATE),
        }
    ]


def _programmes() -> list[dict]:
    return [
        {
            "code": "NCITY-REV-2324",
            "title": "Reviews programme",
            "financial_year": "2023/24",
            "reviews_planned": 2_478,
            "cost": 1_191_000,
            "savings": 1_293_000,
            "agency_cost": 429_000,
            **_prov(NOTTINGHAM_CITY, NOTTINGHAM_DATE),
        }
    ]


_POSTS = [
    (
        "Older Adults",
        "Strategic Development Manager",
        "Band E",
        "1",
        date(2018, 4, 1),
        date(2020, 3, 31),
        "2 years (April 18-March 20)",
        124_372,
        None,
    ),
    (
        "Younger Adults",
        "Commissioning Manager",
        "Band E",
        "1",
        date(2017, 12, 1),
        date(2019, 3, 31),
        "15 months (Dec 17- March 19)",
        77_733,
        None,
    ),
    (
        "Younger Adults",
        "Commissioning Officer",
        "Band C",
        "1",
        date(2018, 4, 1),
        date(2019, 3, 31),
        "12 months (April 18-March 19)",
        52_076,
        None,
    ),
    (
        "Younger Adults",
        "Assistant Accountant",
        "Band A",
        "0.5",
        date(2018, 4, 1),
        date(2019, 3, 31),
        "12 months (April 18-March 19)",
        19_910,
        None,
    ),
    (
        "Younger Adults",
        "Community Care Officers",
        "Grade 5",
        "7",
        date(2018, 4, 1),
        date(2019, 3, 31),
        "12 months (April 18-March 19)",
        229_418,
        32_774,
    ),
    (
        "Younger Adults",
        "Senior Practitioner",
        "Band C",
        "1",
        date(2018, 4, 1),
        date(2019, 3, 31),
        "12 months (April 18-March 19)",
        52_076,
        None,
    ),
    (
        "Younger Adults",
        "Occupational Therapist",
        "Band B",
        "0.5",
        date(2018, 4, 1),
        date(2019, 3, 31),
        "12 months (April 18-March 19)",
        22_441,
        None,
    ),
]


def _posts() -> list[dict]:
    return [
        {
            "code": f"NCC-P{n:02d}",
            "area_of_support": area,
            "post_title": title,
            "band": band,
            "fte": fte,
            "start_date": start,
            "end_date": end,
            "period_label": period,
            "cost": cost,
            "unit_cost": unit,
            "workstream": NOTTS_WORKSTREAM,
            "funding_source": "Reserves or the improved Better Care Fund (pending a bid)",
            **_prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 26 table"),
        }
        for n, (area, title, band, fte, start, end, period, cost, unit) in enumerate(_POSTS, 1)
    ]


# backlog ----------------------------------------------------------------------------------------

_MONTHS = [date(2023, m, 1) for m in range(4, 12)]  # April to November 2023
# rising to the published November 2023 figures ("backlogs are increasing"); every month before
# November is modelled, so the latest figure shown is the published one
_WAITING_REVIEW = [318, 335, 352, 371, 389, 410, 436, 460]
_WAITING_OT = [540, 561, 583, 602, 624, 645, 668, 692]
# published: 750 in January 2023 and 2,398 by August 2023; the months between are interpolated
_REVIEWS_COMPLETED = {1: 750, 2: 985, 3: 1_221, 4: 1_456, 5: 1_692, 6: 1_927, 7: 2_163, 8: 2_398}
_TEAMS = ("North locality", "South locality", "Central reviewing team")
_BANDS = (
    "High: risk or safeguarding",
    "Medium: no contact in 12 months, lives alone or carer-supported",
    "Low: routine",
)


def _backlog_row(measure, month, value, basis, source, note, team=ALL_TEAMS, band=ALL_BANDS):
    as_at = NOTTINGHAM_DATE if source == NOTTINGHAM_CITY else LEICESTER_REVIEWS_DATE
    return {
        "measure": measure,
        "month": month,
        "team": team,
        "priority_band": band,
        "value": value,
        "target": None,
        **_prov(source, as_at, basis, note),
    }


def _backlog() -> list[dict]:
    rows = []
    published_month = date(2023, 11, 1)
    for series, measure in (
        (_WAITING_REVIEW, "waiting_review"),
        (_WAITING_OT, "waiting_ot_assessment"),
    ):
        for month, value in zip(_MONTHS, series, strict=True):
            published = month == published_month
            rows.append(
                _backlog_row(
                    measure,
                    month,
                    value,
                    Basis.PUBLISHED if published else Basis.MODELLED,
                    NOTTINGHAM_CITY,
                    "" if published else "modelled around the published figure",
                )
            )
    for m, value in _REVIEWS_COMPLETED.items():
        published = m in (1, 8)
        rows.append(
            _backlog_row(
                "reviews_completed",
                date(2023, m, 1),
                value,
                Basis.PUBLISHED if published else Basis.MODELLED,
                NOTTINGHAM_CITY,
                "cumulative reviews in 2023 as reported"
                if published
                else "interpolated between the published January and August figures",
            )
        )
    rows.extend(_overdue_rows())
    return rows


def _overdue_rows() -> list[dict]:
    """Overdue annual reviews by team and priority: wholly modelled (the minutes give no counts)."""
    rows = []
    shares = {0: 0.2, 1: 0.5, 2: 0.3}
    team_weight = {0: 0.4, 1: 0.35, 2: 0.25}
    for i, month in enumerate(_MONTHS):
        total = 620 + 18 * i
        for t, team in enumerate(_TEAMS):
            for b, band in enumerate(_BANDS):
                rows.append(
                    _backlog_row(
                        "overdue_annual_reviews",
                        month,
                        round(total * team_weight[t] * shares[b]),
                        Basis.MODELLED,
                        LEICESTER_REVIEWS,
                        "modelled: the minutes describe overdue reviews and how they are "
                        "prioritised",
                        team,
                        band,
                    )
                )
    return rows


# committee actions ------------------------------------------------------------------------------

_ROTHERHAM_COMMITTEE = "Adult Social Care Improvement Board (Rotherham)"
_LEICESTER_COMMITTEE = "Health and Social Care Scrutiny Commission (Leicester)"


def _actions() -> list[dict]:
    undated = "meeting date not given in the minutes: demo date"
    roth = _prov(ROTHERHAM, ROTHERHAM_DATE, note=undated)
    leic_r = _prov(LEICESTER_REVIEWS, LEICESTER_REVIEWS_DATE, note=undated)
    leic_m = _prov(LEICESTER_MITIGATION, LEICESTER_MITIGATION_DATE, note=undated)
    director = "Strategic Director of Adult Care, Housing and Public Health"
    rows = [
        (
            "ROT-R1",
            _ROTHERHAM_COMMITTEE,
            ROTHERHAM_DATE,
            "resolution",
            "That the report be noted.",
            None,
            None,
            "Noted",
            roth,
        ),
        (
            "ROT-R2",
            _ROTHERHAM_COMMITTEE,
            ROTHERHAM_DATE,
            "resolution",
            "That the Principal Social Worker be invited to attend a future meeting where the "
            "Improvement Plan is being reviewed.",
            director,
            None,
            "Open",
            roth,
        ),
        (
            "ROT-R3",
            _ROTHERHAM_COMMITTEE,
            ROTHERHAM_DATE,
            "resolution",
            "That mitigations against risks associated with the cessation of training for care "
            "homes be identified prior to any decision to cease the provision of training.",
            director,
            None,
            "Open",
            roth,
        ),
        (
            "ROT-A1",
            _ROTHERHAM_COMMITTEE,
            ROTHERHAM_DATE,
            "action",
            "The Strategic Director to come back to Members on care home training once a review "
            "has been undertaken.",
            director,
            None,
            "Open",
            roth,
        ),
        (
            "LEI-REV-A1",
            _LEICESTER_COMMITTEE,
            LEICESTER_REVIEWS_DATE,
            "resolution",
            "The Commission noted the report.",
            None,
            None,
            "Noted",
            leic_r,
        ),
        (
            "LEI-REV-A2",
            _LEICESTER_COMMITTEE,
            LEICESTER_REVIEWS_DATE,
            "action",
            "Additional information to be circulated to the Commission.",
            "Director for Adult Social Care & Safeguarding",
            None,
            "Open",
            leic_r,
        ),
        (
            "LEI-REV-A3",
            _LEICESTER_COMMITTEE,
            LEICESTER_REVIEWS_DATE,
            "action",
            "A previous report on the strength-based approach to be circulated to Members.",
            "Deputy City Mayor for Social Care, Health and Community Safety",
            None,
            "Open",
            leic_r,
        ),
        (
            "LEI-CMP-A1",
            _LEICESTER_COMMITTEE,
            LEICESTER_MITIGATION_DATE,
            "resolution",
            "That the report be noted.",
            None,
            None,
            "Noted",
            leic_m,
        ),
        (
            "LEI-CMP-A2",
            _LEICESTER_COMMITTEE,
            LEICESTER_MITIGATION_DATE,
            "action",
            "That an item on loneliness be added to the Work Programme.",
            "Scrutiny officer",
            None,
            "Open",
            leic_m,
        ),
        (
            "LEI-CMP-A3",
            _LEICESTER_COMMITTEE,
            LEICESTER_MITIGATION_DATE,
            "action",
            "An item on increasing complexity of needs be added to the Work Programme.",
            "Scrutiny officer",
            None,
            "Open",
            leic_m,
        ),
        (
            "LEI-CMP-A4",
            _LEICESTER_COMMITTEE,
            LEICESTER_MITIGATION_DATE,
            "action",
            "An item on SEND children transitioning to Adult Social Care be added to the Work "
            "Programme.",
            "Scrutiny officer",
            None,
            "Open",
            leic_m,
        ),
        (
            "LEI-CMP-A5",
            _LEICESTER_COMMITTEE,
            LEICESTER_MITIGATION_DATE,
            "action",
            "Consideration of language to take place, in particular the use of the phrase "
            "'leavers' when referring to SEND children ageing out of the children's social care "
            "phase.",
            "Director for Adult Social Care Commissioning",
            None,
            "Open",
            leic_m,
        ),
    ]
    return [
        {
            "code": code,
            "committee": committee,
            "meeting_date": when,
            "kind": kind,
            "text": text,
            "owner": owner,
            "due_date": due,
            "status": status,
            **prov,
        }
        for code, committee, when, kind, text, owner, due, status, prov in rows
    ]


# totals as the papers report them ---------------------------------------------------------------


def _reported_totals() -> list[dict]:
    table = _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 25 table")
    ws = NOTTS_WORKSTREAM
    rows = [
        (
            "RT-NCC-YA",
            "Younger adults, 3 year total",
            "savings_target",
            {"line_code": "NCC-YA"},
            2_349_000,
            table,
        ),
        (
            "RT-NCC-OA",
            "Older adults, 3 year total",
            "savings_target",
            {"line_code": "NCC-OA"},
            459_000,
            table,
        ),
        (
            "RT-NCC-1819",
            "Total of savings 2018/19",
            "savings_target",
            {"workstream": ws, "financial_year": "2018/19"},
            1_630_000,
            table,
        ),
        (
            "RT-NCC-1920",
            "Total of savings 2019/20",
            "savings_target",
            {"workstream": ws, "financial_year": "2019/20"},
            879_000,
            table,
        ),
        (
            "RT-NCC-2021",
            "Total of savings 2020/21",
            "savings_target",
            {"workstream": ws, "financial_year": "2020/21"},
            299_000,
            table,
        ),
        (
            "RT-NCC-ALL",
            "Total of savings, 3 year total",
            "savings_target",
            {"workstream": ws},
            2_808_000,
            table,
        ),
        (
            "RT-NCC-YA-PARTS",
            "Younger adults savings potential (paragraph 18: 'This totals £2,349,000')",
            "components",
            {"line_code": "NCC-YA"},
            2_349_000,
            _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 18"),
        ),
        (
            "RT-NCC-OA-PARTS",
            "Older adults savings from reducing variation (paragraph 19)",
            "components",
            {"line_code": "NCC-OA"},
            459_000,
            _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 19"),
        ),
        (
            "RT-NCC-POSTS",
            "Total implementation costs",
            "posts_cost",
            {"workstream": ws},
            578_026,
            _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 26 table"),
        ),
        (
            "RT-NCC-CCO",
            "Community Care Officers as itemised in paragraph 20 (£131,097 + £98,322)",
            "posts_cost",
            {"post_code": "NCC-P05"},
            229_419,
            _prov(NOTTINGHAMSHIRE, NOTTS_DATE, note="paragraph 20"),
        ),
    ]
    return [
        {
            "code": code,
            "label": label,
            "dataset": dataset,
            "scope": scope,
            "reported_value": value,  # pounds, as a file writes them
            **prov,
        }
        for code, label, dataset, scope, value, prov in rows
    ]


def sample_rows() -> dict[str, list[dict]]:
    """Rows of every dataset of the demo council, as the importers would receive them."""
    return {
        "areas": _areas(),
        "milestones": _milestones(),
        "savings": _savings(),
        "components": _components(),
        "mtfs": _mtfs(),
        "programmes": _programmes(),
        "posts": _posts(),
        "backlog": _backlog(),
        "actions": _actions(),
        "reported_totals": _reported_totals(),
        # none of the five papers in ../shared/seeds states a budget-monitoring bridge
        "bridges": [],
        # the demo council has no case-level history yet (people are never invented here)
        "cases": [],
        "cld": [],
    }


# the demo's history starts when the papers for its last meeting (12 March 2024) were out, so
# "as at" any later date shows the demo and "since the last meeting" lists only real edits
DEMO_LOADED_AT = datetime(2024, 3, 12, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoChange:
    """What loading the demo does to one dataset's rows (its tables taken together)."""

    dataset: str
    records: int  # the demo's rows of the dataset, as a file of it would hold them
    added: int  # demo rows the store lacks (counted per table, as the ones below)
    restored: int  # rows that differ from the demo: put back to the demo's values
    unchanged: int
    other: int  # rows the demo does not have: left as they are (nothing deletes rows)

    def describe(self, *, with_added: bool = True) -> str | None:
        """``milestones: 6 rows differ from the demo (...)``; None when there is nothing to say
        (``with_added=False`` leaves out the demo rows the store lacks)."""
        parts = [
            f"{_rows(self.restored)} differ from the demo (put back to the demo's values)"
            if self.restored
            else "",
            f"{_rows(self.other)} the demo does not have (kept as they are)" if self.other else "",
            f"{_rows(self.added)} of the demo missing (added)" if self.added and with_added else "",
        ]
        said = [part for part in parts if part]
        return f"{self.dataset}: " + "; ".join(said) if said else None


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


@dataclass(frozen=True)
class DemoLoad:
    changes: tuple[DemoChange, ...]
    written: bool

    @property
    def rows(self) -> dict[str, int]:
        """Rows of the demo per dataset."""
        return {c.dataset: c.records for c in self.changes}

    @property
    def holds_only_demo(self) -> bool:
        """Whether the store held nothing but (some of) the demo: no row the load would
        overwrite, none it does not have."""
        return all(c.restored == 0 and c.other == 0 for c in self.changes)

    @property
    def changed(self) -> bool:
        return any(c.added or c.restored for c in self.changes)

    def lines(self, *, with_added: bool = True) -> list[str]:
        """One line per dataset the load changes or leaves beside the demo."""
        return [line for c in self.changes if (line := c.describe(with_added=with_added))]


class DemoRefused(Exception):
    """The store holds more than the demo council: loading it would overwrite someone's work."""

    def __init__(self, load: DemoLoad):
        self.load = load
        held = "\n".join(f"  {line}" for line in load.lines(with_added=False))
        super().__init__(
            "refused: this store holds more than the demo council, and loading the demo "
            f"would overwrite it:\n{held}\nnothing was written. To put the demo's rows back "
            "(rows the demo does not have are kept), an administrator runs "
            "`ascgov demo load --replace --as EMAIL` (add --dry-run to see the counts first)."
        )


class _NothingWritten(Exception):
    def __init__(self, load: DemoLoad):
        self.load = load


def load_demo(
    store: Store, *, replace_as: Principal | None = None, dry_run: bool = False
) -> DemoLoad:
    """Load the demo council into a store that is empty or holds only the demo (a refresh);
    anything else raises ``DemoRefused`` and writes nothing, unless ``replace_as`` is an
    administrator (``NotPermitted`` otherwise, kept in the audit trail), who puts the demo's
    rows back. The check and the write are one transaction, so an edit saved meanwhile is
    either seen by the check or not overwritten."""
    if replace_as is not None:
        authorise(store, replace_as, Permission.REPLACE_WITH_DEMO)
    records = _demo_records()
    actor = replace_as.email if replace_as is not None else DEMO_ACTOR
    try:
        with store.write(actor, at=DEMO_LOADED_AT if store_is_empty(store) else None) as tx:
            load = DemoLoad(
                tuple(_load_dataset(tx, name, records[name]) for name in LOAD_ORDER),
                written=not dry_run,
            )
            if replace_as is None and not load.holds_only_demo:
                raise DemoRefused(load)
            if dry_run:
                raise _NothingWritten(load)  # rolls the transaction back
    except _NothingWritten as done:
        return done.load
    return load


def _demo_records() -> dict[str, list]:
    rows = sample_rows()
    return {
        name: [DATASETS[name].model.model_validate(row) for row in rows[name]]
        for name in LOAD_ORDER
    }


def _load_dataset(tx: WriteTx, name: str, records: list) -> DemoChange:
    spec = DATASETS[name]
    held = _count(tx.conn, spec.row_table)
    result = spec.write(tx, stored_frame(spec.model, records))
    other = held - result.updated - result.unchanged - _synthetic(tx.conn, spec)
    return DemoChange(name, len(records), result.inserted, result.updated, result.unchanged, other)


def _count(conn: Connection, table: str) -> int:
    if table == schema.cld_events.name:
        return cld_store.count(conn)  # its rows are loads of events
    return conn.execute(
        select(func.count()).select_from(schema.metadata.tables[table])
    ).scalar_one()


def _synthetic(conn: Connection, spec: DatasetSpec) -> int:
    """Rows of the demo's synthetic case history (``demo_cases``): the demo's own, though no
    paper holds them, so a store holding them still holds only the demo."""
    if not spec.person_level:
        return 0
    if spec.row_table == schema.cld_events.name:
        return cld_store.count(conn, source=SYNTHETIC_SOURCE)
    table = schema.metadata.tables[spec.row_table]
    return conn.execute(
        select(func.count()).select_from(table).where(table.c.source == SYNTHETIC_SOURCE)
    ).scalar_one()


def load_sample_data(store: Store) -> dict[str, int]:
    """Validate and write the demo council in one transaction; returns rows per dataset.

    Loading into a store that already holds it changes nothing; a store that holds anything
    else is refused (``DemoRefused``): see ``load_demo``.
    """
    return load_demo(store).rows


def store_is_empty(store: Store) -> bool:
    """Whether no dataset the demo fills holds a row (users and settings aside)."""
    with store.engine.connect() as conn:
        return all(_count(conn, t) == 0 for name in LOAD_ORDER for t in DATASETS[name].tables)
