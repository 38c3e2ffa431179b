"""Waiting times by step and the waiting on a reference date (issue 23.5): exact medians on a
constructed history, the reference date read from the event history, bad input, roles,
suppression for the analyst and constant query counts."""

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analyses import waiting
from analyses.disclosure import HIDDEN, SMALL, Disclosure
from analyses.models import WaitingTimeRow
from analyses.selectors import Filters
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral, ReferralEvent
from tests.conftest import Cast

EXACT, SUPPRESSED = Disclosure(exact=True), Disclosure(exact=False)
T0 = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=40), time(9)))


def _at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def _events(referral: Referral, *steps: tuple[str, datetime]) -> None:
    previous = "draft"
    for status, at in steps:
        ReferralEvent.objects.create(
            referral=referral, from_status=previous, to_status=status, at=at
        )
        previous = status
    last_status, last_at = steps[-1]
    Referral.objects.filter(pk=referral.pk).update(
        status=last_status,
        status_changed_at=last_at,
        submitted_at=steps[0][1],
        created_at=steps[0][1] - timedelta(hours=1),
    )


def _offer(
    cast: Cast, referral: Referral, location: Location, sent: datetime, **fields: Any
) -> Offer:
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        sent_at=sent,
        deadline=sent + timedelta(days=5),
        **fields,
    )


