"""Denied attempts on referrals and identities are recorded as refused (NEN 7513)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from tests.conftest import Cast
from tests.referrals.conftest import make_referral  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def refused(user: User, referral_id: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            user=user, referral_id=referral_id, outcome=AuditEntry.Outcome.REFUSED
        ).values_list("action", flat=True)
    )


@pytest.mark.parametrize("who", ["referrer2", "provider_a", "analyst"])
def test_an_out_of_scope_api_read_is_recorded(
    cast: Cast,
    who: str,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    user = getattr(cast, who)
    assert api_client_for(user).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    assert "referral.read" in refused(user, referral.pk)


def test_an_out_of_scope_api_write_is_recorded_and_changes_nothing(
    cast: Cast,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral()
    client = api_client_for(cast.referrer2)
    assert client.post(f"/api/v1/referrals/{referral.pk}/submit/").status_code == 404
    assert client.patch(f"/api/v1/referrals/{referral.pk}/", {}, format="json").status_code == 404
    assert {"referral.submit", "referral.update"} <= set(refused(cast.referrer2, referral.pk))
    referral.refresh_from_db()
    assert referral.status == "draft"


def test_an_out_of_scope_page_read_is_recorded(
    cast: Cast,
    make_referral: Any,  # noqa: F811
) -> None:
    referral = make_referral(submit=True)
    client = Client()
    client.force_login(cast.referrer2)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert refused(cast.referrer2, referral.pk)


def test_a_probe_of_a_referral_that_does_not_exist_is_recorded(
    cast: Cast, api_client_for: Callable[[User | None], APIClient]
) -> None:
    assert api_client_for(cast.referrer2).get("/api/v1/referrals/987654/").status_code == 404
    assert "referral.read" in refused(cast.referrer2, 987654)


def test_a_probe_with_an_impossible_id_is_recorded_not_a_500(
    cast: Cast, api_client_for: Callable[[User | None], APIClient]
) -> None:
    """Regression (found by tests/security/test_generated_input.py): an id beyond bigint made
    the refusal's audit row fail and the API answer 500."""
    huge = "8033429306436577394688"
    client = api_client_for(cast.coordinator)
    assert client.get(f"/api/v1/referrals/{huge}/").status_code == 404
    response = client.post(f"/api/v1/referrals/{huge}/expert-table/", {"note": "x"}, format="json")
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(user=cast.coordinator).latest("id")
    assert (entry.referral_id, entry.object_id, entry.outcome) == (None, huge, "refused")
