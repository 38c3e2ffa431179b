"""Referral fixtures: a complete request body, and referrals made through the services."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from referrals.models import Referral
from referrals.services import referral_create, referral_submit
from tests.conftest import Cast

VALID_BSN = "111222333"
OTHER_BSN = "123456782"


def complete_payload(**overrides: Any) -> dict[str, Any]:
    """A referral body that can be submitted as it is (CONTRACT.md shape)."""
    today = timezone.localdate()
    body: dict[str, Any] = {
        "youth": {
            "given_name": "Zoë",
            "family_name": "van den Berg",
            "bsn": VALID_BSN,
            "birth_date": "2011-05-03",
            "gender": "f",
            "postcode": "3811 AB",
            "municipality": "GM0307",
            "guardians": [{"name": "Karin Smit", "relation": "moeder"}],
        },
        "legal_status": "supervision_with_authorisation",
        "current_situation": "Verblijft tijdelijk bij een tante; thuis is het onveilig.",
        "previous_placements": 1,
        "school": {"name": "Het Eemland College", "level": "vmbo-b", "attending": True},
        "requested_start": (today + timedelta(days=14)).isoformat(),
        "explanatory_analysis": {
            "problems": "Ernstige gedragsproblemen en schoolverzuim.",
            "explaining_factors": "Hechtingsproblematiek na vroege scheiding.",
            "protective_factors": "Goede band met grootmoeder, sportief.",
            "needs": "Een voorspelbare woonomgeving met behandeling.",
            "needed_care_forms": ["treatment_group", "family_home"],
            "needed_expertise": ["youth_parenting", "mental_health"],
            "risk_flags": ["absconding"],
            "intensity": "M",
            "secured_required": False,
            "author_name": "Petra Jansen",
            "author_role": "gedragswetenschapper",
            "completed_on": (today - timedelta(days=10)).isoformat(),
            "shared_with_family": True,
        },
        "perspective_plan": "Binnen een jaar terug naar huis met ambulante hulp.",
        "safety_plan": "Afspraken over weglopen en contact met de wijkagent.",
        "care_question": "Een behandelgroep in de regio, dicht bij school.",
        "youth_perspective": "Wil graag op dezelfde school blijven.",
        "parents_perspective": "Moeder steunt de plaatsing.",
    }
    body.update(overrides)
    return body


def to_service_data(body: dict[str, Any]) -> dict[str, Any]:
    """The API body with dates parsed, as a serializer would hand it to the service."""
    data = {**body}
    youth = {**data["youth"]}
    youth["birth_date"] = date.fromisoformat(youth["birth_date"]) if youth["birth_date"] else None
    data["youth"] = youth
    if data.get("requested_start"):
        data["requested_start"] = date.fromisoformat(data["requested_start"])
    analysis = {**data["explanatory_analysis"]}
    if analysis.get("completed_on"):
        analysis["completed_on"] = date.fromisoformat(analysis["completed_on"])
    data["explanatory_analysis"] = analysis
    return data


@pytest.fixture
def make_referral(cast: Cast) -> Callable[..., Referral]:
    """A referral through the services: draft, or submitted (`submit=True`)."""

    def make(by: User | None = None, submit: bool = False, **overrides: Any) -> Referral:
        user = by or cast.referrer
        referral = referral_create(by=user, data=to_service_data(complete_payload(**overrides)))
        if submit:
            referral = referral_submit(referral=referral, by=user)
        return referral

    return make
