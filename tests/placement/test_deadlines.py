"""Offer deadlines count working days and skip Dutch public holidays."""

from datetime import date, datetime

from placement.deadlines import (
    AMSTERDAM,
    add_working_days,
    is_working_day,
    offer_deadline,
    reminder_moment,
)


def test_weekends_are_not_working_days() -> None:
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday


def test_dutch_public_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 25))  # Christmas
    assert not is_working_day(date(2026, 12, 26))  # Boxing Day (Saturday anyway)
    assert not is_working_day(date(2027, 4, 27))  # King's Day (Tuesday)
    assert not is_working_day(date(2026, 5, 14))  # Ascension Day 2026


def test_five_working_days_from_a_plain_monday() -> None:
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)


def test_five_working_days_skip_christmas() -> None:
    # Mon 21 Dec 2026 + 5 working days: 22, 23, 24, (25 Christmas, 26-27 weekend), 28, 29.
    assert add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 29)


def test_five_working_days_skip_kings_day() -> None:
    # Thu 22 Apr 2027: 23, (24-25 weekend), 26, (27 King's Day), 28, 29, 30.
    assert add_working_days(date(2027, 4, 22), 5) == date(2027, 4, 30)


def test_deadline_is_the_end_of_that_working_day_in_amsterdam() -> None:
    sent = datetime(2026, 12, 21, 9, 30, tzinfo=AMSTERDAM)
    deadline = offer_deadline(sent, 5)
    assert deadline.date() == date(2026, 12, 29)
    assert (deadline.hour, deadline.minute) == (23, 59)


def test_reminder_is_one_working_day_before_around_a_holiday() -> None:
    deadline = datetime(2026, 12, 28, 23, 59, 59, tzinfo=AMSTERDAM)  # Monday after Christmas
    assert reminder_moment(deadline).date() == date(2026, 12, 24)
