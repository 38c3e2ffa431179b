"""Notifications of a question (to the referrer) and of a (re)submission (to coordinators);
and the question history that a later question keeps."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Notification, Organisation, Role, User
from referrals.models import InfoRequest, Referral
from referrals.services import referral_request_info, referral_submit, referral_update
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.conftest import VALID_BSN

pytestmark = pytest.mark.django_db

# The youth of complete_payload(): none of it may reach a notification.
IDENTIFYING = ("Zoë", "van den Berg", VALID_BSN, "2011", "3811", "Karin Smit")


def assert_not_identifying(notification: Notification) -> None:
    for fact in IDENTIFYING:
        assert fact not in notification.message


def ask(cast: Cast, referral: Referral, question: str) -> Referral:
    return referral_request_info(referral=referral, by=cast.coordinator, question=question)


def answer_and_resubmit(cast: Cast, referral: Referral, answer: str) -> Referral:
    referral_update(referral=referral, by=cast.referrer, data={"info_answer": answer})
    return referral_submit(referral=referral, by=cast.referrer)


def test_submission_notifies_the_region_coordinators(
    cast: Cast, make_referral: Any, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = UserFactory(
        username="coordinator2", role=Role.COORDINATOR, organisation=cast.coordination_point
    )
    elsewhere = UserFactory(
        username="coordinator_fle",
        role=Role.COORDINATOR,
        organisation=OrganisationFactory(
            name="Coördinatiepunt Flevoland",
            kind=Organisation.Kind.COORDINATION_POINT,
            municipality=cast.municipality,
            regions=[cast.other_region],
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(submit=True)
    notes = Notification.objects.filter(kind="referral.submitted")
    assert {n.recipient for n in notes} == {cast.coordinator, colleague}
    assert elsewhere not in {n.recipient for n in notes}
    for note in notes:
        assert referral.code in note.message
        assert note.link == f"/referrals/{referral.pk}/"
        assert_not_identifying(note)


def test_question_notifies_the_referrer(cast: Cast, make_referral: Any) -> None:
    referral = ask(cast, make_referral(submit=True), "Welke school bezoekt de jongere nu?")
    notes = list(Notification.objects.filter(kind="referral.needs_info"))
    assert [n.recipient for n in notes] == [cast.referrer]
    assert referral.code in notes[0].message
    assert "Welke school" not in notes[0].message  # a fact and a link, not the content
    assert_not_identifying(notes[0])


def test_resubmission_notifies_the_coordinators(cast: Cast, make_referral: Any) -> None:
    referral = ask(cast, make_referral(submit=True), "Welke school?")
    answer_and_resubmit(cast, referral, "Het Eemland College.")
    notes = list(Notification.objects.filter(kind="referral.resubmitted"))
    assert [n.recipient for n in notes] == [cast.coordinator]
    assert referral.code in notes[0].message
    assert_not_identifying(notes[0])


def test_a_second_question_keeps_the_first_and_its_answer(cast: Cast, make_referral: Any) -> None:
    referral = ask(cast, make_referral(submit=True), "Eerste vraag: welke school?")
    referral = answer_and_resubmit(cast, referral, "Eerste antwoord: het college.")
    referral = ask(cast, referral, "Tweede vraag: welk niveau?")

    kept = list(InfoRequest.objects.filter(referral=referral).order_by("asked_at", "id"))
    assert [(q.question, q.answer) for q in kept] == [
        ("Eerste vraag: welke school?", "Eerste antwoord: het college."),
        ("Tweede vraag: welk niveau?", ""),
    ]
    assert kept[0].answered_at is not None
    # Each question notifies once, so the second one is not swallowed by the first's key.
    assert Notification.objects.filter(kind="referral.needs_info").count() == 2

    for user in (cast.referrer, cast.coordinator):
        client = Client()
        client.force_login(user)
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
        assert "Eerste vraag: welke school?" in page
        assert "Eerste antwoord: het college." in page
        assert "Tweede vraag: welk niveau?" in page


def test_inactive_referrer_is_not_notified(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    User.objects.filter(pk=cast.referrer.pk).update(is_active=False)
    referral.refresh_from_db()
    ask(cast, referral, "Welke school?")
    assert not Notification.objects.filter(kind="referral.needs_info").exists()
