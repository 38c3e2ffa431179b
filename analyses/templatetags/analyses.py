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
