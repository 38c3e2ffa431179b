"""Test helpers for two-factor sign-in: an enrolled authenticator app and its codes."""

import time

from django.test import Client
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.factories import TEST_PASSWORD


def enrolled_device(user: User) -> TOTPDevice:
    """A confirmed authenticator app for `user`, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def recovery_codes(user: User, codes: list[str]) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def code_for_key(bin_key: bytes) -> str:
    """What an authenticator app shows now for this key (30 s steps, 6 digits)."""
    return f"{hotp(bin_key, int(time.time()) // 30, digits=6):06d}"


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: django-otp refuses a time step used before, so after
    one sign-in the next test sign-in uses the following step (within the tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def sign_in_verified(client: Client, user: User, device: TOTPDevice | None = None) -> TOTPDevice:
    """Password and code, as a person would; returns the device used."""
    device = device or enrolled_device(user)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    response = client.post("/accounts/tweestapsverificatie/", {"code": next_code(device)})
    assert response.status_code == 302, response.content
    return device


ENROL_URL = "/accounts/tweestapsverificatie/instellen/"


def enrolment_code(user: User, created_by: User | None = None) -> str:
    """A fresh one-time enrolment code for `user`, as the beheerder hands out."""
    from accounts.twofactor import enrolment_code_create

    return enrolment_code_create(user=user, created_by=created_by)[1]


def enter_enrolment_code(client: Client, user: User, next_url: str = "") -> None:
    """After the password step: enter an enrolment code, so the enrolment page shows the key."""
    data = {"secret": enrolment_code(user)}
    if next_url:
        data["next"] = next_url
    response = client.post(ENROL_URL, data)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(ENROL_URL)
