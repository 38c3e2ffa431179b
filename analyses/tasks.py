"""Celery jobs of analyses (queue `reports`): thin wrappers around the services."""

from celery import shared_task

from accounts.jobs import tracked_job
from analyses.models import ReportRun
from analyses.services import reports_rebuild


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
@tracked_job("analyses.rebuild_reports")
def rebuild_reports(run_id: int | None = None) -> str:
    """Nightly (beat) and on demand; idempotent: the same data gives the same rows."""
    run = ReportRun.objects.using("default").filter(pk=run_id).first() if run_id else None
    run = reports_rebuild(run=run)
    return f"{run.rows} rijen in {run.duration_ms} ms"
