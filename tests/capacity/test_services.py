"""The services: every count change locked, recorded, validated; nothing saved on bad input."""

from typing import Any

import pytest
from django.utils import timezone

from capacity.errors import NoFreePlace
from capacity.models import CapacityEvent, Location
from capacity.services import (
    location_adjust_free_places,
    location_confirm,
    location_create,
    location_free_occupied,
    location_hold_place,
    location_occupy_held,
    location_release_hold,
    location_set_free_places,
    location_update_profile,
    provider_confirm_all,
)
from capacity.signals import free_places_increased
from config.codes import CareForm, Expertise
from config.errors import Conflict, NotFound, ValidationFailed
from tests.capacity.conftest import without_occupied
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def counts(location: Location) -> tuple[int, int, int, int]:
    location.refresh_from_db()
    return (
        location.total_places,
        location.free_places,
        location.held_places,
        location.occupied_places,
    )


@pytest.fixture
def announced(django_capture_on_commit_callbacks: Any) -> list[int]:
    """Location ids announced through free_places_increased (after commit)."""
    seen: list[int] = []

    def receiver(sender: object, location_id: int, **kwargs: object) -> None:
        seen.append(location_id)

    free_places_increased.connect(receiver, dispatch_uid="test-announced")
    yield seen
    free_places_increased.disconnect(dispatch_uid="test-announced")


