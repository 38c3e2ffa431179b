"""Template tags of capacity: the start-page panel, which needs a little data of its own."""

from typing import Any

from django import template

from accounts.models import User
from capacity.selectors import stale_days, stale_locations_for_provider

register = template.Library()


@register.inclusion_tag("capacity/partials/home_panel.html", takes_context=True)
def capacity_home_panel(context: template.Context) -> dict[str, Any]:
    """Provider: its stale figures (two queries at most); coordinator: a link only."""
    user = context.get("user")
    data: dict[str, Any] = {
        "current_role": context.get("current_role", ""),
        "Role": context.get("Role"),
        "stale_days": stale_days(),
        "stale_locations": [],
    }
    if isinstance(user, User) and user.is_provider and user.organisation_id is not None:
        data["stale_locations"] = list(
            stale_locations_for_provider(provider_id=user.organisation_id)[:10]
        )
    return data
