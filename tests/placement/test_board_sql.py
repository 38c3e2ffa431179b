"""The board's SQL (`referrals.selectors.BOARD_SQL`): the oldest cards of each column of the
coordinator's regions with the column's count, in order, and nothing for anyone else — so a
scope or ordering mistake in the SQL fails here, not on a coordinator's screen."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from placement.views import BOARD_STATUSES
from referrals.models import Referral
from referrals.selectors import board_rows
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PER_COLUMN = 2


def cards(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Each row without its timestamp: id, status, and how many its column holds."""
    return [(row[0], row[2], row[4]) for row in rows]


@pytest.fixture
def spread(cast: Cast, make_referral: Callable[..., Referral]) -> list[Referral]:
    """Referrals in both regions, in open and closed columns, with equal times (the id
    decides) and more than PER_COLUMN in some columns."""
    now = timezone.now()
    made = []
    plan = [
        (Referral.Status.WAITING, cast.region, 5),
        (Referral.Status.WAITING, cast.region, 40),
        (Referral.Status.WAITING, cast.region, 40),  # the same moment: the lower id first
        (Referral.Status.WAITING, cast.region, 20),
        (Referral.Status.WAITING, cast.other_region, 60),
        (Referral.Status.WAITING, cast.other_region, 1),
        (Referral.Status.MATCHING, cast.region, 3),
        (Referral.Status.MATCHING, cast.other_region, 9),
        (Referral.Status.SUBMITTED, cast.region, 0),
        (Referral.Status.PLACED, cast.region, 100),
        (Referral.Status.CLOSED, cast.region, 7),  # not on the board
        (Referral.Status.DRAFT, cast.region, 8),  # not even in the coordinator's scope
    ]
    for status, region, days in plan:
        referral = make_referral(status=status)
        Referral.objects.filter(pk=referral.pk).update(
            region=region, status_changed_at=now - timedelta(days=days)
        )
        made.append(referral)
    return made


def test_the_sql_gives_the_orm_rows_for_a_coordinator_of_one_region(
    cast: Cast, spread: list[Referral]
) -> None:
    rows = board_rows(user=cast.coordinator, statuses=BOARD_STATUSES, per_column=PER_COLUMN)
    status = Referral.Status
    assert cards(rows) == [  # oldest first, across the columns
        (spread[9].pk, status.PLACED, 1),
        (spread[1].pk, status.WAITING, 4),
        (spread[2].pk, status.WAITING, 4),
        (spread[6].pk, status.MATCHING, 1),
        (spread[8].pk, status.SUBMITTED, 1),
    ]
    assert [row[1] for row in rows][:2] == [spread[9].code, spread[1].code]
    waiting = [row for row in rows if row[2] == Referral.Status.WAITING]
    # the two oldest of the region's four waiting referrals, the tie broken by id; counted 4
    assert [row[0] for row in waiting] == [spread[1].pk, spread[2].pk]
    assert {row[4] for row in waiting} == {4}
    assert spread[4].pk not in {row[0] for row in rows}  # the other region's
    assert {row[2] for row in rows} == {
        Referral.Status.WAITING,
        Referral.Status.MATCHING,
        Referral.Status.SUBMITTED,
        Referral.Status.PLACED,
    }


def test_the_sql_merges_the_columns_of_every_region_of_the_organisation(
    cast: Cast, spread: list[Referral]
) -> None:
    cast.coordination_point.regions.add(cast.other_region)
    rows = board_rows(user=cast.coordinator, statuses=BOARD_STATUSES, per_column=PER_COLUMN)
    waiting = [row for row in rows if row[2] == Referral.Status.WAITING]
    assert [row[0] for row in waiting] == [spread[4].pk, spread[1].pk]  # 60 days, then 40
    assert {row[4] for row in waiting} == {6}
    matching = [row[0] for row in rows if row[2] == Referral.Status.MATCHING]
    assert matching == [spread[7].pk, spread[6].pk]


def test_a_draft_stays_out_even_when_asked_for(cast: Cast, spread: list[Referral]) -> None:
    statuses = [*BOARD_STATUSES, Referral.Status.DRAFT]
    rows = board_rows(user=cast.coordinator, statuses=statuses, per_column=PER_COLUMN)
    assert spread[11].pk not in {row[0] for row in rows}
    assert rows == board_rows(user=cast.coordinator, statuses=BOARD_STATUSES, per_column=PER_COLUMN)


def test_no_one_else_gets_a_row(cast: Cast, spread: list[Referral]) -> None:
    others = [u for name, u in cast.all_users().items() if name != "coordinator"]
    inactive = UserFactory(
        username="gone", role=Role.COORDINATOR, organisation=cast.coordination_point
    )
    inactive.is_active = False
    inactive.save()
    elsewhere = UserFactory(
        username="elsewhere",
        role=Role.COORDINATOR,
        organisation=OrganisationFactory(
            name="Elders", kind="coordination_point", regions=[cast.other_region]
        ),
    )
    no_organisation = UserFactory(username="alone", role=Role.COORDINATOR, organisation=None)
    for user in [*others, inactive, no_organisation]:
        rows = board_rows(user=user, statuses=BOARD_STATUSES, per_column=PER_COLUMN)
        assert rows == [], user.username
    own = {row[0] for row in board_rows(user=elsewhere, statuses=BOARD_STATUSES, per_column=5)}
    assert own == {spread[4].pk, spread[5].pk, spread[7].pk}
