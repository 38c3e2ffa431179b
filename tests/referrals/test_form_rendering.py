"""Forms the NL Design System / GOV.UK way (issue 19, point 2): the label above its field,
the hint described by the field, marks for what the submission needs, the limit of long
texts, and the error summary linking to each field."""

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from referrals import api
from referrals.forms import TEXT_MAX_LENGTH, AnalysisForm, PlansForm, SituationForm, YouthForm
from referrals.models import ExplanatoryAnalysis, Referral
from referrals.services import submission_problems
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_html(html: str, name: str) -> str:
    """The markup of one field (between its data-field and the next)."""
    return html.split(f'data-field="{name}"')[1].split("data-field=")[0]


def test_label_comes_before_its_field_with_hint_described(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    html = client_for(cast.referrer).get(f"/referrals/{referral.pk}/edit/analysis/").content
    page = html.decode()
    explaining = field_html(page, "explaining_factors")
    assert explaining.index('<label class="utrecht-form-label" for="id_explaining_factors"') < (
        explaining.index("<textarea")
    )
    # The hint (in the words of the Verklarende Analyse) sits between label and field.
    hint = re.search(r'id="id_explaining_factors_helptext">([^<]*)<', explaining)
    assert hint and "systeemgericht" in hint.group(1) and "Maximaal 20.000 tekens." in hint[1]
    assert explaining.index("_helptext") < explaining.index("<textarea")
    textarea = re.search(r"<textarea[^>]*>", explaining)
    assert textarea
    assert 'aria-describedby="id_explaining_factors_mark id_explaining_factors_helptext"' in (
        textarea.group(0)
    )
    assert f'data-maxlength="{TEXT_MAX_LENGTH}"' in textarea.group(0)
    assert 'id="id_explaining_factors_count" aria-live="polite"' in explaining
    assert "js/forms.js" in page


def test_selects_and_dates_have_their_label_above(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    page = client_for(cast.referrer).get(f"/referrals/{referral.pk}/edit/youth/").content.decode()
    for name, tag in (("gender", "<select"), ("birth_date", 'type="date"'), ("bsn", "<input")):
        markup = field_html(page, name)
        assert markup.index(f'for="id_{name}"') < markup.index(tag), name
    assert "9 cijfers" in field_html(page, "bsn")
    assert "1234 AB" in field_html(page, "postcode")


def test_submission_fields_are_marked_and_others_not(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    page = client_for(cast.referrer).get(f"/referrals/{referral.pk}/edit/youth/").content.decode()
    given = field_html(page, "given_name")
    # The mark sits outside the <label>: get_by_label("Voornaam", exact=True) still matches.
    assert '<label class="utrecht-form-label" for="id_given_name">Voornaam</label>' in given
    assert 'id="id_given_name_mark">(verplicht voor indienen)</span>' in given
    assert "verplicht" not in field_html(page, "guardian_2_name")
    assert "niet verplicht" not in page


def test_submit_required_matches_the_service(cast: Cast) -> None:
    from referrals.services import referral_create

    referral = referral_create(by=cast.referrer, data={"explanatory_analysis": {}})
    referral = Referral.objects.select_related("youth", "current_analysis").get(pk=referral.pk)
    assert isinstance(referral.current_analysis, ExplanatoryAnalysis)
    problems = submission_problems(referral=referral)
    needed: set[str] = set()
    for form_class in (YouthForm, SituationForm, AnalysisForm, PlansForm):
        needed |= {form_class.paths[p] for p in problems if p in form_class.paths}
    marked = (
        YouthForm.submit_required
        | SituationForm.submit_required
        | AnalysisForm.submit_required
        | PlansForm.submit_required
    )
    assert needed == marked


def test_text_limit_is_the_apis() -> None:
    assert api._text().max_length == TEXT_MAX_LENGTH
    for form_class in (SituationForm, AnalysisForm, PlansForm):
        for field in form_class.base_fields.values():
            if field.widget.__class__.__name__ == "Textarea":
                assert getattr(field, "max_length", None) == TEXT_MAX_LENGTH


def test_bad_submit_shows_the_error_summary_linking_to_the_fields(
    cast: Cast, make_referral: Any
) -> None:
    referral = make_referral()
    before = referral.current_analysis.needs
    response = client_for(cast.referrer).post(
        f"/referrals/{referral.pk}/edit/analysis/",
        {"needs": "x" * (TEXT_MAX_LENGTH + 1), "problems": "Schoolverzuim."},
    )
    assert response.status_code == 400  # an invalid step is a bad request, as everywhere
    page = response.content.decode()
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in page.split('data-testid="error-summary"')[0][-200:]
    assert "Er is een probleem" in summary
    assert '<a class="utrecht-link" href="#id_needs">Behoeften:' in summary
    # The message beside the field, which is invalid and described by it.
    needs = field_html(page, "needs")
    assert 'id="id_needs_error"' in needs
    assert needs.index('id="id_needs_error"') < needs.index("<textarea")
    assert 'aria-invalid="true"' in needs
    assert "id_needs_error" in re.search(r"<textarea[^>]*>", needs).group(0)  # type: ignore[union-attr]
    referral.refresh_from_db()
    assert referral.current_analysis.needs == before  # nothing saved


def test_checkbox_groups_link_to_their_first_option(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    response = client_for(cast.referrer).post(
        f"/referrals/{referral.pk}/edit/analysis/", {"risk_flags": ["no-such-risk"]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_risk_flags_0"' in page
    assert 'id="id_risk_flags_0"' in page
    risk = field_html(page, "risk_flags")
    assert risk.index("<legend") < risk.index('id="id_risk_flags_error"') < risk.index("<input")


def test_optional_fields_of_other_forms_are_marked(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    client = client_for(cast.coordinator)
    page = client.get(f"/referrals/{referral.pk}/close/").content.decode()
    outcome = field_html(page, "outcome")
    assert "niet verplicht" not in outcome  # required: no mark
    response = client.post(f"/referrals/{referral.pk}/close/", {"outcome": ""})
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert 'href="#id_outcome"' in page
    assert "Kies een reden van afsluiten." in field_html(page, "outcome")


def test_optional_fields_are_marked_outside_the_label() -> None:
    from django import forms
    from django.template.loader import render_to_string

    class NoteForm(forms.Form):
        reason = forms.CharField(label="Reden")
        note = forms.CharField(label="Toelichting", required=False)
        done = forms.BooleanField(label="Gedaan", required=False)

    form = NoteForm()
    required = render_to_string("partials/field.html", {"field": form["reason"]})
    optional = render_to_string("partials/field.html", {"field": form["note"]})
    checkbox = render_to_string("partials/field.html", {"field": form["done"]})
    assert "niet verplicht" not in required and "niet verplicht" not in checkbox
    assert '<label class="utrecht-form-label" for="id_note">Toelichting</label>' in optional
    assert (
        '<span class="rop-form-field__mark" id="id_note_mark">(niet verplicht)</span>' in optional
    )
    assert 'aria-describedby="id_note_mark"' in optional


def test_an_invalid_first_step_is_400_and_creates_nothing(cast: Cast) -> None:
    response = client_for(cast.referrer).post(
        "/referrals/new/", {"given_name": "Zoë", "birth_date": "31-02-2012"}
    )
    assert response.status_code == 400
    assert 'href="#id_birth_date"' in response.content.decode()  # the field is named
    assert not Referral.objects.exists()


def test_an_inline_check_stays_200_for_htmx_to_swap(cast: Cast, make_referral: Any) -> None:
    """htmx swaps no 4xx answer: the inline check of a step answers 200 with its errors."""
    referral = make_referral()
    response = client_for(cast.referrer).post(
        f"/referrals/{referral.pk}/edit/analysis/",
        {"risk_flags": ["no-such-risk"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="id_risk_flags_error"' in response.content.decode()
