"""The outbox: every piece of background work goes through `dispatch()`.

`dispatch()` writes an OutboxTask row in the caller's transaction and, once that commits,
hands the task to Celery. When the broker is down the row stays pending and the sweep
(`dispatch_pending`, every minute from the beat schedule) sends it once the broker is back:
a change and the work it sets off are committed together, nothing is lost and the request
never fails on the broker. Delivery is at least once: the tasks are idempotent.
"""

import importlib
import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import transaction
from django.utils import timezone

from config.celery_app import app
from outbox.models import OutboxTask

logger = logging.getLogger(__name__)

# Dispatched rows are kept this long (for the admin and the fault test), then removed.
KEEP_DISPATCHED = timedelta(days=7)


def dispatch(task_name: str, *args: Any, countdown: int = 0, **kwargs: Any) -> OutboxTask:
    """Record `task_name(*args, **kwargs)` (JSON, ids only) and send it after the commit."""
    row = OutboxTask.objects.create(
        name=task_name, args=list(args), kwargs=kwargs, countdown=countdown
    )
    transaction.on_commit(lambda: send(row.pk))
    return row


def _task(name: str) -> Task:
    module = name.rpartition(".")[0]
    if name not in app.tasks and module:
        importlib.import_module(module)
    return app.tasks[name]


def _eager() -> bool:
    return bool(app.conf.task_always_eager)


def send(pk: int) -> bool:
    """Send one pending row to the broker; answer whether it went (False: still pending).

    With a broker the row is locked while it is sent (a concurrent sweep skips it) and
    marked only once the broker took it. Without one (tests, the local demo: eager tasks)
    the row is marked first and the task then runs here, outside any transaction of ours;
    a failing task is recorded by its own job run and logged, not retried by the outbox.
    """
    if _eager():
        claimed = OutboxTask.objects.filter(pk=pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), attempts=1
        )
        if not claimed:
            return False
        claimed_row = OutboxTask.objects.get(pk=pk)
        try:
            _task(claimed_row.name).apply_async(
                args=claimed_row.args, kwargs=claimed_row.kwargs, countdown=claimed_row.countdown
            )
        except Exception:
            logger.exception("Outbox task %s #%s failed", claimed_row.name, pk)
        return True
    with transaction.atomic():
        row = (
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, dispatched_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        due = row.created_at + timedelta(seconds=row.countdown)
        countdown = max(0, int((due - timezone.now()).total_seconds()))
        row.attempts += 1
        try:
            _task(row.name).apply_async(args=row.args, kwargs=row.kwargs, countdown=countdown)
        except Exception as exc:  # the broker is down: the sweep tries again
            row.last_error = f"{type(exc).__name__}: {exc}"[:300]
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("Broker unavailable; %s #%s kept in the outbox", row.name, pk)
            return False
        row.dispatched_at = timezone.now()
        row.save(update_fields=["attempts", "dispatched_at"])
        return True


def dispatch_pending(*, limit: int = 500) -> int:
    """Send the pending rows, oldest first; stop at the first broker failure (the next
    sweep tries again). Old dispatched rows are removed. Answers the number sent."""
    OutboxTask.objects.filter(dispatched_at__lt=timezone.now() - KEEP_DISPATCHED).delete()
    pending = OutboxTask.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True)
    sent = 0
    for pk in list(pending[:limit]):
        if send(pk):
            sent += 1
        elif OutboxTask.objects.filter(pk=pk, dispatched_at__isnull=True).exists():
            break  # still pending: the broker refused it; the next sweep tries again
    return sent


def pending_for(task_name: str, **kwargs: Any) -> bool:
    """Whether a pending row of `task_name` with these keyword arguments exists."""
    return OutboxTask.objects.filter(
        name=task_name, dispatched_at__isnull=True, kwargs__contains=kwargs
    ).exists()
