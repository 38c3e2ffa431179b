"""Issue 21.4 leftovers: "Plaatsing onder druk" on the board cards and the placements list,
the filter "onder druk", and `at_risk` in the API; a fixed number of queries."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import Location
from placement import services
from placement.models import Placement, PlacementRisk
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.test_board_cards import card_of
from tests.placement.test_list_filters import place

pytestmark = pytest.mark.django_db

BOARD = "/placement/bord/"
PLACEMENTS = "/placement/plaatsingen/"
FLAG = "Plaatsing onder druk: gedrag"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def at_risk(cast: Cast, placement: Placement, reason: str = "behaviour") -> PlacementRisk:
    return services.placement_flag_risk(
        placement=placement, by=cast.provider_a, reason=reason, note="Escalaties op de groep."
    )


def row_of(html: str, code: str) -> str:
    start = html.index(f">{code}</a>")
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def three(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> tuple[Placement, Placement, Placement]:
    """An active placement at risk, one whose risk was closed (prevented), one never at risk."""
    risky, calmed, calm = (place(cast, make_referral(), location_a) for _ in range(3))
    at_risk(cast, risky)
    at_risk(cast, calmed, reason="school")
    services.placement_risk_update(
        placement=calmed, by=cast.coordinator, support=["mobile_team"], outcome="prevented"
    )
    return risky, calmed, calm


def test_the_board_card_flags_an_active_placement_at_risk_with_its_reason(
    cast: Cast, three: tuple[Placement, Placement, Placement]
) -> None:
    risky, calmed, calm = three
    html = signed_in(cast.coordinator).get(BOARD).content.decode()
    assert f'<span class="rop-flag rop-flag--warning">{FLAG}</span>' in card_of(
        html, risky.referral.code
    )
    for placement in (calmed, calm):
        assert "onder druk" not in card_of(html, placement.referral.code)
    assert "“Plaatsing onder druk”" in html  # the legend explains the flag


def test_an_ended_placement_is_no_longer_flagged(
    cast: Cast, three: tuple[Placement, Placement, Placement]
) -> None:
    risky = three[0]
    # An open risk left on a placement that is no longer active (data of before the rule
    # that closes it on ending) is no flag: only a live placement can be under pressure.
    Placement.objects.filter(pk=risky.pk).update(
        status=Placement.Status.ENDED, end_date=timezone.localdate(), end_reason="other"
    )
    html = signed_in(cast.coordinator).get(PLACEMENTS).content.decode()
    assert "onder druk:" not in row_of(html, risky.referral.code)


@pytest.mark.parametrize("who", ["coordinator", "provider_a"])
def test_the_placements_list_flags_and_filters_at_risk(
    cast: Cast, three: tuple[Placement, Placement, Placement], who: str
) -> None:
    risky, calmed, calm = three
    client = signed_in(getattr(cast, who))
    html = client.get(PLACEMENTS).content.decode()
    assert 'name="at_risk"' in html
    assert f'data-testid="at-risk">{FLAG}</span>' in row_of(html, risky.referral.code)
    for placement in (calmed, calm):
        assert 'data-testid="at-risk"' not in row_of(html, placement.referral.code)

    html = client.get(PLACEMENTS, {"at_risk": "yes"}).content.decode()
    assert risky.referral.code in html
    assert calmed.referral.code not in html and calm.referral.code not in html
    html = client.get(PLACEMENTS, {"at_risk": "no"}).content.decode()
    assert risky.referral.code not in html
    assert calmed.referral.code in html and calm.referral.code in html


def test_the_filter_refuses_a_bad_value_naming_the_field(
    cast: Cast, three: tuple[Placement, Placement, Placement]
) -> None:
    response = signed_in(cast.coordinator).get(PLACEMENTS, {"at_risk": "maybe"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="at_risk"' in html and "utrecht-form-field--invalid" in html
    assert three[0].referral.code not in html


def test_another_provider_sees_neither_the_placement_nor_its_flag(
    cast: Cast, three: tuple[Placement, Placement, Placement]
) -> None:
    html = signed_in(cast.provider_b).get(PLACEMENTS, {"at_risk": "yes"}).content.decode()
    assert three[0].referral.code not in html and FLAG not in html


@pytest.mark.parametrize("who", ["referrer", "analyst"])
def test_other_roles_have_no_placements_list(cast: Cast, who: str) -> None:
    assert signed_in(getattr(cast, who)).get(PLACEMENTS, {"at_risk": "yes"}).status_code in (
        403,
        404,
    )


def test_the_api_exposes_at_risk_in_list_and_detail(
    api_client_for: Callable[..., APIClient],
    cast: Cast,
    three: tuple[Placement, Placement, Placement],
) -> None:
    risky, calmed, calm = three
    for who in ("coordinator", "provider_a"):
        client = api_client_for(getattr(cast, who))
        listed = client.get("/api/v1/placements/").json()
        rows = {row["id"]: row for row in listed.get("results", listed)}
        assert (rows[risky.pk]["at_risk"], rows[risky.pk]["at_risk_reason"]) == (
            True,
            "behaviour",
        )
        for placement in (calmed, calm):
            assert (rows[placement.pk]["at_risk"], rows[placement.pk]["at_risk_reason"]) == (
                False,
                None,
            )
        detail = client.get(f"/api/v1/placements/{risky.pk}/").json()
        assert detail["at_risk"] is True and detail["at_risk_reason"] == "behaviour"
        assert client.get(f"/api/v1/placements/{calm.pk}/").json()["at_risk"] is False
    assert api_client_for(cast.provider_b).get(f"/api/v1/placements/{risky.pk}/").status_code == 404


def test_the_openapi_schema_documents_at_risk(
    api_client_for: Callable[..., APIClient], cast: Cast
) -> None:
    schema = api_client_for(cast.coordinator).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    properties = schema.json()["components"]["schemas"]["Placement"]["properties"]
    assert properties["at_risk"]["type"] == "boolean"
    assert "at_risk_reason" in properties


@pytest.mark.parametrize("path", [BOARD, PLACEMENTS, "/api/v1/placements/"])
def test_the_flag_costs_no_query_per_row(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., Any],
    path: str,
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            at_risk(cast, place(cast, make_referral(), location_a))

    client = signed_in(cast.coordinator)
    add(2)
    client.get(path)  # session and caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
        assert response.status_code == 200
    assert response.content.decode().count("onder druk") >= 20 or path.startswith("/api")
