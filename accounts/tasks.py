"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from accounts.services import notification_emails_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    """Email the given stored notifications (ids only: never content in task arguments)."""
    return notification_emails_send(ids=ids)


@shared_task
@tracked_job("notifications.send_pending")
def send_pending_notification_emails() -> int:
    """Sweep: email whatever was stored while the broker was unreachable."""
    return notification_emails_send()
