"""Announced changes of size and closures (issue 22 point 1): announce, cancel, apply on the
date, who is affected; the API and the pages; bad input and the role boundaries."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Notification, Organisation, Role, User
from capacity.models import CapacityChange, CapacityEvent, Location
from capacity.services import (
    capacity_change_announce,
    capacity_change_cancel,
    capacity_changes_apply_due,
)
from capacity.tasks import apply_capacity_changes
from config.errors import Conflict, NotFound, ValidationFailed
from placement.services import offer_accept, offer_send, referral_wait
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory, OrganisationFactory, UserFactory
from tests.placement.conftest import make_referral  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ApiClient = Callable[[User | None], APIClient]
TODAY = timezone.localdate()


def counts(location: Location) -> tuple[int, int, int, int]:
    location.refresh_from_db()
    return (
        location.total_places,
        location.free_places,
        location.held_places,
        location.occupied_places,
    )


def announce(location: Location, by: User, **overrides: Any) -> CapacityChange:
    values: dict[str, Any] = {
        "kind": "resize",
        "new_total": 4,
        "effective_on": TODAY + timedelta(days=30),
        "reason": "staffing",
        "today": TODAY,
    }
    return capacity_change_announce(location=location, by=by, **(values | overrides))


@pytest.fixture
def other_coordinator(cast: Cast) -> User:
    org = OrganisationFactory(
        kind=Organisation.Kind.COORDINATION_POINT, regions=[cast.other_region]
    )
    return UserFactory(role=Role.COORDINATOR, organisation=org)


@pytest.fixture
def roomy(cast: Cast) -> Location:
    """10 places: 4 free, 2 unavailable, 4 occupied."""
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep Ruim",
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=10,
        free_places=4,
        occupied_places=4,
    )


class TestAnnounce:
    def test_the_provider_announces_and_the_coordinator_is_told_at_once(
        self, cast: Cast, roomy: Location
    ) -> None:
        change = announce(roomy, cast.provider_a)
        assert change.state == "pending"
        assert counts(roomy) == (10, 4, 0, 4)  # nothing changes before the date
        note = Notification.objects.get(recipient=cast.coordinator, kind="capacity.change")
        assert "Groep Ruim" in note.message and "4 plaatsen" in note.message
        assert note.link == f"/capacity/wijzigingen/{change.pk}/"
        assert AuditEntry.objects.filter(action="capacity.change.announce").exists()

    def test_a_coordinator_of_the_region_may_announce(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.coordinator, kind="closure", new_total=None)
        assert change.kind == "closure"

    @pytest.mark.parametrize("who", ["provider_b", "referrer", "analyst", "other_coordinator"])
    def test_others_are_refused_without_revealing_the_location(
        self, cast: Cast, roomy: Location, other_coordinator: User, who: str
    ) -> None:
        user = other_coordinator if who == "other_coordinator" else getattr(cast, who)
        with pytest.raises(NotFound):
            announce(roomy, user)
        assert not CapacityChange.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"effective_on": TODAY - timedelta(days=1)}, "effective_on"),
            ({"effective_on": "2026-07-01"}, "effective_on"),
            ({"new_total": -1}, "new_total"),
            ({"new_total": None}, "new_total"),
            ({"new_total": True}, "new_total"),
            ({"kind": "closure", "new_total": 3}, "new_total"),
            ({"kind": "grow"}, "kind"),
            ({"reason": "weather"}, "reason"),
            ({"reason": "other", "note": "  "}, "note"),
            ({"reason": "other", "note": "a\x00b"}, "note"),
        ],
    )
    def test_bad_input_names_the_field_and_saves_nothing(
        self, cast: Cast, roomy: Location, overrides: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationFailed) as info:
            announce(roomy, cast.provider_a, **overrides)
        assert field in info.value.errors
        assert not CapacityChange.objects.exists()
        assert not Notification.objects.exists()

    def test_one_pending_change_per_date(self, cast: Cast, roomy: Location) -> None:
        announce(roomy, cast.provider_a)
        with pytest.raises(ValidationFailed) as info:
            announce(roomy, cast.coordinator, new_total=12)
        assert "effective_on" in info.value.errors

    def test_the_database_refuses_a_second_pending_change_for_a_date(
        self, cast: Cast, roomy: Location
    ) -> None:
        first = announce(roomy, cast.provider_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            CapacityChange.objects.create(
                location=roomy,
                kind="resize",
                new_total=8,
                effective_on=first.effective_on,
                reason="staffing",
                announced_by=cast.provider_a,
            )

    def test_a_cancelled_date_can_be_announced_again(self, cast: Cast, roomy: Location) -> None:
        first = announce(roomy, cast.provider_a)
        capacity_change_cancel(change=first, by=cast.provider_a)
        assert announce(roomy, cast.provider_a, new_total=12).state == "pending"

    def test_a_change_for_today_applies_at_once(self, cast: Cast, roomy: Location) -> None:
        change = capacity_change_announce(
            location=roomy,
            by=cast.provider_a,
            kind="resize",
            new_total=12,
            effective_on=timezone.localdate(),
            reason="new_group",
        )
        assert change.state == "applied"
        assert counts(roomy) == (12, 6, 0, 4)  # the added places are free

    def test_a_reduction_below_the_occupied_places_may_be_announced(
        self, cast: Cast, roomy: Location
    ) -> None:
        assert announce(roomy, cast.provider_a, new_total=2).state == "pending"


class TestApplyDue:
    def test_on_the_date_the_register_follows(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.provider_a, new_total=6)
        assert capacity_changes_apply_due(today=change.effective_on - timedelta(days=1)) == 0
        assert counts(roomy) == (10, 4, 0, 4)
        assert capacity_changes_apply_due(today=change.effective_on) == 1
        # 4 fewer places: the 2 unavailable ones first, then 2 free ones
        assert counts(roomy) == (6, 2, 0, 4)
        change.refresh_from_db()
        assert change.state == "applied"
        event = CapacityEvent.objects.filter(location=roomy).first()
        assert event is not None and event.reason == "planned_change" and event.by is None
        assert (event.total_before, event.total_after) == (10, 6)
        assert capacity_changes_apply_due(today=change.effective_on) == 0  # idempotent
        assert counts(roomy) == (6, 2, 0, 4)

    def test_a_growth_adds_free_places(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.provider_a, new_total=14, reason="new_group")
        capacity_changes_apply_due(today=change.effective_on)
        assert counts(roomy) == (14, 8, 0, 4)

    def test_a_closure_empties_and_deactivates(self, cast: Cast) -> None:
        location = LocationFactory(
            provider=cast.provider_a_org,
            regions=[cast.region],
            total_places=5,
            free_places=3,
            occupied_places=0,
        )
        change = announce(location, cast.provider_a, kind="closure", new_total=None)
        assert apply_capacity_changes.apply(kwargs={}).get() == 0  # not yet due today
        capacity_changes_apply_due(today=change.effective_on)
        assert counts(location) == (0, 0, 0, 0)
        assert location.is_active is False
        change.refresh_from_db()
        assert change.state == "applied"

    def test_below_the_places_in_use_it_applies_as_far_as_it_can(
        self, cast: Cast, roomy: Location
    ) -> None:
        """Decision: total = max(new total, occupied + held), the change stays "deels
        doorgevoerd", the coordinator is told, and a later run completes it."""
        change = announce(roomy, cast.provider_a, kind="closure", new_total=None)
        capacity_changes_apply_due(today=change.effective_on)
        assert counts(roomy) == (4, 0, 0, 4)
        assert roomy.is_active is False  # no longer matched
        change.refresh_from_db()
        assert change.state == "partial" and change.applied_at is None
        assert Notification.objects.filter(
            recipient=cast.coordinator, kind="capacity.change_partial"
        ).exists()
        with pytest.raises(Conflict):
            capacity_change_cancel(change=change, by=cast.provider_a)
        # two youths leave: their places go the next night
        Location.objects.filter(pk=roomy.pk).update(occupied_places=2)
        capacity_changes_apply_due(today=change.effective_on + timedelta(days=1))
        assert counts(roomy) == (2, 0, 0, 2)
        Location.objects.filter(pk=roomy.pk).update(occupied_places=0)
        capacity_changes_apply_due(today=change.effective_on + timedelta(days=2))
        assert counts(roomy) == (0, 0, 0, 0)
        change.refresh_from_db()
        assert change.state == "applied"
        assert Notification.objects.filter(kind="capacity.change_partial").count() == 1  # told once

    def test_a_cancelled_change_never_applies(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.provider_a)
        capacity_change_cancel(change=change, by=cast.coordinator)
        assert AuditEntry.objects.filter(action="capacity.change.cancel").exists()
        capacity_changes_apply_due(today=change.effective_on)
        assert counts(roomy) == (10, 4, 0, 4)
        with pytest.raises(Conflict):
            capacity_change_cancel(change=change, by=cast.provider_a)

    def test_others_cannot_cancel(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.provider_a)
        with pytest.raises(NotFound):
            capacity_change_cancel(change=change, by=cast.provider_b)
        change.refresh_from_db()
        assert change.state == "pending"


