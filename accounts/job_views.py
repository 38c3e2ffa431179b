"""The background-jobs page for coordinators: per job its schedule and its last runs."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Notification, Role
from accounts.permissions import role_required
from accounts.selectors import job_overview

RUNS_SHOWN = 5
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _demo_mail_folder() -> str:
    """The folder e-mails are written to instead of sent (the demo), or "" when they are sent."""
    if settings.EMAIL_BACKEND != FILE_BACKEND:
        return ""
    return str(Path(settings.EMAIL_FILE_PATH).resolve())


@require_GET
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = job_overview(runs_per_job=RUNS_SHOWN)
    return render(
        request,
        "accounts/jobs.html",
        {
            "jobs": jobs,
            "any_run": any(job.runs for job in jobs),
            "runs_shown": RUNS_SHOWN,
            "demo_mail_folder": _demo_mail_folder(),
            # E-mails given up after repeated failures; the admin lists them (and why).
            "failed_mails": Notification.objects.filter(mail_failed_at__isnull=False).count(),
        },
    )
