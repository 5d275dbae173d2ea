"""Calendar arithmetic of agreements: where a term ends, how many months fit."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def agreement_end(start: date, term_months: int) -> date:
    """The last day of a term: the same day `term_months` later, less one.

    A day the later month lacks is clamped to its last day, so a term that
    starts on 31 January ends on the day before the last day of the month.
    """
    index = start.month - 1 + term_months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def whole_months(start: date, last_day: date) -> int:
    """How many whole months run from `start` up to and including `last_day`.

    A month counts once its last day is on or before `last_day`; the part
    month left over counts for nothing.
    """
    months = 0
    while agreement_end(start, months + 1) <= last_day:
        months += 1
    return months
