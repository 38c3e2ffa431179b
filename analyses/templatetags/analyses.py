"""Template helpers of analyses: the start-page panel (coordinator and analyst)."""

from typing import Any

from django import template

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
