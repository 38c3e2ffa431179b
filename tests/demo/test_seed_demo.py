"""seed_demo loads the demo region, idempotently, and refuses production unless forced."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from accounts.models import Municipality, Organisation, Region, User
from capacity.models import Location


def counts() -> tuple[int, ...]:
    return (
        Region.objects.count(),
        Municipality.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Location.objects.count(),
    )


def test_seed_is_idempotent(db: None, settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    regions, municipalities, _organisations, _users, locations = first
    assert regions == 6
    assert municipalities == 29
    assert Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).count() >= 6
    assert locations >= 25
    assert set(User.objects.values_list("username", flat=True)) >= {
        "coordinator",
        "referrer",
        "referrer2",
        "provider_a",
        "provider_b",
        "analyst",
        "admin",
    }


def test_seed_keeps_the_counts_a_provider_changed(db: None, settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    location = Location.objects.filter(free_places__gte=1).first()
    assert location is not None
    Location.objects.filter(pk=location.pk).update(
        free_places=location.free_places - 1, occupied_places=location.occupied_places + 1
    )
    call_command("seed_demo")
    location.refresh_from_db()
    assert Location.objects.get(pk=location.pk).free_places == location.free_places


def test_seed_spreads_locations_over_care_forms_ages_and_places(
    db: None, settings: SettingsWrapper
) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    assert Location.objects.values("care_form").distinct().count() >= 8
    assert Location.objects.values("municipality").distinct().count() >= 15
    assert Location.objects.filter(secured=True).exists()
    assert Location.objects.filter(age_max__lte=12).exists()


def test_demo_users_sign_in_with_the_documented_password(
    client: Client, db: None, settings: SettingsWrapper
) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(username="provider_a", password="rop-demo-2026")


def test_seed_refuses_without_debug_unless_forced(db: None, settings: SettingsWrapper) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert Region.objects.count() == 0
    call_command("seed_demo", "--force")
    assert Region.objects.count() == 6
