"""The board's cards: what a coordinator decides on, read in one query whatever the rows."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast, local_midday_days_ago

pytestmark = pytest.mark.django_db

BOARD = "/placement/bord/"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def offer(cast: Cast, referral: Referral, location: Location, **fields: Any) -> Offer:
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        care_form=location.care_form,
        sent_by=cast.coordinator,
        **{"deadline": timezone.now() + timedelta(days=3), **fields},
    )


def card_of(html: str, code: str) -> str:
    """The list item of one card."""
    start = html.index(f">{code}</a>")
    return html[start : html.index("</li>", start)]


def test_a_card_shows_age_care_form_legal_frame_and_days(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    start = timezone.localdate() + timedelta(days=14)
    referral = make_referral(
        birth_date=start.replace(year=start.year - 14) + timedelta(days=1),
        requested_start=start,
        care_forms=["family_home", "treatment_group"],
    )
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=local_midday_days_ago(4))
    card = card_of(signed_in(cast.coordinator).get(BOARD).content.decode(), referral.code)
    # 13 at the requested start: one day short of 14.
    assert "13 jaar · gezinshuis · vrijwillig" in card
    assert "4 dagen" in card
    assert "rop-flag" not in card


def test_an_offered_card_shows_the_deadline_with_time_left(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    referral = make_referral(status=Referral.Status.OFFERED)
    offer(cast, referral, location_a, deadline=timezone.now() + timedelta(days=2, hours=3))
    card = card_of(signed_in(cast.coordinator).get(BOARD).content.decode(), referral.code)
    assert "reageren vóór" in card and "nog 2 dagen" in card


@pytest.mark.parametrize(
    ("years_at_start", "flag"),
    [(18, "18+"), (19, "18+"), (17.9, "wordt 18"), (16, None)],
)
def test_the_18_flags(
    cast: Cast, make_referral: Callable[..., Referral], years_at_start: float, flag: str | None
) -> None:
    start = timezone.localdate() + timedelta(days=30)
    birth = start - timedelta(days=int(years_at_start * 365.25))
    referral = make_referral(birth_date=birth, requested_start=start)
    card = card_of(signed_in(cast.coordinator).get(BOARD).content.decode(), referral.code)
    for name in ("18+", "wordt 18"):
        assert (f'<span class="rop-flag">{name}</span>' in card) is (name == flag)


def test_expert_table_hard_to_place_and_va_to_follow_flags(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location, settings: Any
) -> None:
    settings.HARD_TO_PLACE_REFUSALS = 3
    settings.HARD_TO_PLACE_DAYS = 60
    expert = make_referral()
    Referral.objects.filter(pk=expert.pk).update(expert_table=True)
    refused = make_referral()
    for _ in range(3):
        offer(cast, refused, location_a, status=Offer.Status.REFUSED, refusal_reason="no_capacity")
    two_refusals = make_referral()
    for _ in range(2):
        offer(cast, two_refusals, location_a, status="expired", refusal_reason="no_response")
    long_ago = make_referral()
    Referral.objects.filter(pk=long_ago.pk).update(submitted_at=local_midday_days_ago(60))
    crisis = make_referral()
    Referral.objects.filter(pk=crisis.pk).update(
        urgency="crisis", documents_due_on=timezone.localdate() + timedelta(days=5)
    )
    done = make_referral()
    Referral.objects.filter(pk=done.pk).update(
        urgency="crisis",
        documents_due_on=timezone.localdate(),
        documents_completed_on=timezone.localdate(),
    )
    html = signed_in(cast.coordinator).get(BOARD).content.decode()
    flags = {
        referral.code: card_of(html, referral.code)
        for referral in (expert, refused, two_refusals, long_ago, crisis, done)
    }
    assert "experttafel" in flags[expert.code]
    assert "moeilijk plaatsbaar" in flags[refused.code]
    assert "moeilijk plaatsbaar" not in flags[two_refusals.code]
    assert "moeilijk plaatsbaar" in flags[long_ago.code]
    assert "VA volgt" in flags[crisis.code]
    assert "VA volgt" not in flags[done.code]
    assert "experttafel" not in flags[refused.code]


@pytest.mark.parametrize("count", [5, 50])
def test_the_board_reads_the_same_queries_for_5_or_50_referrals(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., Any],
    count: int,
) -> None:
    statuses = [Referral.Status.MATCHING, Referral.Status.OFFERED, Referral.Status.WAITING]
    for index in range(count):
        referral = make_referral(status=statuses[index % 3])
        if referral.status == Referral.Status.OFFERED:
            offer(cast, referral, location_a)
    client = signed_in(cast.coordinator)
    client.get(BOARD)  # session and caches warm
    with django_assert_max_num_queries(8):
        response = client.get(BOARD)
    assert response.status_code == 200
    assert response.content.decode().count('class="utrecht-link" href="/placement/verzoeken/') == (
        count
    )


def test_board_filters_narrow_the_cards_and_keep_the_columns_counted(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    start = timezone.localdate() + timedelta(days=14)
    young = make_referral(
        birth_date=date(start.year - 10, 1, 1),
        requested_start=start,
        care_forms=["foster_care"],
    )
    old = make_referral(birth_date=date(start.year - 17, 1, 1), requested_start=start)
    client = signed_in(cast.coordinator)
    html = client.get(BOARD, {"age_band": "16-17"}).content.decode()
    assert old.code in html and young.code not in html
    assert "matching (1)" in html
    html = client.get(BOARD, {"care_form": "foster_care"}).content.decode()
    assert young.code in html and old.code not in html
    html = client.get(BOARD, {"status": "waiting"}).content.decode()
    assert young.code not in html and 'id="col-matching"' not in html
    Referral.objects.filter(pk=old.pk).update(status_changed_at=local_midday_days_ago(10))
    html = client.get(BOARD, {"days": "10"}).content.decode()
    assert old.code in html and young.code not in html
    html = client.get(BOARD, {"region": cast.region.pk}).content.decode()
    assert old.code in html and young.code in html


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"care_form": "x"},
        {"age_band": "99"},
        {"days": "-1"},
        {"days": "veel"},
        {"region": "999999"},
        {"urgency": "soon"},
    ],
)
def test_invalid_board_filters_answer_400_in_dutch(
    cast: Cast, make_referral: Callable[..., Referral], query: dict[str, str]
) -> None:
    referral = make_referral()
    response = signed_in(cast.coordinator).get(BOARD, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert referral.code not in html
    assert "utrecht-form-field-error-message" in html or "Selecteer" in html


def test_region_filter_only_offers_the_coordinators_own_regions(cast: Cast) -> None:
    response = signed_in(cast.coordinator).get(BOARD, {"region": cast.other_region.pk})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst", "admin"])
def test_only_coordinators_have_a_board(cast: Cast, who: str) -> None:
    assert signed_in(getattr(cast, who)).get(BOARD).status_code == 404