@pytest.fixture
def fitting(cast: Cast) -> Location:
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep Past",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        age_min=10,
        age_max=18,
        total_places=6,
        free_places=2,
        occupied_places=0,
    )


class TestAffected:
    def test_the_page_lists_codes_of_offers_and_waiting_requests(
        self,
        cast: Cast,
        fitting: Location,
        make_referral: Callable[..., Referral],  # noqa: F811
    ) -> None:
        accepted = make_referral()
        offer = offer_send(referral=accepted, location=fitting, by=cast.coordinator)
        offer_accept(offer=offer, by=cast.provider_a)
        open_one = make_referral()
        offer_send(referral=open_one, location=fitting, by=cast.coordinator)
        waiting = make_referral()
        referral_wait(referral=waiting, by=cast.coordinator, interim_support="Ambulant thuis.")
        not_fitting = make_referral(care_forms=["foster_care"])
        referral_wait(referral=not_fitting, by=cast.coordinator, interim_support="Ambulant.")
        change = capacity_change_announce(
            location=fitting,
            by=cast.provider_a,
            kind="closure",
            effective_on=timezone.localdate() + timedelta(days=10),
            reason="group_closure",
        )
        client = Client()
        client.force_login(cast.coordinator)
        page = client.get(f"/capacity/wijzigingen/{change.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        for code in (accepted.code, open_one.code, waiting.code):
            assert code in html
        assert not_fitting.code not in html
        assert "Zwaantje" not in html and "Quirijnsdochter" not in html  # no identity
        assert 'data-testid="over-warning"' in html  # 1 place held, closure to 0
        # the provider sees its offers, not the region's waiting list
        client.force_login(cast.provider_a)
        html = client.get(f"/capacity/wijzigingen/{change.pk}/").content.decode()
        assert accepted.code in html and waiting.code not in html
        client.force_login(cast.provider_b)
        assert client.get(f"/capacity/wijzigingen/{change.pk}/").status_code == 404


class TestPages:
    def test_the_provider_announces_a_closure_only_when_confirmed(
        self, cast: Cast, roomy: Location
    ) -> None:
        client = Client()
        client.force_login(cast.provider_a)
        page = f"/capacity/locaties/{roomy.pk}/wijzigingen/"
        assert client.get(page).status_code == 200
        data = {
            "kind": "closure",
            "effective_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "reason": "group_closure",
        }
        response = client.post(page, data)
        assert response.status_code == 400
        assert "Bevestig de sluiting" in response.content.decode()
        assert not CapacityChange.objects.exists()
        response = client.post(page, data | {"confirm_closure": "on"})
        change = CapacityChange.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/capacity/wijzigingen/{change.pk}/"

    def test_a_past_date_is_refused_on_the_page(self, cast: Cast, roomy: Location) -> None:
        client = Client()
        client.force_login(cast.coordinator)
        response = client.post(
            f"/capacity/locaties/{roomy.pk}/wijzigingen/",
            {
                "kind": "resize",
                "new_total": "3",
                "effective_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
                "reason": "staffing",
            },
        )
        assert response.status_code == 400
        assert "vandaag of later" in response.content.decode()
        assert not CapacityChange.objects.exists()

    def test_cancel_from_the_page(self, cast: Cast, roomy: Location) -> None:
        change = announce(roomy, cast.provider_a, effective_on=timezone.localdate() + timedelta(1))
        client = Client()
        client.force_login(cast.coordinator)
        response = client.post(f"/capacity/wijzigingen/{change.pk}/intrekken/")
        assert response.status_code == 302
        change.refresh_from_db()
        assert change.state == "cancelled"

    def test_other_providers_and_roles_get_404(
        self, cast: Cast, roomy: Location, other_coordinator: User
    ) -> None:
        client = Client()
        for user in (cast.provider_b, cast.referrer, other_coordinator):
            client.force_login(user)
            assert client.get(f"/capacity/locaties/{roomy.pk}/wijzigingen/").status_code == 404

    def test_the_lists_link_to_the_changes_page(self, cast: Cast, roomy: Location) -> None:
        client = Client()
        client.force_login(cast.provider_a)
        link = f"/capacity/locaties/{roomy.pk}/wijzigingen/"
        assert link in client.get("/capacity/mijn-locaties/").content.decode()
        client.force_login(cast.coordinator)
        assert link in client.get("/capacity/overzicht/").content.decode()


class TestApi:
    def url(self, location: Location) -> str:
        return f"/api/v1/locations/{location.pk}/changes/"

    def body(self, **overrides: Any) -> dict[str, Any]:
        return {
            "kind": "resize",
            "new_total": 8,
            "effective_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "reason": "refurbishment",
        } | overrides

    def test_announce_list_and_cancel(
        self, cast: Cast, api_client_for: ApiClient, roomy: Location
    ) -> None:
        client = api_client_for(cast.provider_a)
        response = client.post(self.url(roomy), self.body(), format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["state"] == "pending" and created["new_total"] == 8
        listed = api_client_for(cast.coordinator).get(self.url(roomy)).json()
        assert [row["id"] for row in listed] == [created["id"]]
        response = api_client_for(cast.coordinator).post(
            f"/api/v1/capacity-changes/{created['id']}/cancel/"
        )
        assert response.status_code == 200 and response.json()["state"] == "cancelled"
        again = api_client_for(cast.provider_a).post(
            f"/api/v1/capacity-changes/{created['id']}/cancel/"
        )
        assert again.status_code == 409

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"effective_on": "2020-01-01"}, "effective_on"),
            ({"effective_on": "morgen"}, "effective_on"),
            ({"new_total": -3}, "new_total"),
            ({"new_total": "veel"}, "new_total"),
            ({"kind": "explode"}, "kind"),
            ({"reason": "other", "note": ""}, "note"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self,
        cast: Cast,
        api_client_for: ApiClient,
        roomy: Location,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = api_client_for(cast.provider_a).post(
            self.url(roomy), self.body(**overrides), format="json"
        )
        assert response.status_code == 400
        assert field in str(response.json())
        assert not CapacityChange.objects.exists()

    @pytest.mark.parametrize("who", ["provider_b", "referrer", "analyst", "other_coordinator"])
    def test_others_get_404_or_403(
        self,
        cast: Cast,
        api_client_for: ApiClient,
        roomy: Location,
        other_coordinator: User,
        who: str,
    ) -> None:
        user = other_coordinator if who == "other_coordinator" else getattr(cast, who)
        client = api_client_for(user)
        assert client.post(self.url(roomy), self.body(), format="json").status_code in (403, 404)
        assert client.get(self.url(roomy)).status_code in (403, 404)
        assert not CapacityChange.objects.exists()
        change = announce(roomy, cast.provider_a)
        cancel = client.post(f"/api/v1/capacity-changes/{change.pk}/cancel/")
        assert cancel.status_code in (403, 404)
        change.refresh_from_db()
        assert change.state == "pending"

    def test_in_the_openapi_schema(self, cast: Cast, api_client_for: ApiClient) -> None:
        from drf_spectacular.generators import SchemaGenerator

        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
        assert "/api/v1/locations/{id}/changes/" in paths
        assert "/api/v1/capacity-changes/{id}/cancel/" in paths
        assert "/api/v1/locations/{id}/unstaffed/" in paths
