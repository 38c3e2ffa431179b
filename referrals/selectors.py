"""Reads of referrals: every query starts from the user's scope; identity reads are audited."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.selectors import regions_for_user
from accounts.services import audit_record
from config.errors import NotFound
from referrals.models import Referral, ReferralEvent, YouthIdentity


def referrals_for_user(*, user: User) -> QuerySet[Referral]:
    """The referrals a user may see at all.

    Referrer: its own organisation's. Coordinator: every referral past draft whose youth lives
    in one of its organisation's regions (`Referral.region`, kept from the home municipality;
    a draft is the referrer's work in progress).
    Everyone else: none here; providers see referrals only through offers (placement).
    No joins that multiply rows, so callers may add `select_for_update()`.
    """
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    if user.role == Role.REFERRER and user.organisation_id is not None:
        return Referral.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.COORDINATOR:
        return Referral.objects.exclude(status=Referral.Status.DRAFT).filter(
            region__in=regions_for_user(user=user)
        )
    return Referral.objects.none()


DEFAULT_RELATED = ("current_analysis", "organisation", "referrer")


def referral_for_user(
    *,
    user: User,
    pk: object,
    action: str = "referral.read",
    related: Sequence[str] = DEFAULT_RELATED,
    annotations: Mapping[str, Any] | None = None,
    only: Sequence[str] = (),
) -> Referral:
    """One referral in the user's scope; outside it the refusal is audited and NotFound raised.

    `related`, `annotations` and `only` let a hot caller read exactly what it needs in this one
    query (every join makes PostgreSQL's planning of it slower, every column Django's reading)."""
    try:
        referral_id = int(str(pk))
    except ValueError:
        raise NotFound from None
    referrals = referrals_for_user(user=user).select_related(*related)
    if annotations:
        referrals = referrals.annotate(**annotations)
    if only:
        referrals = referrals.only(*only)
    referral = referrals.filter(pk=referral_id).order_by().first()
    if referral is None:
        audit_record(user=user, action=action, referral_id=referral_id, allowed=False)
        raise NotFound
    return referral


def youth_identity_for(*, referral: Referral, user: User) -> YouthIdentity:
    """The youth's identity, for a user in scope, with an audit entry for the read."""
    allowed = referrals_for_user(user=user).filter(pk=referral.pk).exists()
    audit_record(
        user=user,
        action="youth.read",
        referral_id=referral.pk,
        object_type="youth_identity",
        object_id=referral.youth_id,
        allowed=allowed,
    )
    if not allowed:
        raise NotFound
    return YouthIdentity.objects.select_related("municipality").get(pk=referral.youth_id)


def referral_timeline(*, referral: Referral) -> QuerySet[ReferralEvent]:
    return ReferralEvent.objects.filter(referral=referral).select_related("by").order_by("at", "id")


def intake_for_coordinator(*, user: User) -> QuerySet[Referral]:
    """Submitted referrals waiting for triage, oldest first."""
    return (
        referrals_for_user(user=user)
        .filter(status=Referral.Status.SUBMITTED)
        .order_by("submitted_at", "id")
    )