@pytest.fixture
def history(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> list[Referral]:
    """Three planned treatment-group referrals and one crisis placed at once:
    R1: matching +1, offer +3, accepted +4, placed +6;
    R2: matching +2, offer +4 refused, offer +5 accepted +7, placed +10;
    R3: matching +3, offer +9 still open;
    R4 (crisis): placed +1 without matching or offer."""
    made = [make_referral(care_forms=["treatment_group"]) for _ in range(4)]
    r1, r2, r3, r4 = made
    _events(
        r1,
        ("submitted", _at(0)),
        ("matching", _at(1)),
        ("offered", _at(3)),
        ("accepted", _at(4)),
        ("placed", _at(6)),
    )
    _offer(cast, r1, location_a, _at(3), status="accepted", answered_at=_at(4))
    _events(
        r2,
        ("submitted", _at(0)),
        ("matching", _at(2)),
        ("offered", _at(4)),
        ("matching", _at(4.5)),
        ("offered", _at(5)),
        ("accepted", _at(7)),
        ("placed", _at(10)),
    )
    _offer(
        cast,
        r2,
        location_a,
        _at(4),
        status="refused",
        refusal_reason="no_place",
        answered_at=_at(4.5),
    )
    _offer(cast, r2, location_a, _at(5), status="accepted", answered_at=_at(7))
    _events(r3, ("submitted", _at(0)), ("matching", _at(3)), ("offered", _at(9)))
    _offer(cast, r3, location_a, _at(9), status="open")
    Referral.objects.filter(pk=r4.pk).update(urgency="crisis")
    _events(r4, ("submitted", _at(0)), ("placed", _at(1)))
    reports_rebuild()
    return made


def _steps(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["step_code"]: row for row in rows}


def test_medians_and_p90_of_each_step_are_exact(history: list[Referral]) -> None:
    steps = _steps(waiting.waiting_times(filters=Filters(), urgency="", disclosure=EXACT).rows)
    assert {k: v["referrals"] for k, v in steps.items()} == {
        "submitted_matching": 3,
        "matching_offer": 3,
        "offer_acceptance": 2,
        "acceptance_placement": 2,
        "submitted_placement": 3,
    }
    assert steps["submitted_matching"]["median_days"] == 2.0
    assert steps["submitted_matching"]["p90_days"] == 2.8  # 2 + 0.8 × (3 − 2)
    assert steps["matching_offer"]["median_days"] == 2.0  # 2, 2, 6
    assert steps["matching_offer"]["p90_days"] == 5.2
    assert steps["offer_acceptance"]["median_days"] == 2.0  # first offer → first accept: 1, 3
    assert steps["acceptance_placement"]["median_days"] == 2.5  # 2, 3
    assert steps["submitted_placement"]["median_days"] == 6.0  # 1 (crisis), 6, 10


def test_urgency_and_care_form_filters_select_their_rows(history: list[Referral]) -> None:
    crisis = _steps(
        waiting.waiting_times(filters=Filters(), urgency="crisis", disclosure=EXACT).rows
    )
    assert crisis["submitted_placement"]["referrals"] == 1
    assert crisis["submitted_placement"]["median_days"] == 1.0
    assert crisis["submitted_matching"]["referrals"] == 0
    planned = _steps(
        waiting.waiting_times(
            filters=Filters(region="JR-EEM", care_form="treatment_group"),
            urgency="planned",
            disclosure=EXACT,
        ).rows
    )
    assert planned["submitted_placement"]["median_days"] == 8.0  # 6, 10
    other = _steps(
        waiting.waiting_times(
            filters=Filters(care_form="family_home"), urgency="", disclosure=EXACT
        ).rows
    )
    assert all(row["referrals"] == 0 for row in other.values())


def test_analyst_sees_small_counts_suppressed_and_no_median_of_them(
    history: list[Referral],
) -> None:
    steps = _steps(waiting.waiting_times(filters=Filters(), urgency="", disclosure=SUPPRESSED).rows)
    # Three referrals pass the first step: "<5" for the whole region too, because the
    # planned cell is small (the crisis cell is 0).
    assert steps["submitted_matching"]["referrals"] in (SMALL, HIDDEN)
    assert steps["submitted_matching"]["median_days"] == HIDDEN
    assert steps["submitted_matching"]["p90_days"] == HIDDEN


def test_a_margin_never_gives_back_a_suppressed_cell(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    """Six planned and two crisis referrals pass triage: the crisis cell is "<5", and the
    total and the planned figure are never both exact (8 − 6 would give back the 2)."""
    for i in range(8):
        referral = make_referral(care_forms=["treatment_group"])
        if i < 2:
            Referral.objects.filter(pk=referral.pk).update(urgency="crisis")
        _events(referral, ("submitted", _at(0)), ("matching", _at(1 + i)))
    reports_rebuild()

    def count(urgency: str) -> Any:
        rows = waiting.waiting_times(filters=Filters(), urgency=urgency, disclosure=SUPPRESSED)
        return _steps(rows.rows)["submitted_matching"]["referrals"]

    planned, crisis, total = count("planned"), count("crisis"), count("")
    assert crisis == SMALL
    assert (planned, total) != (6, 8)
    # Each figure is the one Disclosure gives for it (the method is disclosure.py's).
    assert planned == SUPPRESSED.count(6)
    # The median over 8 is no one's own figure: shown.
    rows = waiting.waiting_times(filters=Filters(), urgency="", disclosure=SUPPRESSED).rows
    assert _steps(rows)["submitted_matching"]["median_days"] == 4.5


def test_rows_are_stored_per_step_care_form_and_urgency(history: list[Referral]) -> None:
    keys = set(
        WaitingTimeRow.objects.filter(period="all", region="").values_list(
            "care_form", "urgency", "step"
        )
    )
    assert ("", "", "submitted_placement") in keys
    assert ("treatment_group", "crisis", "submitted_placement") in keys
    assert ("treatment_group", "", "matching_offer") in keys
    assert ("", "planned", "offer_acceptance") in keys
    # Periodised by the moment the step ended.
    month = f"{_at(10):%Y-%m}"
    assert WaitingTimeRow.objects.filter(period=month, step="submitted_placement").exists()


# --- waiting on a reference date ---------------------------------------------------------

D = timezone.localdate() - timedelta(days=20)


def _noon(day: date, offset: int) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=offset), time(12)))


