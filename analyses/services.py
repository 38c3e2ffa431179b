"""Writes of analyses: rebuilding the reports, and asking for a rebuild.

A rebuild replaces every report in ONE transaction (delete + insert per report): if any
builder fails, nothing is replaced and the previous rows stay (DESIGN.md rule 7).
"""

import time

from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Role, User
from analyses import builders
from analyses.models import REPORT_MODELS, ReportRun
from analyses.sql import Dialect
from config.db_router import report_read_alias
from config.errors import NotFound

ALLOWED_ROLES = (Role.COORDINATOR, Role.ANALYST)


def report_run_request(*, by: User) -> ReportRun:
    """Coordinator or analyst asks for a rebuild; the job picks the run up (tasks.py)."""
    if by.role not in ALLOWED_ROLES:
        raise NotFound
    return ReportRun.objects.create(state=ReportRun.State.QUEUED, requested_by=by)


def reports_rebuild(*, run: ReportRun | None = None) -> ReportRun:
    """Rebuild every report from the event tables; log the run (state, duration, rows)."""
    if run is None:
        run = ReportRun.objects.create(state=ReportRun.State.RUNNING)
    started = time.monotonic()
    run.state = ReportRun.State.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["state", "started_at"])
    alias = report_read_alias()
    built_at = timezone.now()
    detail: dict[str, int] = {}
    try:
        with connections[alias].cursor() as cursor, transaction.atomic(using="default"):
            context = builders.Context(
                cursor=cursor,
                dialect=Dialect(connections[alias].vendor),
                as_of=timezone.localdate(),
                built_at=built_at,
            )
            for name, build in builders.BUILDERS.items():
                rows = build(context)
                model = REPORT_MODELS[name]
                model._default_manager.using("default").all().delete()
                model._default_manager.using("default").bulk_create(rows, batch_size=1000)
                detail[name] = len(rows)
    except Exception as exc:
        run.state = ReportRun.State.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:300]
        _finish(run, started)
        raise
    run.state = ReportRun.State.OK
    run.detail = detail
    run.rows = sum(detail.values())
    _finish(run, started)
    return run


def _finish(run: ReportRun, started: float) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["state", "error", "detail", "rows", "finished_at", "duration_ms"])
