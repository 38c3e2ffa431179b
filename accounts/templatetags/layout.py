"""Page-layout template tags shared by every app: status badges and breadcrumbs.

`{% status_badge "referral" referral.status %}` renders a Utrecht status badge with a colour
*and* the Dutch label of the status, so the colour never carries the meaning alone.
`{% breadcrumbs _("Verzoeken") list_url referral.code %}` renders an Utrecht breadcrumb nav:
Startpagina › label (url) › … › current page (the last, odd argument, without a link).
"""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from placement.models import Offer, Placement
from referrals.models import Referral

register = template.Library()

# Status code → Utrecht status-badge modifier, per kind of object.
BADGE_COLOURS: dict[str, dict[str, str]] = {
    "referral": {
        "draft": "neutral",
        "submitted": "active",
        "needs_info": "warning",
        "matching": "active",
        "offered": "active",
        "waiting": "warning",
        "accepted": "success",
        "placed": "success",
        "closed": "inactive",
    },
    "offer": {
        "open": "active",
        "accepted": "success",
        "refused": "danger",
        "expired": "inactive",
        "withdrawn": "inactive",
        "cancelled": "inactive",
    },
    "placement": {
        "planned": "active",
        "active": "success",
        "ended": "inactive",
        "cancelled": "inactive",
    },
}

BADGE_LABELS: dict[str, Any] = {
    "referral": Referral.Status,
    "offer": Offer.Status,
    "placement": Placement.Status,
}


@register.inclusion_tag("partials/status_badge.html")
def status_badge(kind: str, status: str) -> dict[str, Any]:
    """The badge of one status; an unknown code shows as a neutral badge with the code."""
    choices = BADGE_LABELS[kind]
    try:
        label = choices(status).label
    except ValueError:
        label = status
    return {
        "colour": BADGE_COLOURS[kind].get(status, "neutral"),
        "label": label,
        "kind": kind,
        "status": status,
    }


@register.inclusion_tag("partials/breadcrumbs.html")
def breadcrumbs(*parts: Any) -> dict[str, Any]:
    """Start › (label, url) pairs › the current page's label (the last argument)."""
    *pairs, current = parts
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumbs: give label/url pairs, then the page")
    crumbs = [{"label": _("Startpagina"), "url": reverse("home")}]
    crumbs += [{"label": pairs[i], "url": pairs[i + 1]} for i in range(0, len(pairs), 2)]
    return {"crumbs": crumbs, "current": current}
