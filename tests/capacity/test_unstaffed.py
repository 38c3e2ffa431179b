"""Staffed places and stale figures (issue 22 point 2): free places "vrij maar niet
inzetbaar" are never offered; a free place whose figure is stale is listed, marked, but
not the proposal."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from capacity.errors import NoFreePlace
from capacity.models import CapacityEvent, Location
from capacity.services import (
    location_hold_place,
    location_set_free_places,
    location_set_unstaffed,
)
from config.errors import NotFound, ValidationFailed
from placement.models import Offer
from placement.selectors import candidates_for_referral
from placement.services import offer_accept, offer_send
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.placement.conftest import make_referral  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User | None], APIClient]


@pytest.fixture
def group(cast: Cast) -> Location:
    """6 places, 3 free, none occupied: fits the referrals of `make_referral`."""
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep A",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        age_min=10,
        age_max=18,
        total_places=6,
        free_places=3,
        occupied_places=0,
    )


class TestMark:
    def test_the_provider_marks_free_places_without_staff(
        self, cast: Cast, group: Location
    ) -> None:
        location_set_unstaffed(
            location=group, unstaffed_places=2, reason="Twee vacatures", by=cast.provider_a
        )
        group.refresh_from_db()
        assert (group.free_places, group.unstaffed_places, group.offerable_places) == (3, 2, 1)
        assert group.unstaffed_reason == "Twee vacatures"
        event = CapacityEvent.objects.get(location=group)
        assert event.reason == "unstaffed"
        assert (event.unstaffed_before, event.unstaffed_after) == (0, 2)

    @pytest.mark.parametrize(
        ("count", "reason", "field"),
        [
            (4, "te veel", "unstaffed_places"),
            (-1, "negatief", "unstaffed_places"),
            ("2", "tekst", "unstaffed_places"),
            (1, "  ", "unstaffed_reason"),
            (1, "a\x00b", "unstaffed_reason"),
        ],
    )
    def test_bad_input_names_the_field_and_saves_nothing(
        self, cast: Cast, group: Location, count: Any, reason: str, field: str
    ) -> None:
        with pytest.raises(ValidationFailed) as info:
            location_set_unstaffed(
                location=group, unstaffed_places=count, reason=reason, by=cast.provider_a
            )
        assert field in info.value.errors
        group.refresh_from_db()
        assert group.unstaffed_places == 0
        assert not CapacityEvent.objects.exists()

    def test_only_the_own_provider(self, cast: Cast, group: Location) -> None:
        for user in (cast.provider_b, cast.coordinator):
            with pytest.raises(NotFound):
                location_set_unstaffed(location=group, unstaffed_places=1, reason="x", by=user)

    def test_the_database_keeps_unstaffed_within_free(self, group: Location) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Location.objects.filter(pk=group.pk).update(unstaffed_places=4)

    def test_fewer_free_places_take_the_unstaffed_along(self, cast: Cast, group: Location) -> None:
        location_set_unstaffed(location=group, unstaffed_places=3, reason="x", by=cast.provider_a)
        location_set_free_places(location=group, free_places=1, by=cast.provider_a)
        group.refresh_from_db()
        assert (group.free_places, group.unstaffed_places) == (1, 1)

    def test_an_unstaffed_place_cannot_be_held(self, cast: Cast, group: Location) -> None:
        location_set_unstaffed(location=group, unstaffed_places=3, reason="x", by=cast.provider_a)
        with pytest.raises(NoFreePlace):
            location_hold_place(location=group, by=cast.provider_a)
        group.refresh_from_db()
        assert (group.free_places, group.held_places) == (3, 0)


class TestMatching:
    def test_a_location_with_only_unstaffed_places_is_not_offered(
        self,
        cast: Cast,
        group: Location,
        make_referral: Callable[..., Referral],  # noqa: F811
    ) -> None:
        referral = make_referral()
        assert [c.location.pk for c in candidates_for_referral(referral=referral).candidates] == [
            group.pk
        ]
        location_set_unstaffed(location=group, unstaffed_places=2, reason="x", by=cast.provider_a)
        shown = candidates_for_referral(referral=referral).candidates[0].location
        assert shown.free_places == 1  # offerable
        location_set_unstaffed(location=group, unstaffed_places=3, reason="x", by=cast.provider_a)
        assert candidates_for_referral(referral=referral).candidates == []
        with pytest.raises(ValidationFailed):
            offer_send(referral=referral, location=group, by=cast.coordinator)

    def test_accept_needs_an_offerable_place(
        self,
        cast: Cast,
        group: Location,
        make_referral: Callable[..., Referral],  # noqa: F811
    ) -> None:
        referral = make_referral()
        offer = offer_send(referral=referral, location=group, by=cast.coordinator)
        location_set_unstaffed(location=group, unstaffed_places=3, reason="x", by=cast.provider_a)
        with pytest.raises(NoFreePlace):
            offer_accept(offer=offer, by=cast.provider_a)
        offer.refresh_from_db()
        assert offer.status == Offer.Status.OPEN

    def test_a_stale_figure_is_listed_and_marked_but_not_the_proposal(
        self,
        cast: Cast,
        group: Location,
        make_referral: Callable[..., Referral],  # noqa: F811
        settings: Any,
    ) -> None:
        other = LocationFactory(
            provider=cast.provider_b_org,
            name="Groep Ver",
            municipality=cast.municipality,
            regions=[cast.region],
            care_form="small_scale_home",  # second choice: scores lower than `group`
            age_min=10,
            age_max=18,
            occupied_places=0,
        )
        referral = make_referral()
        result = candidates_for_referral(referral=referral)
        assert result.proposal is not None and result.proposal.location.pk == group.pk
        stale = timezone.now() - timedelta(days=settings.CAPACITY_STALE_DAYS + 1)
        Location.objects.filter(pk=group.pk).update(last_confirmed_at=stale)
        result = candidates_for_referral(referral=referral)
        assert [c.location.pk for c in result.candidates] == [other.pk, group.pk]
        assert result.proposal is not None and result.proposal.location.pk == other.pk
        marked = result.candidates[1]
        assert marked.location.capacity_unconfirmed
        assert any("Capaciteit niet bevestigd" in r for r in marked.assessment.reasons)
        Location.objects.filter(pk=other.pk).update(last_confirmed_at=None)
        result = candidates_for_referral(referral=referral)
        assert len(result.candidates) == 2 and result.proposal is None


class TestPagesAndApi:
    def test_the_page_form(self, cast: Cast, group: Location) -> None:
        client = Client()
        client.force_login(cast.provider_a)
        url = f"/capacity/locaties/{group.pk}/niet-inzetbaar/"
        response = client.post(url, {"unstaffed_places": "2", "unstaffed_reason": "Ziekte"})
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.unstaffed_places == 2
        html = client.get("/capacity/mijn-locaties/").content.decode()
        assert "waarvan 2 niet inzetbaar" in html
        client.post(url, {"unstaffed_places": "9", "unstaffed_reason": "x"})
        group.refresh_from_db()
        assert group.unstaffed_places == 2
        client.force_login(cast.provider_b)
        assert (
            client.post(url, {"unstaffed_places": "1", "unstaffed_reason": "x"}).status_code == 404
        )

    def test_the_api(self, cast: Cast, group: Location, api_client_for: ApiClient) -> None:
        url = f"/api/v1/locations/{group.pk}/unstaffed/"
        client = api_client_for(cast.provider_a)
        response = client.post(
            url, {"unstaffed_places": 1, "unstaffed_reason": "Vacature"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["unstaffed_places"] == 1
        assert response.json()["offerable_places"] == 2
        bad = client.post(url, {"unstaffed_places": 7, "unstaffed_reason": "x"}, format="json")
        assert bad.status_code == 400 and "unstaffed_places" in bad.json()["errors"]
        assert (
            api_client_for(cast.provider_b)
            .post(url, {"unstaffed_places": 0}, format="json")
            .status_code
            == 404
        )
        assert api_client_for(cast.coordinator).post(
            url, {"unstaffed_places": 0}, format="json"
        ).status_code in (403, 404)
        group.refresh_from_db()
        assert group.unstaffed_places == 1
