"""The e-mail sweep sends and marks one notification at a time: what went out stays marked
when a later e-mail fails, and two sweeps at once never send the same e-mail."""

import smtplib
import threading
import time
from collections.abc import Iterator, Sequence
from typing import ClassVar

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from pytest_django import Settings as SettingsWrapper

from accounts.models import JobRun, Notification
from accounts.services import notification_emails_send, notify
from accounts.tasks import send_pending_notification_emails
from tests.conftest import Cast


class FlakyBackend(BaseEmailBackend):
    """Keeps what it sends; the `fail_at`-th e-mail of the test fails as a dropped SMTP
    connection, and each e-mail takes `delay` seconds."""

    sent: ClassVar[list[EmailMessage]] = []
    attempts: ClassVar[int] = 0
    fail_at: ClassVar[int | None] = None
    delay: ClassVar[float] = 0.0
    lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            with self.lock:
                FlakyBackend.attempts += 1
                attempt = FlakyBackend.attempts
            if attempt == self.fail_at:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            time.sleep(self.delay)
            with self.lock:
                self.sent.append(message)
        return len(email_messages)


@pytest.fixture
def flaky_mail(settings: SettingsWrapper) -> Iterator[type[FlakyBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.sent, FlakyBackend.attempts = [], 0
    FlakyBackend.fail_at, FlakyBackend.delay = None, 0.0
    yield FlakyBackend
    FlakyBackend.sent = []


def test_a_failure_midway_keeps_what_was_sent_and_the_rerun_sends_only_the_rest(
    cast: Cast, flaky_mail: type[FlakyBackend]
) -> None:
    recipients = [cast.coordinator, cast.referrer, cast.referrer2, cast.provider_a, cast.provider_b]
    for recipient in recipients:  # after-commit sending never runs here: left for the sweep
        notify(recipients=[recipient], kind="x", message=f"Voor {recipient.username}.")
    flaky_mail.fail_at = 3

    send_pending_notification_emails.apply(throw=False)

    run = JobRun.objects.get(name="notifications.send_pending")
    assert (run.outcome, run.detail) == (JobRun.Outcome.FAILED, "SMTPServerDisconnected")
    assert [m.to for m in flaky_mail.sent] == [[r.email] for r in recipients[:2]]
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert set(emailed.values_list("recipient", flat=True)) == {r.pk for r in recipients[:2]}

    assert notification_emails_send() == 3
    assert [m.to for m in flaky_mail.sent] == [[r.email] for r in recipients]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_email_without_address_is_marked_and_not_sent(
    cast: Cast, flaky_mail: type[FlakyBackend]
) -> None:
    cast.analyst.email = ""
    cast.analyst.save(update_fields=["email"])
    notify(recipients=[cast.analyst, cast.coordinator], kind="x", message="Beide.")
    assert notification_emails_send() == 1
    assert [m.to for m in flaky_mail.sent] == [[cast.coordinator.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_send_the_same_email(
    cast: Cast, flaky_mail: type[FlakyBackend]
) -> None:
    # Stored directly: with autocommit, notify() would send them itself straight away.
    Notification.objects.bulk_create(
        Notification(recipient=cast.coordinator, kind="x", message=f"Melding {index}")
        for index in range(20)
    )
    flaky_mail.delay = 0.02  # each sweep holds its claim while "sending"
    counts: list[int] = []
    start = threading.Barrier(2)

    def sweep() -> None:
        try:
            start.wait()
            counts.append(notification_emails_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    subjects = [message.subject for message in flaky_mail.sent]
    assert len(subjects) == len(set(subjects)) == 20
    assert sum(counts) == 20
    assert min(counts) > 0  # both sweeps sent: they ran side by side
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
