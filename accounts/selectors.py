"""Reads of the accounts app that more than one caller needs."""

from django.db.models import QuerySet

from accounts.models import AuditEntry, Notification, Region, User


def regions_for_user(*, user: User) -> QuerySet[Region]:
    """The regions a user works for, through its organisation."""
    if user.organisation_id is None:
        return Region.objects.none()
    return Region.objects.filter(organisations=user.organisation_id)


def audit_trail_for_referral(*, referral_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(referral_id=referral_id).order_by("-at", "-id")


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
