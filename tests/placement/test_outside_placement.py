"""Care outside coordination (issue 21, point 2): closing as placed outside coordination
records where the youth went, how, at what cost per day and why; the coordinator edits it."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from config.errors import ValidationFailed
from placement.models import OutsidePlacement
from referrals.models import Referral
from referrals.services import referral_close, referral_reopen, referral_start_matching
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload, to_service_data

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]
OUTSIDE = Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION


@pytest.fixture
def matching(cast: Cast) -> Referral:
    from referrals.services import referral_create, referral_submit

    referral = referral_create(by=cast.referrer, data=to_service_data(complete_payload()))
    referral = referral_submit(referral=referral, by=cast.referrer)
    return referral_start_matching(referral=referral, by=cast.coordinator)


def maatwerk(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "provider_name": "Zorgboerderij De Horst",
        "arrangement": "maatwerk",
        "cost_per_day": Decimal("685.50"),
        "start_date": timezone.localdate() - timedelta(days=2),
        "reason": "no_fitting_place",
    }
    data.update(overrides)
    return data


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the service --------------------------------------------------------------------------


def test_closing_outside_records_the_care(cast: Cast, matching: Referral) -> None:
    referral_close(
        referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=maatwerk()
    )
    outside = OutsidePlacement.objects.get(referral=matching)
    assert outside.provider is None
    assert outside.provider_name == "Zorgboerderij De Horst"
    assert outside.contracted is False  # by name: outside the contract
    assert outside.cost_per_day == Decimal("685.50")
    assert outside.recorded_by == cast.coordinator
    assert AuditEntry.objects.filter(
        action="referral.outside_placement", object_type="outside_placement"
    ).exists()


def test_a_register_provider_is_contracted_by_default(cast: Cast, matching: Referral) -> None:
    data = maatwerk(provider_name="", provider=cast.provider_a_org.pk, arrangement="regular")
    data.pop("cost_per_day")
    referral_close(referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=data)
    outside = OutsidePlacement.objects.get(referral=matching)
    assert outside.provider == cast.provider_a_org
    assert outside.contracted is True
    assert outside.cost_per_day is None  # regular: the contract's tariff


def test_closing_outside_requires_the_fields(cast: Cast, matching: Referral) -> None:
    with pytest.raises(ValidationFailed) as failure:
        referral_close(referral=matching, by=cast.coordinator, outcome=OUTSIDE)
    assert set(failure.value.errors) == {
        "outside_placement.provider",
        "outside_placement.arrangement",
        "outside_placement.start_date",
        "outside_placement.reason",
    }
    matching.refresh_from_db()
    assert matching.status == Referral.Status.MATCHING  # nothing saved
    assert not OutsidePlacement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cost_per_day": None}, "cost_per_day"),
        ({"cost_per_day": Decimal("-1")}, "cost_per_day"),
        ({"arrangement": "one_to_one", "cost_per_day": ""}, "cost_per_day"),
        ({"provider": "provider_a"}, "provider_name"),  # both register and name
        ({"provider": "coordination_point", "provider_name": ""}, "provider"),  # not a provider
        ({"reason": "other"}, "reason_note"),
        ({"reason": "elsewhere"}, "reason"),
        ({"arrangement": "luxury"}, "arrangement"),
        ({"provider_name": "De Horst\tZorg"}, "provider_name"),  # control character
        ({"reason": "other", "reason_note": "Zoë wilde daar zelf heen."}, "reason_note"),
        ({"contracted": True}, "contracted"),  # a provider by name is not contracted
        ({"start_date": timezone.localdate() + timedelta(days=400)}, "start_date"),
    ],
)
def test_bad_outside_input_is_refused_naming_the_field(
    cast: Cast, matching: Referral, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("provider") == "provider_a":
        overrides["provider"] = cast.provider_a_org.pk
    if overrides.get("provider") == "coordination_point":
        overrides["provider"] = cast.coordination_point.pk
    with pytest.raises(ValidationFailed) as failure:
        referral_close(
            referral=matching,
            by=cast.coordinator,
            outcome=OUTSIDE,
            outside_placement=maatwerk(**overrides),
        )
    assert f"outside_placement.{field}" in failure.value.errors
    matching.refresh_from_db()
    assert matching.status == Referral.Status.MATCHING
    assert not OutsidePlacement.objects.exists()


def test_another_outcome_takes_no_outside_care(cast: Cast, matching: Referral) -> None:
    with pytest.raises(ValidationFailed) as failure:
        referral_close(
            referral=matching,
            by=cast.coordinator,
            outcome=Referral.CloseOutcome.WITHDRAWN,
            outside_placement=maatwerk(),
        )
    assert "outside_placement" in failure.value.errors


def test_reopening_undoes_the_outside_care(cast: Cast, matching: Referral) -> None:
    referral_close(
        referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=maatwerk()
    )
    referral_reopen(referral=matching, by=cast.coordinator, reason="Plek viel weg.")
    assert not OutsidePlacement.objects.exists()


def test_the_database_holds_the_rules(cast: Cast, matching: Referral) -> None:
    base = {
        "referral": matching,
        "arrangement": "maatwerk",
        "cost_per_day": Decimal("100"),
        "start_date": timezone.localdate(),
        "reason": "crisis",
        "recorded_by": cast.coordinator,
    }
    broken = [
        {"provider": cast.provider_a_org, "provider_name": "Ook een naam"},
        {"provider": None, "provider_name": ""},
        {"provider_name": "X", "cost_per_day": Decimal("-5")},
        {"provider_name": "X", "cost_per_day": None},
        {"provider_name": "X", "reason": "other", "reason_note": ""},
    ]
    for overrides in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            OutsidePlacement.objects.create(**{**base, **overrides})


# --- the API --------------------------------------------------------------------------------


def _api_body(**overrides: Any) -> dict[str, Any]:
    body = {**maatwerk(), "cost_per_day": "685.50"}
    body["start_date"] = body["start_date"].isoformat()
    body.update(overrides)
    return body


def test_api_close_outside_needs_the_cost(
    cast: Cast, matching: Referral, api_client_for: ApiClient
) -> None:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{matching.pk}/close/",
        {"outcome": OUTSIDE, "outside_placement": _api_body(cost_per_day=None)},
        format="json",
    )
    assert response.status_code == 400
    assert "outside_placement.cost_per_day" in str(response.json())
    matching.refresh_from_db()
    assert matching.status == Referral.Status.MATCHING
    assert not OutsidePlacement.objects.exists()


def test_api_close_outside_and_edit_it(
    cast: Cast, matching: Referral, api_client_for: ApiClient
) -> None:
    client = api_client_for(cast.coordinator)
    response = client.post(
        f"/api/v1/referrals/{matching.pk}/close/",
        {"outcome": OUTSIDE, "outside_placement": _api_body()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    url = f"/api/v1/referrals/{matching.pk}/outside-placement/"
    assert client.get(url).json()["cost_per_day"] == "685.50"
    response = client.patch(url, {"cost_per_day": "720.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert OutsidePlacement.objects.get().cost_per_day == Decimal("720.00")
    response = client.patch(url, {"arrangement": "one_to_one", "cost_per_day": None}, format="json")
    assert response.status_code == 400
    assert "cost_per_day" in str(response.json())
    assert OutsidePlacement.objects.get().arrangement == "maatwerk"  # nothing changed


@pytest.mark.parametrize("role", ["referrer", "provider_a", "analyst", "referrer2"])
def test_api_others_may_not_edit_the_outside_care(
    cast: Cast, matching: Referral, api_client_for: ApiClient, role: str
) -> None:
    referral_close(
        referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=maatwerk()
    )
    response = api_client_for(getattr(cast, role)).patch(
        f"/api/v1/referrals/{matching.pk}/outside-placement/",
        {"cost_per_day": "1.00"},
        format="json",
    )
    assert response.status_code == 404
    assert OutsidePlacement.objects.get().cost_per_day == Decimal("685.50")


@pytest.mark.parametrize("role", ["provider_a", "analyst", "referrer2"])
def test_api_outside_care_is_not_shown_to_others(
    cast: Cast, matching: Referral, api_client_for: ApiClient, role: str
) -> None:
    referral_close(
        referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=maatwerk()
    )
    url = f"/api/v1/referrals/{matching.pk}/outside-placement/"
    assert api_client_for(getattr(cast, role)).get(url).status_code == 404


# --- the pages ------------------------------------------------------------------------------


def test_close_page_asks_for_the_outside_care_then_confirms(cast: Cast, matching: Referral) -> None:
    client = client_for(cast.coordinator)
    url = f"/referrals/{matching.pk}/close/"
    # From the detail page's short form: the outcome alone opens the fields, no errors yet.
    response = client.post(url, {"outcome": OUTSIDE})
    assert response.status_code == 200
    assert 'data-testid="outside-fields"' in response.content.decode()
    fields = {
        "outcome": OUTSIDE,
        "outside-shown": "1",
        "outside-provider_name": "Zorgboerderij De Horst",
        "outside-arrangement": "maatwerk",
        "outside-start_date": timezone.localdate().isoformat(),
        "outside-reason": "crisis",
    }
    response = client.post(url, fields)
    assert response.status_code == 400
    assert "Vul de kosten per dag in" in response.content.decode()
    fields["outside-cost_per_day"] = "685,50"
    response = client.post(url, fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="close-confirm"' in page
    assert "Zorgboerderij De Horst" in page
    assert not OutsidePlacement.objects.exists()
    response = client.post(url, {**fields, "confirmed": "1"})
    assert response.status_code == 302
    outside = OutsidePlacement.objects.get(referral=matching)
    assert outside.cost_per_day == Decimal("685.50")
    detail = client.get(f"/referrals/{matching.pk}/").content.decode()
    assert 'data-testid="outside-placement"' in detail
    assert "maatwerkconstructie" in detail


def test_edit_page_for_the_coordinator_only(cast: Cast, matching: Referral) -> None:
    referral_close(
        referral=matching, by=cast.coordinator, outcome=OUTSIDE, outside_placement=maatwerk()
    )
    url = f"/referrals/{matching.pk}/buiten-coordinatie/"
    assert client_for(cast.coordinator).get(url).status_code == 200
    for role in ("referrer", "provider_a", "analyst"):
        assert client_for(getattr(cast, role)).get(url).status_code == 404
    response = client_for(cast.coordinator).post(
        url,
        {
            "outside-provider_name": "Zorgboerderij De Horst",
            "outside-arrangement": "one_to_one",
            "outside-start_date": timezone.localdate().isoformat(),
            "outside-reason": "crisis",
        },
    )
    assert response.status_code == 400  # one-to-one without a cost per day
    assert OutsidePlacement.objects.get().arrangement == "maatwerk"
