"""The privacy officer's start page, menu entry and the search by public request code
(issue 18, point 10)."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.referrals.conftest import (
    OTHER_BSN,
    complete_payload,
    make_referral,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy(cast: Cast) -> User:
    return UserFactory(
        username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
    )


@pytest.fixture
def page(privacy: User) -> Client:
    client = Client()
    client.force_login(privacy)
    return client


def another(make: Any) -> Referral:
    """A second open referral: another youth (one youth has one open referral)."""
    return make(submit=True, youth={**complete_payload()["youth"], "bsn": OTHER_BSN})


def with_code(referral: Referral, code: str) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(code=code)
    referral.refresh_from_db()
    return referral


def test_the_start_page_says_what_the_role_does(page: Client) -> None:
    html = page.get("/").content.decode()
    assert "nog geen rol gekoppeld" not in html
    assert "Als privacyfunctionaris ziet u wie het dossier" in html
    assert 'href="/audit/"' in html
    assert "Naar de audittrail" in html


def test_the_menu_has_the_audit_trail_for_the_privacy_officer_only(
    page: Client, cast: Cast
) -> None:
    entry = '<a class="utrecht-nav-list__link" href="/audit/">Audittrail</a>'
    assert entry in page.get("/").content.decode()
    other = Client()
    other.force_login(cast.coordinator)
    assert entry not in other.get("/").content.decode()


@pytest.mark.parametrize(
    "typed", ["ROP-{y}-00191", "rop-{y}-00191", "{y}-00191", "00191", "191", " rop {y} 191 "]
)
def test_the_search_takes_the_public_code_never_the_internal_id(
    page: Client,
    make_referral: Any,  # noqa: F811
    typed: str,
) -> None:
    year = timezone.localdate().year
    wanted = with_code(make_referral(submit=True), f"ROP-{year}-00191")
    response = page.get("/audit/", {"verzoek": typed.format(y=year)})
    assert response.status_code == 302
    assert response["Location"] == f"/audit/verzoek/{wanted.pk}/"


def test_a_number_is_the_codes_number_not_the_pk(
    page: Client,
    make_referral: Any,  # noqa: F811
) -> None:
    year = timezone.localdate().year
    by_pk = with_code(make_referral(submit=True), f"ROP-{year}-09999")
    by_code = with_code(another(make_referral), f"ROP-{year}-{by_pk.pk:05d}")
    response = page.get("/audit/", {"verzoek": str(by_pk.pk)})
    assert response["Location"] == f"/audit/verzoek/{by_code.pk}/"
    response = page.get("/audit/", {"verzoek": "98765"})
    assert response.status_code == 200
    assert "Geen verzoek gevonden" in response.content.decode()


def test_a_number_in_several_years_is_a_choice_newest_first(
    page: Client,
    make_referral: Any,  # noqa: F811
) -> None:
    year = timezone.localdate().year
    last_year = with_code(make_referral(submit=True), f"ROP-{year - 1}-00191")
    this_year = with_code(another(make_referral), f"ROP-{year}-00191")
    response = page.get("/audit/", {"verzoek": "191"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meerdere verzoeken gevonden" in html
    assert html.index(f"/audit/verzoek/{this_year.pk}/") < html.index(
        f"/audit/verzoek/{last_year.pk}/"
    )
    # With the year it is one.
    response = page.get("/audit/", {"verzoek": f"{year - 1}-00191"})
    assert response["Location"] == f"/audit/verzoek/{last_year.pk}/"


@pytest.mark.parametrize("typed", ["ROP-", "abc", "ROP-2026-", "1" * 40, "' OR 1=1 --"])
def test_nonsense_finds_nothing(page: Client, typed: str) -> None:
    response = page.get("/audit/", {"verzoek": typed})
    assert response.status_code == 200
    assert "Geen verzoek gevonden" in response.content.decode()


def test_other_roles_do_not_reach_the_search(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.analyst)
    assert client.get("/audit/", {"verzoek": "191"}).status_code == 404
