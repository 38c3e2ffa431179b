"""The one way dates and times are shown to people: "8 december 2026", "8 dec." in dense
tables, times as "14:47", always in Europe/Amsterdam (the active time zone). The month names
come from Django's Dutch translations. The template filters in `config.templatetags.dates`
and every user-facing message formatted in Python (notifications, e-mails, confirmations) go
through these functions; CSV exports keep their own machine-readable formats."""

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _local(value: date | datetime) -> date | datetime:
    """Aware datetimes in the active time zone (Europe/Amsterdam); dates as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _calendar_day(value: date | datetime) -> date:
    local = _local(value)
    return local.date() if isinstance(local, datetime) else local


def day(value: date | datetime | None) -> str:
    """'8 december 2026'."""
    if value is None:
        return ""
    return date_format(_local(value), "j F Y")


def day_short(value: date | datetime | None) -> str:
    """'8 dec.' this year, '8 dec. 2025' another year; 'mei' is not abbreviated, so no dot."""
    if value is None:
        return ""
    local = _local(value)
    short = date_format(local, "b")
    if short != date_format(local, "F"):
        short += "."
    text = f"{local.day} {short}"
    if local.year != timezone.localdate().year:
        text += f" {local.year}"
    return text


def clock(value: datetime | None) -> str:
    """'14:47'."""
    if value is None:
        return ""
    return date_format(_local(value), "H:i")


def moment(value: date | datetime | None) -> str:
    """'8 december 2026, 14:47' (a date alone gives just the day)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return day(value)
    return f"{day(value)}, {clock(value)}"


def ago(value: date | datetime | None) -> str:
    """Calendar days from today, in words: 'vandaag', 'gisteren', '3 dagen geleden', 'morgen',
    'over 2 dagen'."""
    if value is None:
        return ""
    days = (_calendar_day(value) - timezone.localdate()).days
    if days == 0:
        return _("vandaag")
    if days == -1:
        return _("gisteren")
    if days == 1:
        return _("morgen")
    if days < 0:
        return ngettext("%(n)d dag geleden", "%(n)d dagen geleden", -days) % {"n": -days}
    return ngettext("over %(n)d dag", "over %(n)d dagen", days) % {"n": days}


def time_left(deadline: datetime | None) -> str:
    """'nog 3 dagen', 'nog 5 uur', or 'verlopen' — in words, never colour alone."""
    if deadline is None:
        return ""
    left = deadline - timezone.now()
    if left <= timedelta(0):
        return _("verlopen")
    if left >= timedelta(days=1):
        days = left.days
        return ngettext("nog %(n)d dag", "nog %(n)d dagen", days) % {"n": days}
    hours = max(1, int(left.total_seconds() // 3600))
    return ngettext("nog %(n)d uur", "nog %(n)d uur", hours) % {"n": hours}


def duration(start: datetime | None, end: datetime | None) -> str:
    """The time between two moments in the largest whole unit: '3 dagen', '5 uur', '12
    minuten' (instead of Django's `timesince`, which mixes units)."""
    if start is None or end is None:
        return ""
    seconds = max(0, int((end - start).total_seconds()))
    if seconds >= 86400:
        n = seconds // 86400
        return ngettext("%(n)d dag", "%(n)d dagen", n) % {"n": n}
    if seconds >= 3600:
        n = seconds // 3600
        return ngettext("%(n)d uur", "%(n)d uur", n) % {"n": n}
    n = max(1, seconds // 60)
    return ngettext("%(n)d minuut", "%(n)d minuten", n) % {"n": n}
