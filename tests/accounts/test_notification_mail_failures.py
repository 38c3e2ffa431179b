"""One bad notification e-mail never blocks or re-sends the others (issue 24, point 6):
each e-mail is sent on its own, a failure is counted on its row with the reason, and after
NOTIFICATION_MAIL_MAX_ATTEMPTS it is given up and shown to the administrator."""

import smtplib
from collections.abc import Iterator, Sequence
from typing import ClassVar

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from accounts.models import JobRun, Notification
from accounts.services import notification_emails_send, notify
from accounts.tasks import send_pending_notification_emails
from tests.conftest import Cast


class RefusingBackend(BaseEmailBackend):
    """Keeps what it sends, as a real SMTP backend would check it (a subject with a line
    break raises BadHeaderError), and refuses every e-mail to `refused`."""

    sent: ClassVar[list[EmailMessage]] = []
    refused: ClassVar[str] = ""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            message.message()  # builds the headers: BadHeaderError on CR/LF in the subject
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
            self.sent.append(message)
        return len(email_messages)


@pytest.fixture
def mail(settings: SettingsWrapper) -> Iterator[type[RefusingBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    settings.NOTIFICATION_MAIL_MAX_ATTEMPTS = 3
    RefusingBackend.sent, RefusingBackend.refused = [], ""
    yield RefusingBackend
    RefusingBackend.sent = []


def test_a_line_break_in_the_message_never_reaches_the_subject(
    cast: Cast, mail: type[RefusingBackend]
) -> None:
    notify(recipients=[cast.coordinator], kind="x", message="Plaats vrij bij Groep\r\nBcc: x@y.nl")
    assert notification_emails_send() == 1
    (message,) = mail.sent
    assert "\r" not in message.subject and "\n" not in message.subject
    assert Notification.objects.get().emailed_at is not None


def test_a_refused_email_is_counted_and_the_others_go_out_once(
    cast: Cast, mail: type[RefusingBackend]
) -> None:
    mail.refused = cast.referrer.email
    for recipient in (cast.coordinator, cast.referrer, cast.provider_a):
        notify(recipients=[recipient], kind="x", message=f"Voor {recipient.username}.")

    send_pending_notification_emails.apply(throw=False)

    run = JobRun.objects.get(name="notifications.send_pending")
    assert run.outcome == JobRun.Outcome.OK
    assert sorted(m.to[0] for m in mail.sent) == sorted(
        [cast.coordinator.email, cast.provider_a.email]
    )
    bad = Notification.objects.get(recipient=cast.referrer)
    assert (bad.emailed_at, bad.mail_attempts, bad.mail_failed_at) == (None, 1, None)
    assert bad.mail_error.startswith("SMTPRecipientsRefused")

    # Every later sweep tries the bad one again, and never re-sends the others.
    assert notification_emails_send() == 0
    assert notification_emails_send() == 0
    bad.refresh_from_db()
    assert bad.mail_attempts == 3 and bad.mail_failed_at is not None
    assert len(mail.sent) == 2
    assert notification_emails_send() == 0  # given up: not tried again
    bad.refresh_from_db()
    assert bad.mail_attempts == 3


def test_the_mail_server_down_does_not_count_against_the_email(
    cast: Cast, settings: SettingsWrapper
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    notify(recipients=[cast.coordinator], kind="x", message="Later.")
    for _attempt in range(3):
        with pytest.raises(smtplib.SMTPConnectError):
            notification_emails_send()
    notification = Notification.objects.get()
    assert (notification.mail_attempts, notification.mail_failed_at) == (0, None)


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPConnectError(421, b"down")


def _given_up(cast: Cast) -> Notification:
    notify(recipients=[cast.referrer], kind="plaats_vrij", message="Een plaats is vrij.")
    notification = Notification.objects.get(recipient=cast.referrer)
    notification.mail_attempts = 5
    notification.mail_error = "SMTPRecipientsRefused: 550"
    notification.mail_failed_at = notification.created_at
    notification.save()
    notify(recipients=[cast.coordinator], kind="gewoon", message="Alles goed.")
    return notification


def test_the_admin_lists_the_given_up_emails_with_their_reason(cast: Cast) -> None:
    given_up = _given_up(cast)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/admin/accounts/notification/?mislukt=ja").content.decode()
    other = Notification.objects.exclude(pk=given_up.pk).get()
    assert f"/notification/{given_up.pk}/change/" in page
    assert f"/notification/{other.pk}/change/" not in page
    detail = client.get(f"/admin/accounts/notification/{given_up.pk}/change/").content.decode()
    assert "SMTPRecipientsRefused: 550" in detail


def test_the_jobs_page_counts_the_given_up_emails(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    assert 'data-testid="failed-mails"' not in client.get("/achtergrondtaken/").content.decode()
    _given_up(cast)
    page = client.get("/achtergrondtaken/").content.decode()
    assert 'data-testid="failed-mails"' in page
    assert "1 e-mail van een melding kon" in page
