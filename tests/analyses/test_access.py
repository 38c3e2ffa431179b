"""Role matrix, nothing identifying for the analyst, constant query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from analyses.services import reports_rebuild
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS

PAGES = ["/analyses/", "/analyses/opbouw/"] + [
    f"/analyses/export/{t}.csv"
    for t in (
        "unmet-need",
        "need-matrix",
        "refusal-reasons",
        "providers",
        "replacements",
        "chains",
        "kpis",
        "occupancy",
    )
]
API = [f"/api/v1/reports/{t}/" for t in ("unmet-need", "refusals", "replacements", "kpis")]


@pytest.fixture
def built(make_referral: Callable[..., Referral]) -> list[Referral]:
    referrals = [make_referral() for _ in range(3)]
    reports_rebuild()
    return referrals


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_allowed_roles_get_every_page_and_endpoint(
    cast: Cast, built: list[Referral], role: str, api_client_for: Any
) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    api = api_client_for(getattr(cast, role))
    for url in API:
        body = api.get(url).json()
        assert "built_at" in body, url
    assert api.post("/api/v1/reports/rebuild/").status_code == 202


@pytest.mark.parametrize("role", ["referrer", "referrer2", "provider_a", "admin"])
def test_other_roles_get_404(cast: Cast, role: str, api_client_for: Any) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    for url in PAGES:
        assert client.get(url).status_code == 404, url
    api = api_client_for(getattr(cast, role))
    for url in API:
        assert api.get(url).status_code == 404, url
    assert api.post("/api/v1/reports/rebuild/").status_code == 404


def test_anonymous_gets_401(api_client_for: Any) -> None:
    for url in API:
        assert api_client_for(None).get(url).status_code == 401


def test_analyst_sees_nothing_identifying(
    cast: Cast, built: list[Referral], api_client_for: Any
) -> None:
    client = Client()
    client.force_login(cast.analyst)
    bodies = [client.get(url).content.decode() for url in PAGES]
    bodies += [api_client_for(cast.analyst).get(url).content.decode() for url in API]
    secrets = [*CANARY_STRINGS, *(r.code for r in built)]
    for body in bodies:
        for secret in secrets:
            assert secret not in body
    # Three referrals in one profile: the analyst sees "<5", never the 3.
    unmet = api_client_for(cast.analyst).get("/api/v1/reports/unmet-need/").json()
    assert unmet["profiles"]["rows"][0]["referrals"] == "<5"
    exact = api_client_for(cast.coordinator).get("/api/v1/reports/unmet-need/").json()
    assert exact["profiles"]["rows"][0]["referrals"] == 3


def test_query_counts_are_constant(
    cast: Cast,
    make_referral: Callable[..., Referral],
    django_assert_max_num_queries: Any,
) -> None:
    client = Client()
    client.force_login(cast.analyst)
    for _ in range(2):
        make_referral()
    reports_rebuild()
    # 26: one more for the KPI targets (issue 23, analyses.catalogue.targets_for).
    # 27: one more for the forecast check (issue 22.5, analyses.forecasts).
    # 28: issue 23.2 reads today's stale capacity apart from the period's KPIs.
    with django_assert_max_num_queries(28):
        client.get("/analyses/")
    for _ in range(8):
        make_referral(care_forms=["family_home"], expertise=["mental_health"])
    reports_rebuild()
    # 28: issue 23.2 reads today's stale capacity apart from the period's KPIs.
    with django_assert_max_num_queries(28):
        client.get("/analyses/")
