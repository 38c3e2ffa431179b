"""Filters on the overview lists (referrals and intake, waiting list, placements): kept in
the address and by the pagination, invalid values a Dutch 400, a fixed number of queries."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from capacity.models import Location
from placement import services
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast, local_midday_days_ago

pytestmark = pytest.mark.django_db

LIST = "/referrals/"
WAITING = "/placement/wachtlijst/"
PLACEMENTS = "/placement/plaatsingen/"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def wait(cast: Cast, referral: Referral) -> Referral:
    services.referral_wait(
        referral=referral, interim_support="Thuisbegeleiding.", by=cast.coordinator
    )
    return referral


def place(cast: Cast, referral: Referral, location: Location) -> Placement:
    offer = Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        care_form=location.care_form,
        sent_by=cast.coordinator,
        deadline=timezone.now() + timedelta(days=3),
        status=Offer.Status.ACCEPTED,
        answered_at=timezone.now(),
    )
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.PLACED)
    return Placement.objects.create(
        referral=referral,
        offer=offer,
        location=location,
        provider=location.provider,
        created_by=cast.coordinator,
        start_date=timezone.localdate(),
        status=Placement.Status.ACTIVE,
    )


def young_and_old(
    make_referral: Callable[..., Referral], **fields: Any
) -> tuple[Referral, Referral]:
    start = timezone.localdate() + timedelta(days=14)
    young = make_referral(
        birth_date=date(start.year - 10, 1, 1),
        requested_start=start,
        care_forms=["foster_care"],
        **fields,
    )
    old = make_referral(birth_date=date(start.year - 17, 1, 1), requested_start=start, **fields)
    return young, old


def test_referral_list_filters_by_care_form_age_band_and_days(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    young, old = young_and_old(make_referral)
    client = signed_in(cast.coordinator)
    html = client.get(LIST, {"care_form": "foster_care"}).content.decode()
    assert young.code in html and old.code not in html
    html = client.get(LIST, {"age_band": "16-17"}).content.decode()
    assert old.code in html and young.code not in html
    Referral.objects.filter(pk=young.pk).update(status_changed_at=local_midday_days_ago(7))
    html = client.get(LIST, {"days": "7"}).content.decode()
    assert young.code in html and old.code not in html
    html = client.get(LIST, {"days": "8"}).content.decode()
    assert young.code not in html and 'data-testid="filter-empty"' in html


def test_intake_is_filtered_too_but_not_by_status(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    young, old = young_and_old(make_referral, status=Referral.Status.SUBMITTED)
    client = signed_in(cast.coordinator)
    html = client.get(LIST, {"age_band": "0-11"}).content.decode()
    intake = html.split('data-testid="intake"')[1].split("</table>")[0]
    assert young.code in intake and old.code not in intake
    html = client.get(LIST, {"status": "matching"}).content.decode()
    assert young.code in html.split('data-testid="intake"')[1].split("</table>")[0]


def test_urgency_filter(cast: Cast, make_referral: Callable[..., Referral]) -> None:
    crisis, planned = make_referral(), make_referral()
    Referral.objects.filter(pk=crisis.pk).update(urgency="crisis")
    html = signed_in(cast.coordinator).get(LIST, {"urgency": "crisis"}).content.decode()
    assert crisis.code in html and planned.code not in html


def test_the_pagination_keeps_the_filters_and_the_sort(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    for _ in range(51):
        make_referral(care_forms=["foster_care"])
    html = (
        signed_in(cast.coordinator)
        .get(LIST, {"care_form": "foster_care", "sort": "code"})
        .content.decode()
    )
    assert "?sort=code&amp;care_form=foster_care&amp;page=2" in html
    # the filter form keeps the chosen value
    assert '<option value="foster_care" selected>' in html


@pytest.mark.parametrize("path", [LIST, WAITING, PLACEMENTS])
@pytest.mark.parametrize(
    "query", [{"care_form": "nope"}, {"age_band": "5-6"}, {"days": "x"}, {"days": "99999"}]
)
def test_invalid_filters_answer_400_with_the_fields_error(
    cast: Cast, path: str, query: dict[str, str]
) -> None:
    response = signed_in(cast.coordinator).get(path, query)
    assert response.status_code == 400
    html = response.content.decode()
    name = next(iter(query))
    assert f'data-field="{name}"' in html and "utrecht-form-field--invalid" in html


def test_referrer_has_no_region_filter_but_an_age_band(cast: Cast) -> None:
    html = signed_in(cast.referrer).get(LIST).content.decode()
    assert 'name="region"' not in html and 'name="age_band"' in html
    assert signed_in(cast.referrer).get(LIST, {"region": "1"}).status_code == 200


def test_waiting_list_filters(cast: Cast, make_referral: Callable[..., Referral]) -> None:
    young, old = (wait(cast, r) for r in young_and_old(make_referral))
    client = signed_in(cast.coordinator)
    html = client.get(WAITING, {"care_form": "foster_care"}).content.decode()
    assert young.code in html and old.code not in html
    html = client.get(WAITING, {"age_band": "16-17", "sort": "code"}).content.decode()
    assert old.code in html and young.code not in html
    assert 'name="status"' not in html


def test_placements_filters_and_what_a_provider_may_filter_on(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    young, old = young_and_old(make_referral)
    place(cast, young, location_a)
    place(cast, old, location_a)
    html = signed_in(cast.coordinator).get(PLACEMENTS, {"age_band": "0-11"}).content.decode()
    assert young.code in html and old.code not in html
    html = signed_in(cast.coordinator).get(PLACEMENTS, {"status": "ended"}).content.decode()
    assert young.code not in html and 'data-testid="filter-empty"' in html
    provider = signed_in(cast.provider_a)
    html = provider.get(PLACEMENTS).content.decode()
    assert 'name="age_band"' not in html and 'name="region"' not in html
    assert young.code in html
    # An age band the provider may not use is ignored, not applied.
    html = provider.get(PLACEMENTS, {"age_band": "0-11"}).content.decode()
    assert young.code in html and old.code in html
    html = provider.get(PLACEMENTS, {"care_form": "foster_care"}).content.decode()
    assert young.code in html and old.code not in html


@pytest.mark.parametrize("path", [LIST, WAITING, PLACEMENTS])
def test_filtered_lists_keep_a_fixed_number_of_queries(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., Any],
    path: str,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count: int) -> None:
        for index in range(count):
            referral = make_referral(
                status=Referral.Status.SUBMITTED if index % 3 == 0 else Referral.Status.MATCHING,
                care_forms=["foster_care"],
            )
            if path == WAITING and referral.status == Referral.Status.MATCHING:
                wait(cast, referral)
            if path == PLACEMENTS and referral.status == Referral.Status.MATCHING:
                place(cast, referral, location_a)

    query = {"care_form": "foster_care", "age_band": "12-15", "days": "0"}
    client = signed_in(cast.coordinator)
    add(3)
    client.get(path, query)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path, query).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path, query).status_code == 200


@pytest.mark.parametrize("path", [WAITING])
@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst"])
def test_lists_stay_closed_to_other_roles(cast: Cast, path: str, who: str) -> None:
    assert signed_in(getattr(cast, who)).get(path, {"care_form": "foster_care"}).status_code == 404


def test_the_filter_widgets_escape_names_and_keep_the_chosen_value(cast: Cast) -> None:
    cast.region.name = 'Eem<script>"land'
    cast.region.save(update_fields=["name"])
    client = signed_in(cast.coordinator)
    for path in ("/placement/bord/", LIST):
        html = client.get(path).content.decode()
        assert "<script>" not in html.split("<main")[1].split("</main>")[0].replace(
            "<script src=", ""
        )
        assert "Eem&lt;script&gt;&quot;land" in html
        html = client.get(path, {"region": cast.region.pk, "days": "3"}).content.decode()
        assert f'<option value="{cast.region.pk}" selected>' in html
        assert 'name="days"' in html and 'value="3"' in html
