"""A tiny in-process stand-in for Celery beat, for the local demo without Redis.

It reads the same CELERY_BEAT_SCHEDULE and runs each due task eagerly in a daemon thread
of the web process, so `make run` has working background jobs with no broker.
"""

import logging
import threading
import time
from datetime import datetime

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)
_started = threading.Event()


def _run_due(last_runs: dict[str, datetime]) -> None:
    from config.celery_app import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = maybe_schedule(entry["schedule"])
        last = last_runs.get(name)
        due = last is None or bool(schedule.is_due(last).is_due)
        if not due:
            continue
        last_runs[name] = timezone.now()
        try:
            app.tasks[str(entry["task"])].apply()
        except Exception:
            logger.exception("In-process job %s failed", name)
        finally:
            close_old_connections()


def _loop(interval: float) -> None:
    last_runs: dict[str, datetime] = {}
    while True:
        _run_due(last_runs)
        time.sleep(interval)


def start(interval: float = 30.0) -> None:
    """Start the scheduler thread once per process."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_loop, args=(interval,), name="rop-scheduler", daemon=True).start()
    logger.info("In-process scheduler started (%d jobs)", len(settings.CELERY_BEAT_SCHEDULE))