class TestSetFreePlaces:
    def test_it_never_changes_the_occupied_places(
        self, cast: Cast, location_a: Location, django_capture_on_commit_callbacks: Any
    ) -> None:
        """Occupied places are the active placements: a correction moves places between
        free and "niet beschikbaar" only."""
        without_occupied(location_a)  # 6 places: 2 free, 4 not available
        location_a.last_confirmed_at = None
        location_a.save(update_fields=["last_confirmed_at"])
        with django_capture_on_commit_callbacks(execute=True):
            location_set_free_places(location=location_a, free_places=5, by=cast.provider_a)
        assert counts(location_a) == (6, 5, 0, 0)
        assert location_a.unavailable_places == 1
        assert location_a.last_confirmed_at is not None
        event = CapacityEvent.objects.get()
        assert event.reason == CapacityEvent.Reason.CORRECTION
        assert event.by == cast.provider_a
        assert (event.free_before, event.free_after) == (2, 5)
        assert (event.occupied_before, event.occupied_after) == (0, 0)
        location_set_free_places(location=location_a, free_places=0, by=cast.provider_a)
        assert counts(location_a) == (6, 0, 0, 0)  # fewer free: not available, not occupied

    def test_occupied_places_cannot_be_freed(self, cast: Cast, location_a: Location) -> None:
        """Issue 18.3: 4 occupied and 6 places: at most 2 free; the message says why."""
        with pytest.raises(ValidationFailed) as caught:
            location_set_free_places(location=location_a, free_places=3, by=cast.provider_a)
        assert list(caught.value.errors) == ["free_places"]
        message = caught.value.errors["free_places"][0]
        assert "Meer dan 2 vrije plaatsen kan niet" in message
        assert "4 bezet" in message and "0 gereserveerd" in message
        assert counts(location_a) == (6, 2, 0, 4)
        assert not CapacityEvent.objects.exists()

    def test_it_announces_more_free_places_after_commit(
        self,
        cast: Cast,
        location_a: Location,
        announced: list[int],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        without_occupied(location_a)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            location_set_free_places(location=location_a, free_places=3, by=cast.provider_a)
        assert announced == []  # not before the commit
        # The announcement goes through the outbox, which sends after its own commit.
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert announced == [location_a.pk]

    def test_fewer_free_places_are_not_announced(
        self,
        cast: Cast,
        location_a: Location,
        announced: list[int],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            location_set_free_places(location=location_a, free_places=1, by=cast.provider_a)
        assert announced == []

    @pytest.mark.parametrize("bad", [-1, 3, 7, 100])
    def test_it_refuses_negative_or_too_many(
        self, cast: Cast, location_a: Location, bad: int
    ) -> None:
        with pytest.raises(ValidationFailed) as caught:
            location_set_free_places(location=location_a, free_places=bad, by=cast.provider_a)
        assert list(caught.value.errors) == ["free_places"]
        assert counts(location_a) == (6, 2, 0, 4)
        assert not CapacityEvent.objects.exists()

    def test_held_places_cannot_be_corrected_away(self, cast: Cast, location_a: Location) -> None:
        location_hold_place(location=location_a, by=cast.coordinator)  # 6 = 1 + 1 + 4
        with pytest.raises(ValidationFailed, match="1 gereserveerd"):
            location_set_free_places(location=location_a, free_places=2, by=cast.provider_a)
        location_set_free_places(location=location_a, free_places=0, by=cast.provider_a)
        assert counts(location_a) == (6, 0, 1, 4)
        location_set_free_places(location=location_a, free_places=1, by=cast.provider_a)
        assert counts(location_a) == (6, 1, 1, 4)

    def test_the_same_figure_only_confirms(self, cast: Cast, location_a: Location) -> None:
        location_set_free_places(location=location_a, free_places=2, by=cast.provider_a)
        assert not CapacityEvent.objects.exists()

    @pytest.mark.parametrize("who", ["provider_b", "coordinator", "referrer", "analyst"])
    def test_it_requires_the_own_provider(self, cast: Cast, location_a: Location, who: str) -> None:
        with pytest.raises(NotFound):
            location_set_free_places(location=location_a, free_places=3, by=cast.all_users()[who])
        assert counts(location_a) == (6, 2, 0, 4)


class TestAdjustFreePlaces:
    def test_minus_and_plus_leave_the_occupied_places_alone(
        self, cast: Cast, location_a: Location
    ) -> None:
        """− makes a place unavailable, + available again; never into an occupied one."""
        location_adjust_free_places(location=location_a, delta=-1, by=cast.provider_a)
        assert counts(location_a) == (6, 1, 0, 4)
        location_adjust_free_places(location=location_a, delta=1, by=cast.provider_a)
        assert counts(location_a) == (6, 2, 0, 4)
        with pytest.raises(ValidationFailed) as caught:
            location_adjust_free_places(location=location_a, delta=1, by=cast.provider_a)
        assert "4 bezet" in caught.value.errors["free_places"][0]
        assert counts(location_a) == (6, 2, 0, 4)
        reasons = list(CapacityEvent.objects.order_by("id").values_list("reason", flat=True))
        assert reasons == ["correction", "correction"]

    def test_it_refuses_to_go_below_zero_free(self, cast: Cast, location_a: Location) -> None:
        location_adjust_free_places(location=location_a, delta=-2, by=cast.provider_a)
        with pytest.raises(ValidationFailed) as caught:
            location_adjust_free_places(location=location_a, delta=-1, by=cast.provider_a)
        assert "free_places" in caught.value.errors
        assert counts(location_a) == (6, 0, 0, 4)

    def test_it_refuses_more_free_than_not_held(self, cast: Cast, location_a: Location) -> None:
        with pytest.raises(ValidationFailed):
            location_adjust_free_places(location=location_a, delta=5, by=cast.provider_a)
        assert counts(location_a) == (6, 2, 0, 4)

    @pytest.mark.parametrize("bad", [0, "1", True, 1.5])
    def test_it_refuses_a_bad_delta(self, cast: Cast, location_a: Location, bad: Any) -> None:
        with pytest.raises(ValidationFailed):
            location_adjust_free_places(location=location_a, delta=bad, by=cast.provider_a)

    def test_it_requires_the_own_provider(self, cast: Cast, location_a: Location) -> None:
        with pytest.raises(NotFound):
            location_adjust_free_places(location=location_a, delta=1, by=cast.provider_b)


class TestConfirm:
    def test_it_refreshes_last_confirmed_at_only(self, cast: Cast, location_a: Location) -> None:
        old = timezone.now() - timezone.timedelta(days=10)
        Location.objects.filter(pk=location_a.pk).update(last_confirmed_at=old)
        location_confirm(location=location_a, by=cast.provider_a)
        location_a.refresh_from_db()
        assert location_a.last_confirmed_at is not None
        assert location_a.last_confirmed_at > old
        assert not CapacityEvent.objects.exists()

    def test_it_requires_the_own_provider(self, cast: Cast, location_a: Location) -> None:
        with pytest.raises(NotFound):
            location_confirm(location=location_a, by=cast.provider_b)

    def test_confirm_all_touches_only_the_own_active_locations(
        self, cast: Cast, location_a: Location, location_b: Location
    ) -> None:
        old = timezone.now() - timezone.timedelta(days=10)
        inactive = LocationFactory(provider=cast.provider_a_org, is_active=False)
        Location.objects.update(last_confirmed_at=old)
        assert provider_confirm_all(provider=cast.provider_a_org, by=cast.provider_a) == 1
        confirmed = {loc.pk: loc.last_confirmed_at > old for loc in Location.objects.all()}
        assert confirmed == {location_a.pk: True, location_b.pk: False, inactive.pk: False}

    def test_confirm_all_requires_the_own_provider(self, cast: Cast) -> None:
        with pytest.raises(NotFound):
            provider_confirm_all(provider=cast.provider_a_org, by=cast.provider_b)


class TestOfferAndPlacementMoves:
    def test_hold_occupy_and_free(self, cast: Cast, location_a: Location) -> None:
        location_hold_place(location=location_a, by=cast.provider_a)
        assert counts(location_a) == (6, 1, 1, 4)
        location_occupy_held(location=location_a, by=cast.coordinator)
        assert counts(location_a) == (6, 1, 0, 5)
        location_free_occupied(location=location_a, by=cast.coordinator)
        assert counts(location_a) == (6, 2, 0, 4)
        location_hold_place(location=location_a, by=cast.provider_a)
        location_release_hold(location=location_a, by=None)
        assert counts(location_a) == (6, 2, 0, 4)
        reasons = list(CapacityEvent.objects.order_by("id").values_list("reason", flat=True))
        assert reasons == ["hold", "placement_start", "placement_end", "hold", "release"]

    def test_the_callers_instance_follows(self, cast: Cast, location_a: Location) -> None:
        location_hold_place(location=location_a, by=cast.provider_a)
        assert (location_a.free_places, location_a.held_places) == (1, 1)

    def test_no_free_place_is_a_conflict(self, cast: Cast, location_a: Location) -> None:
        location_hold_place(location=location_a, by=cast.provider_a)
        location_hold_place(location=location_a, by=cast.provider_a)
        with pytest.raises(NoFreePlace) as caught:
            location_hold_place(location=location_a, by=cast.provider_a)
        assert isinstance(caught.value, Conflict)
        assert counts(location_a) == (6, 0, 2, 4)

    @pytest.mark.parametrize("service", [location_release_hold, location_occupy_held])
    def test_nothing_held_is_a_conflict(
        self, cast: Cast, location_a: Location, service: Any
    ) -> None:
        with pytest.raises(Conflict):
            service(location=location_a, by=cast.coordinator)
        assert counts(location_a) == (6, 2, 0, 4)

    def test_nothing_occupied_is_a_conflict(self, cast: Cast) -> None:
        empty = LocationFactory(total_places=2, free_places=2, occupied_places=0)
        with pytest.raises(Conflict):
            location_free_occupied(location=empty, by=cast.coordinator)

    def test_release_announces_a_free_place(
        self,
        cast: Cast,
        location_a: Location,
        announced: list[int],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            location_hold_place(location=location_a, by=cast.provider_a)
            location_release_hold(location=location_a, by=cast.provider_a)
        assert announced == [location_a.pk]


class TestProfile:
    def test_it_saves_a_valid_profile(self, cast: Cast, location_a: Location) -> None:
        location_update_profile(
            location=location_a,
            by=cast.provider_a,
            care_form=CareForm.SMALL_SCALE_HOME,
            expertise=[Expertise.MENTAL_HEALTH, Expertise.ADDICTION],
            age_min=14,
            age_max=21,
            contra_indications=["fire_setting"],
            total_places=8,
        )
        location_a.refresh_from_db()
        assert location_a.care_form == CareForm.SMALL_SCALE_HOME
        assert location_a.expertise == ["mental_health", "addiction"]
        assert (location_a.age_min, location_a.age_max) == (14, 21)
        assert counts(location_a) == (8, 4, 0, 4)
        event = CapacityEvent.objects.get()
        assert (event.total_before, event.total_after) == (6, 8)

    def test_a_secured_location_with_the_secured_care_form(
        self, cast: Cast, location_a: Location
    ) -> None:
        location_update_profile(
            location=location_a, by=cast.provider_a, care_form=CareForm.SECURED, secured=True
        )
        location_a.refresh_from_db()
        assert location_a.secured

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"care_form": "castle"}, "care_form"),
            ({"expertise": ["youth_parenting", "astrology"]}, "expertise"),
            ({"expertise": "mental_health"}, "expertise"),
            ({"contra_indications": ["sleepwalking"]}, "contra_indications"),
            ({"age_min": 18, "age_max": 12}, "age_min"),
            ({"age_min": 18, "age_max": 12}, "age_max"),
            ({"age_min": -1}, "age_min"),
            ({"age_max": 99}, "age_max"),
            ({"secured": True}, "secured"),
            ({"care_form": CareForm.SECURED}, "secured"),
            ({"gender": "cats"}, "gender"),
            ({"intensity": "A"}, "intensity"),
            ({"total_places": -3}, "total_places"),
            ({"total_places": 3}, "total_places"),  # below the 4 occupied
            ({"name": "  "}, "name"),
            ({"free_places": 6}, "free_places"),  # counts are not profile
        ],
    )
    def test_it_refuses_bad_input_naming_the_field_and_saves_nothing(
        self, cast: Cast, location_a: Location, fields: dict[str, Any], field: str
    ) -> None:
        values = {"name": "Nieuwe naam"} | fields
        with pytest.raises(ValidationFailed) as caught:
            location_update_profile(location=location_a, by=cast.provider_a, **values)
        assert field in caught.value.errors
        assert all(caught.value.errors[field])
        location_a.refresh_from_db()
        assert location_a.name == "Groep A"
        assert location_a.care_form == CareForm.TREATMENT_GROUP
        assert counts(location_a) == (6, 2, 0, 4)

    def test_it_requires_the_own_provider(self, cast: Cast, location_a: Location) -> None:
        with pytest.raises(NotFound):
            location_update_profile(location=location_a, by=cast.provider_b, name="X")


