"""Celery tasks of capacity: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from capacity.services import (
    capacity_changes_apply_due,
    free_places_announce,
    location_bands_follow_year,
    stale_reminders_send,
)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("capacity.stale_reminders")
def send_stale_reminders() -> int:
    """Every morning: remind providers whose figures are stale (idempotent per day)."""
    return stale_reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("capacity.announce_free_places")
def announce_free_places(location_id: int) -> None:
    """Shortly after a rise in free places: tell the listeners (the waiting-list watcher)."""
    free_places_announce(location_id=location_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("capacity.apply_changes")
def apply_capacity_changes() -> int:
    """Every night: announced changes of size and closures whose date has come."""
    return capacity_changes_apply_due()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("capacity.bands_follow_year")
def bands_follow_year() -> int:
    """Every night: a location's intensity is its band of the current year (issue 22)."""
    return location_bands_follow_year()
