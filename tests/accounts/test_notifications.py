"""Notifications: stored first, emailed after commit, once per key, survive a broker outage."""

import socket
from collections.abc import Iterator

import kombu.pools
import pytest
from django.core import mail
from django.test import Client

from accounts.models import Notification
from accounts.services import (
    notification_emails_batched,
    notification_emails_send,
    notification_mark_read,
    notify,
)
from accounts.tasks import send_pending_notification_emails
from config.celery_app import app as celery_app
from tests.conftest import Cast


def test_it_stores_and_emails_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(
            recipients=[cast.coordinator],
            kind="offer.answered",
            message="Een aanbieder heeft geantwoord.",
            link="/x/",
        )
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert "Een aanbieder heeft geantwoord." in mail.outbox[0].body
    assert mail.outbox[0].to == [cast.coordinator.email]


def test_a_bulk_load_emails_in_one_job_and_skips_what_was_read(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    """Inside `notification_emails_batched` (the demo history) one job emails them all after
    the commit; a notification read in the app before that is not emailed."""
    capture = django_capture_on_commit_callbacks(execute=True)  # type: ignore[operator]
    with capture as callbacks, notification_emails_batched():
        for kind in ("offer.new", "offer.accepted"):
            notify(recipients=[cast.coordinator], kind=kind, message=kind, link="/x/")
        notify(recipients=[cast.provider_a], kind="offer.new", message="nieuw", link="/x/")
        notification_mark_read(user=cast.provider_a)
    assert len(callbacks) == 1
    assert sorted(message.body.split("\n")[0] for message in mail.outbox) == [
        "offer.accepted",
        "offer.new",
    ]
    assert not Notification.objects.filter(recipient=cast.coordinator, emailed_at=None).exists()


def test_the_same_key_notifies_once(cast: Cast, django_capture_on_commit_callbacks: object) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            notify(
                recipients=[cast.provider_a, cast.provider_b],
                kind="capacity.stale",
                message="Bevestig uw vrije plekken.",
                dedupe_key="stale:2026-11-23",
            )
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_inactive_users_are_not_notified(cast: Cast) -> None:
    cast.provider_b.is_active = False
    cast.provider_b.save()
    notify(recipients=[cast.provider_b], kind="x", message="y")
    assert Notification.objects.count() == 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fresh_broker_pools() -> None:
    """Close every broker connection and forget the pools: a closed pool is never reopened
    by itself, and an eager job acquires a producer too, so later tests would fail."""
    kombu.pools.reset()
    celery_app._after_fork()  # drops the app's connection and producer pools (as in a fork)


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Point Celery at a port where nothing listens, as when Redis is down."""
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "broker_connection_timeout")
    }
    saved_retry = celery_app.conf.task_publish_retry
    celery_app.conf.update(
        broker_url=f"redis://127.0.0.1:{_closed_port()}/0",
        task_always_eager=False,
        broker_connection_timeout=0.5,
        task_publish_retry=False,
    )
    _fresh_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.update(**saved, task_publish_retry=saved_retry)
        _fresh_broker_pools()


@pytest.mark.django_db(transaction=True)
def test_broker_down_loses_nothing_and_the_sweep_sends_later(cast: Cast, broker_down: None) -> None:
    notify(recipients=[cast.coordinator], kind="offer.expired", message="Voorstel verlopen.")
    notification = Notification.objects.get()
    assert notification.emailed_at is None  # stored, not sent
    assert mail.outbox == []

    # The broker is back: the periodic sweep sends it, once.
    assert send_pending_notification_emails.apply().get() == 1
    assert send_pending_notification_emails.apply().get() == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_sending_twice_does_not_email_twice(cast: Cast) -> None:
    notify(recipients=[cast.coordinator], kind="x", message="Eén keer.")
    assert notification_emails_send() == 1
    assert notification_emails_send() == 0
    assert len(mail.outbox) == 1


def test_notification_page_lists_only_own_and_marks_read(client: Client, cast: Cast) -> None:
    notify(recipients=[cast.coordinator], kind="x", message="Voor de coördinator.")
    notify(recipients=[cast.referrer], kind="x", message="Voor de verwijzer.")
    client.force_login(cast.coordinator)
    page = client.get("/meldingen/").content.decode()
    assert "Voor de coördinator." in page
    assert "Voor de verwijzer." not in page
    assert 'aria-label="1 ongelezen melding"' in page

    other = Notification.objects.get(recipient=cast.referrer)
    client.post(f"/meldingen/{other.pk}/gelezen/")
    other.refresh_from_db()
    assert other.read_at is None  # someone else's notification is untouched

    client.post("/meldingen/gelezen/")
    assert not Notification.objects.filter(recipient=cast.coordinator, read_at=None).exists()


def test_notification_link_is_followed_only_within_the_site(client: Client, cast: Cast) -> None:
    own = notify(recipients=[cast.coordinator], kind="x", message="a", link="/meldingen/")[0]
    evil = notify(recipients=[cast.coordinator], kind="x", message="b", link="https://evil.x/")[0]
    client.force_login(cast.coordinator)
    assert client.post(f"/meldingen/{own.pk}/gelezen/", {"follow": "1"})["Location"] == (
        "/meldingen/"
    )
    assert client.post(f"/meldingen/{evil.pk}/gelezen/", {"follow": "1"})["Location"] == (
        "/meldingen/"
    )


def test_empty_state_explains(client: Client, cast: Cast) -> None:
    client.force_login(cast.analyst)
    assert "U heeft geen meldingen" in client.get("/meldingen/").content.decode()


def test_notification_list_query_count_is_constant(
    client: Client, cast: Cast, django_assert_max_num_queries: object
) -> None:
    for index in range(30):
        notify(recipients=[cast.coordinator], kind="x", message=f"Melding {index}")
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get("/meldingen/").status_code == 200


def test_job_runs_are_recorded(cast: Cast) -> None:
    from accounts.models import JobRun

    send_pending_notification_emails.apply()
    run = JobRun.objects.get()
    assert run.name == "notifications.send_pending"
    assert run.outcome == JobRun.Outcome.OK
    assert run.duration_ms is not None
