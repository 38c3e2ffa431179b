"""Issue 21.6 in the reports: a referral counts in the region of the municipality responsible
for the care (woonplaatsbeginsel, `Referral.responsible_municipality`), not in the region of
the youth's address; without a responsible municipality the address decides."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model, Sum
from django.utils import timezone

from accounts.models import Municipality
from analyses.models import (
    ChainRow,
    OriginRow,
    ProviderResponseRow,
    RefusalRow,
    ReplacementRow,
    UnmetNeedRow,
)
from analyses.services import reports_rebuild
from capacity.contract_selectors import cost_report
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(cast: Cast) -> Municipality:
    """A municipality in the other region: the youth's address."""
    return MunicipalityFactory(region=cast.other_region, latitude=52.5, longitude=5.5)  # type: ignore[return-value]


def _placed(
    cast: Cast, make_referral: Callable[..., Referral], location: Location, **fields: Any
) -> Referral:
    """A referral of a youth living in `elsewhere`'s region with one refused offer and an
    ended placement (outflow to foster care) at `location`."""
    referral = make_referral(status=Referral.Status.PLACED, **fields)
    now = timezone.now()
    common = {
        "referral": referral,
        "location": location,
        "provider": location.provider,
        "sent_by": cast.coordinator,
        "deadline": now,
        "answered_at": now,
    }
    Offer.objects.create(**common, status="refused", refusal_reason="no_capacity")
    offer = Offer.objects.create(**common, status="accepted")
    today = timezone.localdate()
    Placement.objects.create(
        referral=referral,
        offer=offer,
        location=location,
        provider=location.provider,
        created_by=cast.coordinator,
        start_date=today - timedelta(days=40),
        end_date=today - timedelta(days=2),
        end_reason="planned_outflow",
        outflow="foster_care",
        status="ended",
    )
    return referral


def _counts(region: str) -> dict[str, int]:
    """Per report, what it counts in `region`, summed over its periods and breakdowns (only
    zero or not matters here)."""

    def total(model: type[Model], field: str, **extra: Any) -> int:
        rows = model.objects.filter(region=region, **extra)  # type: ignore[attr-defined]
        return int(rows.aggregate(n=Sum(field))["n"] or 0)

    return {
        "unmet_need": total(UnmetNeedRow, "referrals"),
        "origin": total(OriginRow, "referrals", care_form="", dimension="urgency"),
        "refusals": total(RefusalRow, "refusals"),
        "provider_responses": total(ProviderResponseRow, "offers"),
        "replacements": total(ReplacementRow, "started"),
        "chains": total(ChainRow, "youths", care_form=""),
    }


def test_a_referral_counts_in_the_region_of_the_responsible_municipality(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    elsewhere: Municipality,
) -> None:
    referral = _placed(cast, make_referral, location_a, municipality=elsewhere)
    # The youth lives in the other region; Eemland's municipality pays for the care.
    Referral.objects.filter(pk=referral.pk).update(responsible_municipality=cast.municipality)
    reports_rebuild()
    responsible, address = _counts(cast.region.code), _counts(cast.other_region.code)
    assert all(responsible.values()), responsible
    assert not any(address.values()), address


def test_without_a_responsible_municipality_the_address_decides(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    elsewhere: Municipality,
) -> None:
    _placed(cast, make_referral, location_a, municipality=elsewhere)
    reports_rebuild()
    responsible, address = _counts(cast.region.code), _counts(cast.other_region.code)
    assert all(address.values()), address
    assert not any(responsible.values()), responsible


def test_bed_days_go_to_the_responsible_municipality(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    elsewhere: Municipality,
) -> None:
    referral = _placed(cast, make_referral, location_a, municipality=elsewhere)
    Referral.objects.filter(pk=referral.pk).update(responsible_municipality=cast.municipality)
    report = cost_report(regions=[cast.region, cast.other_region], year=timezone.localdate().year)
    labels = {row.label for row in report.by_municipality if row.bed_days}
    assert cast.municipality.name in labels
    assert elsewhere.name not in labels
