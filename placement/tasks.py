"""Celery tasks of placement: thin, idempotent wrappers around services (ids only)."""

from celery import shared_task

from accounts.jobs import tracked_job
from placement import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("offers.expire_overdue")
def expire_overdue_offers() -> int:
    return services.offers_expire_overdue()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("offers.send_reminders")
def send_offer_reminders() -> int:
    return services.offers_send_reminders()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("placements.start_due")
def start_due_placements() -> int:
    return services.placements_start_due()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("waiting_list.watch")
def watch_waiting_list(location_id: int) -> int:
    return services.waiting_list_watch(location_id=location_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("waiting_list.sweep")
def watch_waiting_lists() -> int:
    return services.waiting_lists_watch()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("placements.alert_missing_adult_plan")
def alert_missing_adult_plans() -> int:
    return services.placements_alert_missing_adult_plan()
