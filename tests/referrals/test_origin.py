"""Where the youth comes from, coded (issue 21, point 6): previous situation, kind of request,
and the responsible municipality (woonplaatsbeginsel) separate from the address."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Municipality, User
from referrals import services
from referrals.models import Referral
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def test_origin_is_stored_and_shown(cast: Cast, api_client_for: ApiClient) -> None:
    body = complete_payload(
        previous_situation="foster_care",
        request_kind="readmission",
        responsible_municipality="gm0995",
    )
    client = api_client_for(cast.referrer)
    created = client.post("/api/v1/referrals/", body, format="json")
    assert created.status_code == 201, created.json()
    detail = client.get(f"/api/v1/referrals/{created.json()['id']}/").json()
    assert detail["previous_situation"] == "foster_care"
    assert detail["request_kind"] == "readmission"
    assert detail["responsible_municipality"] == "GM0995"
    assert detail["youth"]["municipality"] == "GM0307"  # the address stays separate
    # The old free text stays, as the explanation.
    assert detail["current_situation"] == body["current_situation"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"previous_situation": "tent"}, "previous_situation"),
        ({"request_kind": "again"}, "request_kind"),
        ({"request_kind": ""}, "request_kind"),
        ({"responsible_municipality": "GM9999"}, "responsible_municipality"),
        ({"responsible_municipality": "GM03070"}, "responsible_municipality"),
    ],
)
def test_bad_origin_is_400_naming_the_field(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, body: dict[str, Any], field: str
) -> None:
    response = api_client_for(cast.referrer).post(
        "/api/v1/referrals/", complete_payload(**body), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Referral.objects.exists()
    referral = make_referral(previous_situation="home")
    before = Referral.objects.values().get(pk=referral.pk)
    patched = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {**body, "care_question": "X"}, format="json"
    )
    assert patched.status_code == 400
    assert field in patched.json()["errors"]
    assert Referral.objects.values().get(pk=referral.pk) == before


@pytest.mark.parametrize("who", ["coordinator", "provider_a", "analyst", "referrer2"])
def test_only_the_referrer_changes_the_origin(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, who: str
) -> None:
    referral = make_referral()
    response = api_client_for(getattr(cast, who)).patch(
        f"/api/v1/referrals/{referral.pk}/", {"previous_situation": "secured"}, format="json"
    )
    assert response.status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.previous_situation == ""


def test_responsible_municipality_defaults_to_the_address(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    referral.refresh_from_db()
    assert referral.responsible_municipality == cast.municipality
    lelystad = Municipality.objects.get(code="GM0995")
    other = make_referral(
        submit=True,
        responsible_municipality="GM0995",
        youth={**complete_payload()["youth"], "bsn": "123456782"},
    )
    other.refresh_from_db()
    assert other.responsible_municipality == lelystad
    assert other.region == cast.region  # the scope still follows the address


def test_a_replacement_is_a_transfer(cast: Cast, make_referral: Any) -> None:
    previous = make_referral(submit=True, responsible_municipality="GM0995")
    replacement = services.referral_create_replacement(previous=previous, by=cast.coordinator)
    assert replacement.request_kind == "transfer"
    assert replacement.previous_situation == "residential"
    assert replacement.responsible_municipality_id == Municipality.objects.get(code="GM0995").pk


def test_migration_codes_the_old_free_text(cast: Cast, make_referral: Any) -> None:
    migration = importlib.import_module("referrals.migrations.0006_urgency_crisis_origin")
    texts = {
        "Woont thuis bij moeder; escalaties nemen toe.": "home",
        "Verblijft in een pleeggezin.": "foster_care",
        "Nu op een behandelgroep.": "residential",
        "Verblijft in een gesloten instelling (JeugdzorgPlus).": "secured",
        "Slaapt bij vrienden.": "other",
        "": "",
    }
    made = {}
    for index, text in enumerate(texts):
        youth = {**complete_payload()["youth"], "bsn": ""}
        made[text] = make_referral(current_situation=text, youth=youth, care_question=str(index))
    Referral.objects.update(previous_situation="")
    migration.code_previous_situation(apps, None)
    for text, code in texts.items():
        made[text].refresh_from_db()
        assert made[text].previous_situation == code, text
        assert made[text].current_situation == text  # nothing lost


def test_origin_in_the_browser_form(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    client = Client()
    client.force_login(cast.referrer)
    url = reverse("referrals:edit", args=[referral.pk, "situation"])
    form = {
        "urgency": "urgent",
        "request_kind": "transfer",
        "previous_situation": "residential",
        "responsible_municipality": "GM0995",
        "legal_status": "voluntary",
        "current_situation": "Nu op een leefgroep.",
        "previous_placements": "1",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.urgency == "urgent"
    assert referral.request_kind == "transfer"
    assert referral.previous_situation == "residential"
    assert referral.responsible_municipality is not None
    assert referral.responsible_municipality.code == "GM0995"
    bad = client.post(url, {**form, "previous_situation": "tent"})
    assert bad.status_code == 400
    referral.refresh_from_db()
    assert referral.previous_situation == "residential"
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-testid="responsible-municipality"' in page
    assert "Lelystad" in page


def test_codes_are_in_the_schema(cast: Cast, api_client_for: ApiClient) -> None:
    schema = api_client_for(cast.coordinator).get("/api/v1/schema/", {"format": "json"}).json()
    enums = schema["components"]["schemas"]
    assert enums["UrgencyEnum"]["enum"] == ["planned", "urgent", "crisis"]
    assert set(enums["PreviousSituationEnum"]["enum"]) >= {"home", "other"}
    assert enums["RequestKindEnum"]["enum"] == ["new", "transfer", "readmission"]
