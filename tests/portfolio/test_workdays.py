"""Chinese working days from the chinese-calendar package, with a loud fallback for unknown years."""

import logging
from datetime import date

from portfolio import workdays


def test_public_holidays_and_make_up_days_are_respected():
    assert workdays.first_working_day(2026, 10) == date(2026, 10, 8)  # 国庆 1–7 October
    assert workdays.is_working_day(date(2026, 2, 14))  # a Saturday worked before 春节
    assert not workdays.is_working_day(date(2026, 2, 17))  # 春节
    assert workdays.first_working_day(2026, 6) == date(2026, 6, 1)


def test_reply_deadlines_count_working_days():
    # Issued Wednesday 30 September 2026: the holiday week does not count.
    assert workdays.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # 8, 9, and Saturday the 10th
    assert workdays.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays_and_says_so(caplog, monkeypatch):
    monkeypatch.setattr(workdays, "_UNKNOWN_YEARS", set())
    caplog.set_level(logging.WARNING, logger="portfolio.workdays")
    assert not workdays.calendar_known(2031)
    assert workdays.first_working_day(2031, 2) == date(2031, 2, 3)  # Saturday 1st, Sunday 2nd
    assert "2031" in caplog.text
    assert 2031 in workdays.unknown_years(around=date(2026, 12, 8))