@pytest.fixture
def waiting_world(cast: Cast, make_referral: Callable[..., Referral]) -> dict[str, Referral]:
    """A: submitted D−5, matching D−4, placed D+2 (waiting at D, not at D+3);
    B: submitted D−10, waiting since D−8 (urgent); C: submitted D−6, closed D−1;
    E: submitted D+1; F: family home, submitted on D itself (0 days)."""
    world = {name: make_referral(care_forms=["treatment_group"]) for name in "ABCE"}
    world["F"] = make_referral(care_forms=["family_home"])
    _events(
        world["A"],
        ("submitted", _noon(D, -5)),
        ("matching", _noon(D, -4)),
        ("offered", _noon(D, 1)),
        ("accepted", _noon(D, 1)),
        ("placed", _noon(D, 2)),
    )
    Referral.objects.filter(pk=world["B"].pk).update(urgency="urgent")
    _events(
        world["B"],
        ("submitted", _noon(D, -10)),
        ("matching", _noon(D, -9)),
        ("waiting", _noon(D, -8)),
    )
    _events(world["C"], ("submitted", _noon(D, -6)), ("closed", _noon(D, -1)))
    _events(world["E"], ("submitted", _noon(D, 1)))
    _events(world["F"], ("submitted", _noon(D, 0)))
    return world


def test_waiting_on_counts_who_waited_at_the_end_of_the_day(
    waiting_world: dict[str, Referral],
) -> None:
    result = waiting.waiting_on(day=D, region="", disclosure=EXACT)
    pivot = result.pivot
    assert pivot.cells[("treatment_group", "planned")] == 1  # A (placed after D), not C, E
    assert pivot.cells[("treatment_group", "urgent")] == 1  # B
    assert pivot.cells[("family_home", "planned")] == 1  # F, submitted on D
    assert pivot.grand_total == 3
    assert result.row_medians["treatment_group"] == 7.5  # 5 and 10 days
    assert result.col_medians["planned"] == 2.5  # 5 and 0 days
    assert result.median == 5.0
    later = waiting.waiting_on(day=D + timedelta(days=3), region="", disclosure=EXACT)
    assert later.pivot.cells.get(("treatment_group", "planned")) == 1  # E now, not A
    assert later.pivot.grand_total == 3  # B, E, F
    assert waiting.waiting_on(day=D, region="JR-FLE", disclosure=EXACT).pivot.grand_total == 0


def test_waiting_on_is_suppressed_for_the_analyst(waiting_world: dict[str, Referral]) -> None:
    result = waiting.waiting_on(day=D, region="", disclosure=SUPPRESSED)
    assert result.pivot.cells[("treatment_group", "planned")] == SMALL
    assert result.pivot.grand_total in (SMALL, HIDDEN)
    assert result.row_medians["treatment_group"] == HIDDEN
    assert result.median == HIDDEN


