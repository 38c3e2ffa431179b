"""GET /api/v1/audit/?referral={id}: admins only, the trail of one referral, read-only."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import Cast
from tests.referrals.conftest import make_referral  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_admin_reads_the_trail(
    cast: Cast,
    api_client_for: Callable[[User | None], APIClient],
    make_referral: Any,  # noqa: F811 - the fixture imported above
) -> None:
    referral = make_referral(submit=True)
    api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/")
    api_client_for(cast.referrer2).get(f"/api/v1/referrals/{referral.pk}/")
    body = api_client_for(cast.admin).get(f"/api/v1/audit/?referral={referral.pk}").json()
    rows = {(row["username"], row["action"], row["outcome"]) for row in body["results"]}
    assert ("coordinator", "youth.read", "allowed") in rows
    assert ("referrer2", "referral.read", "refused") in rows
    assert ("referrer", "referral.submit", "allowed") in rows


@pytest.mark.parametrize("who", ["coordinator", "referrer", "provider_a", "analyst"])
def test_others_get_404(
    cast: Cast, api_client_for: Callable[[User | None], APIClient], who: str
) -> None:
    assert api_client_for(getattr(cast, who)).get("/api/v1/audit/?referral=1").status_code == 404


def test_referral_parameter_is_required(
    cast: Cast, api_client_for: Callable[[User | None], APIClient]
) -> None:
    response = api_client_for(cast.admin).get("/api/v1/audit/?referral=x")
    assert response.status_code == 400
    assert "referral" in response.json()["errors"]


def test_no_write_methods(cast: Cast, api_client_for: Callable[[User | None], APIClient]) -> None:
    client = api_client_for(cast.admin)
    assert client.post("/api/v1/audit/?referral=1", {}).status_code == 405
    assert client.delete("/api/v1/audit/?referral=1").status_code == 405
