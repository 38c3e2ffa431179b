"""Template helpers of placement: code labels, time left, and the start-page panel."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from config import dates
from config.codes import CareForm, Expertise, LegalStatus, RefusalReason, RiskFlag
from placement.models import Offer, Placement, PlacementRisk
from placement.selectors import offers_for_user, placement_at_risk_reason
from referrals.models import Referral
from referrals.selectors import referrals_for_user

if TYPE_CHECKING:
    from placement.views import BoardCard

register = template.Library()

LABELS: dict[str, dict[str, str]] = {
    "care_form": {k: str(v) for k, v in CareForm.choices},
    "expertise": {k: str(v) for k, v in Expertise.choices},
    "risk": {k: str(v) for k, v in RiskFlag.choices},
    "legal": {k: str(v) for k, v in LegalStatus.choices},
    "refusal": {k: str(v) for k, v in RefusalReason.choices},
    "status": {k: str(v) for k, v in Referral.Status.choices},
}


@register.filter
def code_label(code: str, kind: str) -> str:
    return LABELS.get(kind, {}).get(code, code)


@register.filter
def code_labels(codes: Iterable[str] | None, kind: str) -> str:
    return ", ".join(code_label(code, kind) for code in codes or [])


# Kept under its old name for `{% load placement %}`; the one definition is in config.dates.
register.filter("time_left", dates.time_left)


@register.filter
def board_items(cards: "Iterable[BoardCard]") -> SafeString:
    """The list items of a board column, escaped and joined in one go: the template's loop
    took ~15 µs a card and `format_html_join` ~10, this ~2 (a national board shows up to 175
    cards). `html.escape` is what Django's `escape` applies."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "\n".join(
            f'<li class="rop-card"><a class="utrecht-link" href="{escape(card.href)}">'
            f'{escape(card.code)}</a> <span class="rop-card__days">— {escape(card.days)}</span>'
            f"{_card_details(card)}</li>"
            for card in cards
        )
    )


def _card_details(card: "BoardCard") -> str:
    """A card's facts, offer deadline and flags (each flag in words, not colour alone)."""
    parts = []
    if card.facts:
        parts.append(f'<span class="rop-card__facts">{escape(card.facts)}</span>')
    if card.deadline:
        parts.append(f'<span class="rop-card__deadline">{escape(card.deadline)}</span>')
    if card.flags:
        # Badges in one wrapping row (`rop-card__flags` is a flex row); an at-risk placement
        # stands out as a warning, in words as well as colour.
        flags = " ".join(
            f'<span class="rop-flag{" rop-flag--warning" if flag in card.warnings else ""}">'
            f"{escape(flag)}</span>"
            for flag in card.flags
        )
        parts.append(f'<span class="rop-card__flags">{flags}</span>')
    return "".join(parts)


def whole_days_since(moment: datetime) -> int:
    """Calendar days from `moment` to today (local time): 0 today, 1 yesterday."""
    return (timezone.localdate() - timezone.localdate(moment)).days


@register.filter
def at_risk_text(placement: Placement) -> str:
    """ "Plaatsing onder druk: gedrag" for an active placement with an open risk, else "".
    Reads the `with_open_risk` annotation of the placements list (no query per row)."""
    reason = placement_at_risk_reason(placement)
    if reason is None:
        return ""
    label = dict(PlacementRisk.Reason.choices).get(reason, reason)
    return _("Plaatsing onder druk: %(reason)s") % {"reason": label}


@register.filter
def days_since(moment: datetime | None) -> int | str:
    if moment is None:
        return ""
    return whole_days_since(moment)


@register.inclusion_tag("placement/partials/home_panel.html", takes_context=True)
def placement_home_panel(context: template.Context) -> dict[str, Any]:
    """Coordinator: answers in, offers near their deadline, waiting referrals; provider: its
    open offers with time left. A fixed number of queries."""
    user = context.get("user")
    data: dict[str, Any] = {
        "current_role": context.get("current_role", ""),
        "Role": context.get("Role"),
    }
    if not isinstance(user, User):
        return data
    if user.is_provider:
        data["open_offers"] = list(
            offers_for_user(user=user).filter(status=Offer.Status.OPEN).order_by("deadline")[:10]
        )
    elif user.is_coordinator:
        soon = timezone.now() + timedelta(days=2)
        since = timezone.now() - timedelta(days=7)
        # Only the offers either count can hold (the answered ones from `offer_answered`, the
        # open ones from `offer_open_deadline`), not the region's whole history.
        offers = offers_for_user(user=user).filter(
            Q(answered_at__gte=since) | Q(status=Offer.Status.OPEN, deadline__lte=soon)
        )
        data.update(
            offers.aggregate(
                answers_in=Count(
                    "pk",
                    filter=Q(
                        answered_at__gte=since,
                        status__in=[
                            Offer.Status.ACCEPTED,
                            Offer.Status.REFUSED,
                            Offer.Status.EXPIRED,
                        ],
                    ),
                ),
                near_deadline=Count("pk", filter=Q(status=Offer.Status.OPEN, deadline__lte=soon)),
            )
        )
        counted = [
            Referral.Status.SUBMITTED,
            Referral.Status.WAITING,
            Referral.Status.MATCHING,
            Referral.Status.ACCEPTED,
        ]
        data.update(
            referrals_for_user(user=user)
            .filter(status__in=counted)  # from the index, not every referral of the region
            .aggregate(
                new_requests=Count("pk", filter=Q(status=Referral.Status.SUBMITTED)),
                waiting=Count("pk", filter=Q(status=Referral.Status.WAITING)),
                matching=Count("pk", filter=Q(status=Referral.Status.MATCHING)),
                accepted=Count("pk", filter=Q(status=Referral.Status.ACCEPTED)),
                longest_wait=Min("status_changed_at", filter=Q(status=Referral.Status.WAITING)),
            )
        )
        data["fitting_places"] = user.notifications.filter(
            kind="waiting.fitting_place", read_at__isnull=True
        ).count()
    return data


@register.inclusion_tag("placement/partials/referral_summary.html", takes_context=True)
def placement_summary(context: template.Context, referral: Referral) -> dict[str, Any]:
    """On the referral page: the 18-/18+ flag, and once placed the location and start date."""
    from django.conf import settings

    from placement.models import Placement
    from placement.selectors import turning_18_within

    youth = referral.youth
    start = referral.requested_start or timezone.localdate()
    return {
        "referral": referral,
        "current_role": context.get("current_role", ""),
        "Role": context.get("Role"),
        "turning_18_soon": youth.birth_date is not None
        and referral.is_open
        and turning_18_within(
            birth_date=youth.birth_date, start=start, days=settings.TURNING_18_WINDOW_DAYS
        ),
        "placement": Placement.objects.filter(referral=referral).select_related("location").first(),
    }
