"""The privacy officer reads a referral's access trail and exports it for the guardian."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Role, User
from accounts.services import audit_record
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.referrals.conftest import make_referral  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy(cast: Cast) -> User:
    return UserFactory(
        username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
    )


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_role_is_accepted_by_the_database(privacy: User) -> None:
    privacy.refresh_from_db()
    assert privacy.is_privacy_officer


def test_it_reads_the_trail_through_the_api(
    cast: Cast,
    privacy: User,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    api_client_for(cast.referrer2).get(f"/api/v1/referrals/{referral.pk}/")
    response = api_client_for(privacy).get(f"/api/v1/audit/?referral={referral.pk}")
    assert response.status_code == 200
    rows = {(row["username"], row["action"], row["outcome"]) for row in response.json()["results"]}
    assert ("referrer2", "referral.read", "refused") in rows


def test_the_page_shows_the_trail_and_records_the_read(
    cast: Cast,
    privacy: User,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    response = page_client(privacy).get(f"/audit/verzoek/{referral.pk}/")
    assert response.status_code == 200
    assert referral.code in response.content.decode()
    assert "verzoek ingediend" in response.content.decode()
    assert AuditEntry.objects.filter(
        user=privacy, action="audit.read", referral_id=referral.pk
    ).exists()


def test_the_search_finds_a_referral_by_code(
    privacy: User,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    response = page_client(privacy).get("/audit/", {"verzoek": referral.code})
    assert response.status_code == 302
    assert response["Location"] == f"/audit/verzoek/{referral.pk}/"
    response = page_client(privacy).get("/audit/", {"verzoek": "ROP-0000-00000"})
    assert response.status_code == 200
    assert "Geen verzoek gevonden" in response.content.decode()


def test_the_csv_export_holds_who_role_organisation_when_action_outcome_and_no_content(
    cast: Cast,
    privacy: User,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/")
    api_client_for(cast.referrer2).get(f"/api/v1/referrals/{referral.pk}/")
    response = page_client(privacy).get(f"/audit/verzoek/{referral.pk}/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert referral.code in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["wie", "rol", "organisatie", "wanneer", "handeling", "uitkomst"]
    body = rows[1:]
    assert ["referrer2", "verwijzer", "GI Elders"] in [r[:3] for r in body]
    assert any(r[0] == "referrer2" and r[5] == "geweigerd" for r in body)
    assert any(r[0] == "coordinator" and r[4] == "identiteit van de jongere ingezien" for r in body)
    assert body[-1][0] == "privacy" and body[-1][4] == "audittrail geëxporteerd"
    # No content of the file: neither the youth's identity nor any free text.
    for planted in ["Zoë", "van den Berg", "111222333", "2011-05-03", "3811 AB", "Karin Smit"]:
        assert planted not in text


def test_the_csv_neutralises_spreadsheet_formulas(
    cast: Cast,
    privacy: User,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    evil = UserFactory(username="=HYPERLINK(1)", role=Role.REFERRER, organisation=cast.referrer_org)
    audit_record(user=evil, action="referral.read", referral_id=referral.pk, allowed=False)
    text = page_client(privacy).get(f"/audit/verzoek/{referral.pk}/csv/").content.decode()
    assert "'=HYPERLINK(1)" in text
    assert ";=HYPERLINK" not in text and "\n=HYPERLINK" not in text


@pytest.mark.parametrize(
    "who", ["coordinator", "referrer", "referrer2", "provider_a", "analyst", "admin"]
)
def test_everyone_else_gets_404_on_the_export(
    cast: Cast,
    who: str,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    response = page_client(getattr(cast, who)).get(f"/audit/verzoek/{referral.pk}/csv/")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "referrer", "referrer2", "provider_a", "analyst"])
def test_everyone_else_gets_404_on_the_pages_and_api(
    cast: Cast,
    who: str,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    user = getattr(cast, who)
    assert page_client(user).get(f"/audit/verzoek/{referral.pk}/").status_code == 404
    assert page_client(user).get("/audit/").status_code == 404
    api = api_client_for(user).get(f"/api/v1/audit/?referral={referral.pk}")
    assert api.status_code == 404


def test_anonymous_is_sent_to_sign_in(make_referral: Any) -> None:  # noqa: F811
    referral = make_referral(submit=True)
    for url in ["/audit/", f"/audit/verzoek/{referral.pk}/", f"/audit/verzoek/{referral.pk}/csv/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_referral_is_404(privacy: User) -> None:
    assert page_client(privacy).get("/audit/verzoek/999999/").status_code == 404
    assert page_client(privacy).get("/audit/verzoek/999999/csv/").status_code == 404
