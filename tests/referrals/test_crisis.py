"""Crisis placements (issue 21, point 1; DESIGN.md rule 1): registered first, the VA and plans
follow within CRISIS_DOCUMENTS_WORKING_DAYS working days, chased by a daily reminder."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from placement.deadlines import add_working_days, documents_due_on
from referrals import services
from referrals.models import Referral, ReferralEvent
from referrals.tasks import send_crisis_document_reminders
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.referrals.conftest import complete_payload, to_service_data

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]

DOCUMENTS = {
    key: complete_payload()[key]
    for key in ("perspective_plan", "safety_plan", "care_question", "explanatory_analysis")
}
NO_DOCUMENTS: dict[str, Any] = {
    "perspective_plan": "",
    "safety_plan": "",
    "care_question": "",
    "explanatory_analysis": {},
}


def crisis(make_referral: Any, submit: bool = True, **overrides: Any) -> Referral:
    values = {
        "urgency": "crisis",
        "crisis_reason": "Acute onveiligheid thuis na een escalatie.",
        "crisis_placed_where": "Crisisopvang De Haven",
        **NO_DOCUMENTS,
        **overrides,
    }
    return make_referral(submit=submit, **values)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- submitting ------------------------------------------------------------------------------


def test_crisis_is_submitted_without_documents(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    referral.refresh_from_db()
    today = timezone.localdate()
    assert referral.status == "submitted"
    assert referral.documents_due_on == add_working_days(today, 10)
    assert referral.documents_completed_on is None
    assert referral.documents_outstanding


def test_planned_and_urgent_still_need_the_documents(cast: Cast, make_referral: Any) -> None:
    for urgency in ("planned", "urgent"):
        referral = crisis(make_referral, submit=False, urgency=urgency)
        with pytest.raises(services.ValidationFailed) as failure:
            services.referral_submit(referral=referral, by=cast.referrer)
        for path in ("perspective_plan", "safety_plan", "care_question"):
            assert path in failure.value.errors
        referral.refresh_from_db()
        assert referral.status == "draft"
        assert referral.documents_due_on is None
        services.referral_close(referral=referral, by=cast.referrer, outcome="withdrawn")


def test_crisis_needs_a_reason(cast: Cast, api_client_for: ApiClient, make_referral: Any) -> None:
    referral = crisis(make_referral, submit=False, crisis_reason="")
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    assert "crisis_reason" in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.status == "draft"
    assert referral.documents_due_on is None


def test_crisis_with_documents_is_complete_at_once(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral, **DOCUMENTS)
    referral.refresh_from_db()
    assert referral.documents_completed_on == timezone.localdate()
    assert not referral.documents_outstanding


def test_due_date_skips_weekends_and_dutch_holidays(cast: Cast, make_referral: Any) -> None:
    # Around Christmas and New Year: 25, 26 December and 1 January are no working days.
    assert documents_due_on(date(2026, 12, 21), 10) == date(2027, 1, 6)
    # Submitted on the Thursday before Easter 2026: Good Friday and Easter Monday are skipped.
    referral = crisis(make_referral, submit=False)
    at = timezone.make_aware(datetime.combine(date(2026, 4, 2), time(10)))
    services.referral_submit(referral=referral, by=cast.referrer, at=at)
    referral.refresh_from_db()
    assert referral.documents_due_on == date(2026, 4, 20)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("crisis_reason", "Zoë is van huis weggelopen."),
        ("crisis_placed_where", "Bij Karin Smit thuis"),
        ("crisis_reason", "BSN 111222333 bekend bij de politie."),
    ],
)
def test_crisis_text_passes_the_identifying_data_check(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, field: str, text: str
) -> None:
    referral = crisis(make_referral, submit=False, **{field: text})
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.status == "draft"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"crisis_location": 999999}, "crisis_location"),
        ({"crisis_location": "hier"}, "crisis_location"),
        ({"crisis_placed_where": "x" * 201}, "crisis_placed_where"),
        ({"crisis_reason": 12}, None),
    ],
)
def test_bad_crisis_input_is_400_naming_the_field(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, body: dict[str, Any], field: Any
) -> None:
    referral = crisis(make_referral, submit=False)
    before = Referral.objects.values().get(pk=referral.pk)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {**body, "care_question": "X"}, format="json"
    )
    if field is None:  # a number is taken as text by the serializer: fine, no 500
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Referral.objects.values().get(pk=referral.pk) == before


def test_crisis_location_from_the_register(
    cast: Cast, api_client_for: ApiClient, make_referral: Any
) -> None:
    location = LocationFactory(provider=cast.provider_a_org, municipality=cast.municipality)
    referral = crisis(make_referral, submit=False)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {"crisis_location": location.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = api_client_for(cast.referrer).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["crisis_location"] == location.pk
    assert body["crisis_placed_where"] == "Crisisopvang De Haven"


# --- the documents follow -------------------------------------------------------------------


def test_documents_follow_after_submission(
    cast: Cast, api_client_for: ApiClient, make_referral: Any
) -> None:
    referral = crisis(make_referral)
    services.referral_start_matching(referral=referral, by=cast.coordinator)
    client = api_client_for(cast.referrer)
    partial = client.patch(
        f"/api/v1/referrals/{referral.pk}/",
        {"perspective_plan": DOCUMENTS["perspective_plan"]},
        format="json",
    )
    assert partial.status_code == 200, partial.json()
    referral.refresh_from_db()
    assert referral.documents_outstanding  # still missing the rest
    response = client.patch(f"/api/v1/referrals/{referral.pk}/", DOCUMENTS, format="json")
    assert response.status_code == 200, response.json()
    referral.refresh_from_db()
    assert referral.status == "matching"
    assert referral.documents_completed_on == timezone.localdate()
    assert ReferralEvent.objects.filter(referral=referral, note="documenten compleet").exists()
    note = Notification.objects.get(kind="referral.documents_completed")
    assert note.recipient == cast.coordinator
    assert referral.code in note.message
    assert "Zoë" not in note.message
    # Complete: the submitted referral is closed for edits again.
    again = client.patch(
        f"/api/v1/referrals/{referral.pk}/", {"safety_plan": "Nieuw"}, format="json"
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body", [{"urgency": "planned"}, {"legal_status": "voluntary"}, {"youth": {"bsn": ""}}]
)
def test_after_submission_only_documents_may_change(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, body: dict[str, Any]
) -> None:
    referral = crisis(make_referral)
    before = Referral.objects.values().get(pk=referral.pk)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {**body, **DOCUMENTS}, format="json"
    )
    assert response.status_code == 400
    assert next(iter(body)) in response.json()["errors"]
    assert Referral.objects.values().get(pk=referral.pk) == before


def test_late_documents_pass_the_identifying_data_check(
    cast: Cast, api_client_for: ApiClient, make_referral: Any
) -> None:
    referral = crisis(make_referral)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/",
        {**DOCUMENTS, "safety_plan": "Zoë van den Berg mag niet alleen naar buiten."},
        format="json",
    )
    assert response.status_code == 400
    assert "safety_plan" in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.safety_plan == ""
    assert referral.documents_completed_on is None


@pytest.mark.parametrize("who", ["coordinator", "provider_a", "analyst", "referrer2", "admin"])
def test_only_the_referrer_completes_the_documents(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, who: str
) -> None:
    referral = crisis(make_referral)
    response = api_client_for(getattr(cast, who)).patch(
        f"/api/v1/referrals/{referral.pk}/", DOCUMENTS, format="json"
    )
    assert response.status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.documents_completed_on is None


def test_planned_submitted_referral_stays_closed_for_edits(
    cast: Cast, api_client_for: ApiClient, make_referral: Any
) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {"safety_plan": "Nieuw"}, format="json"
    )
    assert response.status_code == 409


def test_database_keeps_due_dates_for_crisis_only(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(urgency="planned")


# --- reminders ------------------------------------------------------------------------------


def test_reminders_due_soon_and_overdue_once_a_day(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    referral.refresh_from_db()
    due = referral.documents_due_on
    assert due is not None
    far = add_working_days(timezone.localdate(), 1)
    assert services.crisis_documents_remind(today=far) == 0  # 9 working days left: quiet
    soon = due - timedelta(days=1)
    assert services.crisis_documents_remind(today=soon) == 1
    assert services.crisis_documents_remind(today=soon) == 1  # idempotent: no second note
    notes = Notification.objects.filter(kind="referral.crisis_documents")
    assert {n.recipient for n in notes} == {cast.referrer, cast.coordinator}
    assert notes.count() == 2
    assert all(referral.code in n.message and "Zoë" not in n.message for n in notes)
    late = due + timedelta(days=1)
    services.crisis_documents_remind(today=late)
    overdue = Notification.objects.filter(
        kind="referral.crisis_documents", message__contains="te laat"
    )
    assert overdue.count() == 2


def test_no_reminder_once_complete_or_closed(cast: Cast, make_referral: Any) -> None:
    complete = crisis(make_referral, **DOCUMENTS)
    complete.refresh_from_db()
    assert complete.documents_due_on is not None
    assert services.crisis_documents_remind(today=complete.documents_due_on + timedelta(1)) == 0
    open_one = make_referral(
        submit=True,
        urgency="crisis",
        crisis_reason="Acuut.",
        youth={**complete_payload()["youth"], "bsn": "123456782"},
        **NO_DOCUMENTS,
    )
    services.referral_close(referral=open_one, by=cast.coordinator, outcome="withdrawn")
    assert services.crisis_documents_remind(today=date(2099, 1, 1)) == 0


def test_the_daily_task_is_scheduled_and_thin(
    cast: Cast, make_referral: Any, settings: Any
) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["referrals-crisis-documents-reminders"]
    assert entry["task"] == "referrals.tasks.send_crisis_document_reminders"
    referral = crisis(make_referral)
    Referral.objects.filter(pk=referral.pk).update(
        documents_due_on=timezone.localdate() - timedelta(days=1)
    )
    assert send_crisis_document_reminders() == 1


# --- browser --------------------------------------------------------------------------------


def test_detail_shows_the_outstanding_documents(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    referral.refresh_from_db()
    page = client_for(cast.coordinator).get(reverse("referrals:detail", args=[referral.pk]))
    html = page.content.decode()
    assert 'data-testid="crisis-documents"' in html
    assert "Crisisopvang De Haven" in html
    assert reverse("referrals:edit", args=[referral.pk, "analysis"]) not in html
    html = client_for(cast.referrer).get(reverse("referrals:detail", args=[referral.pk]))
    assert reverse("referrals:edit", args=[referral.pk, "analysis"]) in html.content.decode()


def test_referrer_completes_the_documents_in_the_browser(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    client = client_for(cast.referrer)
    # Only the document steps open; the others still send back to the detail page.
    youth_step = client.get(reverse("referrals:edit", args=[referral.pk, "youth"]))
    assert youth_step.status_code == 302
    analysis = to_service_data(complete_payload())["explanatory_analysis"]
    form = {
        "problems": analysis["problems"],
        "explaining_factors": analysis["explaining_factors"],
        "protective_factors": analysis["protective_factors"],
        "needs": analysis["needs"],
        "care_form_1": analysis["needed_care_forms"][0],
        "author_name": analysis["author_name"],
        "author_role": analysis["author_role"],
        "completed_on": analysis["completed_on"].isoformat(),
    }
    step = client.post(reverse("referrals:edit", args=[referral.pk, "analysis"]), form)
    assert step.status_code == 302, step.content.decode()[:3000]
    plans = {name: DOCUMENTS[name] for name in ("perspective_plan", "safety_plan", "care_question")}
    step = client.post(reverse("referrals:edit", args=[referral.pk, "plans"]), plans)
    assert step.status_code == 302
    assert step["Location"] == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.documents_completed_on == timezone.localdate()


def test_coordinator_cannot_open_the_document_steps(cast: Cast, make_referral: Any) -> None:
    referral = crisis(make_referral)
    response = client_for(cast.coordinator).post(
        reverse("referrals:edit", args=[referral.pk, "plans"]), {"safety_plan": "X"}
    )
    assert response.status_code in (302, 403, 404)
    referral.refresh_from_db()
    assert referral.safety_plan == ""


# --- reports --------------------------------------------------------------------------------


def test_kpi_crisis_documents_in_time(cast: Cast, make_referral: Any) -> None:
    from analyses.models import KpiRow
    from analyses.services import reports_rebuild

    today = timezone.localdate()
    bsns = ["111222333", "123456782", "100000009", "999999990"]
    made = [
        crisis(make_referral, youth={**complete_payload()["youth"], "bsn": bsn}) for bsn in bsns
    ]
    in_time, late, overdue, not_due = made
    week = timedelta(days=7)
    Referral.objects.filter(pk=in_time.pk).update(
        documents_due_on=today - week, documents_completed_on=today - week - timedelta(days=2)
    )
    Referral.objects.filter(pk=late.pk).update(
        documents_due_on=today - week, documents_completed_on=today - timedelta(days=1)
    )
    Referral.objects.filter(pk=overdue.pk).update(documents_due_on=today - timedelta(days=1))
    planned = make_referral(submit=True, youth={**complete_payload()["youth"], "bsn": "012345672"})
    reports_rebuild()
    # care_form '' is both "every care form" and the group without a VA care form (the crisis
    # referrals): the total is the row with the largest denominator.
    kpi = {
        r.code: r
        for r in KpiRow.objects.filter(period="all", region="", care_form="").order_by(
            "denominator"
        )
    }
    # Due: in time, late and overdue; the one not yet due does not count yet.
    assert (
        kpi["crisis_documents_in_time"].numerator,
        kpi["crisis_documents_in_time"].denominator,
    ) == (1, 3)
    assert (kpi["crisis_share"].numerator, kpi["crisis_share"].denominator) == (4, 5)
    # The VA at submission is measured for planned and urgent requests only (rule 1).
    assert (kpi["complete_va"].numerator, kpi["complete_va"].denominator) == (1, 1)
    assert not_due.pk and planned.pk
