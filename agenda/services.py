"""Writes of the agenda: make and revoke a user's calendar feed link (each audited)."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from accounts.tokens import hash_key
from agenda.models import CalendarFeed


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new secret link for `user`; returns the feed with its secret, never shown again.

    The user's earlier link stops working (one usable link per user)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    now = timezone.now()
    for old in CalendarFeed.objects.filter(user=user, revoked_at__isnull=True):
        CalendarFeed.objects.filter(pk=old.pk).update(revoked_at=now)
        audit_record(
            user=user, action="calendar_feed.replace", object_type="calendar_feed", object_id=old.pk
        )
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_key(secret))
    audit_record(
        user=user, action="calendar_feed.create", object_type="calendar_feed", object_id=feed.pk
    )
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Revoke the user's usable link (audited); how many were revoked (0 or 1)."""
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=timezone.now())
        audit_record(
            user=user, action="calendar_feed.revoke", object_type="calendar_feed", object_id=feed.pk
        )
        revoked += 1
    return revoked
