"""Browser pages: "Mijn locaties" (provider), the profile form, the coordinator's overview."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from capacity.models import CapacityEvent, Location
from config.codes import CareForm
from tests.capacity.conftest import without_occupied
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

MY = "/capacity/mijn-locaties/"
OVERVIEW = "/capacity/overzicht/"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def adjust_url(location: Location) -> str:
    return f"/capacity/locaties/{location.pk}/vrije-plaatsen/"


def confirm_url(location: Location) -> str:
    return f"/capacity/locaties/{location.pk}/bevestigen/"


def profile_url(location: Location) -> str:
    return f"/capacity/locaties/{location.pk}/profiel/"


class TestRoleMatrix:
    @pytest.mark.parametrize(
        ("path", "allowed"),
        [(MY, {"provider_a", "provider_b"}), (OVERVIEW, {"coordinator"})],
    )
    def test_pages_are_404_for_other_roles(
        self, cast: Cast, location_a: Location, path: str, allowed: set[str]
    ) -> None:
        for name, user in cast.all_users().items():
            expected = 200 if name in allowed else 404
            assert client_for(user).get(path).status_code == expected, name

    @pytest.mark.parametrize("path", [MY, OVERVIEW])
    def test_anonymous_is_sent_to_sign_in(self, path: str) -> None:
        response = client_for(None).get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("who", ["provider_b", "coordinator", "referrer", "analyst", "admin"])
    def test_others_cannot_touch_provider_a_location(
        self, cast: Cast, location_a: Location, who: str
    ) -> None:
        client = client_for(cast.all_users()[who])
        assert client.post(adjust_url(location_a), {"delta": "1"}).status_code == 404
        assert client.post(confirm_url(location_a)).status_code == 404
        assert client.get(profile_url(location_a)).status_code == 404
        assert client.post(profile_url(location_a), {"name": "Overgenomen"}).status_code == 404
        location_a.refresh_from_db()
        assert (location_a.free_places, location_a.name) == (2, "Groep A")

    def test_provider_b_does_not_see_provider_a_locations(
        self, cast: Cast, location_a: Location, location_b: Location
    ) -> None:
        content = client_for(cast.provider_b).get(MY).content.decode()
        assert "Groep B" in content
        assert "Groep A" not in content


class TestMyLocations:
    def test_it_lists_counts_and_marks_stale_figures_in_text(
        self, cast: Cast, location_a: Location
    ) -> None:
        stale = LocationFactory(provider=cast.provider_a_org, name="Oud Huis")
        Location.objects.filter(pk=stale.pk).update(
            last_confirmed_at=timezone.now() - timezone.timedelta(days=8)
        )
        content = client_for(cast.provider_a).get(MY).content.decode()
        assert "Groep A" in content
        assert "Oud Huis" in content
        assert content.count("Verouderd: langer dan 7 dagen niet bevestigd") == 1
        assert "1 locatie is langer dan 7 dagen niet bevestigd" in content
        assert "Alles bevestigen" in content

    def test_plus_with_htmx_saves_and_returns_the_row(
        self, cast: Cast, location_a: Location
    ) -> None:
        without_occupied(location_a)  # 2 free, 4 not available
        response = client_for(cast.provider_a).post(
            adjust_url(location_a), {"delta": "1"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert content.lstrip().startswith("<tr")
        assert "<html" not in content
        assert 'data-testid="free-places">3<' in content
        assert 'data-testid="unavailable-places">3<' in content
        assert "heeft nu 3 vrije plaatsen." in content
        location_a.refresh_from_db()
        assert (location_a.free_places, location_a.occupied_places) == (3, 0)

    def test_plus_is_disabled_with_a_reason_when_the_rest_is_occupied(
        self, cast: Cast, location_a: Location
    ) -> None:
        """Issue 18.3: 6 places, 4 occupied, 2 free: + offers no third; − still works."""
        content = client_for(cast.provider_a).get(MY).content.decode()
        row = content[content.index(f'id="location-{location_a.pk}"') :]
        row = row[: row.index("</tr>")]
        plus = row[row.index('data-testid="plus"') :]
        assert (
            plus[: plus.index(">")]
            .rstrip()
            .endswith(f'disabled aria-describedby="plus-reason-{location_a.pk}"')
        )
        assert "Meer kan niet: 4 plaatsen zijn bezet en 0 gereserveerd." in row
        minus = row[row.index('data-testid="minus"') :]
        assert "disabled" not in minus[: minus.index(">")]
        response = client_for(cast.provider_a).post(
            adjust_url(location_a), {"delta": "1"}, headers={"HX-Request": "true"}
        )
        assert "Meer dan 2 vrije plaatsen kan niet" in response.content.decode()
        location_a.refresh_from_db()
        assert (location_a.free_places, location_a.occupied_places) == (2, 4)
        assert not CapacityEvent.objects.exists()

    def test_minus_without_javascript_redirects_with_a_message(
        self, cast: Cast, location_a: Location
    ) -> None:
        client = client_for(cast.provider_a)
        response = client.post(adjust_url(location_a), {"delta": "-1"}, follow=True)
        assert response.redirect_chain[-1][0] == MY
        content = response.content.decode()
        assert "heeft nu 1 vrije plaats." in content  # singular, not "1 vrije plaatsen"
        assert "heeft nu 1 vrije plaatsen" not in content
        location_a.refresh_from_db()
        assert (location_a.free_places, location_a.occupied_places) == (1, 4)

    def test_minus_at_zero_shows_a_dutch_error_and_changes_nothing(self, cast: Cast) -> None:
        full = LocationFactory(provider=cast.provider_a_org, free_places=0, occupied_places=6)
        response = client_for(cast.provider_a).post(
            adjust_url(full), {"delta": "-1"}, headers={"HX-Request": "true"}
        )
        assert "geen vrije plaatsen meer" in response.content.decode()
        full.refresh_from_db()
        assert full.free_places == 0
        assert not CapacityEvent.objects.exists()

    def test_a_bad_delta_changes_nothing(self, cast: Cast, location_a: Location) -> None:
        client_for(cast.provider_a).post(adjust_url(location_a), {"delta": "veel"})
        location_a.refresh_from_db()
        assert location_a.free_places == 2

    def test_klopt_nog_confirms_one_location(self, cast: Cast, location_a: Location) -> None:
        old = timezone.now() - timezone.timedelta(days=8)
        Location.objects.filter(pk=location_a.pk).update(last_confirmed_at=old)
        response = client_for(cast.provider_a).post(
            confirm_url(location_a), headers={"HX-Request": "true"}
        )
        assert "Verouderd" not in response.content.decode()
        location_a.refresh_from_db()
        assert location_a.last_confirmed_at > old

    def test_confirm_all(self, cast: Cast, location_a: Location, location_b: Location) -> None:
        old = timezone.now() - timezone.timedelta(days=8)
        Location.objects.update(last_confirmed_at=old)
        response = client_for(cast.provider_a).post(
            "/capacity/mijn-locaties/alles-bevestigen/", follow=True
        )
        assert "De cijfers van 1 locatie zijn bevestigd." in response.content.decode()
        location_a.refresh_from_db()
        location_b.refresh_from_db()
        assert location_a.last_confirmed_at > old
        assert location_b.last_confirmed_at == old

    def test_get_is_not_allowed_on_writes(self, cast: Cast, location_a: Location) -> None:
        assert client_for(cast.provider_a).get(adjust_url(location_a)).status_code == 405

    def test_query_count_is_constant(self, cast: Cast, django_assert_max_num_queries: Any) -> None:
        client = client_for(cast.provider_a)
        LocationFactory(provider=cast.provider_a_org)
        client.get(MY)
        with django_assert_max_num_queries(8) as few:
            client.get(MY)
        LocationFactory.create_batch(25, provider=cast.provider_a_org)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(MY)


def profile_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Groep A",
        "care_form": CareForm.TREATMENT_GROUP,
        "expertise": ["youth_parenting", "mental_health"],
        "age_min": "12",
        "age_max": "18",
        "gender": "any",
        "intensity": "P",
        "contra_indications": ["fire_setting"],
        "total_places": "6",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class TestProfile:
    def test_the_form_is_labelled_and_filled(self, cast: Cast, location_a: Location) -> None:
        content = client_for(cast.provider_a).get(profile_url(location_a)).content.decode()
        for label in ("Zorgvorm", "Minimumleeftijd", "Maximumleeftijd", "Contra-indicaties"):
            assert label in content
        assert 'for="id_age_min"' in content
        assert "<legend" in content  # checkbox groups have a legend

    def test_a_valid_profile_is_saved(self, cast: Cast, location_a: Location) -> None:
        response = client_for(cast.provider_a).post(
            profile_url(location_a), profile_data(age_min="14", total_places="8")
        )
        assert response.status_code == 302
        location_a.refresh_from_db()
        assert location_a.age_min == 14
        assert location_a.expertise == ["youth_parenting", "mental_health"]
        assert location_a.contra_indications == ["fire_setting"]
        assert (location_a.total_places, location_a.free_places) == (8, 4)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"age_min": "18", "age_max": "12"}, "minimumleeftijd ligt boven"),
            ({"secured": "on"}, "Alleen een locatie met zorgvorm JeugdzorgPlus"),
            ({"care_form": CareForm.SECURED}, "moet gesloten zijn"),
            ({"care_form": "castle"}, "Selecteer een geldige keuze"),
            ({"expertise": ["astrology"]}, "Selecteer een geldige keuze"),
            ({"total_places": "-1"}, "0 of meer"),
            ({"total_places": "2"}, "Minder dan 4 plaatsen kan niet"),
            ({"age_max": "veertien"}, "geheel getal"),
            ({"name": ""}, "vereist"),
        ],
    )
    def test_bad_input_is_refused_with_a_dutch_message_and_nothing_saved(
        self, cast: Cast, location_a: Location, overrides: dict[str, Any], message: str
    ) -> None:
        response = client_for(cast.provider_a).post(
            profile_url(location_a), profile_data(intensity="Z", **overrides)
        )
        assert response.status_code == 400
        content = response.content.decode()
        assert message in content
        assert 'aria-invalid="true"' in content
        location_a.refresh_from_db()
        assert location_a.intensity == ""
        assert (location_a.age_min, location_a.total_places) == (12, 6)


class TestOverview:
    @pytest.fixture
    def spread(self, cast: Cast) -> dict[str, Location]:
        return {
            "a": LocationFactory(
                provider=cast.provider_a_org,
                name="Alfa Behandel",
                regions=[cast.region],
                total_places=10,
                free_places=2,
                occupied_places=8,
            ),
            "b": LocationFactory(
                provider=cast.provider_b_org,
                name="Beta Gesloten",
                care_form=CareForm.SECURED,
                secured=True,
                expertise=["forensic"],
                age_min=14,
                age_max=18,
                regions=[cast.other_region],
                total_places=8,
                free_places=0,
                occupied_places=8,
                last_confirmed_at=timezone.now() - timezone.timedelta(days=10),
            ),
            "c": LocationFactory(
                provider=cast.provider_b_org,
                name="Gamma Gezinshuis",
                care_form=CareForm.FAMILY_HOME,
                age_min=4,
                age_max=12,
                regions=[cast.region],
                total_places=4,
                free_places=1,
                occupied_places=2,
                held_places=1,
            ),
        }

    def names(self, content: str) -> set[str]:
        return {
            name
            for name in ("Alfa Behandel", "Beta Gesloten", "Gamma Gezinshuis")
            if name in content
        }

    def test_it_shows_everything_with_totals_and_staleness(
        self, cast: Cast, spread: dict[str, Location]
    ) -> None:
        response = client_for(cast.coordinator).get(OVERVIEW)
        content = response.content.decode()
        assert self.names(content) == {"Alfa Behandel", "Beta Gesloten", "Gamma Gezinshuis"}
        assert content.count("Verouderd: langer dan 7 dagen niet bevestigd") == 1
        totals = {t.care_form: t for t in response.context["overview"].totals}
        assert totals["treatment_group"].total_places == 10
        assert totals["treatment_group"].occupancy_rate == 80
        assert totals["secured"].free_places == 0
        assert totals["family_home"].held_places == 1
        assert str(totals["family_home"].occupancy_rate) == "50.0"
        assert response.context["overview"].grand_total.total_places == 22

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"care_form": "secured"}, {"Beta Gesloten"}),
            ({"expertise": "forensic"}, {"Beta Gesloten"}),
            ({"age": "8"}, {"Gamma Gezinshuis"}),
            ({"secured": "0"}, {"Alfa Behandel", "Gamma Gezinshuis"}),
            ({"only_free": "on"}, {"Alfa Behandel", "Gamma Gezinshuis"}),
        ],
    )
    def test_filters(
        self,
        cast: Cast,
        spread: dict[str, Location],
        params: dict[str, str],
        expected: set[str],
    ) -> None:
        response = client_for(cast.coordinator).get(OVERVIEW, params)
        assert self.names(response.content.decode()) == expected
        totals = response.context["overview"].totals
        assert sum(t.locations for t in totals) == len(expected)

    def test_region_filter(self, cast: Cast, spread: dict[str, Location]) -> None:
        response = client_for(cast.coordinator).get(OVERVIEW, {"region": cast.other_region.pk})
        assert self.names(response.content.decode()) == {"Beta Gesloten"}

    def test_htmx_gets_only_the_results(self, cast: Cast, spread: dict[str, Location]) -> None:
        response = client_for(cast.coordinator).get(
            OVERVIEW, {"care_form": "secured"}, headers={"HX-Request": "true"}
        )
        content = response.content.decode()
        assert content.lstrip().startswith('<div id="results"')
        assert "<html" not in content
        assert "Beta Gesloten" in content
        assert "HX-Request" in response["Vary"]

    def test_query_count_is_constant(
        self, cast: Cast, spread: dict[str, Location], django_assert_max_num_queries: Any
    ) -> None:
        client = client_for(cast.coordinator)
        client.get(OVERVIEW)
        with django_assert_max_num_queries(12) as few:
            client.get(OVERVIEW)
        for _ in range(20):
            LocationFactory(provider=cast.provider_a_org, regions=[cast.region, cast.other_region])
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(OVERVIEW)
        assert response.context["page"].paginator.count == 23


class TestHomePanel:
    def test_provider_sees_its_stale_locations(self, cast: Cast, location_a: Location) -> None:
        Location.objects.filter(pk=location_a.pk).update(last_confirmed_at=None)
        content = client_for(cast.provider_a).get("/").content.decode()
        assert "Groep A" in content
        assert MY in content

    def test_coordinator_gets_a_link_to_the_overview(self, cast: Cast) -> None:
        content = client_for(cast.coordinator).get("/").content.decode()
        assert OVERVIEW in content

    def test_referrer_sees_no_capacity_panel(self, cast: Cast) -> None:
        content = client_for(cast.referrer).get("/").content.decode()
        assert 'data-testid="capacity-panel"' not in content
