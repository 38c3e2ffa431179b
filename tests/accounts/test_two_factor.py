"""Two-factor sign-in: with REQUIRE_2FA on, a password alone opens no usable session."""

import base64
import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.twofactor import two_factor_required
from tests.accounts.twofactor import (
    code_for_key,
    enrolled_device,
    enter_enrolment_code,
    next_code,
    recovery_codes,
    sign_in_verified,
)
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, UserFactory

CODE_URL = "/accounts/tweestapsverificatie/"
ENROL_URL = "/accounts/tweestapsverificatie/instellen/"


@pytest.fixture
def require_2fa(settings: SettingsWrapper) -> SettingsWrapper:
    settings.REQUIRE_2FA = True
    return settings


def password_step(client: Client, username: str, next_url: str = "") -> str:
    data = {"username": username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.parametrize("username", ["coordinator", "admin", "referrer", "provider_a"])
def test_it_requires_a_second_factor_for_everyone_who_can_see_identities(
    client: Client, cast: Cast, require_2fa: SettingsWrapper, username: str
) -> None:
    enrolled_device(cast.all_users()[username])
    assert password_step(client, username) == CODE_URL + "?next=%2F"
    # The session exists but reaches nothing except the code step and sign-out.
    for path in ["/", "/meldingen/", "/accounts/api-sleutels/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(CODE_URL), path
    assert client.get(CODE_URL).status_code == 200


def test_it_refuses_the_api_to_a_session_without_its_second_factor(
    cast: Cast, require_2fa: SettingsWrapper
) -> None:
    enrolled_device(cast.coordinator)
    client = APIClient()
    password_step(client, "coordinator")
    assert client.get("/api/v1/auth/tokens/").status_code == 401
    assert client.get("/api/v1/schema/").status_code == 401


def test_a_valid_code_opens_the_session(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    password_step(client, "coordinator", next_url="/meldingen/")
    response = client.post(CODE_URL, {"code": next_code(device), "next": "/meldingen/"})
    assert response.status_code == 302
    assert response["Location"] == "/meldingen/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/auth/tokens/").status_code == 200


def test_verification_gives_a_new_session_key(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    password_step(client, "coordinator")
    before = client.session.session_key
    client.post(CODE_URL, {"code": next_code(device)})
    assert client.session.session_key != before


def test_it_refuses_a_wrong_code_in_dutch(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    password_step(client, "coordinator")
    wrong = "000000" if next_code(device) != "000000" else "111111"
    response = client.post(CODE_URL, {"code": wrong})
    assert response.status_code == 200
    assert "Deze code klopt niet of is verlopen" in response.content.decode()
    assert client.get("/")["Location"].startswith(CODE_URL)
    response = client.post(CODE_URL, {"code": ""})
    assert "Vul de code in." in response.content.decode()


def test_a_code_is_accepted_once(client: Client, cast: Cast, require_2fa: SettingsWrapper) -> None:
    device = enrolled_device(cast.coordinator)
    code = next_code(device)
    password_step(client, "coordinator")
    assert client.post(CODE_URL, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, "coordinator")
    response = client.post(CODE_URL, {"code": code})
    assert response.status_code == 200  # replaying a seen code is refused


def test_wrong_codes_are_throttled(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    right = next_code(device)
    password_step(client, "coordinator")
    client.post(CODE_URL, {"code": "000000" if right != "000000" else "111111"})
    response = client.post(CODE_URL, {"code": right})
    assert response.status_code == 200
    assert "Te veel onjuiste codes" in response.content.decode()


def test_a_recovery_code_works_once(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    enrolled_device(cast.coordinator)
    recovery_codes(cast.coordinator, ["abcd2345", "efgh6789"])
    password_step(client, "coordinator")
    response = client.post(CODE_URL, {"code": "ABCD 2345"}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "U heeft nog 1 herstelcode over." in response.content.decode()
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    password_step(client, "coordinator")
    response = client.post(CODE_URL, {"code": "abcd2345"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=cast.coordinator).count() == 1


def test_a_recovery_code_does_not_throttle_the_app(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    password_step(client, "coordinator")
    client.post(CODE_URL, {"code": "notacode"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_analyst_is_not_forced(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    assert password_step(client, "analyst") == "/"
    assert client.get("/").status_code == 200
    assert not two_factor_required(cast.analyst)


def test_a_superuser_without_a_role_is_forced(db: None, require_2fa: SettingsWrapper) -> None:
    user = UserFactory(username="root", role="", is_superuser=True, is_staff=True)
    assert two_factor_required(user)
    analyst_admin = UserFactory(username="staff", role="analyst", is_staff=True)
    assert two_factor_required(analyst_admin)


def test_plain_sign_in_works_with_2fa_off(
    client: Client, cast: Cast, settings: SettingsWrapper
) -> None:
    """A user without an authenticator app; one who linked an app is asked for its code
    (tests/accounts/test_voluntary_two_factor.py)."""
    settings.REQUIRE_2FA = False
    assert password_step(client, "coordinator") == "/"
    assert client.get("/").status_code == 200
    assert client.get(CODE_URL)["Location"] == "/"


def test_the_code_step_never_redirects_off_site(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.coordinator)
    password_step(client, "coordinator")
    response = client.post(CODE_URL, {"code": next_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_first_sign_in_enrols_an_authenticator_app(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    password_step(client, "referrer")
    response = client.get(CODE_URL + "?next=%2F")
    assert response.status_code == 302
    assert response["Location"] == ENROL_URL + "?next=%2F"
    # A password alone shows no key: the enrolment code comes first (issue 24, point 1).
    page = client.get(ENROL_URL).content.decode()
    assert "Koppelcode" in page and "<svg" not in page
    assert not TOTPDevice.objects.filter(user=cast.referrer).exists()
    enter_enrolment_code(client, cast.referrer)

    page = client.get(ENROL_URL).content.decode()
    assert "<svg" in page  # the QR code, inline: no image service sees the secret
    assert "Tweestapsverificatie instellen" in page
    device = TOTPDevice.objects.get(user=cast.referrer, confirmed=False)
    # Reloading keeps the same key.
    client.get(ENROL_URL)
    assert TOTPDevice.objects.get(user=cast.referrer).pk == device.pk

    response = client.post(ENROL_URL, {"code": "12345"})
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get("/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(ENROL_URL, {"code": code_for_key(device.bin_key), "next": "/"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Uw herstelcodes" in page
    codes = list(
        StaticToken.objects.filter(device__user=cast.referrer).values_list("token", flat=True)
    )
    assert len(codes) == 10
    assert all(code in page for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_enrolment_is_closed_once_an_app_is_linked(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    """Someone with only the password cannot link their own app instead."""
    enrolled_device(cast.coordinator)
    password_step(client, "coordinator")
    response = client.get(ENROL_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Koppelcode" in page and "<svg" not in page and "manual-key" not in page
    assert client.post(ENROL_URL, {"code": "123456"}).status_code == 200
    assert TOTPDevice.objects.filter(user=cast.coordinator, confirmed=True).count() == 1
    assert TOTPDevice.objects.filter(user=cast.coordinator).count() == 1


def test_the_manual_key_matches_the_device(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    password_step(client, "provider_a")
    enter_enrolment_code(client, cast.provider_a)
    page = client.get(ENROL_URL).content.decode()
    key = re.search(r'data-testid="manual-key">([A-Z2-7 ]+)<', page)
    assert key is not None
    device = TOTPDevice.objects.get(user=cast.provider_a)
    assert base64.b32decode(key.group(1).replace(" ", "")) == device.bin_key


def test_a_verified_user_can_renew_recovery_codes(
    client: Client, cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = sign_in_verified(client, cast.coordinator)
    recovery_codes(cast.coordinator, ["oldcode1"])
    response = client.post("/accounts/tweestapsverificatie/herstelcodes/")
    assert response.status_code == 200
    tokens = StaticToken.objects.filter(device__user=cast.coordinator)
    assert tokens.count() == 10
    assert not tokens.filter(token="oldcode1").exists()
    assert device.pk


def test_token_endpoint_needs_the_code_when_2fa_is_required(
    cast: Cast, require_2fa: SettingsWrapper
) -> None:
    device = enrolled_device(cast.provider_a)
    client = APIClient()
    body = {"username": "provider_a", "password": TEST_PASSWORD}
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "otp_code" in response.json()["errors"]

    response = client.post("/api/v1/auth/token/", {**body, "otp_code": "000000"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["otp_code"] == ["Deze code klopt niet of is verlopen."]

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        "/api/v1/auth/token/", {**body, "otp_code": next_code(device)}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/auth/tokens/").status_code == 200


def test_token_endpoint_needs_no_code_for_the_analyst(
    cast: Cast, require_2fa: SettingsWrapper
) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "analyst", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200


MIDDLEWARE_SNIPPET = (
    "import django; from django.conf import settings as s; django.setup(); "
    "m = s.MIDDLEWARE; a = m.index('django.contrib.auth.middleware.AuthenticationMiddleware'); "
    "o = m.index('django_otp.middleware.OTPMiddleware'); "
    "t = m.index('accounts.twofactor.TwoFactorRequiredMiddleware'); "
    "print(s.REQUIRE_2FA, a < o < t, s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'])"
)


@pytest.mark.parametrize(
    "module", ["config.settings.local", "config.settings.test", "config.settings.production"]
)
def test_every_settings_module_enforces_2fa_when_it_is_on(module: str) -> None:
    """REQUIRE_2FA=true means the same enforcement whichever settings module runs."""
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DJANGO_SETTINGS_MODULE=module, REQUIRE_2FA="true", SECRET_KEY="x" * 60)
    done = subprocess.run(
        [sys.executable, "-c", MIDDLEWARE_SNIPPET],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    enforced, ordered, auth_classes = done.stdout.strip().split(" ", 2)
    assert ordered == "True"
    assert "rest_framework.authentication.SessionAuthentication" not in auth_classes
    assert "accounts.twofactor.VerifiedSessionAuthentication" in auth_classes
    # The test settings pin it off (tests switch it on per test with the settings fixture).
    assert enforced == ("False" if module.endswith(".test") else "True")
