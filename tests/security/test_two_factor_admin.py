"""The beheerder cannot copy anyone's second factor (issue 24, point 2): the admin of the
authenticator apps and recovery codes shows no key, QR code or code; it only resets."""

import base64

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User
from tests.accounts.twofactor import enrolled_device, recovery_codes
from tests.conftest import Cast
from tests.factories import UserFactory

TOTP = "/admin/otp_totp/totpdevice/"
STATIC = "/admin/otp_static/staticdevice/"
CODES = ["secretcode1", "secretcode2"]


@pytest.fixture
def beheer(client: Client, cast: Cast) -> User:
    user = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def secrets_of(device: TOTPDevice) -> list[str]:
    key32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return [device.key, key32, key32[:16], *CODES]


def test_no_key_qr_code_or_recovery_code_is_shown(client: Client, cast: Cast, beheer: User) -> None:
    device = enrolled_device(cast.coordinator)
    static = recovery_codes(cast.coordinator, CODES)
    pages = [
        client.get(TOTP),
        client.get(f"{TOTP}{device.pk}/change/"),
        client.get(STATIC),
        client.get(f"{STATIC}{static.pk}/change/"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert "coordinator" in page
        for secret in secrets_of(device):
            assert secret not in page
        assert "qrcode" not in page.lower() and "otpauth" not in page
    assert client.get(f"{TOTP}{device.pk}/config/").status_code in (302, 404)
    assert client.get(f"{TOTP}{device.pk}/qrcode/").status_code in (302, 404)


def test_nothing_can_be_added_changed_or_deleted_one_by_one(
    client: Client, cast: Cast, beheer: User
) -> None:
    device = enrolled_device(cast.coordinator)
    static = recovery_codes(cast.coordinator, CODES)
    assert client.get(f"{TOTP}add/").status_code == 403
    assert client.get(f"{STATIC}add/").status_code == 403
    assert client.post(f"{TOTP}{device.pk}/change/", {"name": "x"}).status_code == 403
    assert client.get(f"{STATIC}{static.pk}/delete/").status_code == 403
    response = client.post(STATIC, {"action": "delete_selected", "_selected_action": [static.pk]})
    assert StaticDevice.objects.filter(pk=static.pk).exists()
    assert response.status_code in (200, 302)


def test_the_reset_deletes_app_and_recovery_codes_audited(
    client: Client, cast: Cast, beheer: User
) -> None:
    device = enrolled_device(cast.coordinator)
    recovery_codes(cast.coordinator, CODES)
    other = enrolled_device(cast.referrer)
    response = client.post(TOTP, {"action": "reset", "_selected_action": [device.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.coordinator).exists()
    assert not StaticDevice.objects.filter(user=cast.coordinator).exists()
    assert TOTPDevice.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(
        user=beheer, action="2fa.reset", object_id=str(cast.coordinator.pk)
    ).exists()


def test_staff_without_delete_permission_cannot_reset(client: Client, cast: Cast) -> None:
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_totpdevice"))
    client.force_login(staff)
    device = enrolled_device(cast.coordinator)
    assert client.get(TOTP).status_code == 200
    client.post(TOTP, {"action": "reset", "_selected_action": [device.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
