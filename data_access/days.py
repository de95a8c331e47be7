"""UK days: which day an instant falls on, and when a day starts and ends, in Europe/London.

Committees, officers and the financial year count in UK days, so "as at 31 March", "since the
meeting" and "today" all turn over at midnight in London: 23:00 UTC in summer. Instants stay
in UTC (as the store keeps them); only the day boundaries come from here. The clocks change at
01:00 UTC, never at midnight, so every UK midnight exists exactly once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def start_of(day: date) -> datetime:
    """The instant a UK day begins, as an aware datetime in UTC.

    >>> start_of(date(2024, 4, 1)).isoformat()
    '2024-03-31T23:00:00+00:00'
    """
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def end_of(day: date) -> datetime:
    """The instant a UK day ends (the next one begins), as an aware datetime in UTC: what
    happened before it happened on or before ``day``. A clock-change day lasts 23 or 25 hours.

    >>> end_of(date(2024, 3, 31)).isoformat()
    '2024-03-31T23:00:00+00:00'
    >>> (end_of(date(2024, 10, 27)) - end_of(date(2024, 10, 26))).total_seconds() / 3600
    25.0
    """
    return start_of(day + timedelta(days=1))


def day_of(moment: datetime) -> date:
    """The UK day an aware instant falls on.

    >>> day_of(datetime(2024, 3, 31, 23, 30, tzinfo=UTC))
    datetime.date(2024, 4, 1)
    """
    return moment.astimezone(UK).date()


def today() -> date:
    """Today in the UK, whatever zone the server's clock is set to."""
    return day_of(datetime.now(UTC))