class TestCreate:
    def test_it_creates_with_free_places_and_announces(
        self,
        cast: Cast,
        announced: list[int],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            location = location_create(
                provider=cast.provider_a_org,
                by=cast.admin,
                name="Nieuw Huis",
                municipality=cast.municipality,
                latitude=52.1,
                longitude=5.3,
                care_form=CareForm.FAMILY_HOME,
                age_min=4,
                age_max=17,
                total_places=4,
                occupied_places=1,
            )
        assert counts(location) == (4, 3, 0, 1)
        assert list(location.regions.all()) == [cast.region]
        assert announced == [location.pk]
        assert CapacityEvent.objects.get().total_after == 4

    def test_it_refuses_bad_input(self, cast: Cast) -> None:
        with pytest.raises(ValidationFailed) as caught:
            location_create(
                provider=cast.provider_a_org,
                by=cast.admin,
                name="Nieuw Huis",
                municipality=cast.municipality,
                latitude=52.1,
                longitude=5.3,
                care_form=CareForm.FAMILY_HOME,
                secured=True,
                age_min=17,
                age_max=4,
                total_places=4,
                occupied_places=5,
            )
        assert {"secured", "age_min", "age_max", "occupied_places"} <= set(caught.value.errors)
        assert not Location.objects.exists()
