"""Migration 0003 gives every existing offer its location's care form (real PostgreSQL)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("placement", "0002_offer_provider_sent_index")]
AFTER = [("placement", "0003_offer_care_form")]


@pytest.fixture(autouse=True)
def back_to_the_latest_schema(as_table_owner: None) -> Iterator[None]:
    """The migration test leaves the schema at AFTER; later migrations add columns that the
    tests after this one read, so go forward to the latest migration again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_offers_take_their_locations_care_form(
    cast: Cast, referral: Referral, location_a: Location, location_b: Location
) -> None:
    assert location_a.care_form != location_b.care_form
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("placement", "Offer")
    now = timezone.now()
    for location, status in ((location_a, "refused"), (location_b, "open")):
        old.objects.create(
            referral_id=referral.pk,
            location_id=location.pk,
            provider_id=location.provider_id,
            status=status,
            refusal_reason="other" if status == "refused" else "",
            sent_by_id=cast.coordinator.pk,
            deadline=now + timedelta(days=5),
        )
    executor = MigrationExecutor(connection)  # a fresh loader sees what is applied now
    executor.migrate(AFTER)
    forms = dict(Offer.objects.values_list("location_id", "care_form"))
    assert forms == {location_a.pk: location_a.care_form, location_b.pk: location_b.care_form}
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'offer_acceptance'")
        assert cursor.fetchone() is not None
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'offer_provider_sent'")
        assert cursor.fetchone() is None


def test_an_offer_saved_without_a_care_form_takes_its_locations(
    cast: Cast, referral: Referral, location_b: Location
) -> None:
    offer = Offer.objects.create(
        referral=referral,
        location=location_b,
        provider=location_b.provider,
        sent_by=cast.coordinator,
        deadline=timezone.now() + timedelta(days=5),
    )
    offer.refresh_from_db()
    assert offer.care_form == location_b.care_form
