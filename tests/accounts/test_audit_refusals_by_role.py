"""Every refused attempt on a referral, by any role, is on that referral's audit trail page
(issue 18, point 10): also when a role check refuses before the scope check."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Role, User
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.referrals.conftest import make_referral  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

MakeClient = Callable[[User | None], APIClient]


@pytest.fixture
def privacy(cast: Cast) -> User:
    return UserFactory(
        username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
    )


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refusals(user: User, referral_id: int) -> int:
    return AuditEntry.objects.filter(
        user=user, referral_id=referral_id, outcome=AuditEntry.Outcome.REFUSED
    ).count()


def listed_on_trail(privacy: User, referral_id: int, username: str) -> bool:
    html = page_client(privacy).get(f"/audit/verzoek/{referral_id}/").content.decode()
    rows = [row for row in html.split("<tr") if f">{username}<" in row]
    return any("geweigerd" in row for row in rows)


@pytest.mark.parametrize(
    ("who", "kind", "url"),
    [
        ("analyst", "page", "/referrals/{}/"),
        ("analyst", "page", "/placement/verzoeken/{}/matching/"),
        ("analyst", "api", "/api/v1/referrals/{}/"),
        ("analyst", "api", "/api/v1/referrals/{}/candidates/"),
        ("provider_a", "page", "/referrals/{}/"),
        ("provider_a", "page", "/placement/verzoeken/{}/matching/"),
        ("provider_a", "api", "/api/v1/referrals/{}/"),
        ("provider_a", "api", "/api/v1/referrals/{}/candidates/"),
        ("referrer2", "page", "/referrals/{}/"),
        ("referrer2", "page", "/placement/verzoeken/{}/matching/"),
        ("referrer2", "api", "/api/v1/referrals/{}/"),
        ("referrer2", "api", "/api/v1/referrals/{}/candidates/"),
    ],
)
def test_a_refused_read_is_listed_on_the_referrals_trail(
    cast: Cast,
    privacy: User,
    api_client_for: MakeClient,
    make_referral: Any,  # noqa: F811
    who: str,
    kind: str,
    url: str,
) -> None:
    referral = make_referral(submit=True)
    user = getattr(cast, who)
    client = api_client_for(user) if kind == "api" else page_client(user)
    assert client.get(url.format(referral.pk)).status_code == 404
    assert refusals(user, referral.pk) == 1  # once, also where the selector audited it
    assert listed_on_trail(privacy, referral.pk, who)


def test_a_refused_write_by_another_role_is_listed(
    cast: Cast,
    privacy: User,
    api_client_for: MakeClient,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(cast.provider_a).post(
        f"/api/v1/referrals/{referral.pk}/wait/", {}, format="json"
    )
    assert response.status_code == 404
    page = page_client(cast.provider_a).post(f"/placement/verzoeken/{referral.pk}/voorstel/")
    assert page.status_code == 404
    entries = AuditEntry.objects.filter(user=cast.provider_a, referral_id=referral.pk)
    assert [(e.action, e.outcome) for e in entries] == [("referral.update", "refused")] * 2
    referral.refresh_from_db()
    assert referral.status == "submitted"
    assert listed_on_trail(privacy, referral.pk, "provider_a")


def test_an_allowed_read_is_not_a_refusal(
    cast: Cast,
    api_client_for: MakeClient,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    assert (
        api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200
    )
    assert refusals(cast.coordinator, referral.pk) == 0


def test_an_anonymous_probe_writes_nothing(
    db: None,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    assert APIClient().get(f"/api/v1/referrals/{referral.pk}/").status_code == 401
    assert not AuditEntry.objects.filter(referral_id=referral.pk, outcome="refused").exists()
