"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from accounts.services import notification_digests_send, notification_emails_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    """Email the given stored notifications (ids only: never content in task arguments)."""
    return notification_emails_send(ids=ids)


@shared_task
@tracked_job("notifications.send_pending")
def send_pending_notification_emails() -> int:
    """Sweep: email whatever was stored while the broker was unreachable."""
    return notification_emails_send()


@shared_task
@tracked_job("notifications.daily_digest")
def send_notification_digests() -> int:
    """Daily: the digest of yesterday's notifications for users who chose one (idempotent)."""
    return notification_digests_send()
