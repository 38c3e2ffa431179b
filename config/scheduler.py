"""A tiny in-process stand-in for Celery beat, for the local demo without Redis.

It reads the same CELERY_BEAT_SCHEDULE and runs each due task eagerly in a daemon thread
of the process that serves `runserver`, so `make run` has working background jobs with no
broker. Each task records its run (accounts.jobs.tracked_job), so the jobs page shows it.
"""

import logging
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime

from celery.schedules import maybe_schedule
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.db import close_old_connections
from django.utils import timezone

from config.celery_app import app

logger = logging.getLogger(__name__)
_start_lock = threading.Lock()
_started = False


def serving_process(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether this process serves the requests of `runserver`.

    With the autoreloader the first process only watches the files and runs the server in a
    child it marks with RUN_MAIN=true; with --noreload the first process serves itself.
    Every other command (migrate, seed_demo, shell) and the tests serve nothing.
    """
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    if environ.get("RUN_MAIN") == "true":
        return True
    # The command's own parser, so every spelling runserver accepts means the same here.
    command = load_command_class(get_commands()["runserver"], "runserver")
    options, _rest = command.create_parser(argv[0], "runserver").parse_known_args(argv[2:])
    return not options.use_reloader


def start_if_serving(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Start the scheduler when enabled and this is runserver's serving process (ready())."""
    if not settings.INPROCESS_SCHEDULER:
        return False
    argv = sys.argv if argv is None else argv
    if not serving_process(argv, os.environ if environ is None else environ):
        return False
    return start()


def register_tasks() -> None:
    """Import the tasks module of every app, as a Celery worker does when it starts.

    `app.autodiscover_tasks()` in config/celery_app.py waits for a worker to ask for the
    modules; without a worker no task of the schedule is known (NotRegistered).
    """
    app.autodiscover_tasks(force=True)


def run_due(last_runs: dict[str, datetime]) -> list[str]:
    """Run each job of the schedule that is due, and answer their names.

    A job without an entry in `last_runs` has not run in this process yet and is due, so
    the first call runs every job once. A failing job is logged (and recorded as failed by
    its task) and does not stop the others.
    """
    ran = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        last = last_runs.get(name)
        if last is not None and not maybe_schedule(entry["schedule"], app=app).is_due(last)[0]:
            continue
        last_runs[name] = timezone.now()
        ran.append(name)
        _run(name, str(entry["task"]))
    return ran


def _run(name: str, task_name: str) -> None:
    try:
        task = app.tasks[task_name]
        # One attempt per turn: run eagerly, Celery would retry at once and ignore the
        # backoff. The job's next turn is its retry.
        task.apply(retries=task.max_retries or 0, throw=True)
    except Exception:
        logger.exception("In-process job %s failed", name)


def _loop(interval: float) -> None:
    # Started from ready(): wait until every app is ready before importing the tasks.
    while not apps.ready:
        time.sleep(0.05)
    try:
        register_tasks()
    except Exception:
        logger.exception("In-process scheduler: importing the tasks failed")
    last_runs: dict[str, datetime] = {}
    while True:
        run_due(last_runs)
        # This thread's own connection, as a request's would be: not kept past its age.
        close_old_connections()
        time.sleep(interval)


def start(interval: float = 10.0) -> bool:
    """Start the scheduler thread, once per process; answer whether this call started it."""
    global _started
    with _start_lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=_loop, args=(interval,), name="rop-scheduler", daemon=True).start()
    logger.info("In-process scheduler started (%d jobs)", len(settings.CELERY_BEAT_SCHEDULE))
    return True
