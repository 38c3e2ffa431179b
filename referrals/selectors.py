"""Reads of referrals: every query starts from the user's scope; identity reads are audited."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
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


def youth_identity_for(
    *, referral: Referral, user: User, action: str = "youth.read"
) -> YouthIdentity:
    """The youth's identity, for a user in scope, with an audit entry for the read
    (`action` "youth.print" when it is printed, referrals/print_views.py)."""
    allowed = referrals_for_user(user=user).filter(pk=referral.pk).exists()
    audit_record(
        user=user,
        action=action,
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


# A board row: id, code, status, status_changed_at, and how many referrals its column holds.
BoardRow = tuple[int, str, str, datetime, int]

# The board: per region in the coordinator's scope and per column, the oldest cards walked in
# index order (`referral_region`: region, status, status_changed_at), so a region's thousand
# open referrals are counted from the index and only the shown cards are read. The regions
# are `regions_for_user`'s, as in `referrals_for_user` (every status here is past draft).
BOARD_SQL = """
WITH scope AS MATERIALIZED ({regions}), columns AS MATERIALIZED (
    SELECT s.status,
           (SELECT count(*) FROM referrals_referral r
             WHERE r.region_id IN (SELECT id FROM scope) AND r.status = s.status)
           AS in_column
      FROM unnest(%s::varchar[]) AS s(status)
), cards AS (
    SELECT c.id, c.code, c.status, c.status_changed_at,
           row_number() OVER (PARTITION BY c.status ORDER BY c.status_changed_at, c.id)
           AS position
      FROM scope g
     CROSS JOIN columns s
     CROSS JOIN LATERAL (
           SELECT r.id, r.code, r.status, r.status_changed_at FROM referrals_referral r
            WHERE r.region_id = g.id AND r.status = s.status
            ORDER BY r.status_changed_at, r.id
            LIMIT %s) c
)
SELECT cards.id, cards.code, cards.status, cards.status_changed_at, columns.in_column
  FROM cards JOIN columns ON columns.status = cards.status
 WHERE cards.position <= %s
 ORDER BY cards.status_changed_at, cards.id
"""


def board_rows(*, user: User, statuses: Sequence[str], per_column: int) -> list[BoardRow]:
    """The coordinator's board: the `per_column` oldest referrals of each status (by
    status_changed_at, then id) with each column's count, in one query whatever the numbers.
    Rows come oldest first; a column without referrals has none; no one else has a board."""
    if user.role != Role.COORDINATOR or not user.is_active or user.organisation_id is None:
        return []
    regions, params = regions_for_user(user=user).values("id").query.sql_with_params()
    past_draft = [status for status in statuses if status != Referral.Status.DRAFT]
    with connection.cursor() as cursor:
        cursor.execute(
            BOARD_SQL.format(regions=regions), [*params, past_draft, per_column, per_column]
        )
        return [tuple(row) for row in cursor.fetchall()]
