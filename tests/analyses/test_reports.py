"""Every figure against a small hand-built data set; rebuilds are repeatable and atomic."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from analyses import builders
from analyses.models import (
    REPORT_MODELS,
    KpiRow,
    NeedMatrixRow,
    ProviderResponseRow,
    RefusalRow,
    ReportRun,
    UnmetNeedRow,
)
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral, ReferralEvent
from tests.conftest import Cast, local_midday_days_ago


@pytest.fixture
def data(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location, location_b: Location
) -> dict[str, Referral]:
    """R1 placed in its first choice after one refusal; R2 placed in another care form;
    R3 waiting for 70 days."""
    now = timezone.now()
    r1 = make_referral(status=Referral.Status.PLACED)
    Offer.objects.create(
        referral=r1,
        location=location_b,
        provider=cast.provider_b_org,
        sent_by=cast.coordinator,
        deadline=now,
        status="refused",
        refusal_reason="no_capacity",
        answered_at=now + timedelta(hours=2),
    )
    o1 = Offer.objects.create(
        referral=r1,
        location=location_a,
        provider=cast.provider_a_org,
        sent_by=cast.coordinator,
        deadline=now,
        status="accepted",
        answered_at=now + timedelta(hours=4),
    )
    Placement.objects.create(
        referral=r1,
        offer=o1,
        location=location_a,
        provider=cast.provider_a_org,
        start_date=timezone.localdate(),
        created_by=cast.coordinator,
        status="active",
    )
    r2 = make_referral(status=Referral.Status.PLACED)
    o2 = Offer.objects.create(
        referral=r2,
        location=location_b,
        provider=cast.provider_b_org,
        sent_by=cast.coordinator,
        deadline=now,
        status="accepted",
        answered_at=now + timedelta(hours=10),
    )
    Placement.objects.create(
        referral=r2,
        offer=o2,
        location=location_b,
        provider=cast.provider_b_org,
        start_date=timezone.localdate(),
        created_by=cast.coordinator,
        status="active",
    )
    r3 = make_referral(status=Referral.Status.WAITING)
    ReferralEvent.objects.create(
        referral=r3, at=local_midday_days_ago(70), from_status="draft", to_status="submitted"
    )
    ReferralEvent.objects.create(referral=r3, at=now, from_status="matching", to_status="waiting")
    return {"r1": r1, "r2": r2, "r3": r3}


def test_unmet_need_by_hand(data: dict[str, Referral], cast: Cast) -> None:
    reports_rebuild()
    row = UnmetNeedRow.objects.get(period="all", region=cast.region.code)
    assert (row.care_form, row.expertise, row.age_band, row.secured) == (
        "treatment_group",
        "youth_parenting",
        "12-15",
        False,
    )
    assert row.referrals == 3
    assert row.placed_first_choice == 1
    assert row.placed_other == 1
    assert row.waiting_now == 1
    assert row.median_days_waiting == 70
    assert row.refusals == 1
    assert row.hard_to_place == 1  # R3: 70 days ≥ 60
    assert row.top_refusal_reasons == "no_capacity"
    # The same row for "every region", and none for the other region.
    assert UnmetNeedRow.objects.filter(period="all", region="", referrals=3).exists()
    assert not UnmetNeedRow.objects.filter(region=cast.other_region.code).exists()


def test_matrix_refusals_and_responses_by_hand(data: dict[str, Referral], cast: Cast) -> None:
    reports_rebuild()
    matrix = {
        (r.needed, r.delivered): r.placements
        for r in NeedMatrixRow.objects.filter(period="all", region="")
    }
    assert matrix == {
        ("treatment_group", "treatment_group"): 1,
        ("treatment_group", "small_scale_home"): 1,
    }
    refusal = RefusalRow.objects.get(period="all", region="")
    assert (refusal.provider, refusal.care_form, refusal.reason, refusal.refusals) == (
        "Aanbieder B",
        "small_scale_home",
        "no_capacity",
        1,
    )
    b = ProviderResponseRow.objects.get(
        period="all", region="", provider="Aanbieder B", care_form=""
    )
    assert (b.offers, b.accepted, b.refused, b.no_response) == (2, 1, 1, 0)
    assert b.median_response_hours == pytest.approx(6.0)  # median of 2 h and 10 h


def test_kpis_by_hand(data: dict[str, Referral]) -> None:
    reports_rebuild()
    kpi = {r.code: r for r in KpiRow.objects.filter(period="all", region="")}
    assert kpi["offers_per_placement"].value == pytest.approx(1.5)  # 3 offers / 2 placements
    assert kpi["days_to_placement"].numerator == 2


def test_two_rebuilds_give_identical_rows(data: dict[str, Referral]) -> None:
    def snapshot() -> dict[str, list[str]]:
        return {
            name: sorted(
                (
                    str(sorted(model_to_dict(row, exclude=["id", "built_at"]).items()))
                    for row in model._default_manager.all()
                ),
            )
            for name, model in REPORT_MODELS.items()
        }

    reports_rebuild()
    first = snapshot()
    reports_rebuild()
    assert snapshot() == first
    assert ReportRun.objects.filter(state="ok").count() == 2


def test_a_failed_rebuild_leaves_the_previous_rows(
    data: dict[str, Referral], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports_rebuild()
    before = UnmetNeedRow.objects.count()
    built = UnmetNeedRow.objects.first().built_at  # type: ignore[union-attr]

    def broken(ctx: builders.Context) -> list[object]:
        raise RuntimeError("half-way")

    # Fails after unmet need and the matrix have been replaced inside the transaction.
    monkeypatch.setitem(builders.BUILDERS, "refusals", broken)
    with pytest.raises(RuntimeError):
        reports_rebuild()
    assert UnmetNeedRow.objects.count() == before
    assert UnmetNeedRow.objects.first().built_at == built  # type: ignore[union-attr]
    assert ReportRun.objects.order_by("-id").first().state == "failed"  # type: ignore[union-attr]


def test_command_prints_what_it_rebuilt(
    data: dict[str, Referral], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("rebuild_reports")
    out = capsys.readouterr().out
    assert "unmet_need:" in out and "ms" in out


@pytest.mark.django_db
def test_a_rebuild_without_any_data_is_still_dated() -> None:
    """No location, no referral: one KPI row all the same, so the page says when it was built
    (the stale-capacity figure per region and care form has no rows of its own then)."""
    reports_rebuild()
    assert KpiRow.objects.filter(code="stale_capacity", region="", care_form="").count() == 1
