"""Reads of the accounts app that more than one caller needs."""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.jobs import JOB_TEXTS, job_name_for_task, schedule_label
from accounts.models import (
    AuditEntry,
    JobRun,
    Notification,
    NotificationPreference,
    Region,
    Role,
    User,
)


def regions_for_user(*, user: User) -> QuerySet[Region]:
    """The regions a user works for, through its organisation."""
    if user.organisation_id is None:
        return Region.objects.none()
    return Region.objects.filter(organisations=user.organisation_id)


def coordinators_of_region(*, region_id: int | None) -> QuerySet[User]:
    """The active coordinators whose organisation works for the region: the users for whom
    `regions_for_user` holds it."""
    if region_id is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.COORDINATOR, is_active=True, organisation__regions=region_id
    ).distinct()


def audit_trail_for_referral(*, referral_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(referral_id=referral_id).order_by("-at", "-id")


# What a person types for a request code: ROP-2026-00191, rop-2026-00191, 2026-00191, 00191
# or 191 (spaces for the hyphens too).
REQUEST_CODE_QUERY = re.compile(r"^(?:rop[\s-]*)?(?:(\d{4})[\s-]+)?(\d{1,12})$", re.IGNORECASE)


def referrals_by_code(*, query: str) -> list[tuple[int, str]]:
    """The referrals (id, code) whose public code the query names, by the code's number
    (never by internal id). Without a year the number matches in every year: the current
    year first, then newer before older, so several matches can be shown to choose from."""
    referral_model = apps.get_model("referrals", "Referral")
    query = query.strip()
    match = REQUEST_CODE_QUERY.match(query)
    if match is None:
        found = referral_model.objects.filter(code__iexact=query)
    else:
        year, number = match.group(1), int(match.group(2))
        year_pattern = year if year else "[0-9]{4}"
        found = referral_model.objects.filter(code__regex=rf"^ROP-{year_pattern}-0*{number}$")
    rows = list(found.values_list("pk", "code")[:50])
    this_year = str(timezone.localdate().year)
    return sorted(rows, key=lambda row: (row[1][4:8] != this_year, _negated(row[1][4:8]), row[1]))


def _negated(year: str) -> int:
    return -int(year) if year.isdigit() else 0


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's notifications shown in the app (a kind set to e-mail only is not)."""
    return Notification.objects.filter(recipient=user, show_in_app=True).order_by(
        "-created_at", "-id"
    )


def notification_preferences_for_user(*, user: User) -> dict[str, tuple[bool, bool]]:
    """(in the app, e-mail at once) per kind the user has set; other kinds: both on."""
    return {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "in_app", "email"
        )
    }


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, show_in_app=True
    ).count()


@dataclass(frozen=True)
class JobOverview:
    """One background job on the jobs page: what it does, when, and its last runs."""

    name: str
    title: str | Promise
    description: str | Promise
    counts: str | Promise
    schedule: str
    runs: list[JobRun]

    @property
    def last(self) -> JobRun | None:
        return self.runs[0] if self.runs else None


def job_overview(*, runs_per_job: int) -> list[JobOverview]:
    """Every background job, the scheduled ones first (in schedule order), then those a
    change sets off; each with its last `runs_per_job` runs, newest first, in one query."""
    jobs = [
        (job_name_for_task(str(entry["task"])), schedule_label(entry["schedule"]))
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    ]
    scheduled = {name for name, _schedule in jobs}
    jobs += [(name, _("na een gebeurtenis")) for name in JOB_TEXTS if name not in scheduled]
    runs = (
        JobRun.objects.filter(name__in=[name for name, _schedule in jobs])
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("name")],
                order_by=[F("started_at").desc(), F("id").desc()],
            )
        )
        .filter(position__lte=runs_per_job)
        .order_by("name", "position")
    )
    runs_by_name: dict[str, list[JobRun]] = defaultdict(list)
    for run in runs:
        runs_by_name[run.name].append(run)
    overview = []
    for name, schedule in jobs:
        text = JOB_TEXTS.get(name)
        overview.append(
            JobOverview(
                name=name,
                title=text.title if text else name,
                description=text.description if text else "",
                counts=text.counts if text else "",
                schedule=schedule,
                runs=runs_by_name[name],
            )
        )
    return overview
