"""Browser pages of placement: the role matrix, anonymity on every provider page, forms."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import ExplanatoryAnalysis, Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def offer_to_a(cast: Cast, referral: Referral, location: Location, **fields: Any) -> Offer:
    """An offer to provider A made directly, in whatever state the test needs."""
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=cast.provider_a_org,
        sent_by=cast.coordinator,
        **{"deadline": timezone.now() + timedelta(days=3), **fields},
    )


@pytest.fixture
def offer(cast: Cast, referral: Referral, location_a: Location) -> Offer:
    client = signed_in(cast.coordinator)
    response = client.post(
        f"/placement/verzoeken/{referral.pk}/voorstel/", {"location": location_a.pk}
    )
    assert response.status_code == 302
    return Offer.objects.get()


def test_matching_page_shows_ranked_candidates_with_reasons(
    cast: Cast, referral: Referral, location_a: Location, location_b: Location
) -> None:
    page = signed_in(cast.coordinator).get(f"/placement/verzoeken/{referral.pk}/matching/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Groep A") < html.index("Huis B")
    assert "Voorstel" in html and "Score" in html
    assert "Zorgvorm: 1e keuze" in html
    assert "Afstand tot woongemeente" in html


def test_sending_from_the_page_disables_a_second_send(
    cast: Cast, offer: Offer, location_b: Location
) -> None:
    html = (
        signed_in(cast.coordinator)
        .get(f"/placement/verzoeken/{offer.referral_id}/matching/")
        .content.decode()
    )
    assert "Openstaand voorstel" in html
    assert 'disabled aria-disabled="true"' in html
    response = signed_in(cast.coordinator).post(
        f"/placement/verzoeken/{offer.referral_id}/voorstel/",
        {"location": location_b.pk, "reason": "toch"},
    )
    assert response.status_code == 302
    assert Offer.objects.count() == 1


def test_nothing_fits_says_so_and_offers_the_waiting_list(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(care_forms=["three_milieu"])
    html = (
        signed_in(cast.coordinator)
        .get(f"/placement/verzoeken/{referral.pk}/matching/")
        .content.decode()
    )
    assert "Er is nu geen passende plek." in html
    assert "Op de wachtlijst zetten" in html


def test_waiting_form_needs_interim_support(cast: Cast, referral: Referral) -> None:
    client = signed_in(cast.coordinator)
    response = client.post(f"/placement/verzoeken/{referral.pk}/wachten/", {})
    assert response.status_code == 400
    assert "Dit veld is vereist." in response.content.decode()
    response = client.post(
        f"/placement/verzoeken/{referral.pk}/wachten/", {"interim_support": "Ambulant"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WAITING
    assert referral.code in client.get("/placement/wachtlijst/").content.decode()


@pytest.mark.parametrize("who", ["referrer", "referrer2", "provider_a", "analyst", "admin"])
def test_coordinator_pages_are_404_for_other_roles(
    cast: Cast, referral: Referral, who: str
) -> None:
    client = signed_in(getattr(cast, who))
    for path in (
        f"/placement/verzoeken/{referral.pk}/matching/",
        "/placement/wachtlijst/",
        "/placement/bord/",
    ):
        assert client.get(path).status_code == 404, path


def test_anonymous_users_are_sent_to_sign_in(referral: Referral) -> None:
    response = Client().get(f"/placement/verzoeken/{referral.pk}/matching/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_provider_pages_never_show_the_identity_before_acceptance(cast: Cast, offer: Offer) -> None:
    client = signed_in(cast.provider_a)
    pages = [
        client.get("/"),
        client.get("/placement/voorstellen/"),
        client.get(f"/placement/voorstellen/{offer.pk}/"),
        client.get("/meldingen/"),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for canary in CANARY_STRINGS:
            assert canary not in html, canary
    assert "Structuur en behandeling." in pages[2].content.decode()  # the need is there


def test_other_provider_cannot_open_the_offer(cast: Cast, offer: Offer) -> None:
    client = signed_in(cast.provider_b)
    assert client.get(f"/placement/voorstellen/{offer.pk}/").status_code == 404
    assert client.post(f"/placement/voorstellen/{offer.pk}/", {"action": "accept"}).status_code == (
        404
    )
    assert (
        offer.referral.code not in client.get("/placement/voorstellen/?toon=alle").content.decode()
    )


def test_refusing_on_the_page_needs_an_explanation_for_other(cast: Cast, offer: Offer) -> None:
    client = signed_in(cast.provider_a)
    response = client.post(
        f"/placement/voorstellen/{offer.pk}/", {"action": "refuse", "reason": "other"}
    )
    assert response.status_code == 400
    assert "Een toelichting is verplicht bij deze reden." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    response = client.post(
        f"/placement/voorstellen/{offer.pk}/",
        {"action": "refuse", "reason": "other", "explanation": "Groep is in verbouwing."},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.refusal_reason) == ("refused", "other")


def test_accepting_on_the_page_shows_the_identity_audited(cast: Cast, offer: Offer) -> None:
    client = signed_in(cast.provider_a)
    response = client.post(f"/placement/voorstellen/{offer.pk}/", {"action": "accept"})
    assert response.status_code == 302
    reads = AuditEntry.objects.filter(action="youth.read", username="provider_a")
    before = reads.count()
    html = client.get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert "Quirijnsdochter" in html
    assert "111222333" in html
    assert reads.count() == before + 1


def test_recording_and_ending_a_placement_through_the_pages(cast: Cast, offer: Offer) -> None:
    signed_in(cast.provider_a).post(f"/placement/voorstellen/{offer.pk}/", {"action": "accept"})
    coordinator = signed_in(cast.coordinator)
    form = coordinator.get(f"/placement/voorstellen/{offer.pk}/plaatsen/")
    assert form.status_code == 200
    assert "Wie betaalt het vervoer" in form.content.decode()
    response = coordinator.post(
        f"/placement/voorstellen/{offer.pk}/plaatsen/",
        {
            "start_date": timezone.localdate().isoformat(),
            "school_name": "Het Lyceum",
            "school_transport": "fiets",
            "transport_funding": "not_needed",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get()
    response = coordinator.post(
        f"/placement/plaatsingen/{placement.pk}/",
        {"end_date": timezone.localdate().isoformat(), "reason": "replacement", "note": "x"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.next_referral is not None
    html = coordinator.get(f"/placement/plaatsingen/{placement.pk}/").content.decode()
    assert placement.next_referral.code in html


def test_placement_form_rejects_a_missing_start_date(cast: Cast, offer: Offer) -> None:
    signed_in(cast.provider_a).post(f"/placement/voorstellen/{offer.pk}/", {"action": "accept"})
    response = signed_in(cast.coordinator).post(f"/placement/voorstellen/{offer.pk}/plaatsen/", {})
    assert response.status_code == 400
    assert Placement.objects.count() == 0


def test_home_panels(cast: Cast, offer: Offer) -> None:
    assert "Matching en voorstellen" in signed_in(cast.coordinator).get("/").content.decode()
    provider_home = signed_in(cast.provider_a).get("/").content.decode()
    assert "Open voorstellen" in provider_home
    assert "Groep A" in provider_home


def test_coordinator_home_counts_only_this_weeks_answers_and_offers_near_their_deadline(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    """The counts read only the offers they can hold (an index each), not the region's
    history: these are the cases at each edge."""
    from placement.templatetags.placement import placement_home_panel

    now = timezone.now()
    plan = [  # status, deadline from now, answered days ago, counted as
        (Offer.Status.OPEN, timedelta(days=1), None, "near_deadline"),
        (Offer.Status.OPEN, timedelta(days=5), None, ""),
        (Offer.Status.REFUSED, timedelta(days=-1), 2, "answers_in"),
        (Offer.Status.EXPIRED, timedelta(days=-1), 1, "answers_in"),
        (Offer.Status.ACCEPTED, timedelta(days=-9), 10, ""),  # answered before the week
        (Offer.Status.WITHDRAWN, timedelta(days=1), 1, ""),  # not an answer
    ]
    for status, deadline, answered, _counted in plan:
        offer_to_a(
            cast,
            make_referral(status=Referral.Status.OFFERED),
            location_a,
            status=status,
            deadline=now + deadline,
            answered_at=None if answered is None else now - timedelta(days=answered),
            refusal_reason={"refused": "no_capacity", "expired": "no_response"}.get(status, ""),
        )
    elsewhere = make_referral(status=Referral.Status.OFFERED)
    Referral.objects.filter(pk=elsewhere.pk).update(region=cast.other_region)
    offer_to_a(cast, elsewhere, location_a, deadline=now + timedelta(hours=3))
    for status in ("submitted", "submitted", "waiting", "matching", "accepted", "placed", "closed"):
        make_referral(status=status)
    data = placement_home_panel({"user": cast.coordinator})
    assert (data["near_deadline"], data["answers_in"]) == (1, 2)
    counts = (data["new_requests"], data["waiting"], data["matching"], data["accepted"])
    assert counts == (2, 1, 1, 1)
    assert data["longest_wait"] is not None


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/placement/bord/", "coordinator"),
        ("/placement/wachtlijst/", "coordinator"),
        ("/placement/voorstellen/?toon=alle", "provider_a"),
        ("/placement/plaatsingen/", "provider_a"),
        ("/", "coordinator"),
        ("/", "provider_a"),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., object],
    path: str,
    who: str,
) -> None:
    for index in range(15):
        referral = make_referral(
            status=Referral.Status.WAITING if index % 2 else Referral.Status.OFFERED
        )
        offer_to_a(
            cast,
            referral,
            location_a,
            status=Offer.Status.WITHDRAWN if index % 2 else Offer.Status.OPEN,
        )
    client = signed_in(getattr(cast, who))
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(path).status_code == 200


def test_placements_list_shows_every_column_in_the_same_queries_for_one_or_many(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    """The list reads only the columns it shows (`PLACEMENT_LIST_FIELDS`): a column read
    from a deferred field would cost a query per row, and fail here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def place(days_ago: int, *, ended: bool = False) -> Placement:
        referral = make_referral(status=Referral.Status.PLACED)
        offer = offer_to_a(
            cast, referral, location_a, status=Offer.Status.ACCEPTED, answered_at=timezone.now()
        )
        return Placement.objects.create(
            referral=referral,
            offer=offer,
            location=location_a,
            provider=cast.provider_a_org,
            created_by=cast.coordinator,
            start_date=timezone.localdate() - timedelta(days=days_ago),
            status=Placement.Status.ENDED if ended else Placement.Status.ACTIVE,
            end_date=timezone.localdate() if ended else None,
            end_reason=Placement.EndReason.REPLACEMENT if ended else "",
            next_referral=make_referral(status=Referral.Status.SUBMITTED) if ended else None,
        )

    first = place(30, ended=True)
    one: dict[str, int] = {}
    for who in (cast.coordinator, cast.provider_a):
        client = signed_in(who)
        client.get("/placement/plaatsingen/")
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/placement/plaatsingen/").content.decode()
        one[who.username] = len(queries.captured_queries)
        assert first.referral.code in html and first.next_referral is not None
        assert f"→ {first.next_referral.code}" in html
        assert "Groep A (Aanbieder A)" in html and "doorplaatsing" in html
        assert f"/placement/plaatsingen/{first.pk}/" in html
    newer = [place(days, ended=days % 2 == 0) for days in (1, 2, 3, 4)]
    for who in (cast.coordinator, cast.provider_a):
        client = signed_in(who)
        client.get("/placement/plaatsingen/")
        with CaptureQueriesContext(connection) as many:
            html = client.get("/placement/plaatsingen/").content.decode()
        assert len(many.captured_queries) == one[who.username]
        codes = [p.referral.code for p in newer] + [first.referral.code]
        assert sorted(codes, key=html.index) == codes  # newest start first


