"""The outbox sweep (queue `maintenance`, every minute from the beat schedule)."""

from celery import shared_task

from accounts.jobs import tracked_job
from outbox.services import dispatch_pending


@shared_task
@tracked_job("outbox.dispatch_pending")
def dispatch_pending_tasks() -> int:
    """Send the background work recorded while the broker was unreachable."""
    from analyses.services import report_runs_fail_lost

    sent = dispatch_pending()
    report_runs_fail_lost()
    return sent
