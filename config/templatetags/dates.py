"""The date filters of every template (a builtin, see TEMPLATES in settings): `day`,
`day_short`, `moment`, `clock`, `ago`, `time_left`, `duration`. Lives with `config` because
dates belong to no single app; `config` is no installed app, so the library is registered in
TEMPLATES OPTIONS ("builtins", and "libraries" for an explicit `{% load dates %}`)."""

from django import template

from config import dates

register = template.Library()

register.filter("day", dates.day)
register.filter("day_short", dates.day_short)
register.filter("moment", dates.moment)
register.filter("clock", dates.clock)
register.filter("ago", dates.ago)
register.filter("time_left", dates.time_left)
register.filter("duration", dates.duration)
