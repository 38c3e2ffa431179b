"""The data-quality report (issue 23.5): every check counted by hand, the coordinator's
lists of what to fix (own regions only, paginated, constant queries), the analyst's
suppressed counts and no lists, and the roles refused."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analyses import waiting
from analyses.disclosure import SMALL, Disclosure
from capacity.models import Location, LocationBand
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory

EXACT, SUPPRESSED = Disclosure(exact=True), Disclosure(exact=False)


def _placement(cast: Cast, referral: Referral, location: Location, **fields: Any) -> Placement:
    offer = Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        deadline=timezone.now(),
        status="accepted",
        answered_at=timezone.now(),
    )
    return Placement.objects.create(
        referral=referral,
        offer=offer,
        location=location,
        provider=location.provider,
        created_by=cast.coordinator,
        start_date=timezone.localdate() - timedelta(days=60),
        **fields,
    )


@pytest.fixture
def world(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> dict[str, Any]:
    """In Eemland: 2 closed without outcome, 1 closed with one; 3 untouched for 40 days
    (one of them with a VA of 13 months), 1 touched yesterday; every referral of the fixture
    lacks a previous situation and a responsible municipality except `complete`; a placement
    ended without outflow, one ended by re-placement (not counted), one with outflow;
    locations: A fresh with this year's band, B stale, C never confirmed (both without a
    band); one referral and one location in Flevoland."""
    today = timezone.localdate()
    long_ago = timezone.now() - timedelta(days=40)
    made: dict[str, Any] = {}
    for i in range(2):
        made[f"closed{i}"] = make_referral(status=Referral.Status.CLOSED)
    done = make_referral(status=Referral.Status.CLOSED)
    Referral.objects.filter(pk=done.pk).update(close_outcome="withdrawn")
    for i in range(3):
        referral = make_referral(status=Referral.Status.MATCHING)
        Referral.objects.filter(pk=referral.pk).update(status_changed_at=long_ago)
        made[f"untouched{i}"] = referral
    old_va = made["untouched0"].current_analysis
    old_va.completed_on = today - timedelta(days=400)
    old_va.save(update_fields=["completed_on"])
    fresh = make_referral(status=Referral.Status.WAITING)
    Referral.objects.filter(pk=fresh.pk).update(
        status_changed_at=timezone.now() - timedelta(days=1)
    )
    complete = make_referral(status=Referral.Status.PLACED)
    Referral.objects.filter(pk=complete.pk).update(
        previous_situation="home", responsible_municipality=cast.municipality
    )
    made["complete"] = complete
    made["ended_bare"] = _placement(
        cast,
        make_referral(status=Referral.Status.CLOSED),
        location_a,
        status="ended",
        end_date=today - timedelta(days=2),
        end_reason="other",
    )
    Referral.objects.filter(pk=made["ended_bare"].referral_id).update(close_outcome="withdrawn")
    nxt = make_referral(status=Referral.Status.MATCHING)
    replaced = _placement(
        cast,
        make_referral(status=Referral.Status.CLOSED),
        location_a,
        status="ended",
        end_date=today - timedelta(days=2),
        end_reason="replacement",
        next_referral=nxt,
    )
    Referral.objects.filter(pk=replaced.referral_id).update(close_outcome="withdrawn")
    _placement(cast, complete, location_a, status="active")
    LocationBand.objects.create(location=location_a, year=today.year, band="C")
    made["stale"] = LocationFactory(
        provider=cast.provider_b_org,
        name="Huis Verouderd",
        municipality=cast.municipality,
        regions=[cast.region],
        last_confirmed_at=timezone.now() - timedelta(days=30),
    )
    made["never"] = LocationFactory(
        provider=cast.provider_b_org,
        name="Huis Nooit",
        municipality=cast.municipality,
        regions=[cast.region],
        last_confirmed_at=None,
    )
    elsewhere = make_referral(status=Referral.Status.CLOSED, referrer=cast.referrer2)
    Referral.objects.filter(pk=elsewhere.pk).update(region=cast.other_region)
    made["elsewhere"] = elsewhere
    LocationFactory(regions=[cast.other_region], last_confirmed_at=None)
    return made


def _counts(region: str, disclosure: Disclosure = EXACT) -> dict[str, Any]:
    return {
        c["code"]: c["count"] for c in waiting.data_quality(region=region, disclosure=disclosure)
    }


def test_every_check_is_counted_in_the_region(cast: Cast, world: dict[str, Any]) -> None:
    # Referrals in Eemland past draft: closed×2, done, untouched×3, fresh, complete,
    # ended_bare's, nxt, replaced's = 11; all but `complete` lack both codes.
    assert _counts("JR-EEM") == {
        "stale_capacity": 2,
        "closed_without_outcome": 2,
        "untouched": 3,
        "va_past_age": 1,
        "no_responsible_municipality": 10,
        "no_previous_situation": 10,
        "ended_without_outflow": 1,
        "location_without_band": 2,
    }
    every = _counts("")
    assert every["closed_without_outcome"] == 3  # and Flevoland's
    assert every["stale_capacity"] == 3
    assert _counts("JR-FLE")["closed_without_outcome"] == 1


def test_the_analyst_sees_counts_of_youths_protected_and_locations_exact(
    world: dict[str, Any],
) -> None:
    counts = _counts("JR-EEM", SUPPRESSED)
    assert counts["closed_without_outcome"] == SMALL
    assert counts["untouched"] == SMALL
    assert counts["ended_without_outflow"] == SMALL
    assert counts["no_previous_situation"] == SUPPRESSED.count(10)
    assert counts["stale_capacity"] == 2  # locations are not people
    assert counts["location_without_band"] == 2


def test_page_links_each_count_to_its_list_for_the_coordinator(
    cast: Cast, world: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    page = client.get("/analyses/datakwaliteit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/analyses/datakwaliteit/closed_without_outcome/?regio=JR-EEM" in text
    listing = client.get("/analyses/datakwaliteit/closed_without_outcome/").content.decode()
    assert world["closed0"].code in listing and world["closed1"].code in listing
    assert world["elsewhere"].code not in listing  # another region
    assert world["complete"].code not in listing
    stale = client.get("/analyses/datakwaliteit/stale_capacity/").content.decode()
    assert "Huis Verouderd" in stale and "Huis Nooit" in stale and "Groep A" not in stale
    ended = client.get("/analyses/datakwaliteit/ended_without_outflow/").content.decode()
    assert world["ended_bare"].referral.code in ended
    assert client.get("/analyses/datakwaliteit/onbekend/").status_code == 404
    # Another region is outside the coordinator's scope.
    assert client.get("/analyses/datakwaliteit/?regio=JR-FLE").status_code == 404
    assert client.get("/analyses/datakwaliteit/untouched/?regio=JR-FLE").status_code == 404


def test_the_analyst_gets_counts_without_links_and_no_lists(
    cast: Cast, world: dict[str, Any], api_client_for: Any
) -> None:
    client = Client()
    client.force_login(cast.analyst)
    page = client.get("/analyses/datakwaliteit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/analyses/datakwaliteit/closed_without_outcome/" not in text
    assert world["closed0"].code not in text
    assert client.get("/analyses/datakwaliteit/closed_without_outcome/").status_code == 404
    body = api_client_for(cast.analyst).get("/api/v1/reports/data-quality/?region=JR-EEM").json()
    checks = {c["code"]: c["count"] for c in body["checks"]}
    assert checks["closed_without_outcome"] == SMALL
    assert checks["stale_capacity"] == 2


def test_bad_region_is_400_naming_the_field(
    cast: Cast, world: dict[str, Any], api_client_for: Any
) -> None:
    response = api_client_for(cast.analyst).get("/api/v1/reports/data-quality/?region=NOPE")
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
    client = Client()
    client.force_login(cast.analyst)
    assert client.get("/analyses/datakwaliteit/?regio=NOPE").status_code == 400


@pytest.mark.parametrize("role", ["referrer", "referrer2", "provider_a", "admin"])
def test_other_roles_get_404(cast: Cast, role: str, api_client_for: Any) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    for url in ("/analyses/datakwaliteit/", "/analyses/datakwaliteit/untouched/"):
        assert client.get(url).status_code == 404, url
    api = api_client_for(getattr(cast, role))
    assert api.get("/api/v1/reports/data-quality/").status_code == 404
    assert api_client_for(None).get("/api/v1/reports/data-quality/").status_code == 401


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_page_and_keep_their_query_count(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    url = "/analyses/datakwaliteit/closed_without_outcome/"
    make_referral(status=Referral.Status.CLOSED)
    client.get(url)  # the session's first request reads more (login bookkeeping)
    few = _queries(client, url)
    page_few = _queries(client, "/analyses/datakwaliteit/")
    made = [make_referral(status=Referral.Status.CLOSED) for _ in range(30)]
    assert _queries(client, url) == few
    assert _queries(client, "/analyses/datakwaliteit/") == page_few
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert "Pagina 1 van 2" in first
    codes = [r.code for r in made]
    assert sum(code in first for code in codes) + sum(code in second for code in codes) == 30
