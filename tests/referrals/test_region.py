"""The referral keeps its youth's region: the coordinators' scope reads it (real PostgreSQL)."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from referrals.models import Referral, YouthIdentity
from referrals.selectors import referrals_for_user
from referrals.services import referral_request_info, referral_update
from tests.conftest import Cast


@pytest.mark.django_db
def test_the_region_follows_the_home_municipality_and_the_scope_with_it(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(submit=True)
    assert referral.region_id == cast.region.pk
    assert referrals_for_user(user=cast.coordinator).filter(pk=referral.pk).exists()
    referral_request_info(referral=referral, by=cast.coordinator, question="Woont hij nog thuis?")
    referral_update(
        referral=Referral.objects.get(pk=referral.pk),
        by=cast.referrer,
        data={"youth": {"municipality": "GM0995"}},  # Lelystad, the other region
    )
    referral.refresh_from_db()
    assert referral.region_id == cast.other_region.pk
    assert not referrals_for_user(user=cast.coordinator).filter(pk=referral.pk).exists()


@pytest.mark.django_db
def test_a_referral_past_draft_without_a_region_is_refused_by_the_database(
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral(submit=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(region=None)


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_referrals_their_youths_region(
    cast: Cast, make_referral: Callable[..., Referral], as_table_owner: None
) -> None:
    draft = make_referral()
    submitted = make_referral(submit=True)
    executor = MigrationExecutor(connection)
    executor.migrate([("referrals", "0001_initial")])
    executor = MigrationExecutor(connection)
    executor.migrate([("referrals", "0002_referral_region")])
    try:
        regions = dict(Referral.objects.values_list("pk", "region_id"))
        assert regions == {draft.pk: cast.region.pk, submitted.pk: cast.region.pk}
        assert YouthIdentity.objects.count() == 2
    finally:
        # Back to the latest schema: going back to 0001 also unapplied the later migrations
        # (of referrals and of the apps that depend on it), whose tables later tests use.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
