"""Issue 23 point 6: the KPI catalogue. Every KPI built has an entry and back; the new
tender KPI (requests under an emergency authorisation) by hand on a constructed history;
targets checked (400 naming the field, nothing stored) and kept only by the administrator
and coordinators for their regions; met or not met on the page; the API's keys."""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from analyses import catalogue, selectors
from analyses.disclosure import Disclosure
from analyses.models import KpiRow, KpiTarget
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast

EXACT, SUPPRESSED = Disclosure(exact=True), Disclosure(exact=False)
EMERGENCY = "emergency_secured_authorisation"


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def history(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> dict[str, Any]:
    """March 2025: 4 requests, 2 under an emergency authorisation; May 2025: 5 requests, 1
    under one; today: one request placed at location A and ended in foster care (so that
    the outflow KPIs are built too). Every request in Eemland."""
    for day, emergency, count in ((date(2025, 3, 10), 2, 4), (date(2025, 5, 12), 1, 5)):
        for i in range(count):
            referral = make_referral(status=Referral.Status.MATCHING)
            referral.submitted_at = _noon(day)
            referral.legal_status = EMERGENCY if i < emergency else "voluntary"
            referral.save(update_fields=["submitted_at", "legal_status"])
    placed = make_referral(status=Referral.Status.CLOSED)
    offer = Offer.objects.create(
        referral=placed,
        location=location_a,
        provider=location_a.provider,
        sent_by=cast.coordinator,
        deadline=timezone.now(),
        status="accepted",
        answered_at=timezone.now(),
    )
    end = timezone.localdate() - timedelta(days=1)
    Placement.objects.create(
        referral=placed,
        offer=offer,
        location=location_a,
        provider=location_a.provider,
        created_by=cast.coordinator,
        start_date=end - timedelta(days=30),
        status="ended",
        end_date=end,
        end_reason="planned_outflow",
        outflow="foster_care",
        ready_to_leave_since=end - timedelta(days=5),
    )
    reports_rebuild()
    return {"placed": placed}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


# --- the catalogue ---------------------------------------------------------------------


def test_every_entry_is_complete_and_in_dutch() -> None:
    assert len(catalogue.CODES) == len(set(catalogue.CODES))
    for kpi in catalogue.CATALOGUE:
        entry = kpi.as_dict()
        for key in ("name", "definition", "formula", "numerator", "source", "period"):
            assert entry[key].strip(), (kpi.code, key)
        assert kpi.unit in catalogue.UNIT_LABELS
        assert kpi.direction in catalogue.DIRECTION_LABELS
    # The tender KPIs of the seeds the data allow.
    assert catalogue.BY_CODE["emergency_authorisation"].direction == catalogue.LOWER
    assert catalogue.BY_CODE["outflow_lighter"].direction == catalogue.HIGHER
    assert "spoedmachtiging" in catalogue.BY_CODE["emergency_authorisation"].formula


@pytest.mark.usefixtures("history")
def test_every_kpi_built_has_a_catalogue_entry_and_back(cast: Cast) -> None:
    built = set(KpiRow.objects.values_list("code", flat=True))
    # `occupancy` is read from the occupancy report, not stored as a KPI row.
    assert built | {"occupancy"} == set(catalogue.CODES)
    shown = {k["code"] for k in selectors.kpis(filters=selectors.Filters(), disclosure=EXACT)}
    assert shown == set(catalogue.CODES)
    # The dashboard's labels are the catalogue's names.
    assert set(selectors.KPI_LABELS) == set(catalogue.CODES)


# --- the new tender KPI on a constructed history ----------------------------------------


@pytest.mark.usefixtures("history")
def test_share_of_requests_under_an_emergency_authorisation(cast: Cast) -> None:
    def row(period: str, region: str = "") -> KpiRow:
        return KpiRow.objects.get(
            period=period, region=region, care_form="", code="emergency_authorisation"
        )

    assert (row("2025-03").numerator, row("2025-03").denominator) == (2, 4)
    assert row("2025-03").value == pytest.approx(0.5)
    assert (row("2025-05").numerator, row("2025-05").denominator) == (1, 5)
    assert (row("2025-Q2", cast.region.code).numerator, row("2025-Q2").denominator) == (1, 5)
    assert (row("all").numerator, row("all").denominator) == (3, 10)
    # Per first-choice care form too.
    per_form = KpiRow.objects.get(
        period="2025-03", region="", care_form="treatment_group", code="emergency_authorisation"
    )
    assert (per_form.numerator, per_form.denominator) == (2, 4)

    def shown(disclosure: Disclosure, period: str) -> Any:
        figures = selectors.kpis(filters=selectors.Filters(period=period), disclosure=disclosure)
        return next(k["value"] for k in figures if k["code"] == "emergency_authorisation")

    assert shown(EXACT, "2025-03") == 50.0
    assert shown(EXACT, "all") == 30.0
    # For the analyst the share goes through the disclosure (over 1 to 4 youths: not exact).
    assert shown(SUPPRESSED, "2025-03") == SUPPRESSED.share(2, 4) != 50.0


# --- targets: checks and roles -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "bestaat_niet", "target": 10}, "code"),
        ({"code": "crisis_share", "target": -1}, "target"),
        ({"code": "crisis_share", "target": 100.5}, "target"),
        ({"code": "crisis_share", "target": "veel"}, "target"),
        ({"code": "crisis_share", "target": 10, "year": 1900}, "year"),
        ({"code": "crisis_share", "target": 10, "region": "JR-FLE"}, "region"),
        ({"code": "crisis_share", "target": 10, "region": ""}, "region"),
        ({"code": "crisis_share", "target": 10, "colour": "rood"}, "colour"),
    ],
)
def test_a_bad_target_is_a_400_naming_the_field(
    cast: Cast, body: dict[str, Any], field: str
) -> None:
    payload = {"region": cast.region.code, "year": 2026, **body}
    response = _api(cast.coordinator).post("/api/v1/reports/kpi-targets/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not KpiTarget.objects.exists()


def test_days_may_exceed_100_and_a_second_save_replaces(cast: Cast) -> None:
    api = _api(cast.coordinator)
    body = {"region": cast.region.code, "code": "days_to_placement", "year": 2026}
    assert (
        api.post("/api/v1/reports/kpi-targets/", {**body, "target": 150}, format="json").status_code
        == 201
    )
    response = api.post("/api/v1/reports/kpi-targets/", {**body, "target": "30,5"}, format="json")
    assert response.status_code == 201
    assert response.json()["region"] == cast.region.code
    target = KpiTarget.objects.get()
    assert (target.target, target.updated_by) == (30.5, cast.coordinator)
    listed = api.get("/api/v1/reports/kpi-targets/?year=2026").json()
    assert [row["code"] for row in listed["results"]] == ["days_to_placement"]


@pytest.mark.parametrize("role", ["analyst", "provider_a", "referrer"])
def test_only_the_administrator_and_coordinators_keep_targets(cast: Cast, role: str) -> None:
    user = cast.all_users()[role]
    body = {"region": cast.region.code, "code": "crisis_share", "year": 2026, "target": 10}
    assert _api(user).post("/api/v1/reports/kpi-targets/", body, format="json").status_code in (
        403,
        404,
    )
    assert _api(user).get("/api/v1/reports/kpi-targets/").status_code in (403, 404)
    client = _client(user)
    assert client.get("/analyses/kengetallen/streefwaarden/").status_code == 404
    form = {"region": cast.region.code, "code": "crisis_share", "year": "2026", "target": "10"}
    assert client.post("/analyses/kengetallen/streefwaarden/", form).status_code == 404
    assert not KpiTarget.objects.exists()


def test_the_administrator_sets_a_target_for_every_region(cast: Cast) -> None:
    body = {"region": "", "code": "outflow_lighter", "year": 2026, "target": 40}
    response = _api(cast.admin).post("/api/v1/reports/kpi-targets/", body, format="json")
    assert response.status_code == 201
    target = KpiTarget.objects.get()
    assert target.region is None
    # A coordinator does not keep (or remove) the target for every region.
    assert not _api(cast.coordinator).get("/api/v1/reports/kpi-targets/").json()["results"]
    assert (
        _api(cast.coordinator).delete(f"/api/v1/reports/kpi-targets/{target.pk}/").status_code
        == 404
    )
    client = _client(cast.coordinator)
    assert (
        client.post(f"/analyses/kengetallen/streefwaarden/{target.pk}/verwijderen/").status_code
        == 404
    )
    assert KpiTarget.objects.count() == 1


def test_the_target_page_checks_and_stores(cast: Cast) -> None:
    client = _client(cast.coordinator)
    page = client.get("/analyses/kengetallen/streefwaarden/")
    assert page.status_code == 200
    assert 'data-testid="kpi-targets-empty"' in page.content.decode()
    bad = client.post(
        "/analyses/kengetallen/streefwaarden/",
        {"region": cast.region.code, "code": "crisis_share", "year": "2026", "target": "120"},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'data-field="target"' in html and "Een percentage is hoogstens 100." in html
    assert not KpiTarget.objects.exists()
    good = client.post(
        "/analyses/kengetallen/streefwaarden/",
        {
            "region": cast.region.code,
            "code": "crisis_share",
            "year": "2026",
            "target": "12,5",
            "note": "Afspraak regiovisie",
        },
    )
    assert good.status_code == 302
    target = KpiTarget.objects.get()
    assert (target.region, target.target, target.note) == (cast.region, 12.5, "Afspraak regiovisie")
    listing = client.get("/analyses/kengetallen/streefwaarden/").content.decode()
    assert f'data-testid="kpi-target-{target.pk}"' in listing
    # Removing asks first, then removes.
    url = f"/analyses/kengetallen/streefwaarden/{target.pk}/verwijderen/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="remove-confirm"' in confirm.content.decode()
    # The value is named as in the list, with direction and unit.
    assert "U verwijdert de streefwaarde ≤ 12,5%" in confirm.content.decode()
    assert KpiTarget.objects.exists()
    assert client.post(url).status_code == 302
    assert not KpiTarget.objects.exists()


# --- the page: figure, target, met or not -------------------------------------------------


@pytest.mark.usefixtures("history")
def test_the_page_shows_the_figure_target_and_whether_it_is_met(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    KpiTarget.objects.create(region=None, code="emergency_authorisation", year=2025, target=10)
    KpiTarget.objects.create(
        region=cast.region, code="emergency_authorisation", year=2025, target=25, note="Tender"
    )
    client = _client(cast.coordinator)
    with django_assert_max_num_queries(20):
        march = client.get("/analyses/kengetallen/?periode=2025-03").content.decode()
    may = client.get("/analyses/kengetallen/?periode=2025-05").content.decode()

    def cell(html: str, name: str) -> str:
        start = html.index(f'data-testid="kpi-{name}-emergency_authorisation"')
        return html[start : html.index("</td>", start)]

    # The region's own target (25 %, lower is better) over the one for every region.
    assert "25" in cell(march, "target") and "Tender" in cell(march, "target")
    assert "50" in cell(march, "value")
    assert "niet gehaald" in cell(march, "met")
    assert "20" in cell(may, "value")
    assert "gehaald" in cell(may, "met") and "niet gehaald" not in cell(may, "met")
    # Every KPI of the catalogue with its definition, formula and source in a <details>.
    for kpi in catalogue.CATALOGUE:
        assert f'data-testid="kpi-row-{kpi.code}"' in march
    assert march.count("rop-kpi-details") == len(catalogue.CATALOGUE)
    assert str(catalogue.BY_CODE["emergency_authorisation"].source) in march
    # A care form chosen: the target stands, but is not judged.
    by_form = client.get("/analyses/kengetallen/?periode=2025-03&zorgvorm=treatment_group")
    assert "gehaald" not in cell(by_form.content.decode(), "met")


@pytest.mark.usefixtures("history")
def test_the_analyst_sees_the_page_suppressed_and_the_dashboard_links_to_it(cast: Cast) -> None:
    client = _client(cast.analyst)
    page = client.get("/analyses/kengetallen/?periode=2025-03")
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('data-testid="kpi-value-emergency_authorisation"')
    assert "50" not in html[start : html.index("</td>", start)]  # 2 of 4: not exact
    assert 'href="/analyses/kengetallen/streefwaarden/"' not in html  # analysts keep none
    dashboard = client.get("/analyses/").content.decode()
    assert 'data-testid="kpi-catalogue-link"' in dashboard
    assert 'href="/analyses/kengetallen/"' in dashboard  # the report tabs
    assert client.get("/analyses/kengetallen/?periode=bestaat-niet").status_code == 400
    for role in ("provider_a", "referrer"):
        assert _client(cast.all_users()[role]).get("/analyses/kengetallen/").status_code == 404


def test_the_page_without_reports_still_lists_the_definitions(cast: Cast) -> None:
    html = _client(cast.coordinator).get("/analyses/kengetallen/").content.decode()
    assert 'data-testid="kpi-empty"' in html
    assert html.count("rop-kpi-details") == len(catalogue.CATALOGUE)


@pytest.mark.usefixtures("history")
def test_the_csv_carries_the_catalogue_and_the_target(cast: Cast) -> None:
    KpiTarget.objects.create(
        region=cast.region, code="emergency_authorisation", year=2025, target=25
    )
    response = _client(cast.coordinator).get("/analyses/export/kpis.csv?periode=2025-05")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[2][:4] == ["Kengetal", "Waarde", "Definitie", "Formule"]
    assert "Streefwaarde" in rows[2] and "Gehaald" in rows[2]
    by_name = {row[0]: row for row in rows[3:]}
    assert len(by_name) == len(catalogue.CATALOGUE)
    emergency = by_name[str(catalogue.BY_CODE["emergency_authorisation"].name)]
    assert emergency[1] == "20,0"
    assert emergency[rows[2].index("Streefwaarde")] in ("25,0", "25")
    assert emergency[rows[2].index("Gehaald")] == "ja"


# --- the API ---------------------------------------------------------------------------


@pytest.mark.usefixtures("history")
def test_the_kpis_answer_gains_the_catalogue_and_the_target(cast: Cast) -> None:
    KpiTarget.objects.create(region=None, code="outflow_lighter", year=2026, target=50)
    body = _api(cast.analyst).get("/api/v1/reports/kpis/").json()
    assert {"built_at", "filters", "kpis", "occupancy"} <= set(body)
    for kpi in body["kpis"]:
        assert {
            "code",
            "label",
            "value",
            "description",
            "definition",
            "formula",
            "source",
            "unit",
            "target",
            "target_met",
        } <= set(kpi)
    outflow = next(k for k in body["kpis"] if k["code"] == "outflow_lighter")
    assert outflow["target"] == 50
    catalogue_body = _api(cast.analyst).get("/api/v1/reports/kpi-catalogue/").json()
    assert [k["code"] for k in catalogue_body["kpis"]] == list(catalogue.CODES)
    assert catalogue_body["kpis"][0]["formula"]
    assert _api(cast.provider_a).get("/api/v1/reports/kpi-catalogue/").status_code in (403, 404)


def test_the_schema_documents_the_new_endpoints(cast: Cast) -> None:
    schema = _api(cast.admin).get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/reports/kpi-catalogue/",
        "/api/v1/reports/kpi-targets/",
        "/api/v1/reports/kpi-targets/{id}/",
    ):
        assert path in schema["paths"], path
    kpi = schema["components"]["schemas"]["KpiFigureOut"]["properties"]
    assert {"definition", "formula", "source", "unit", "target"} <= set(kpi)


def test_the_administrator_keeps_targets_on_the_page_for_every_region(cast: Cast) -> None:
    client = _client(cast.admin)
    page = client.get("/analyses/kengetallen/streefwaarden/").content.decode()
    assert 'href="/analyses/kengetallen/streefwaarden/"' in page  # in the menu
    response = client.post(
        "/analyses/kengetallen/streefwaarden/",
        {"region": "", "code": "stagnation_days", "year": "2026", "target": "30"},
    )
    assert response.status_code == 302
    target = KpiTarget.objects.get()
    assert (target.region, target.code, target.target) == (None, "stagnation_days", 30.0)
    # The coordinator's form offers its own region only, not every region.
    form = _client(cast.coordinator).get("/analyses/kengetallen/streefwaarden/").content.decode()
    assert "Alle regio&#x27;s" not in form and "Flevoland" not in form and "Eemland" in form


def test_the_target_list_keeps_its_query_count(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = _client(cast.admin)
    for year in (2025, 2026):
        KpiTarget.objects.create(region=cast.region, code="crisis_share", year=year, target=5)
    with django_assert_max_num_queries(12):
        client.get("/analyses/kengetallen/streefwaarden/")
    for year in range(2000, 2030):
        for code in ("complete_va", "outflow_lighter"):
            KpiTarget.objects.create(
                region=cast.region, code=code, year=year, target=50, updated_by=cast.admin
            )
    with django_assert_max_num_queries(12):
        response = client.get("/analyses/kengetallen/streefwaarden/?page=2")
    assert response.status_code == 200