def test_referrer_sees_where_and_when_its_youth_is_placed(cast: Cast, offer: Offer) -> None:
    signed_in(cast.provider_a).post(f"/placement/voorstellen/{offer.pk}/", {"action": "accept"})
    signed_in(cast.coordinator).post(
        f"/placement/voorstellen/{offer.pk}/plaatsen/",
        {"start_date": timezone.localdate().isoformat()},
    )
    html = signed_in(cast.referrer).get(f"/referrals/{offer.referral_id}/").content.decode()
    assert 'data-testid="placement-summary"' in html
    assert "Groep A" in html
    assert timezone.localdate().strftime("%Y") in html


def test_referral_page_flags_turning_18(cast: Cast, make_referral: Callable[..., Referral]) -> None:
    start = timezone.localdate() + timedelta(days=14)
    referral = make_referral(
        birth_date=start.replace(year=start.year - 18) + timedelta(days=90), requested_start=start
    )
    html = signed_in(cast.coordinator).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="turning-18"' in html
    young = make_referral()
    assert 'data-testid="turning-18"' not in (
        signed_in(cast.coordinator).get(f"/referrals/{young.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    ("urgency", "says"),
    [("crisis", "volgt de verklarende analyse na de plaatsing"), ("planned", "vraag de verwijzer")],
)
def test_matching_without_a_care_form_says_what_is_missing(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    urgency: str,
    says: str,
) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(urgency=urgency)
    ExplanatoryAnalysis.objects.filter(referral=referral).update(needed_care_forms=[])
    html = (
        signed_in(cast.coordinator)
        .get(f"/placement/verzoeken/{referral.pk}/matching/")
        .content.decode()
    )
    assert 'data-testid="no-care-form"' in html and says in html
    assert 'data-testid="no-candidates"' not in html
