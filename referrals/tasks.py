"""Celery tasks of referrals: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from referrals.retention import youth_identities_erase_expired


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("referrals.retention_erase")
def erase_expired_identities() -> int:
    """Every night: erase the identity of youths whose referral closed beyond retention."""
    return youth_identities_erase_expired()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("referrals.crisis_documents_reminders")
def send_crisis_document_reminders() -> int:
    """Every morning: chase the documents of crisis placements due soon or overdue."""
    from referrals.services import crisis_documents_remind

    return crisis_documents_remind()
