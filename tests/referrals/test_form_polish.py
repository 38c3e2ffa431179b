"""Form polish of issue 21: a crisis request's VA and plans are not "verplicht voor
indienen"; no "(niet verplicht)" after a label that already says when it is needed, and the
mark on a line of its own under a question; the upload control styled like the fields."""

from datetime import timedelta
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from accounts.models import User
from referrals.forms import SituationForm
from referrals.models import Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_html(html: str, name: str) -> str:
    return html.split(f'data-field="{name}"')[1].split("data-field=")[0]


def page(user: User, referral: Referral, step: str) -> str:
    response = client_for(user).get(f"/referrals/{referral.pk}/edit/{step}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("step", "name"), [("analysis", "problems"), ("plans", "safety_plan")])
def test_a_crisis_draft_says_the_documents_follow_after_placement(
    cast: Cast, make_referral: Any, step: str, name: str
) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(urgency="crisis")
    html = page(cast.referrer, referral, step)
    assert "verplicht voor indienen" not in html
    assert f'id="id_{name}_mark">(volgt na plaatsing)</span>' in field_html(html, name)
    assert 'data-testid="crisis-documents-intro"' in html


@pytest.mark.parametrize("step", ["youth", "situation"])
def test_a_crisis_draft_keeps_its_other_steps_required(
    cast: Cast, make_referral: Any, step: str
) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(urgency="crisis")
    html = page(cast.referrer, referral, step)
    assert "(verplicht voor indienen)" in html and "volgt na plaatsing" not in html


def test_a_planned_draft_still_requires_the_va(cast: Cast, make_referral: Any) -> None:
    html = page(cast.referrer, make_referral(), "analysis")
    assert 'id="id_problems_mark">(verplicht voor indienen)</span>' in html
    assert "volgt na plaatsing" not in html and "crisis-documents-intro" not in html


def test_a_submitted_crisis_completes_its_documents(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.SUBMITTED,
        submitted_at=timezone.now(),
        urgency="crisis",
        crisis_reason="Acute onveiligheid thuis.",
        documents_due_on=timezone.localdate() + timedelta(days=5),
    )
    html = page(cast.referrer, referral, "plans")
    assert "verplicht voor indienen" not in html and "volgt na plaatsing" not in html
    assert 'id="id_care_question_mark">(nodig om af te ronden)</span>' in html


class _MarkForm(forms.Form):
    reason = forms.CharField(label="Reden")
    note = forms.CharField(label="Toelichting (verplicht bij anders; geen namen)", required=False)
    why = forms.CharField(label="Wat in de verklarende analyse was de aanleiding?", required=False)
    short = forms.CharField(label="Toelichting", required=False)


def _rendered(name: str) -> str:
    return render_to_string("partials/field.html", {"field": _MarkForm()[name]})


def test_no_optional_mark_after_a_label_that_says_when_it_is_needed() -> None:
    note = _rendered("note")
    assert "niet verplicht" not in note and 'id="id_note_mark"' not in note
    assert "aria-describedby" not in note.split("<input")[1].split(">")[0]


def test_the_mark_of_a_question_sits_on_a_line_of_its_own() -> None:
    why = _rendered("why")
    assert (
        '<span class="rop-form-field__mark rop-form-field__mark--own-line" id="id_why_mark">'
        "(niet verplicht)</span>" in why
    )
    short = _rendered("short")
    assert '<span class="rop-form-field__mark" id="id_short_mark">(niet verplicht)</span>' in (
        short
    )


def test_the_upload_control_is_a_styled_field_with_types_and_size(
    cast: Cast, make_referral: Any
) -> None:
    referral = make_referral()
    response = client_for(cast.referrer).get(f"/documenten/verzoek/{referral.pk}/")
    assert response.status_code == 200
    upload = field_html(response.content.decode(), "file")
    assert "utrecht-form-field" in upload
    assert '<label class="utrecht-form-label" for="id_file">Bestand</label>' in upload
    assert 'class="rop-file-input"' in upload and 'type="file"' in upload
    assert 'aria-describedby="id_file_helptext"' in upload
    assert "PDF, DOCX, ODT, PNG of JPEG, ten hoogste" in upload
    kind = field_html(response.content.decode(), "kind")
    assert "utrecht-select" in kind


def _situation_post(user: User, referral: Referral, **data: str) -> str:
    initial = SituationForm.initial_from(referral)
    fields = {k: v for k, v in initial.items() if v not in (None, [])}
    response = client_for(user).post(
        f"/referrals/{referral.pk}/edit/situation/",
        {**fields, "urgency": "crisis", **data},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_choosing_crisis_shows_no_errors_before_its_fields_are_typed(
    cast: Cast, make_referral: Any
) -> None:
    referral = make_referral()
    html = _situation_post(cast.referrer, referral)
    for name in SituationForm.CRISIS_FIELDS:
        assert f'id="id_{name}_error"' not in html
    # What is typed is checked at once: a name in the reason is refused inline.
    html = _situation_post(
        cast.referrer, referral, crisis_reason="BSN 111222333 bekend bij de politie."
    )
    assert 'id="id_crisis_reason_error"' in html


def test_submitting_a_crisis_still_names_the_empty_crisis_fields(
    cast: Cast, make_referral: Any
) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(urgency="crisis", crisis_reason="")
    html = page(cast.referrer, referral, "review")
    assert "Geef de reden van de crisis." in html
