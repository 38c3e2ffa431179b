"""The iCalendar of a user's agenda (RFC 5545, built with `icalendar`).

Each event: a stable UID, DTSTAMP, a timed event for an offer's deadline and an all-day
event otherwise, SUMMARY "<kind in Dutch> <code>", and the URL of the page to act on it.
Nothing else: no names, BSN, birth dates or free text; kinds in PAGE_ONLY_KINDS (a youth
turning 18: the day is its birthday) are left out.
"""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agenda.selectors import AgendaItem


def calendar_bytes(items: list[AgendaItem], *, absolute: Callable[[str], str], host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Regie op Plaatsing//Agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Regie op Plaatsing"))
    stamp = timezone.now()
    for item in items:
        if not item.in_feed:
            continue
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", item.label)
        if item.at is not None:
            event.add("dtstart", item.at)
            event.add("dtend", item.at)
        else:
            event.add("dtstart", item.date)
            event.add("dtend", item.date + timedelta(days=1))
        event.add("url", absolute(item.url))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
