"""Celery tasks of referrals: thin wrappers around services."""

from celery import shared_task

from accounts.jobs import tracked_job
from referrals.retention import youth_identities_erase_expired


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked_job("referrals.retention_erase")
def erase_expired_identities() -> int:
    """Every night: erase the identity of youths whose referral closed beyond retention."""
    return youth_identities_erase_expired()
