"""The demo's in-process scheduler: started only where runserver serves, it runs every job
of the beat schedule once at start and then on schedule, and each run is recorded."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from accounts.jobs import _JOB_NAMES, JOB_TEXTS, job_name_for_task, tracked_job
from accounts.models import JobRun
from config import scheduler

BASE_DIR = Path(__file__).resolve().parents[2]


@shared_task(autoretry_for=(Exception,), max_retries=3)
@tracked_job("tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("kapot")


def scheduled_job_names() -> set[str]:
    return {job_name_for_task(str(e["task"])) for e in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.parametrize(
    ("argv", "environ", "serving"),
    [
        (["manage.py", "runserver", "--noreload"], {}, True),
        (["manage.py", "runserver", "127.0.0.1:8101", "--noreload"], {}, True),
        # The autoreloader: its first process only watches, the child it starts serves.
        (["manage.py", "runserver"], {}, False),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "migrate", "--noinput"], {}, False),
        (["manage.py", "seed_demo"], {}, False),
        (["manage.py", "shell"], {"RUN_MAIN": "true"}, False),
        (["pytest", "tests/accounts"], {}, False),
        (["manage.py"], {}, False),
    ],
)
def test_it_starts_only_in_the_serving_process_of_runserver(
    argv: list[str], environ: dict[str, str], serving: bool
) -> None:
    assert scheduler.serving_process(argv, environ) is serving


def test_it_does_not_start_when_the_setting_is_off(settings: SettingsWrapper) -> None:
    settings.INPROCESS_SCHEDULER = False
    assert not scheduler.start_if_serving(["manage.py", "runserver", "--noreload"], {})


def test_every_job_has_a_dutch_name_and_description() -> None:
    scheduler.register_tasks()
    tracked = {name for name in _JOB_NAMES.values() if not name.startswith("tests.")}
    assert len(settings.CELERY_BEAT_SCHEDULE) == 14
    assert scheduled_job_names() <= tracked, "a scheduled task without @tracked_job"
    assert set(JOB_TEXTS) == tracked


def test_the_first_turn_runs_every_job_once_and_records_it(db: None) -> None:
    scheduler.register_tasks()
    assert scheduler.run_due({}) == list(settings.CELERY_BEAT_SCHEDULE)
    runs = list(JobRun.objects.all())
    assert sorted(run.name for run in runs) == sorted(scheduled_job_names())
    assert {run.outcome for run in runs} == {JobRun.Outcome.OK}, [(r.name, r.detail) for r in runs]
    assert all(run.finished_at and run.duration_ms is not None for run in runs)


def test_then_each_job_runs_on_its_schedule(db: None) -> None:
    scheduler.register_tasks()
    now = timezone.now()
    last_runs = dict.fromkeys(settings.CELERY_BEAT_SCHEDULE, now)
    assert scheduler.run_due(last_runs) == []
    last_runs["notifications-send-pending"] = now - timedelta(seconds=61)  # every minute
    last_runs["offers-expire-overdue"] = now - timedelta(minutes=5)  # every 15 minutes
    last_runs["analyses-rebuild-reports"] = now - timedelta(days=2)  # every night
    assert scheduler.run_due(last_runs) == [
        "notifications-send-pending",
        "analyses-rebuild-reports",
    ]
    assert sorted(JobRun.objects.values_list("name", flat=True)) == [
        "analyses.rebuild_reports",
        "notifications.send_pending",
    ]
    assert last_runs["notifications-send-pending"] >= now


def test_a_failing_job_is_recorded_once_and_does_not_stop_the_others(
    db: None, settings: SettingsWrapper
) -> None:
    scheduler.register_tasks()
    expected = scheduled_job_names()
    settings.CELERY_BEAT_SCHEDULE = {
        "unknown": {"task": "nowhere.tasks.missing", "schedule": timedelta(minutes=1)},
        "always-fails": {
            "task": "tests.accounts.test_scheduler.always_fails",
            "schedule": timedelta(minutes=1),
        },
        **settings.CELERY_BEAT_SCHEDULE,
    }
    scheduler.run_due({})
    failed = JobRun.objects.get(name="tests.always_fails")
    assert (failed.outcome, failed.detail) == (JobRun.Outcome.FAILED, "RuntimeError")
    # Eagerly Celery would retry at once; one attempt per turn instead.
    assert JobRun.objects.filter(name="tests.always_fails").count() == 1
    others = JobRun.objects.exclude(name="tests.always_fails")
    assert set(others.values_list("name", flat=True)) == expected
    assert set(others.values_list("outcome", flat=True)) == {JobRun.Outcome.OK}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reload_args", [["--noreload"], []], ids=["noreload", "autoreload"])
def test_make_run_runs_every_scheduled_job_and_records_it(
    reload_args: list[str], tmp_path: Path
) -> None:
    """`manage.py runserver` as `make run` starts it (local settings, no Redis): every job
    of the schedule runs in the web process on its first turn and records a JobRun."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "RUN_MAIN", "INPROCESS_SCHEDULER", "EMAIL_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=_database_url(),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "runserver.log"
    expected = scheduled_job_names()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", *reload_args, f"127.0.0.1:{_free_port()}"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            finished: set[str] = set()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and server.poll() is None:
                finished = set(
                    JobRun.objects.exclude(outcome=JobRun.Outcome.RUNNING).values_list(
                        "name", flat=True
                    )
                )
                if finished >= expected:
                    break
                time.sleep(0.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    output = log.read_text(errors="replace")[-4000:]
    assert finished >= expected, f"no run of {sorted(expected - finished)}:\n{output}"
    assert "NotRegistered" not in output, output
    outcomes = dict(JobRun.objects.values_list("name", "outcome"))
    assert set(outcomes.values()) == {JobRun.Outcome.OK}, (outcomes, output)
    if reload_args:  # one process, one scheduler: the nightly jobs ran exactly once
        nightly = ["capacity.stale_reminders", "analyses.rebuild_reports"]
        assert JobRun.objects.filter(name__in=nightly).count() == 2, output
