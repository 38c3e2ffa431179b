"""Notifications under control (issue 20, point 8): per kind in the app and/or by e-mail,
the daily digest (once per user per day, codes and counts only), the notifications page."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Notification, NotificationDigest, NotificationPreference, User
from accounts.services import notification_digests_send, notification_emails_send, notify
from accounts.tasks import send_notification_digests
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def prefer(user: User, kind: str, *, in_app: bool, email: bool) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, in_app=in_app, email=email)


def send(user: User, kind: str = "offer.new", message: str = "Verzoek ROP-2026-00012: x") -> None:
    notify(recipients=[user], kind=kind, message=message, link="/x/")


def test_by_default_it_shows_and_mails_as_before(cast: Cast) -> None:
    send(cast.coordinator)
    notification = Notification.objects.get()
    assert notification.show_in_app and notification.send_email
    assert notification_emails_send() == 1


def test_a_kind_set_to_in_app_only_is_not_mailed(cast: Cast) -> None:
    prefer(cast.coordinator, "offer.new", in_app=True, email=False)
    send(cast.coordinator)
    send(cast.coordinator, kind="offer.refused")
    assert notification_emails_send() == 1
    assert [m.subject for m in mail.outbox] == ["Regie op Plaatsing: Verzoek ROP-2026-00012: x"]
    html = client_for(cast.coordinator).get("/meldingen/").content.decode()
    assert html.count("Verzoek ROP-2026-00012: x") == 2


def test_a_kind_set_to_email_only_is_not_in_the_app(cast: Cast) -> None:
    prefer(cast.coordinator, "offer.new", in_app=False, email=True)
    send(cast.coordinator)
    assert notification_emails_send() == 1
    html = client_for(cast.coordinator).get("/meldingen/").content.decode()
    assert "ROP-2026-00012" not in html
    assert 'class="rop-empty"' in html or "geen meldingen" in html


def test_a_kind_switched_off_is_not_stored(cast: Cast) -> None:
    prefer(cast.coordinator, "offer.new", in_app=False, email=False)
    send(cast.coordinator)
    send(cast.referrer)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["referrer"]


def _yesterday_noon() -> datetime:
    day = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_the_daily_digest_lists_counts_and_codes_once(cast: Cast) -> None:
    user = cast.coordinator
    user.digest = User.Digest.DAILY
    user.save()
    prefer(user, "offer.new", in_app=True, email=False)
    at = _yesterday_noon()
    for code in ("ROP-2026-00012", "ROP-2026-00013"):
        notify(
            recipients=[user],
            kind="offer.new",
            message=f"Verzoek {code}: Zwaantje geheim",
            link="/x/",
            at=at,
        )
    notify(recipients=[user], kind="offer.refused", message="ROP-2026-00099 mailed", at=at)
    assert notification_digests_send() == 1
    digest = mail.outbox[-1]
    assert "dagoverzicht" in digest.subject
    assert "Nieuw plaatsingsvoorstel: 2 (ROP-2026-00012, ROP-2026-00013)" in digest.body
    assert "Zwaantje" not in digest.body and "ROP-2026-00099" not in digest.body
    assert NotificationDigest.objects.get(user=user).notification_count == 2
    # Twice is once: the job is idempotent.
    assert send_notification_digests() == 0
    assert len(mail.outbox) == 1


def test_no_digest_without_the_choice_or_without_news(cast: Cast) -> None:
    prefer(cast.coordinator, "offer.new", in_app=True, email=False)
    notify(recipients=[cast.coordinator], kind="offer.new", message="x", at=_yesterday_noon())
    cast.referrer.digest = User.Digest.DAILY
    cast.referrer.save()
    assert notification_digests_send() == 0
    assert not NotificationDigest.objects.exists()


def test_the_settings_page_stores_preferences(cast: Cast) -> None:
    client = client_for(cast.referrer)
    page = client.get("/meldingen/instellen/")
    assert page.status_code == 200
    assert "Nieuw bericht in een gesprek" in page.content.decode()
    response = client.post(
        "/meldingen/instellen/",
        {
            "conversation.message:in_app": "on",
            "offer.new:in_app": "on",
            "offer.new:email": "on",
            "digest": "daily",
        },
    )
    assert response.status_code == 302
    cast.referrer.refresh_from_db()
    assert cast.referrer.digest == "daily"
    saved = NotificationPreference.objects.get(user=cast.referrer, kind="conversation.message")
    assert saved.in_app and not saved.email
    assert not NotificationPreference.objects.filter(user=cast.referrer, kind="offer.new").exists()


def test_the_settings_page_refuses_an_unknown_digest(cast: Cast) -> None:
    response = client_for(cast.referrer).post(
        "/meldingen/instellen/", {"offer.new:in_app": "on", "digest": "hourly"}
    )
    assert response.status_code == 200
    assert "dagelijks overzicht" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    cast.referrer.refresh_from_db()
    assert cast.referrer.digest == "none"


def test_the_page_filters_unread_and_marks_one_read_with_htmx(cast: Cast) -> None:
    send(cast.coordinator, message="eerste ROP-2026-00001")
    send(cast.coordinator, message="tweede ROP-2026-00002")
    first = Notification.objects.get(message__startswith="eerste")
    client = client_for(cast.coordinator)
    response = client.post(f"/meldingen/{first.pk}/gelezen/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html and "<html" not in html
    assert "Nieuw:" not in html
    unread = client.get("/meldingen/?unread=1").content.decode()
    assert "tweede" in unread and "eerste" not in unread
    assert 'href="/meldingen/instellen/"' in unread
    # Someone else's notification cannot be marked.
    other = client_for(cast.referrer).post(
        f"/meldingen/{first.pk}/gelezen/", HTTP_HX_REQUEST="true"
    )
    assert other.status_code == 404


def test_the_page_keeps_its_query_count(
    cast: Cast, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = client_for(cast.coordinator)
    send(cast.coordinator)
    with django_assert_max_num_queries(30) as few:
        assert client.get("/meldingen/").status_code == 200
    first = len(few.captured_queries)
    for number in range(30):
        send(cast.coordinator, message=f"m{number}")
    with django_assert_max_num_queries(first):
        assert client.get("/meldingen/").status_code == 200
