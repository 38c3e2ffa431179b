"""Template helpers of analyses: the start-page panel (coordinator and analyst)."""

from typing import Any

from django import template
from django.utils.formats import number_format

from accounts.models import Role, User
from analyses.selectors import built_at

register = template.Library()


@register.inclusion_tag("analyses/partials/home_panel.html", takes_context=True)
def analyses_home_panel(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    show = isinstance(user, User) and user.role in (Role.COORDINATOR, Role.ANALYST)
    return {"show": show, "built_at": built_at() if show else None}


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """mapping[key] in a template, None when absent (or no mapping)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def money_column(headers: Any, index: int) -> bool:
    """Whether column `index` of a report table holds amounts in euros (its label ends in
    "(€)"), for `euro`."""
    try:
        return str(headers[index]).endswith("(€)")
    except (IndexError, KeyError, TypeError):
        return False


@register.filter
def euro(value: Any) -> Any:
    """An amount as Dutch money: two decimals, thousands grouped (14.665.153,48); what is
    no number ("x", "–") as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return number_format(value, decimal_pos=2, force_grouping=True)
