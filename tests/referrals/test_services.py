"""Referral services: the submit rules, one open referral per youth, the status machine."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEntry
from config.errors import Conflict, NotFound, ValidationFailed
from referrals.models import Referral, YouthIdentity
from referrals.services import (
    SCANNED_FIELDS,
    referral_close,
    referral_close_after_placement,
    referral_create_replacement,
    referral_mark_expert_table,
    referral_request_info,
    referral_start_matching,
    referral_submit,
    referral_transition,
    referral_update,
)
from tests.conftest import Cast
from tests.referrals.conftest import VALID_BSN, complete_payload, to_service_data

pytestmark = pytest.mark.django_db


def errors_of(referral: Referral, by: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failure:
        referral_submit(referral=referral, by=by)
    return failure.value.errors


@pytest.mark.parametrize(
    "field",
    ["problems", "explaining_factors", "protective_factors", "needs", "author_name", "author_role"],
)
def test_each_va_section_is_required(cast: Cast, make_referral: Any, field: str) -> None:
    analysis = {**complete_payload()["explanatory_analysis"], field: ""}
    referral = make_referral(explanatory_analysis=analysis)
    assert list(errors_of(referral, cast.referrer)) == [f"explanatory_analysis.{field}"]


def test_va_needs_a_care_form(cast: Cast, make_referral: Any) -> None:
    analysis = {**complete_payload()["explanatory_analysis"], "needed_care_forms": []}
    referral = make_referral(explanatory_analysis=analysis)
    assert list(errors_of(referral, cast.referrer)) == ["explanatory_analysis.needed_care_forms"]


def test_va_completion_date_not_in_the_future(cast: Cast, make_referral: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    analysis = {**complete_payload()["explanatory_analysis"], "completed_on": tomorrow}
    referral = make_referral(explanatory_analysis=analysis)
    assert list(errors_of(referral, cast.referrer)) == ["explanatory_analysis.completed_on"]


@pytest.mark.parametrize("field", ["perspective_plan", "safety_plan", "care_question"])
def test_plans_and_care_question_are_required(cast: Cast, make_referral: Any, field: str) -> None:
    referral = make_referral(**{field: "  "})
    assert list(errors_of(referral, cast.referrer)) == [field]


def test_invalid_bsn_blocks_submit(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(youth={**complete_payload()["youth"], "bsn": "123456789"})
    assert list(errors_of(referral, cast.referrer)) == ["youth.bsn"]


@pytest.mark.parametrize(
    ("care_forms", "secured_required"), [(["secured"], False), (["treatment_group"], True)]
)
def test_secured_care_needs_a_secured_legal_status(
    cast: Cast, make_referral: Any, care_forms: list[str], secured_required: bool
) -> None:
    analysis = {
        **complete_payload()["explanatory_analysis"],
        "needed_care_forms": care_forms,
        "secured_required": secured_required,
    }
    referral = make_referral(explanatory_analysis=analysis)
    assert list(errors_of(referral, cast.referrer)) == ["legal_status"]
    referral_update(
        referral=referral,
        by=cast.referrer,
        data={"legal_status": "emergency_secured_authorisation"},
    )
    assert referral_submit(referral=referral, by=cast.referrer).status == "submitted"


@pytest.mark.parametrize("path", SCANNED_FIELDS)
def test_every_free_text_field_is_scanned(cast: Cast, make_referral: Any, path: str) -> None:
    referral = make_referral()
    text = "Gesprek met Karin op 3-5-2011"
    if path.startswith("explanatory_analysis."):
        data: dict[str, Any] = {"explanatory_analysis": {path.split(".", 1)[1]: text}}
    elif path.startswith("school."):
        data = {"school": {path.split(".", 1)[1]: text}}
    else:
        data = {path: text}
    referral_update(referral=referral, by=cast.referrer, data=data)
    errors = errors_of(referral, cast.referrer)
    assert list(errors) == [path]
    assert len(errors[path]) == 2


def test_nothing_is_saved_when_submit_fails(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(safety_plan="")
    errors_of(referral, cast.referrer)
    referral.refresh_from_db()
    assert referral.status == "draft"
    assert referral.submitted_at is None
    assert YouthIdentity.objects.get(pk=referral.youth_id).open_bsn == ""


def test_one_open_referral_per_youth(cast: Cast, make_referral: Any) -> None:
    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer2)
    errors = errors_of(second, cast.referrer2)
    assert list(errors) == ["youth.bsn"]
    assert first.code not in errors["youth.bsn"][0]  # another organisation's code
    # Once the first is closed the youth may be referred again.
    referral_close(referral=first, by=cast.coordinator, outcome="withdrawn")
    assert referral_submit(referral=second, by=cast.referrer2).status == "submitted"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_for_one_youth_let_one_through(
    cast: Cast, make_referral: Any
) -> None:
    referrals = [make_referral(), make_referral(by=cast.referrer2)]
    users = [cast.referrer, cast.referrer2]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(index: int) -> None:
        try:
            barrier.wait()
            referral_submit(referral=referrals[index], by=users[index])
            outcomes.append("ok")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert YouthIdentity.objects.filter(open_bsn=VALID_BSN).count() == 1


ILLEGAL = [
    ("draft", "matching"),
    ("draft", "placed"),
    ("submitted", "offered"),
    ("submitted", "placed"),
    ("needs_info", "matching"),
    ("matching", "placed"),
    ("waiting", "accepted"),
    # placed → matching is legal since issue 18: a cancelled planned placement.
    ("placed", "waiting"),
    ("closed", "submitted"),
    ("closed", "matching"),
]


@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_illegal_transitions_are_conflicts(
    cast: Cast, make_referral: Any, start: str, to: str
) -> None:
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(status=start)
    with pytest.raises(Conflict):
        referral_transition(referral=referral, to=to, by=cast.coordinator)


def test_the_whole_path_records_a_timeline(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    referral = referral_start_matching(referral=referral, by=cast.coordinator)
    for to in ("offered", "matching", "waiting", "offered", "accepted", "placed"):
        referral = referral_transition(referral=referral, to=to, by=cast.coordinator)
    referral = referral_close_after_placement(referral=referral, by=cast.coordinator)
    assert referral.status == "closed"
    steps = list(referral.events.values_list("to_status", flat=True))
    assert steps[:3] == ["draft", "submitted", "matching"]
    assert steps[-1] == "closed"
    assert YouthIdentity.objects.get(pk=referral.youth_id).open_bsn == ""


def test_needs_info_round_trip_versions_the_analysis(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    referral = referral_request_info(referral=referral, by=cast.coordinator, question="School?")
    assert referral.status == "needs_info"
    referral_update(
        referral=referral,
        by=cast.referrer,
        data={"info_answer": "Zie de VA.", "explanatory_analysis": {"needs": "Meer structuur."}},
    )
    referral = referral_submit(referral=referral, by=cast.referrer)
    assert referral.status == "submitted"
    assert referral.current_analysis is not None
    assert referral.current_analysis.version == 2
    assert referral.analyses.count() == 2


def test_a_submitted_referral_cannot_be_edited(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    with pytest.raises(Conflict):
        referral_update(referral=referral, by=cast.referrer, data={"care_question": "x"})


def test_coordinator_actions_need_the_right_state(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    referral_start_matching(referral=referral, by=cast.coordinator)
    with pytest.raises(Conflict):
        referral_start_matching(referral=referral, by=cast.coordinator)
    referral = referral_mark_expert_table(
        referral=referral, by=cast.coordinator, note="Behoefte onduidelijk."
    )
    assert referral.expert_table
    with pytest.raises(ValidationFailed):
        referral_mark_expert_table(referral=referral, by=cast.coordinator, note="")


def test_close_refused_while_an_offer_is_out(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    referral_start_matching(referral=referral, by=cast.coordinator)
    referral_transition(referral=referral, to="offered", by=cast.coordinator)
    with pytest.raises(Conflict):
        referral_close(referral=referral, by=cast.coordinator, outcome="withdrawn")


def test_referrer_may_only_withdraw(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    with pytest.raises(ValidationFailed):
        referral_close(referral=referral, by=cast.referrer, outcome="resolved_at_home")


def test_refused_actions_are_audited(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    with pytest.raises(NotFound):
        referral_start_matching(referral=referral, by=cast.provider_a)
    with pytest.raises(NotFound):
        referral_update(referral=referral, by=cast.referrer2, data={})
    refused = AuditEntry.objects.filter(referral_id=referral.pk, outcome="refused")
    assert {entry.action for entry in refused} == {"referral.start_matching", "referral.update"}


def test_replacement_copies_into_a_new_draft(cast: Cast, make_referral: Any) -> None:
    previous = make_referral(submit=True)
    new = referral_create_replacement(previous=previous, by=cast.coordinator)
    assert new.status == "draft"
    assert new.youth_id != previous.youth_id
    assert new.youth.bsn == previous.youth.bsn
    assert new.previous_placements == previous.previous_placements + 1
    assert new.current_analysis is not None
    assert new.current_analysis.needed_care_forms == ["treatment_group", "family_home"]


def test_create_refuses_other_roles(cast: Cast) -> None:
    from referrals.services import referral_create

    with pytest.raises(NotFound):
        referral_create(by=cast.coordinator, data=to_service_data(complete_payload()))
