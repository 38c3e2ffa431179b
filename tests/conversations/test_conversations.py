"""A conversation per request: who may read and write which thread, the identifying-data
check before acceptance, notifications without the body, read state, the needs_info flow."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from capacity.models import Location
from conversations.models import Message, Thread
from placement import services as placement_services
from placement.models import Offer
from referrals.models import InfoRequest, Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def offer(cast: Cast, referral: Referral, location_a: Location) -> Offer:
    return placement_services.offer_send(
        referral=referral, location=location_a, by=cast.coordinator
    )


def referral_url(referral: Referral) -> str:
    return f"/api/v1/referrals/{referral.pk}/messages/"


def offer_url(offer: Offer) -> str:
    return f"/api/v1/offers/{offer.pk}/messages/"


# --- the referrer conversation -----------------------------------------------------------


def test_coordinator_and_referrer_talk_and_the_body_stays_out_of_the_notification(
    cast: Cast, referral: Referral, api_client_for: ApiClient
) -> None:
    body = "Kunt u het veiligheidsplan aanvullen met de afspraken op school?"
    response = api_client_for(cast.coordinator).post(
        referral_url(referral), {"body": body}, format="json"
    )
    assert response.status_code == 201
    note = Notification.objects.get(recipient=cast.referrer, kind="conversation.message")
    assert note.message == f"Nieuw bericht bij {referral.code}"
    assert body not in note.message and "veiligheidsplan" not in note.link

    listed = api_client_for(cast.referrer).get(referral_url(referral)).json()
    assert [row["body"] for row in listed["results"]] == [body]
    assert listed["results"][0]["read"] is False
    assert listed["results"][0]["author_role"] == "coordinator"

    answer = api_client_for(cast.referrer).post(
        referral_url(referral), {"body": "Gedaan."}, format="json"
    )
    assert answer.status_code == 201
    assert Notification.objects.filter(recipient=cast.coordinator, kind="conversation.message")
    assert Message.objects.count() == 2  # history kept


@pytest.mark.parametrize("who", ["provider_a", "provider_b", "analyst", "referrer2", "admin"])
def test_it_hides_the_referrer_conversation_from_other_roles(
    cast: Cast, referral: Referral, api_client_for: ApiClient, offer: Offer, who: str
) -> None:
    api_client_for(cast.coordinator).post(
        referral_url(referral), {"body": "Een vraag."}, format="json"
    )
    user = cast.all_users()[who]
    assert api_client_for(user).get(referral_url(referral)).status_code == 404
    assert (
        api_client_for(user).post(referral_url(referral), {"body": "x"}, format="json").status_code
        == 404
    )
    assert client_for(user).get(f"/gesprekken/verzoek/{referral.pk}/").status_code == 404
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Dit veld mag niet leeg zijn."),
        ("x" * 4001, "4000"),
        ("hallo\u200bdaar", "onzichtbare tekens"),
    ],
)
def test_it_refuses_a_bad_body_naming_the_field(
    cast: Cast, referral: Referral, api_client_for: ApiClient, body: str, message: str
) -> None:
    response = api_client_for(cast.coordinator).post(
        referral_url(referral), {"body": body}, format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["body"])
    assert not Message.objects.exists()


def test_the_needs_info_question_shows_in_the_timeline_and_keeps_its_flow(
    cast: Cast, referral: Referral, api_client_for: ApiClient
) -> None:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/request-info/",
        {"question": "Welke school bezoekt de jongere nu?"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "needs_info"
    api_client_for(cast.coordinator).post(
        referral_url(referral), {"body": "Ook nog: de VA."}, format="json"
    )
    html = client_for(cast.referrer).get(f"/gesprekken/verzoek/{referral.pk}/").content.decode()
    assert "Welke school bezoekt de jongere nu?" in html
    assert "Vraag die beantwoord moet worden" in html
    assert html.index("Welke school") < html.index("Ook nog: de VA.")
    assert InfoRequest.objects.count() == 1


def test_the_browser_section_posts_with_htmx_and_marks_read(
    cast: Cast, referral: Referral, api_client_for: ApiClient
) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        f"/gesprekken/verzoek/{referral.pk}/", {"body": "Eerste bericht."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="gesprek"' in html and "<html" not in html and "Eerste bericht." in html
    bad = client.post(f"/gesprekken/verzoek/{referral.pk}/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200  # htmx swaps only 2xx: the errors are in the section
    assert "Schrijf een bericht." in bad.content.decode()
    assert Message.objects.count() == 1
    # The referrer's unread message becomes read by opening the conversation.
    listed = api_client_for(cast.referrer).get(referral_url(referral)).json()
    assert listed["results"][0]["read"] is False
    assert (
        "nieuw"
        in client_for(cast.referrer).get(f"/gesprekken/verzoek/{referral.pk}/").content.decode()
    )
    listed = api_client_for(cast.referrer).get(referral_url(referral)).json()
    assert listed["results"][0]["read"] is True


def test_mark_read_through_the_api(
    cast: Cast, referral: Referral, api_client_for: ApiClient
) -> None:
    api_client_for(cast.coordinator).post(referral_url(referral), {"body": "Een."}, format="json")
    api_client_for(cast.coordinator).post(referral_url(referral), {"body": "Twee."}, format="json")
    response = api_client_for(cast.referrer).post(referral_url(referral) + "read/")
    assert response.status_code == 200
    assert response.json() == {"unread": 0}
    rows = api_client_for(cast.referrer).get(referral_url(referral)).json()["results"]
    assert all(row["read"] for row in rows)


def test_the_conversation_page_keeps_its_query_count(
    cast: Cast,
    referral: Referral,
    offer: Offer,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = client_for(cast.coordinator)
    page = f"/gesprekken/verzoek/{referral.pk}/"
    client.post(page, {"body": "Een."})
    client_for(cast.referrer).post(page, {"body": "Twee."})
    with django_assert_max_num_queries(40) as few:
        assert client.get(page).status_code == 200
    first = len(few.captured_queries)  # read now: each request below resets the query log
    for number in range(15):
        client_for(cast.referrer).post(page, {"body": f"b{number}"})
    with django_assert_max_num_queries(first):
        assert client.get(page).status_code == 200


# --- the provider conversation on an offer ----------------------------------------------


def test_before_acceptance_both_directions_pass_the_identifying_data_check(
    cast: Cast, offer: Offer, api_client_for: ApiClient
) -> None:
    coordinator = api_client_for(cast.coordinator)
    provider = api_client_for(cast.provider_a)
    refused = coordinator.post(
        offer_url(offer), {"body": "Zwaantje heeft een hond."}, format="json"
    )
    assert refused.status_code == 400
    assert "naam van de jongere" in " ".join(refused.json()["errors"]["body"])
    refused = provider.post(offer_url(offer), {"body": "Is 111222333 het BSN?"}, format="json")
    assert refused.status_code == 400
    assert "BSN" in " ".join(refused.json()["errors"]["body"])
    assert not Message.objects.exists()
    assert (
        provider.post(
            offer_url(offer), {"body": "Is er een schoolplan?"}, format="json"
        ).status_code
        == 201
    )
    assert (
        coordinator.post(
            offer_url(offer), {"body": "Ja, zie het verzoek."}, format="json"
        ).status_code
        == 201
    )
    note = Notification.objects.get(recipient=cast.provider_a, kind="conversation.message")
    assert note.message == f"Nieuw bericht bij {offer.referral.code}"
    assert Thread.objects.get().audience == Thread.Audience.PROVIDER


def test_after_acceptance_the_check_is_not_needed(
    cast: Cast, offer: Offer, api_client_for: ApiClient
) -> None:
    placement_services.offer_accept(offer=offer, by=cast.provider_a)
    response = api_client_for(cast.coordinator).post(
        offer_url(offer), {"body": "Zwaantje komt maandag."}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("who", ["referrer", "provider_b", "analyst", "referrer2"])
def test_it_hides_the_provider_conversation_from_other_roles(
    cast: Cast, offer: Offer, api_client_for: ApiClient, who: str
) -> None:
    api_client_for(cast.coordinator).post(offer_url(offer), {"body": "Vraag aan A."}, format="json")
    user = cast.all_users()[who]
    assert api_client_for(user).get(offer_url(offer)).status_code == 404
    assert (
        api_client_for(user).post(offer_url(offer), {"body": "x"}, format="json").status_code == 404
    )
    assert client_for(user).get(f"/gesprekken/voorstel/{offer.pk}/").status_code == 404


def test_the_provider_never_sees_the_referrer_conversation_and_vice_versa(
    cast: Cast, offer: Offer, api_client_for: ApiClient
) -> None:
    api_client_for(cast.coordinator).post(
        referral_url(offer.referral), {"body": "Voor de verwijzer."}, format="json"
    )
    api_client_for(cast.coordinator).post(
        offer_url(offer), {"body": "Voor de aanbieder."}, format="json"
    )
    provider_rows = api_client_for(cast.provider_a).get(offer_url(offer)).json()["results"]
    assert [row["body"] for row in provider_rows] == ["Voor de aanbieder."]
    html = client_for(cast.provider_a).get(f"/gesprekken/voorstel/{offer.pk}/").content.decode()
    assert "Voor de verwijzer." not in html
    html = (
        client_for(cast.referrer).get(f"/gesprekken/verzoek/{offer.referral.pk}/").content.decode()
    )
    assert "Voor de aanbieder." not in html
    # The coordinator sees both, and the provider thread listed with its count.
    html = (
        client_for(cast.coordinator)
        .get(f"/gesprekken/verzoek/{offer.referral.pk}/")
        .content.decode()
    )
    assert 'data-testid="provider-threads"' in html and "Groep A" in html


def test_after_refusal_the_provider_conversation_is_read_only(
    cast: Cast, offer: Offer, api_client_for: ApiClient
) -> None:
    api_client_for(cast.provider_a).post(
        offer_url(offer), {"body": "Een vraag vooraf."}, format="json"
    )
    placement_services.offer_refuse(offer=offer, by=cast.provider_a, reason="no_capacity")
    response = api_client_for(cast.provider_a).post(
        offer_url(offer), {"body": "Nog iets."}, format="json"
    )
    assert response.status_code == 409
    assert api_client_for(cast.provider_a).get(offer_url(offer)).status_code == 200
    html = client_for(cast.provider_a).get(f"/gesprekken/voorstel/{offer.pk}/").content.decode()
    assert 'data-testid="read-only"' in html
    assert Message.objects.count() == 1


def test_the_offer_page_and_referral_page_load_the_section(cast: Cast, offer: Offer) -> None:
    html = client_for(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert f'hx-get="/gesprekken/voorstel/{offer.pk}/"' in html
    html = client_for(cast.referrer).get(f"/referrals/{offer.referral.pk}/").content.decode()
    assert f'hx-get="/gesprekken/verzoek/{offer.referral.pk}/"' in html


def test_messages_are_never_in_the_logs_or_audit(
    cast: Cast, offer: Offer, api_client_for: ApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    from accounts.models import AuditEntry

    api_client_for(cast.coordinator).post(
        offer_url(offer), {"body": "Geheim overleg."}, format="json"
    )
    assert "Geheim overleg." not in caplog.text
    entry = AuditEntry.objects.filter(action="message.send").get()
    assert entry.object_type == "message" and entry.referral_id == offer.referral_id
    assert timezone.now() >= entry.at