def test_the_waiting_on_query_uses_the_timeline_index(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    _events(referral, ("submitted", _noon(D, -3)), ("matching", _noon(D, -2)))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + waiting.WAITING_ON_SQL,
            {
                "day": D,
                "tz": "Europe/Amsterdam",
                "cutoff": _noon(D, 1),
                "region": "",
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each referral's events are read through an index on the referral (the timeline index or
    # the foreign key's: on a few rows the planner rates them the same), never by a scan of
    # every event.
    assert "Seq Scan on referrals_referralevent" not in plan
    assert re.search(
        r"(Index (Only )?Scan (Backward )?using \S+|Bitmap Heap Scan) on referrals_referralevent",
        plan,
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("peildatum=2026-13-01", "reference_date"),
        ("peildatum=31-03-2026", "reference_date"),
        ("peildatum=morgen", "reference_date"),
        ("reference_date=2999-01-01", "reference_date"),
        ("peildatum=2001-01-01", "reference_date"),  # before the first referral
        ("urgentie=spoed", "urgency"),
        ("periode=2026-13", "period"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    cast: Cast, waiting_world: dict[str, Referral], api_client_for: Any, query: str, field: str
) -> None:
    response = api_client_for(cast.coordinator).get(f"/api/v1/reports/waiting-times/?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    client = Client()
    client.force_login(cast.analyst)
    page = client.get(f"/analyses/wachttijden/?{query}")
    assert page.status_code == 400
    assert f'utrecht-form-field--invalid" data-field="{field}"' in page.content.decode()
    assert client.get(f"/analyses/wachttijden/export/steps.csv?{query}").status_code == 400


def test_api_and_page_show_the_figures(
    cast: Cast, history: list[Referral], api_client_for: Any
) -> None:
    body = api_client_for(cast.coordinator).get("/api/v1/reports/waiting-times/").json()
    assert body["filters"]["urgency"] == ""
    steps = {row["step_code"]: row for row in body["steps"]}
    assert steps["acceptance_placement"]["median_days"] == 2.5
    assert body["waiting_on"]["reference_date"] == timezone.localdate().isoformat()
    assert body["waiting_on"]["total"] == 1  # R3 still offered
    analyst = api_client_for(cast.analyst).get("/api/v1/reports/waiting-times/").json()
    assert analyst["waiting_on"]["total"] == SMALL or analyst["waiting_on"]["total"] == HIDDEN
    client = Client()
    client.force_login(cast.coordinator)
    page = client.get("/analyses/wachttijden/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="step-acceptance_placement-median">2,5<' in text
    exported = client.get(f"/analyses/wachttijden/export/steps.csv?peildatum={D.isoformat()}")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert any(row and row[0].startswith("Acceptatie") and row[2] in ("2.5", "2,5") for row in rows)
    assert client.get("/analyses/wachttijden/export/waiting-on.csv").status_code == 200
    assert client.get("/analyses/wachttijden/export/nope.csv").status_code == 404


def test_empty_state_without_any_referral(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.analyst)
    page = client.get("/analyses/wachttijden/")
    assert page.status_code == 200
    assert 'data-testid="waiting-on-empty"' in page.content.decode()


@pytest.mark.parametrize("role", ["referrer", "referrer2", "provider_a", "admin"])
def test_other_roles_get_404(cast: Cast, role: str, api_client_for: Any) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    for url in ("/analyses/wachttijden/", "/analyses/wachttijden/export/steps.csv"):
        assert client.get(url).status_code == 404, url
    assert (
        api_client_for(getattr(cast, role)).get("/api/v1/reports/waiting-times/").status_code == 404
    )
    assert api_client_for(None).get("/api/v1/reports/waiting-times/").status_code == 401


def test_coordinator_of_another_region_gets_404(cast: Cast, api_client_for: Any) -> None:
    response = api_client_for(cast.coordinator).get("/api/v1/reports/waiting-times/?region=JR-FLE")
    assert response.status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_referrals(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    client = Client()
    client.force_login(cast.analyst)
    url = f"/analyses/wachttijden/?peildatum={D.isoformat()}"
    referral = make_referral()
    _events(referral, ("submitted", _noon(D, -3)), ("matching", _noon(D, -2)))
    reports_rebuild()
    client.get(url)  # the session's first request reads more (login bookkeeping)
    few = _queries(client, url)
    for i in range(8):
        referral = make_referral(care_forms=["family_home" if i % 2 else "treatment_group"])
        _events(referral, ("submitted", _noon(D, -3 - i)), ("matching", _noon(D, -2)))
    reports_rebuild()
    assert _queries(client, url) == few


def test_both_endpoints_are_in_the_openapi_schema(cast: Cast) -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    waiting_get = paths["/api/v1/reports/waiting-times/"]["get"]
    names = {p["name"] for p in waiting_get["parameters"]}
    assert {"period", "region", "care_form", "urgency", "reference_date"} <= names
    assert "/api/v1/reports/data-quality/" in paths
