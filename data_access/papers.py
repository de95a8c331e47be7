"""The published papers the demo council's figures come from: each paper's file reference (what
a row's ``source`` names) and the title a councillor reads in its place.

The file names (``000_b69d1c7bb4dbf9f4.txt``) are references to the copies in ``shared/seeds``;
a member quoting a figure needs the council and the paper, so every page, the briefing pack and
the downloads show the title, and only a download keeps the file reference beside it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    file: str  # the file reference a row's source names
    title: str  # "<council>: <what the paper is>, <year where the paper gives one>"


NOTTINGHAM_CITY = Paper(
    "000_b69d1c7bb4dbf9f4.txt",
    "Nottingham City Council: local news report on review backlogs, 2023",
)
ROTHERHAM = Paper(
    "001_a75992156555afa7.txt",
    "Rotherham Council: improvement board minutes on the improvement plan and budget monitoring",
)
LEICESTER_REVIEWS = Paper(
    "002_da0335600d293a6c.txt",
    "Leicester City Council: scrutiny commission minutes on adult social care reviews",
)
LEICESTER_MITIGATION = Paper(
    "003_0b82b94255fbe74d.txt",
    "Leicester City Council: scrutiny commission minutes on the cost mitigation programme",
)
NOTTINGHAMSHIRE = Paper(
    "004_8fe6c5184d5308a0.txt",
    "Nottinghamshire County Council: committee report on best practice in care and support "
    "planning, 2017",
)
PAPERS = (NOTTINGHAM_CITY, ROTHERHAM, LEICESTER_REVIEWS, LEICESTER_MITIGATION, NOTTINGHAMSHIRE)


def titled(source: str | None) -> str | None:
    """A source as a councillor reads it: each paper's file reference replaced by its title;
    any other source (an officer's words, a system extract) as it is.

    >>> titled("002_da0335600d293a6c.txt (modelled)")
    'Leicester City Council: scrutiny commission minutes on adult social care reviews (modelled)'
    >>> titled("Finance team monitoring, month 6")
    'Finance team monitoring, month 6'
    """
    if source is None:
        return None
    for paper in PAPERS:
        source = source.replace(paper.file, paper.title)
    return source


def referenced(source: str | None) -> str | None:
    """A source with each paper's title and, after it, its file reference: what a download
    holds, so that a reader can find the paper itself.

    >>> referenced("000_b69d1c7bb4dbf9f4.txt (modelled)").removeprefix(NOTTINGHAM_CITY.title)
    ', file 000_b69d1c7bb4dbf9f4.txt (modelled)'
    """
    if source is None:
        return None
    for paper in PAPERS:
        source = source.replace(paper.file, f"{paper.title}, file {paper.file}")
    return source
