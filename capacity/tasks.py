"""Celery tasks of capacity: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from capacity.services import stale_reminders_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("capacity.stale_reminders")
def send_stale_reminders() -> int:
    """Every morning: remind providers whose figures are stale (idempotent per day)."""
    return stale_reminders_send()
