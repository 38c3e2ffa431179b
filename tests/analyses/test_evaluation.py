"""The three-monthly evaluation (issue 23, points 3 and 4): a provider's figures beside the
region's, the same on the page, in the CSV, the PDF and the API; every role boundary."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Municipality, Organisation
from analyses import evaluation
from analyses.disclosure import Disclosure
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast

QUARTER = evaluation.last_complete_quarter()
FIRST, _AFTER = evaluation.quarter_bounds(QUARTER)
# What the analyst (and a provider, for the regional figures) is shown.
D = Disclosure(exact=False)
SENT = timezone.make_aware(datetime.combine(FIRST + timedelta(days=20), time(12)))


def _offer(
    cast: Cast,
    referral: Referral,
    location: Location,
    status: str,
    hours: int,
    reason: str = "",
) -> Offer:
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        sent_at=SENT,
        deadline=SENT + timedelta(days=2),
        status=status,
        refusal_reason=reason,
        answered_at=None if status == "expired" else SENT + timedelta(hours=hours),
    )


@pytest.fixture
def data(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
) -> dict[str, Any]:
    """In the quarter, for youths of the cast's region: provider A 6 accepted (2 h) and 5
    refused for no capacity (2 h); provider B 5 accepted (10 h) and 6 refused for group
    composition (10 h). A's 6 acceptances started placements, one re-placed. Both locations
    have 5 of 6 places occupied."""
    Location.objects.filter(pk__in=[location_a.pk, location_b.pk]).update(
        occupied_places=5, free_places=1
    )
    for location, accepted, refused, reason, hours in (
        (location_a, 6, 5, "no_capacity", 2),
        (location_b, 5, 6, "group_composition", 10),
    ):
        for i in range(accepted + refused):
            referral = make_referral(status=Referral.Status.MATCHING)
            if i < accepted:
                offer = _offer(cast, referral, location, "accepted", hours)
                if location == location_a:
                    Placement.objects.create(
                        referral=referral,
                        offer=offer,
                        location=location,
                        provider=location.provider,
                        start_date=FIRST + timedelta(days=21),
                        end_date=FIRST + timedelta(days=40) if i == 0 else None,
                        end_reason="replacement" if i == 0 else "",
                        next_referral=make_referral() if i == 0 else None,
                        created_by=cast.coordinator,
                        status="ended" if i == 0 else "active",
                    )
            else:
                _offer(cast, referral, location, "refused", hours, reason)
    reports_rebuild()
    return {"a": location_a, "b": location_b}


def _figures(body: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {f["key"]: (f["provider"], f["region"]) for s in body["sections"] for f in s["figures"]}


def test_provider_pack_beside_the_region_exact_for_the_coordinator(
    cast: Cast, data: dict[str, Any], api_client_for: Any
) -> None:
    body = (
        api_client_for(cast.coordinator)
        .get("/api/v1/reports/evaluation/", {"provider": cast.provider_a_org.pk})
        .json()
    )
    assert body["quarter"] == QUARTER
    assert body["provider"] == {"id": cast.provider_a_org.pk, "name": "Aanbieder A"}
    assert body["regions"] == ["JR-EEM"]
    figures = _figures(body)
    assert figures["offers"] == (11, 22)
    assert figures["accepted"] == (6, 11)
    assert figures["refused"] == (5, 11)
    assert figures["no_response"] == (0, 0)
    assert figures["acceptance_rate"] == (54.5, 50.0)
    assert figures["median_response_hours"] == (2.0, 6.0)
    assert figures["reason:group_composition"] == (0, 6)
    assert figures["reason:no_capacity"] == (5, 5)
    assert figures["refusals_total"] == (5, 11)
    month = f"{FIRST:%Y-%m}"
    assert figures[f"occupied:{month}"] == (5, 10)
    assert figures[f"places:{month}"] == (6, 12)
    assert figures[f"occupancy_rate:{month}"] == (83.3, 83.3)
    assert figures["started"] == (6, 6)
    assert figures["replaced_6m"] == (1, 1)
    assert figures["replaced"] == (1, 1)


def test_region_pack_lists_every_provider(
    cast: Cast, data: dict[str, Any], api_client_for: Any
) -> None:
    body = api_client_for(cast.coordinator).get("/api/v1/reports/evaluation/").json()
    assert body["provider"] is None
    assert body["regions"] == ["JR-EEM"]
    rows = {r["provider"]: r for r in body["providers"]}
    assert rows["Aanbieder A"]["offers"] == 11
    assert rows["Aanbieder A"]["top_reason"] == "geen plek"
    assert rows["Aanbieder B"]["top_reason"] == "groepssamenstelling"
    assert rows["Aanbieder B"]["median_response_hours"] == 10.0
    assert _figures(body)["offers"] == (None, 22)


def test_the_provider_sees_its_own_figures_on_its_page_and_nobody_elses(
    cast: Cast, data: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(cast.provider_a)
    response = client.get("/analyses/mijn-cijfers/")
    assert response.status_code == 200
    pack = response.context["pack"]
    assert pack.scope.provider == cast.provider_a_org
    assert pack.providers == []
    html = response.content.decode()
    assert "Aanbieder B" not in html
    assert 'data-testid="pack-pdf"' in html
    # The own figures exact, the regional ones as the analyst sees them.
    figures = {f.key: (f.provider, f.region) for s in pack.sections for f in s.figures}
    assert figures["offers"] == (11, D.total(22, [11, 11]))
    assert figures["reason:no_capacity"] == (5, D.count(5))


@pytest.mark.parametrize("param", ["aanbieder", "provider"])
def test_a_provider_cannot_read_another_providers_pack(
    cast: Cast, data: dict[str, Any], api_client_for: Any, param: str
) -> None:
    client = Client()
    client.force_login(cast.provider_a)
    other = {param: cast.provider_b_org.pk}
    assert client.get("/analyses/mijn-cijfers/", other).status_code == 404
    for fmt in ("csv", "pdf"):
        assert client.get(f"/analyses/evaluatie/pakket.{fmt}", other).status_code == 404
    api = api_client_for(cast.provider_a)
    assert (
        api.get("/api/v1/reports/evaluation/", {"provider": cast.provider_b_org.pk}).status_code
        == 404
    )
    # Not the region pack, nor the coordinators' page.
    assert client.get("/analyses/evaluatie/").status_code == 404
    # Its own id is fine; a region parameter does not widen anything.
    own = api.get(
        "/api/v1/reports/evaluation/", {"provider": cast.provider_a_org.pk, "region": "JR-FLE"}
    )
    assert own.status_code == 200
    assert own.json()["provider"]["id"] == cast.provider_a_org.pk
    assert own.json()["providers"] == []
    # Without a parameter the API gives its own pack.
    assert api.get("/api/v1/reports/evaluation/").json()["provider"]["name"] == "Aanbieder A"


def test_a_provider_sees_the_regional_figures_suppressed(
    cast: Cast,
    data: dict[str, Any],
    make_referral: Callable[..., Referral],
    api_client_for: Any,
) -> None:
    """B's two expired offers and its 3 occupied places are 1–4: the regional figures that
    hold them are shown as the analyst's Disclosure shows them; A's own figures exact."""
    for _i in range(2):
        _offer(cast, make_referral(), data["b"], "expired", 0, "no_response")
    Location.objects.filter(pk=data["b"].pk).update(occupied_places=3, free_places=3)
    reports_rebuild()
    figures = _figures(api_client_for(cast.provider_a).get("/api/v1/reports/evaluation/").json())
    month = f"{FIRST:%Y-%m}"
    assert figures["offers"] == (11, D.total(24, [11, 13]))
    assert figures["accepted"] == (6, D.total(11, [6, 5]))
    assert figures["refused"] == (5, D.total(13, [5, 8]))
    assert figures["no_response"] == (0, "<5")
    assert figures["reason:no_response"] == (0, "<5")
    assert figures["refusals_total"] == (5, D.total(13, [5, 6, 2]))
    assert figures["acceptance_rate"] == (54.5, D.share_of_parts(11, 13))
    assert figures[f"occupied:{month}"] == (5, D.total(8, [5, 3]))
    assert figures[f"occupancy_rate:{month}"] == (83.3, D.place_rate(8, 12))
    # The coordinator: everything exact.
    exact = _figures(
        api_client_for(cast.coordinator)
        .get("/api/v1/reports/evaluation/", {"provider": cast.provider_a_org.pk})
        .json()
    )
    assert exact["no_response"] == (0, 2)
    assert exact["refused"] == (5, 13)
    assert exact[f"occupied:{month}"] == (5, 8)


def test_the_analyst_reads_every_pack_suppressed(
    cast: Cast,
    data: dict[str, Any],
    make_referral: Callable[..., Referral],
    api_client_for: Any,
) -> None:
    _offer(cast, make_referral(), data["b"], "expired", 0, "no_response")
    reports_rebuild()
    api = api_client_for(cast.analyst)
    pack = api.get("/api/v1/reports/evaluation/", {"provider": cast.provider_b_org.pk}).json()
    figures = _figures(pack)
    assert pack["exact"] == {"provider": False, "region": False}
    assert figures["no_response"] == ("<5", "<5")
    assert figures["offers"] == (D.total(12, [12]), D.total(23, [11, 12]))
    assert figures["reason:group_composition"] == (D.count(6), D.count(6))
    region = api.get("/api/v1/reports/evaluation/", {"region": "JR-EEM"}).json()
    rows = {r["provider"]: r for r in region["providers"]}
    assert rows["Aanbieder B"]["no_response"] == "<5"
    assert rows["Aanbieder A"]["offers"] == D.count(11)
    # Every region at once (the analyst's default).
    assert api.get("/api/v1/reports/evaluation/").json()["regions"] is None


def test_coordinator_scope(cast: Cast, data: dict[str, Any], api_client_for: Any) -> None:
    """A provider without a location in the coordinator's regions is outside its scope; so
    is another region's pack."""
    api = api_client_for(cast.coordinator)
    outsider = Location.objects.create(
        provider=Organisation.objects.create(name="Elders", kind="provider"),
        name="Ver weg",
        municipality=Municipality.objects.get(code="GM0995"),
        latitude=52.5,
        longitude=5.4,
        care_form="treatment_group",
        age_min=12,
        age_max=18,
        total_places=4,
        free_places=0,
    )
    outsider.regions.set([cast.other_region])
    assert (
        api.get("/api/v1/reports/evaluation/", {"provider": outsider.provider_id}).status_code
        == 404
    )
    assert api.get("/api/v1/reports/evaluation/", {"region": "JR-FLE"}).status_code == 404
    assert api.get("/api/v1/reports/evaluation/", {"provider": 999999}).status_code == 404
    client = Client()
    client.force_login(cast.coordinator)
    page = client.get("/analyses/evaluatie/")
    assert page.status_code == 200
    assert [p.name for p in page.context["providers"]] == ["Aanbieder A", "Aanbieder B"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quarter": "2026-Q5"}, "quarter"),
        ({"quarter": "2026-07"}, "quarter"),
        ({"quarter": "2999-Q1"}, "quarter"),
        ({"quarter": "0000-Q1"}, "quarter"),
        ({"region": "XX"}, "region"),
        ({"provider": "abc"}, "provider"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    cast: Cast, api_client_for: Any, params: dict[str, str], field: str
) -> None:
    # A provider's pack is its own, in its own regions: it has no region to choose.
    users = [cast.coordinator, cast.analyst] + [cast.provider_a] * (field != "region")
    for user in users:
        response = api_client_for(user).get("/api/v1/reports/evaluation/", params)
        assert response.status_code == 400, user
        assert field in str(response.json())
    dutch = {"quarter": "kwartaal", "provider": "aanbieder", "region": "regio"}[field]
    client = Client()
    if field != "region":
        client.force_login(cast.provider_a)
        page = client.get("/analyses/mijn-cijfers/", {dutch: params[field]})
        assert page.status_code == 400
        assert page.context["errors"][field]
    client.force_login(cast.coordinator)
    assert client.get("/analyses/evaluatie/", {dutch: params[field]}).status_code == 400
    assert client.get("/analyses/evaluatie/pakket.csv", {dutch: params[field]}).status_code == 400


@pytest.mark.parametrize("role", ["referrer", "admin"])
def test_other_roles_get_404(cast: Cast, role: str, api_client_for: Any) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    for url in (
        "/analyses/mijn-cijfers/",
        "/analyses/evaluatie/",
        "/analyses/evaluatie/pakket.csv",
        "/analyses/evaluatie/pakket.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert api_client_for(getattr(cast, role)).get("/api/v1/reports/evaluation/").status_code == 404
    assert api_client_for(None).get("/api/v1/reports/evaluation/").status_code == 401


def test_page_csv_pdf_and_api_hold_the_same_figures(
    cast: Cast, data: dict[str, Any], api_client_for: Any
) -> None:
    client = Client()
    client.force_login(cast.provider_a)
    page = client.get("/analyses/mijn-cijfers/", {"kwartaal": QUARTER})
    page_figures = [
        (f.label, f.provider, f.region) for s in page.context["pack"].sections for f in s.figures
    ]
    api = api_client_for(cast.provider_a).get("/api/v1/reports/evaluation/", {"quarter": QUARTER})
    api_figures = [
        (f["label"], f["provider"], f["region"])
        for s in api.json()["sections"]
        for f in s["figures"]
    ]
    assert page_figures == api_figures
    csv = client.get("/analyses/evaluatie/pakket.csv", {"kwartaal": QUARTER})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    for label, own, region in page_figures:
        cells = ["" if v is None else str(v).replace(".", ",") for v in (own, region)]
        expected = ";".join([label, *cells])
        assert any(line.endswith(expected) for line in lines), expected
    pdf = client.get("/analyses/evaluatie/pakket.pdf", {"kwartaal": QUARTER})
    assert pdf.status_code in (200, 503)  # 503 only where WeasyPrint cannot load
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


def test_the_coordinator_downloads_the_region_pack(cast: Cast, data: dict[str, Any]) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    page = client.get("/analyses/evaluatie/", {"kwartaal": QUARTER})
    assert page.status_code == 200
    assert 'data-testid="pack-providers"' in page.content.decode()
    csv = client.get("/analyses/evaluatie/pakket.csv", {"kwartaal": QUARTER, "regio": "JR-EEM"})
    body = csv.content.decode("utf-8-sig")
    assert "Aanbieder A;11;6;5;0" in body
    assert "Aanbieder B;11;5;6;0" in body
    # The region's pack has no empty provider column: section, figure, region.
    assert "Onderdeel;Kengetal;Regio, alle aanbieders" in body
    figures = body.split("Onderdeel;Kengetal;Regio, alle aanbieders")[1].split("\r\n\r\n")[0]
    assert all(line.count(";") == 2 for line in figures.strip().splitlines()), figures
    assert "evaluatie-" in csv["Content-Disposition"]


def test_an_empty_quarter_shows_an_empty_state(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.provider_a)
    page = client.get("/analyses/mijn-cijfers/")
    assert page.status_code == 200
    assert "Nog niet gebouwd." in page.content.decode()


def test_queries_do_not_grow_with_the_rows(
    cast: Cast, data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(30):
        assert client.get("/analyses/evaluatie/").status_code == 200
