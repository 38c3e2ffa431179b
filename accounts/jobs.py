"""Background-job bookkeeping: every run of a job is recorded (last run, duration, outcome)."""

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.utils import timezone

from accounts.models import JobRun

P = ParamSpec("P")
R = TypeVar("R")


def tracked_job(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a JobRun around the job body; a failure is recorded and then re-raised."""

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            run = JobRun.objects.create(name=name)
            started = time.monotonic()
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                _finish(run, started, JobRun.Outcome.FAILED, type(exc).__name__)
                raise
            _finish(run, started, JobRun.Outcome.OK, "" if result is None else str(result)[:500])
            return result

        return wrapper

    return decorator


def _finish(run: JobRun, started: float, outcome: str, detail: str) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.outcome = outcome
    run.detail = detail
    run.save(update_fields=["finished_at", "duration_ms", "outcome", "detail"])
