"""Enrolment codes (issue 24, point 1): a password alone never links an authenticator app."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings as SettingsWrapper

from accounts.models import AuditEntry, EnrolmentCode, User
from accounts.twofactor import hash_enrolment_code
from tests.accounts.twofactor import (
    ENROL_URL,
    code_for_key,
    enrolled_device,
    enrolment_code,
    recovery_codes,
)
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, UserFactory

WRONG = "Deze koppelcode klopt niet, is al gebruikt of is verlopen"
THROTTLED = "Te veel onjuiste koppelcodes"


@pytest.fixture
def require_2fa(settings: SettingsWrapper) -> SettingsWrapper:
    settings.REQUIRE_2FA = True
    return settings


def password_step(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def enrol_audits(user: User, allowed: bool) -> int:
    outcome = AuditEntry.Outcome.ALLOWED if allowed else AuditEntry.Outcome.REFUSED
    return AuditEntry.objects.filter(user=user, action="2fa.enrol", outcome=outcome).count()


def test_a_password_alone_shows_no_secret(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    password_step(client, "coordinator")
    page = client.get(ENROL_URL).content.decode()
    assert "Koppelcode" in page
    assert "<svg" not in page and "manual-key" not in page
    # Posting an app code straight away links nothing.
    assert client.post(ENROL_URL, {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=cast.coordinator).exists()
    assert client.get("/").status_code == 302


def test_an_enrolment_code_opens_enrolment_once_and_is_audited(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    code = enrolment_code(cast.coordinator, created_by=cast.admin)
    # Stored as a hash only.
    stored = EnrolmentCode.objects.get(user=cast.coordinator)
    assert stored.code_hash == hash_enrolment_code(code) and code not in stored.code_hash
    assert stored.created_by == cast.admin
    assert AuditEntry.objects.filter(user=cast.admin, action="2fa.enrol_code.create").exists()

    password_step(client, "coordinator")
    # Lower case and without dashes is the same code.
    response = client.post(ENROL_URL, {"secret": code.lower().replace("-", " ")})
    assert response.status_code == 302
    page = client.get(ENROL_URL).content.decode()
    assert "manual-key" in page and "<svg" in page
    stored.refresh_from_db()
    assert stored.used_at is not None
    assert enrol_audits(cast.coordinator, allowed=True) == 1

    device = TOTPDevice.objects.get(user=cast.coordinator, confirmed=False)
    response = client.post(ENROL_URL, {"code": code_for_key(device.bin_key)})
    assert "Uw herstelcodes" in response.content.decode()
    assert client.get("/").status_code == 200

    # A second session cannot use the same code again.
    other = Client()
    password_step(other, "coordinator")
    # (the user now has an app: the code step; the enrolment page asks for a new code)
    response = other.post(ENROL_URL, {"secret": code})
    assert WRONG in response.content.decode()
    assert TOTPDevice.objects.filter(user=cast.coordinator, confirmed=True).count() == 1


def test_an_expired_code_is_refused_in_dutch(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    code = enrolment_code(cast.referrer)
    EnrolmentCode.objects.filter(user=cast.referrer).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    password_step(client, "referrer")
    response = client.post(ENROL_URL, {"secret": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert WRONG in page and "manual-key" not in page
    assert enrol_audits(cast.referrer, allowed=False) == 1


def test_someone_elses_code_does_not_work(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    code = enrolment_code(cast.referrer)
    password_step(client, "coordinator")
    response = client.post(ENROL_URL, {"secret": code})
    assert WRONG in response.content.decode()
    assert EnrolmentCode.objects.get(user=cast.referrer).used_at is None


def test_empty_code_names_the_field(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    password_step(client, "coordinator")
    response = client.post(ENROL_URL, {"secret": ""})
    assert "Vul de koppelcode in." in response.content.decode()


def test_wrong_codes_void_the_code(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    code = enrolment_code(cast.coordinator)
    password_step(client, "coordinator")
    for _i in range(4):
        assert WRONG in client.post(ENROL_URL, {"secret": "AAAA-AAAA-AAAA"}).content.decode()
    assert THROTTLED in client.post(ENROL_URL, {"secret": "AAAA-AAAA-AAAA"}).content.decode()
    # Now even the right code is refused: the beheerder makes a new one.
    assert THROTTLED in client.post(ENROL_URL, {"secret": code}).content.decode()
    assert enrol_audits(cast.coordinator, allowed=False) == 6
    assert not TOTPDevice.objects.filter(user=cast.coordinator).exists()


def test_a_new_code_resets_a_lost_device(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    old = enrolled_device(cast.provider_a)
    recovery_codes(cast.provider_a, ["oldcode1"])
    password_step(client, "provider_a")
    code_page = client.get("/accounts/tweestapsverificatie/").content.decode()
    assert 'data-testid="enrol-again"' in code_page
    # Without a code, the linked app stays.
    client.post(ENROL_URL, {"secret": "AAAA-AAAA-AAAA"})
    assert TOTPDevice.objects.filter(pk=old.pk).exists()

    response = client.post(ENROL_URL, {"secret": enrolment_code(cast.provider_a)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticDevice.objects.filter(user=cast.provider_a).exists()
    assert "manual-key" in client.get(ENROL_URL).content.decode()
    device = TOTPDevice.objects.get(user=cast.provider_a)  # the new, pending one
    assert not device.confirmed
    response = client.post(ENROL_URL, {"code": code_for_key(device.bin_key)})
    assert "Uw herstelcodes" in response.content.decode()


def test_a_new_code_replaces_the_older_one(cast: Cast) -> None:
    first = enrolment_code(cast.referrer)
    second = enrolment_code(cast.referrer)
    live = EnrolmentCode.objects.get(user=cast.referrer)
    assert live.code_hash == hash_enrolment_code(second) != hash_enrolment_code(first)


def test_voluntary_enrolment_with_2fa_off_asks_for_the_password(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.REQUIRE_2FA = False
    password_step(client, "provider_a")
    page = client.get(ENROL_URL).content.decode()
    assert "Wachtwoord" in page and "manual-key" not in page
    response = client.post(ENROL_URL, {"secret": "wrong"})
    assert "Dit wachtwoord klopt niet." in response.content.decode()
    assert "manual-key" not in response.content.decode()
    response = client.post(ENROL_URL, {"secret": TEST_PASSWORD})
    assert response.status_code == 302
    assert "manual-key" in client.get(ENROL_URL).content.decode()


def test_the_admin_action_shows_the_code_once_or_mails_it(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    superuser = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    User.objects.filter(pk=cast.referrer.pk).update(email="")
    User.objects.filter(pk=cast.coordinator.pk).update(email="coordinator@example.org")
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "create_enrolment_code",
            "_selected_action": [cast.referrer.pk, cast.coordinator.pk],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert 'data-testid="enrolment-codes"' in page and "referrer" in page
    shown = EnrolmentCode.objects.get(user=cast.referrer)
    assert shown.created_by == superuser
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["coordinator@example.org"]
    mailed_code = next(
        word for word in mail.outbox[0].body.split() if word.count("-") == 2 and len(word) >= 14
    )
    mailed = EnrolmentCode.objects.get(user=cast.coordinator)
    assert mailed.code_hash == hash_enrolment_code(mailed_code.rstrip("."))
    assert mailed_code.rstrip(".") not in page
    assert AuditEntry.objects.filter(user=superuser, action="2fa.enrol_code.create").count() == 2


def test_the_admin_action_needs_the_admin(client: Client, cast: Cast) -> None:
    client.force_login(cast.coordinator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "create_enrolment_code", "_selected_action": [cast.coordinator.pk]},
    )
    assert response.status_code == 302
    assert not EnrolmentCode.objects.exists()


def test_the_command_prints_a_code(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("enrolment_code", "referrer")
    code = capsys.readouterr().out.strip()
    assert EnrolmentCode.objects.get(user=cast.referrer).code_hash == hash_enrolment_code(code)
