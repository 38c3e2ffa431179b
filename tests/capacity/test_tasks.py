"""The daily stale-figure reminder: one per provider per day, email and in-app, idempotent."""

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import JobRun, Notification
from capacity.models import Location
from capacity.services import stale_reminders_send
from capacity.tasks import send_stale_reminders
from tests.conftest import Cast
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_stale(*locations: Location, days: int = 8) -> None:
    Location.objects.filter(pk__in=[loc.pk for loc in locations]).update(
        last_confirmed_at=timezone.now() - timezone.timedelta(days=days)
    )


def test_run_twice_sends_one_reminder(
    cast: Cast,
    location_a: Location,
    location_b: Location,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_stale(location_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_stale_reminders.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_stale_reminders.apply().get() == 0
    notification = Notification.objects.get()
    assert notification.recipient == cast.provider_a
    assert notification.link == "/capacity/mijn-locaties/"
    assert "1 locatie" in notification.message
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.provider_a.email]
    runs = JobRun.objects.filter(name="capacity.stale_reminders")
    assert [run.outcome for run in runs] == ["ok", "ok"]


def test_every_provider_colleague_is_reminded_once_a_day(cast: Cast, location_a: Location) -> None:
    colleague = UserFactory(role="provider", organisation=cast.provider_a_org)
    LocationFactory(provider=cast.provider_a_org)  # another, fresh
    second = LocationFactory(provider=cast.provider_a_org)
    make_stale(location_a, second)
    now = timezone.now()
    assert stale_reminders_send(now=now) == 2
    assert stale_reminders_send(now=now) == 0
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        cast.provider_a.pk,
        colleague.pk,
    }
    assert "2 locaties" in Notification.objects.first().message  # type: ignore[union-attr]
    # The next day, still stale: one new reminder each.
    assert stale_reminders_send(now=now + timezone.timedelta(days=1)) == 2


def test_fresh_figures_and_inactive_locations_get_no_reminder(
    cast: Cast, location_a: Location
) -> None:
    inactive = LocationFactory(provider=cast.provider_b_org, is_active=False)
    make_stale(inactive)
    make_stale(location_a, days=6)
    assert stale_reminders_send() == 0
    assert not Notification.objects.exists()


def test_a_never_confirmed_location_is_stale(cast: Cast, location_a: Location) -> None:
    Location.objects.filter(pk=location_a.pk).update(last_confirmed_at=None)
    assert stale_reminders_send() == 1


def test_the_job_is_scheduled_every_morning() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["capacity-stale-reminders"]
    assert entry["task"] == "capacity.tasks.send_stale_reminders"
