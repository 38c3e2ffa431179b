"""Browser pages of referrals: the guided form, the lists, the referral page and actions."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import AuditEntry, User
from referrals.models import Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_referrer_creates_a_draft_and_walks_the_steps(cast: Cast) -> None:
    client = client_for(cast.referrer)
    page = client.get("/referrals/new/")
    assert page.status_code == 200
    assert 'for="id_bsn"' in page.content.decode()
    response = client.post(
        "/referrals/new/",
        {"given_name": "Zoë", "family_name": "Berg", "bsn": "111222333", "municipality": "GM0307"},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/edit/situation/"
    for step in ("situation", "analysis", "plans", "review", "youth"):
        assert client.get(f"/referrals/{referral.pk}/edit/{step}/").status_code == 200
    client.post(f"/referrals/{referral.pk}/edit/plans/", {"care_question": "Een behandelgroep."})
    referral.refresh_from_db()
    assert referral.care_question == "Een behandelgroep."


def test_submit_shows_every_problem(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(safety_plan="", care_question="Zoë wil naar huis.")
    response = client_for(cast.referrer).post(f"/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-path="safety_plan"' in html
    assert 'data-path="care_question"' in html


def test_htmx_check_validates_without_saving(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    response = client_for(cast.referrer).post(
        f"/referrals/{referral.pk}/edit/youth/",
        {"given_name": "Zoë", "family_name": "Berg", "bsn": "123456789"},
        HTTP_HX_REQUEST="true",
    )
    assert "elfproef" in response.content.decode()
    referral.youth.refresh_from_db()
    assert referral.youth.bsn == "111222333"


def test_submit_then_coordinator_sees_it_in_intake(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    response = client_for(cast.referrer).post(f"/referrals/{referral.pk}/submit/")
    assert response.status_code == 302
    page = client_for(cast.coordinator).get("/referrals/")
    assert referral.code in page.content.decode()


def test_lists_have_constant_queries(
    cast: Cast, make_referral: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.referrer)
    make_referral()
    with django_assert_max_num_queries(12):
        client.get("/referrals/")
    for _ in range(6):
        make_referral()
    with django_assert_max_num_queries(12):
        assert client.get("/referrals/").status_code == 200


def test_detail_audits_the_identity_read(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    page = client_for(cast.coordinator).get(f"/referrals/{referral.pk}/")
    assert "111222333" in page.content.decode()
    assert AuditEntry.objects.filter(
        user=cast.coordinator, action="youth.read", referral_id=referral.pk
    ).exists()


@pytest.mark.parametrize("who", ["referrer2", "provider_a", "analyst", "admin"])
def test_pages_outside_scope_are_404(cast: Cast, make_referral: Any, who: str) -> None:
    referral = make_referral(submit=True)
    client = client_for(getattr(cast, who))
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert (
        client.post(f"/referrals/{referral.pk}/action/close/", {"outcome": "withdrawn"}).status_code
        == 404
    )


def test_coordinator_actions(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    client = client_for(cast.coordinator)
    client.post(f"/referrals/{referral.pk}/action/request-info/", {"question": "Welke school?"})
    referral.refresh_from_db()
    assert referral.status == "needs_info"
    page = client_for(cast.referrer).get(f"/referrals/{referral.pk}/")
    assert "Welke school?" in page.content.decode()
    client_for(cast.referrer).post(f"/referrals/{referral.pk}/submit/")
    client.post(f"/referrals/{referral.pk}/action/start-matching/")
    client.post(f"/referrals/{referral.pk}/action/expert-table/", {"note": "Onduidelijk."})
    client.post(
        f"/referrals/{referral.pk}/close/", {"outcome": "resolved_at_home", "confirmed": "1"}
    )
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert referral.expert_table
    assert referral.close_outcome == "resolved_at_home"


def test_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    response = Client().get("/referrals/")
    assert response.status_code == 302


def test_admin_page_links_to_the_audit_trail(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    client = client_for(cast.admin)
    page = client.get(f"/admin/referrals/referral/{referral.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"?referral_id={referral.pk}" in html
    assert "111222333" not in html
    trail = client.get(f"/admin/accounts/auditentry/?referral_id={referral.pk}")
    assert trail.status_code == 200
    assert "referral.submit" in trail.content.decode()
