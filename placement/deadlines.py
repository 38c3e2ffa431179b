"""Working days for offer deadlines: weekends and Dutch public holidays are not working days."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=32)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def previous_working_day(day: date) -> date:
    current = day - timedelta(days=1)
    while not is_working_day(current):
        current -= timedelta(days=1)
    return current


def offer_deadline(sent_at: datetime, working_days: int) -> datetime:
    """End of the working day `working_days` working days after the offer was sent."""
    local_day = sent_at.astimezone(AMSTERDAM).date()
    deadline_day = add_working_days(local_day, working_days)
    return datetime.combine(deadline_day, time(23, 59, 59), tzinfo=AMSTERDAM)


def reminder_moment(deadline: datetime) -> datetime:
    """Start of the working day before the deadline's day: one reminder then."""
    day = previous_working_day(deadline.astimezone(AMSTERDAM).date())
    return datetime.combine(day, time(8, 0), tzinfo=AMSTERDAM)


def offer_working_days(urgency: str) -> int:
    """Working days a provider has to answer an offer: shorter for urgent and crisis requests."""
    from django.conf import settings

    if urgency in ("urgent", "crisis"):
        return int(settings.URGENT_OFFER_DEADLINE_WORKING_DAYS)
    return int(settings.OFFER_DEADLINE_WORKING_DAYS)


def documents_due_on(submitted_on: date, working_days: int) -> date:
    """The day a crisis placement's documents are due: `working_days` working days later."""
    return add_working_days(submitted_on, working_days)
