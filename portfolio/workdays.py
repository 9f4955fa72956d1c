"""Chinese working days: public holidays and make-up working days (调休), from ``chinese_calendar``.

The package carries each year's State Council holiday notice; a year it does not know yet (the
notice comes out each November) raises ``NotImplementedError`` there. We then fall back to
"Monday to Friday" for that year, log a warning, and remember the year so the health page shows
that dates in it may be off by the holidays (see docs/notifications.md).
"""

import logging
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)

# Years the calendar package did not know, seen by this process (shown on the health page).
_UNKNOWN_YEARS: set[int] = set()


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _UNKNOWN_YEARS:
            _UNKNOWN_YEARS.add(day.year)
            logger.warning("chinese_calendar has no holidays for %s: counting Monday to Friday", day.year)
        return day.weekday() < 5


def calendar_known(year: int) -> bool:
    """True when the calendar package has the holiday notice for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def unknown_years(*, around: date) -> list[int]:
    """This year and the next, and any year already met, that the calendar does not know."""
    years = {around.year, around.year + 1, *_UNKNOWN_YEARS}
    return sorted(year for year in years if not calendar_known(year))


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
