# ruff: noqa: S608
# SQL is assembled only from table and column names and analyses.builders reports.
"""Writes of analyses: rebuilding the reports, and asking for a rebuild.

A rebuild replaces every report in ONE transaction (empty + insert per report): if any
builder fails, nothing is replaced and the previous rows stay (DESIGN.md rule 7). Reading
and writing the same database, each report is one INSERT … SELECT; reading from a replica,
the aggregate rows are fetched there and inserted on the primary in batches.
"""

import time
from contextlib import ExitStack
from datetime import timedelta

from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from analyses import builders
from analyses.models import REPORT_MODELS, ReportRow, ReportRun
from config.db_router import report_read_alias
from config.errors import NotFound
from outbox.services import dispatch, pending_for

ALLOWED_ROLES = (Role.COORDINATOR, Role.ANALYST)


def report_run_request(*, by: User) -> ReportRun:
    """Coordinator or analyst asks for a rebuild; the job picks the run up (tasks.py)."""
    if by.role not in ALLOWED_ROLES:
        raise NotFound
    with transaction.atomic():
        run = ReportRun.objects.create(state=ReportRun.State.QUEUED, requested_by=by)
        # In the outbox with the run: sent when the broker takes it, kept until then.
        dispatch("analyses.tasks.rebuild_reports", run_id=run.pk)
    return run


# A queued run whose job is no longer in the outbox and has not started after this long
# was lost (a worker that died holding it): it is marked failed, never left queued.
LOST_RUN_AFTER = timedelta(minutes=30)


def report_runs_fail_lost() -> int:
    """Mark failed the queued runs whose job went missing (see LOST_RUN_AFTER); answers
    how many. A run whose job still waits in the outbox for the broker stays queued."""
    lost = 0
    stale = ReportRun.objects.filter(
        state=ReportRun.State.QUEUED, created_at__lt=timezone.now() - LOST_RUN_AFTER
    )
    for run in stale:
        if pending_for("analyses.tasks.rebuild_reports", run_id=run.pk):
            continue
        lost += ReportRun.objects.filter(pk=run.pk, state=ReportRun.State.QUEUED).update(
            state=ReportRun.State.FAILED,
            finished_at=timezone.now(),
            error=gettext("De opdracht is niet uitgevoerd. Vraag de berekening opnieuw aan."),
        )
    return lost


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
        with ExitStack() as stack:
            stack.enter_context(transaction.atomic(using="default"))
            out = stack.enter_context(connections["default"].cursor())
            cursor = out
            if alias != "default":
                stack.enter_context(transaction.atomic(using=alias))  # for SET LOCAL
                cursor = stack.enter_context(connections[alias].cursor())
            else:
                _analyze_stale_sources(out)
            _tune(out)
            if alias != "default":
                _tune(cursor)
            context = builders.Context(
                cursor=cursor,
                as_of=timezone.localdate(),
                built_at=built_at,
                staged=alias == "default",
            )
            for name, build in builders.BUILDERS.items():
                report = build(context)
                detail[name] = _replace(context, out, REPORT_MODELS[name], report)
            context.drop_stages()
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


# The event tables the builders read (analyses/builders.py).
SOURCE_TABLES = (
    "accounts_municipality",
    "accounts_organisation",
    "accounts_region",
    "capacity_capacityevent",
    "capacity_location",
    "capacity_location_regions",
    "placement_offer",
    "placement_outsideplacement",
    "placement_placement",
    "placement_placementrisk",
    "referrals_explanatoryanalysis",
    "referrals_referral",
    "referrals_referralevent",
    "referrals_youthidentity",
)


def _analyze_stale_sources(cursor: CursorWrapper) -> None:
    """ANALYZE the source tables whose statistics say empty (or were never taken) while the
    table holds data.

    Autovacuum keeps the statistics of a running site current, but it cannot see rows that a
    transaction has not committed yet (the demo's seed, a test) nor a table filled since it
    last looked. With "0 rows" the planner joins the chain report's five tables in nested
    loops without an index: minutes of CPU for 250 placements. ANALYZE sees the rows of its
    own transaction; it needs the MAINTAIN privilege (granted to the application role).
    """
    cursor.execute(
        """SELECT c.relname FROM pg_class c
           WHERE c.relname = ANY(%s) AND c.relkind = 'r'
             AND c.reltuples <= 0 AND pg_relation_size(c.oid) > 0""",
        [list(SOURCE_TABLES)],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(f"ANALYZE {connections['default'].ops.quote_name(table)}")


def _tune(cursor: CursorWrapper) -> None:
    # The big GROUP BYs and sorts stay in memory instead of spilling to disk; compiling
    # with JIT costs more than it saves on statements of a fraction of a second.
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute("SET LOCAL jit = off")
    # ANALYZE of the staged facts: a small sample gives the row counts the plans need.
    cursor.execute("SET LOCAL default_statistics_target = 10")


def _replace(
    ctx: builders.Context, out: CursorWrapper, model: type[ReportRow], report: builders.Report
) -> int:
    """Empty the report's table and fill it with the rows of `report`; returns their count."""
    quote = connections["default"].ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in (*report.columns, "built_at"))
    # TRUNCATE is transactional in PostgreSQL and leaves no dead rows behind.
    out.execute(f"TRUNCATE {table}")
    if ctx.staged:
        out.execute(
            f"INSERT INTO {table} ({names}) SELECT q.*, %s::timestamptz FROM ({report.sql}) q",
            [ctx.built_at, *report.params],
        )
        return int(out.rowcount)
    # Reading from a replica: fetch the aggregate rows there, COPY them into the primary.
    ctx.cursor.execute(report.sql, list(report.params))
    rows = 0
    with out.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        while batch := ctx.cursor.fetchmany(5000):
            for row in batch:
                copy.write_row((*row, ctx.built_at))
            rows += len(batch)
    return rows
