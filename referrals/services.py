"""Writes of referrals: one function per user action, each checking role, scope and state.

Every action runs in one transaction with its audit row. A refusal for scope (NotFound) is
audited as refused after the action has rolled back, so the refusal row is kept.
"""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.nl import bsn as bsn_check

from accounts.models import Municipality, Role, User
from accounts.selectors import coordinators_of_region
from accounts.services import audit_record, notify
from config import dates
from config.codes import (
    SECURED_LEGAL_STATUSES,
    CareForm,
    ExpertDiscipline,
    Expertise,
    ExpertTableOutcome,
    Gender,
    Intensity,
    LegalStatus,
    PreviousSituation,
    RequestKind,
    RiskFlag,
    Urgency,
)
from config.errors import Conflict, NotFound, ValidationFailed
from config.validators import control_characters_errors
from placement.deadlines import add_working_days, documents_due_on
from placement.models import OutsidePlacement
from referrals.identifiers import Youth, find_identifiers
from referrals.models import (
    ExpertTable,
    ExplanatoryAnalysis,
    InfoRequest,
    Referral,
    ReferralCodeCounter,
    ReferralEvent,
    YouthIdentity,
)
from referrals.selectors import referrals_for_user

Status = Referral.Status
Data = Mapping[str, Any]

# The referral's status machine (DESIGN.md). Everything else is a 409.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CLOSED}),
    Status.SUBMITTED: frozenset({Status.MATCHING, Status.NEEDS_INFO, Status.CLOSED}),
    Status.NEEDS_INFO: frozenset({Status.SUBMITTED, Status.CLOSED}),
    Status.MATCHING: frozenset({Status.OFFERED, Status.NEEDS_INFO, Status.WAITING, Status.CLOSED}),
    Status.OFFERED: frozenset({Status.MATCHING, Status.ACCEPTED, Status.WAITING, Status.CLOSED}),
    Status.WAITING: frozenset({Status.MATCHING, Status.OFFERED, Status.CLOSED}),
    # An accepted offer that falls through before the placement puts the referral back.
    Status.ACCEPTED: frozenset({Status.PLACED, Status.MATCHING, Status.CLOSED}),
    # A planned placement cancelled before the start date puts the referral back too.
    Status.PLACED: frozenset({Status.CLOSED, Status.MATCHING}),
    Status.CLOSED: frozenset(),
}
# Closing by hand: not while a provider holds an offer or a place (placement ends those).
CLOSABLE_BY_HAND = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.NEEDS_INFO, Status.MATCHING, Status.WAITING}
)

YOUTH_TEXT = ("given_name", "family_name")
REFERRAL_TEXT = (
    "current_situation",
    "perspective_plan",
    "safety_plan",
    "care_question",
    "youth_perspective",
    "parents_perspective",
    "info_answer",
)
# A crisis placement: why, and where the youth went (a provider may read these later).
CRISIS_TEXT = ("crisis_reason", "crisis_placed_where")
# What may still be added to a submitted crisis referral whose documents are outstanding.
DOCUMENT_KEYS = frozenset(
    {
        "perspective_plan",
        "perspective_horizon_months",
        "safety_plan",
        "care_question",
        "youth_perspective",
        "parents_perspective",
        "explanatory_analysis",
    }
)
ANALYSIS_TEXT = ("problems", "explaining_factors", "protective_factors", "needs")
ANALYSIS_FIELDS = (
    *ANALYSIS_TEXT,
    "needed_care_forms",
    "needed_expertise",
    "risk_flags",
    "intensity",
    "secured_required",
    "author_name",
    "author_role",
    "completed_on",
    "shared_with_family",
)
# Every free-text field a provider may later read, by its API path: scanned before submit.
SCANNED_FIELDS = (
    *REFERRAL_TEXT,
    *CRISIS_TEXT,
    "school.name",
    "school.level",
    *(f"explanatory_analysis.{name}" for name in (*ANALYSIS_TEXT, "author_role")),
)
POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")


# --- helpers -----------------------------------------------------------------------------


@contextmanager
def _audited_action(*, by: User, action: str, referral_id: int | None) -> Iterator[None]:
    """One transaction; a scope refusal is rolled back, then written down as refused."""
    try:
        with transaction.atomic():
            yield
    except NotFound:
        audit_record(user=by, action=action, referral_id=referral_id, allowed=False)
        raise


def _lock_in_scope(*, referral: Referral, by: User) -> Referral:
    locked = referrals_for_user(user=by).select_for_update().filter(pk=referral.pk).first()
    if locked is None:
        raise NotFound
    return locked


def _lock_for_referrer(*, referral: Referral, by: User) -> Referral:
    if by.role != Role.REFERRER:
        raise NotFound
    return _lock_in_scope(referral=referral, by=by)


def _lock_for_coordinator(*, referral: Referral, by: User) -> Referral:
    if by.role != Role.COORDINATOR:
        raise NotFound
    return _lock_in_scope(referral=referral, by=by)


def _next_code(today: date) -> str:
    counter, _created = ReferralCodeCounter.objects.get_or_create(year=today.year)
    counter = ReferralCodeCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"ROP-{today.year}-{counter.last_number:05d}"


def _text(value: Any) -> str:
    return str(value or "").strip()


def normalise_postcode(value: str) -> str:
    match = POSTCODE.match(value.strip())
    return f"{match.group(1)} {match.group(2).upper()}" if match else value.strip()


def _codes(
    value: Any,
    choices: type[CareForm | Expertise | RiskFlag],
    path: str,
    errors: dict[str, list[str]],
) -> list[str]:
    items = list(value or [])
    unknown = [str(code) for code in items if code not in choices.values]
    if unknown:
        errors.setdefault(path, []).append(
            _("Onbekende code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    # Keep the order of preference; drop repeats.
    return list(dict.fromkeys(str(code) for code in items if code in choices.values))


def _apply_youth(youth: YouthIdentity, data: Data, errors: dict[str, list[str]]) -> None:
    for name in YOUTH_TEXT:
        if name in data:
            setattr(youth, name, _text(data[name])[:100])
    if "bsn" in data:
        bsn = re.sub(r"[\s.\-]", "", _text(data["bsn"]))
        if bsn and not re.fullmatch(r"[0-9]{8,9}", bsn):
            errors["youth.bsn"] = [_("Een BSN bestaat uit 9 cijfers.")]
        else:
            youth.bsn = bsn.zfill(9) if bsn else ""
    if "birth_date" in data:
        youth.birth_date = data["birth_date"] or None
    if "gender" in data:
        gender = _text(data["gender"])
        if gender and gender not in Gender.values:
            errors["youth.gender"] = [_("Kies f, m of x.")]
        else:
            youth.gender = gender
    if "postcode" in data:
        postcode = _text(data["postcode"])
        if postcode and not POSTCODE.match(postcode):
            errors["youth.postcode"] = [_("Een postcode ziet eruit als 3811 AB.")]
        else:
            youth.postcode = normalise_postcode(postcode)
    if "municipality" in data:
        code = _text(data["municipality"]).upper()
        if not code:
            youth.municipality = None
        else:
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                errors["youth.municipality"] = [_("Onbekende gemeentecode (CBS, bijv. GM0307).")]
            else:
                youth.municipality = municipality
    if "guardians" in data:
        guardians = []
        for index, guardian in enumerate(data["guardians"] or []):
            name = _text(guardian.get("name"))[:200]
            relation = _text(guardian.get("relation"))[:100]
            if not name and not relation:
                continue
            if not name:
                errors[f"youth.guardians.{index}.name"] = [_("Vul de naam in.")]
            guardians.append({"name": name, "relation": relation})
        youth.guardians = guardians


def _apply_referral(referral: Referral, data: Data, errors: dict[str, list[str]]) -> None:
    if "legal_status" in data:
        legal_status = _text(data["legal_status"])
        if legal_status and legal_status not in LegalStatus.values:
            errors["legal_status"] = [_("Kies een juridische status uit de lijst.")]
        else:
            referral.legal_status = legal_status
    for name in REFERRAL_TEXT:
        if name in data:
            setattr(referral, name, _text(data[name]))
    _apply_coded(referral, data, errors)
    if "previous_placements" in data:
        count = data["previous_placements"]
        if count is None or not isinstance(count, int) or not 0 <= count <= 100:
            errors["previous_placements"] = [_("Vul een aantal van 0 tot 100 in.")]
        else:
            referral.previous_placements = count
    if "requested_start" in data:
        referral.requested_start = data["requested_start"] or None
    if "perspective_horizon_months" in data:  # issue 22.5: the plan's horizon, 1-36 months
        horizon = data["perspective_horizon_months"]
        if horizon is not None and (
            isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 36
        ):
            errors["perspective_horizon_months"] = [_("Vul een termijn van 1 tot 36 maanden in.")]
        else:
            referral.perspective_horizon_months = horizon
    school = data.get("school")
    if school is not None:
        if "name" in school:
            referral.school_name = _text(school["name"])[:200]
        if "level" in school:
            referral.school_level = _text(school["level"])[:100]
        if "attending" in school:
            referral.school_attending = school["attending"]


def _apply_coded(referral: Referral, data: Data, errors: dict[str, list[str]]) -> None:
    """Urgency, coded origin, responsible municipality and the crisis facts (issue 21)."""
    from capacity.models import Location

    if "urgency" in data:
        urgency = _text(data["urgency"])
        if urgency not in Urgency.values:
            errors["urgency"] = [_("Kies gepland, urgent of crisis.")]
        else:
            referral.urgency = urgency
            if urgency != Urgency.CRISIS:  # documents that follow later: crisis only
                referral.documents_due_on = None
                referral.documents_completed_on = None
    if "previous_situation" in data:
        situation = _text(data["previous_situation"])
        if situation and situation not in PreviousSituation.values:
            errors["previous_situation"] = [_("Kies een vorige situatie uit de lijst.")]
        else:
            referral.previous_situation = situation
    if "request_kind" in data:
        kind = _text(data["request_kind"])
        if kind not in RequestKind.values:
            errors["request_kind"] = [_("Kies nieuw, doorplaatsing of heraanmelding.")]
        else:
            referral.request_kind = kind
    if "responsible_municipality" in data:
        code = _text(data["responsible_municipality"]).upper()
        if not code:
            referral.responsible_municipality = None
        else:
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                errors["responsible_municipality"] = [
                    _("Onbekende gemeentecode (CBS, bijv. GM0307).")
                ]
            else:
                referral.responsible_municipality = municipality
    for name in CRISIS_TEXT:
        if name in data:
            setattr(referral, name, _text(data[name]))
    if len(referral.crisis_placed_where) > 200:
        errors["crisis_placed_where"] = [_("De naam van de plek is langer dan 200 tekens.")]
    if "crisis_location" in data:
        location_id = data["crisis_location"]
        if location_id in (None, ""):
            referral.crisis_location = None
        else:
            location_pk = str(location_id)
            location = (
                Location.objects.filter(pk=int(location_pk)).first()
                if location_pk.isdigit()
                else None
            )
            if location is None:
                errors["crisis_location"] = [_("Onbekende locatie.")]
            else:
                referral.crisis_location = location


def _analysis_values(
    current: ExplanatoryAnalysis | None, data: Data, errors: dict[str, list[str]]
) -> dict[str, Any]:
    base = current or ExplanatoryAnalysis()
    values: dict[str, Any] = {name: getattr(base, name) for name in ANALYSIS_FIELDS}
    prefix = "explanatory_analysis"
    for name in (*ANALYSIS_TEXT, "author_name", "author_role"):
        if name in data:
            values[name] = _text(data[name])
    if "author_name" in data:
        values["author_name"] = values["author_name"][:200]
    if "author_role" in data:
        values["author_role"] = values["author_role"][:200]
    if "needed_care_forms" in data:
        values["needed_care_forms"] = _codes(
            data["needed_care_forms"], CareForm, f"{prefix}.needed_care_forms", errors
        )
    if "needed_expertise" in data:
        values["needed_expertise"] = _codes(
            data["needed_expertise"], Expertise, f"{prefix}.needed_expertise", errors
        )
    if "risk_flags" in data:
        values["risk_flags"] = _codes(data["risk_flags"], RiskFlag, f"{prefix}.risk_flags", errors)
    if "intensity" in data:
        intensity = _text(data["intensity"])
        if intensity and intensity not in Intensity.values:
            errors[f"{prefix}.intensity"] = [_("Kies een intensiteit van K tot Z, of geen.")]
        else:
            values["intensity"] = intensity
    for name in ("secured_required", "shared_with_family"):
        if name in data:
            values[name] = bool(data[name])
    if "completed_on" in data:
        values["completed_on"] = data["completed_on"] or None
    return values


def _save_analysis(
    *, referral: Referral, data: Data, errors: dict[str, list[str]], at: datetime
) -> None:
    """Write the VA: in place while never submitted, as a new version once it has been."""
    current = referral.current_analysis
    values = _analysis_values(current, data, errors)
    if errors:
        return
    if current is None:
        analysis = ExplanatoryAnalysis.objects.create(
            referral=referral, version=1, created_at=at, **values
        )
    elif referral.submitted_at is None:
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        return
    elif all(getattr(current, name) == value for name, value in values.items()):
        return
    else:
        analysis = ExplanatoryAnalysis.objects.create(
            referral=referral, version=current.version + 1, created_at=at, **values
        )
    referral.current_analysis = analysis
    referral.save(update_fields=["current_analysis", "updated_at"])


def _record_event(
    *,
    referral: Referral,
    by: User | None,
    from_status: str,
    to_status: str,
    note: str = "",
    at: datetime | None = None,
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        by=by,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
        at=at or timezone.now(),
    )


# --- the status machine ------------------------------------------------------------------


@transaction.atomic
def referral_transition(
    *, referral: Referral, to: str, by: User | None, note: str = "", at: datetime | None = None
) -> Referral:
    """Move a referral to status `to` if the status machine allows it, else Conflict (409).

    For other apps (placement: offered, accepted, placed, waiting, matching). It checks the
    state only: the calling service checks the caller's role and scope and writes its audit.
    `at` (default now), here and in the actions below, is the moment of the change: the demo
    history passes past moments, in time order.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if to not in Status.values:
        raise Conflict(_("Onbekende status."))
    if to not in TRANSITIONS[referral.status]:
        raise Conflict(
            _("Een verzoek met status '%(from)s' kan niet naar '%(to)s'.")
            % {"from": Status(referral.status).label, "to": Status(to).label}
        )
    now = at or timezone.now()
    from_status = referral.status
    referral.status = to
    referral.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to == Status.SUBMITTED:
        referral.submitted_at = now
        fields.append("submitted_at")
    if to == Status.CLOSED:
        referral.closed_at = now
        fields.append("closed_at")
        # The youth may be referred again: release the one-open-referral claim.
        YouthIdentity.objects.filter(pk=referral.youth_id).update(open_bsn="")
    referral.save(update_fields=fields)
    _record_event(
        referral=referral, by=by, from_status=from_status, to_status=to, note=note, at=now
    )
    return referral


# --- referrer actions --------------------------------------------------------------------


def _keep_region(referral: Referral) -> None:
    """The referral's region is its youth's home region (the coordinators' scope): set
    wherever the youth's home municipality is written."""
    municipality = referral.youth.municipality
    referral.region_id = municipality.region_id if municipality is not None else None


def referral_create(*, by: User, data: Data, at: datetime | None = None) -> Referral:
    """A referrer starts a draft; incomplete data is fine, only its shape is checked."""
    now = at or timezone.now()
    with _audited_action(by=by, action="referral.create", referral_id=None):
        if by.role != Role.REFERRER or by.organisation_id is None:
            raise NotFound
        errors: dict[str, list[str]] = {}
        youth = YouthIdentity()
        _apply_youth(youth, data.get("youth") or {}, errors)
        referral = Referral(
            referrer=by, organisation_id=by.organisation_id, created_at=now, status_changed_at=now
        )
        _apply_referral(referral, data, errors)
        if errors:
            raise ValidationFailed(errors)
        youth.save()
        referral.youth = youth
        _keep_region(referral)
        referral.code = _next_code(timezone.localdate(now))
        referral.save()
        if data.get("explanatory_analysis") is not None:
            _save_analysis(
                referral=referral, data=data["explanatory_analysis"], errors=errors, at=now
            )
            if errors:
                raise ValidationFailed(errors)
        _record_event(referral=referral, by=by, from_status="", to_status=Status.DRAFT, at=now)
        audit_record(
            user=by,
            action="referral.create",
            referral_id=referral.pk,
            object_type="youth_identity",
            object_id=youth.pk,
            at=now,
        )
        return referral


def referral_update(
    *, referral: Referral, by: User, data: Data, at: datetime | None = None
) -> Referral:
    """The referrer edits a draft, or a referral the coordinator asked a question about.

    A submitted crisis referral whose documents are outstanding takes its VA and plans
    (only those) until they are complete; then `documents_completed_on` is set.
    """
    now = at or timezone.now()
    with _audited_action(by=by, action="referral.update", referral_id=referral.pk):
        referral = _lock_for_referrer(referral=referral, by=by)
        completing = (
            not referral.is_editable and referral.is_open and referral.documents_outstanding
        )
        if not referral.is_editable and not completing:
            raise Conflict(_("Dit verzoek kan niet meer worden gewijzigd."))
        if completing and set(data) - DOCUMENT_KEYS:
            raise ValidationFailed(
                {
                    name: [
                        _(
                            "Na het indienen kunt u alleen de verklarende analyse en de "
                            "plannen nog aanvullen."
                        )
                    ]
                    for name in sorted(set(data) - DOCUMENT_KEYS)
                }
            )
        errors: dict[str, list[str]] = {}
        youth = referral.youth
        if data.get("youth") is not None:
            _apply_youth(youth, data["youth"], errors)
        _apply_referral(referral, data, errors)
        if errors:
            raise ValidationFailed(errors)
        if data.get("youth") is not None:
            if youth.open_bsn and youth.open_bsn != youth.bsn:
                youth.open_bsn = youth.bsn  # still open (needs_info): the claim follows
            youth.save()
            _keep_region(referral)
        referral.save()
        if data.get("explanatory_analysis") is not None:
            _save_analysis(
                referral=referral, data=data["explanatory_analysis"], errors=errors, at=now
            )
            if errors:
                raise ValidationFailed(errors)
        if completing:
            _complete_documents(referral=referral, by=by, at=now)
        audit_record(
            user=by,
            action="referral.update",
            referral_id=referral.pk,
            object_type="youth_identity" if data.get("youth") is not None else "referral",
            object_id=youth.pk if data.get("youth") is not None else referral.pk,
            at=now,
        )
        return referral


def _complete_documents(*, referral: Referral, by: User, at: datetime) -> None:
    """After a crisis referral's documents were edited: what a provider may read passes the
    identifying-data check (else nothing is saved), and complete documents are marked so."""
    referral = Referral.objects.select_related("youth", "current_analysis").get(pk=referral.pk)
    found = find_identifiers(
        texts=scanned_texts(referral=referral), youth=identifying_facts(youth=referral.youth)
    )
    if found:
        raise ValidationFailed(found)
    today = timezone.localdate(at)
    if document_problems(referral=referral, today=today):
        return
    referral.documents_completed_on = today
    referral.save(update_fields=["documents_completed_on", "updated_at"])
    _record_event(
        referral=referral,
        by=by,
        from_status=referral.status,
        to_status=referral.status,
        note=_("documenten compleet"),
        at=at,
    )
    notify(
        recipients=coordinators_of_region(region_id=referral.region_id),
        kind="referral.documents_completed",
        message=_("Verzoek %(code)s: de documenten van de crisisplaatsing zijn compleet.")
        % {"code": referral.code},
        link=reverse("referrals:detail", args=[referral.pk]),
        dedupe_key=f"referral-documents-completed:{referral.pk}",
        at=at,
    )


def crisis_documents_remind(*, today: date | None = None) -> int:
    """The daily chase of crisis documents: the referrer is reminded when they are due within
    CRISIS_DOCUMENTS_REMIND_WORKING_DAYS working days and every day once overdue; the region's
    coordinators are informed. The code only, never who the youth is. Idempotent per day."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, settings.CRISIS_DOCUMENTS_REMIND_WORKING_DAYS)
    due = (
        Referral.objects.filter(
            urgency=Urgency.CRISIS,
            status__in=sorted(Referral.OPEN_STATUSES),
            documents_due_on__isnull=False,
            documents_completed_on__isnull=True,
            documents_due_on__lte=horizon,
        )
        .select_related("referrer")
        .order_by("documents_due_on", "id")
    )
    sent = 0
    for referral in due:
        overdue = referral.documents_due_on < today  # type: ignore[operator]
        facts = {"code": referral.code, "date": dates.day(referral.documents_due_on)}
        if overdue:
            message = _(
                "Verzoek %(code)s: de documenten van de crisisplaatsing zijn te laat "
                "(uiterlijk %(date)s)."
            )
            key = f"crisis-documents-overdue:{referral.pk}:{today:%Y%m%d}"
        else:
            message = _(
                "Verzoek %(code)s: de documenten van de crisisplaatsing moeten uiterlijk "
                "%(date)s binnen zijn."
            )
            key = f"crisis-documents-due:{referral.pk}:{today:%Y%m%d}"
        link = reverse("referrals:detail", args=[referral.pk])
        notify(
            recipients=[referral.referrer],
            kind="referral.crisis_documents",
            message=message % facts,
            link=link,
            dedupe_key=key,
        )
        notify(
            recipients=coordinators_of_region(region_id=referral.region_id),
            kind="referral.crisis_documents",
            message=message % facts,
            link=link,
            dedupe_key=key,
        )
        sent += 1
    return sent


def submission_problems(*, referral: Referral, today: date | None = None) -> dict[str, list[str]]:
    """Every reason the referral cannot be submitted yet, by field path (empty: it can)."""
    errors: dict[str, list[str]] = {}
    youth = referral.youth
    today = today or timezone.localdate()

    def need(path: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(path, []).append(message)

    need("youth.given_name", bool(youth.given_name), _("Vul de voornaam in."))
    need("youth.family_name", bool(youth.family_name), _("Vul de achternaam in."))
    if not youth.bsn:
        need("youth.bsn", False, _("Vul het BSN in."))
    elif not bsn_check.is_valid(youth.bsn):
        need("youth.bsn", False, _("Dit BSN is ongeldig (elfproef)."))
    need("youth.birth_date", youth.birth_date is not None, _("Vul de geboortedatum in."))
    if youth.birth_date and youth.birth_date > today:
        need("youth.birth_date", False, _("De geboortedatum ligt in de toekomst."))
    need("youth.gender", bool(youth.gender), _("Kies het gender."))
    need("youth.postcode", bool(youth.postcode), _("Vul de postcode in."))
    need("youth.municipality", youth.municipality_id is not None, _("Kies de woongemeente."))
    need("legal_status", bool(referral.legal_status), _("Kies de juridische status."))
    if referral.urgency == Urgency.CRISIS:
        # Rule 1: a crisis placement may be submitted first; its documents follow.
        need("crisis_reason", bool(referral.crisis_reason), _("Geef de reden van de crisis."))
    else:
        for path, messages in document_problems(referral=referral, today=today).items():
            errors.setdefault(path, []).extend(messages)

    for path, messages in find_identifiers(
        texts=scanned_texts(referral=referral), youth=identifying_facts(youth=youth)
    ).items():
        errors.setdefault(path, []).extend(messages)
    return errors


def document_problems(*, referral: Referral, today: date | None = None) -> dict[str, list[str]]:
    """What is missing of the VA, the plans and the care question (rule 1), by field path."""
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()

    def need(path: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(path, []).append(message)

    need("perspective_plan", bool(referral.perspective_plan), _("Het perspectiefplan ontbreekt."))
    need("safety_plan", bool(referral.safety_plan), _("Het veiligheidsplan ontbreekt."))
    need("care_question", bool(referral.care_question), _("De zorgvraag ontbreekt."))

    analysis = referral.current_analysis
    prefix = "explanatory_analysis"
    if analysis is None:
        need(prefix, False, _("De verklarende analyse ontbreekt."))
    else:
        labels = {
            "problems": _("Beschrijf de problemen."),
            "explaining_factors": _("Beschrijf de verklarende factoren."),
            "protective_factors": _("Beschrijf de beschermende factoren."),
            "needs": _("Beschrijf de behoeften."),
        }
        for name, message in labels.items():
            need(f"{prefix}.{name}", bool(getattr(analysis, name)), message)
        need(
            f"{prefix}.needed_care_forms",
            bool(analysis.needed_care_forms),
            _("Kies ten minste één benodigde zorgvorm."),
        )
        need(f"{prefix}.author_name", bool(analysis.author_name), _("Vul de auteur in."))
        need(
            f"{prefix}.author_role",
            bool(analysis.author_role),
            _("Vul de functie van de auteur in."),
        )
        if analysis.completed_on is None:
            need(f"{prefix}.completed_on", False, _("Vul de datum van afronding in."))
        elif analysis.completed_on > today:
            need(f"{prefix}.completed_on", False, _("De datum van afronding ligt in de toekomst."))
        elif analysis.completed_on < today - timedelta(days=settings.VA_MAX_AGE_DAYS):
            need(
                f"{prefix}.completed_on",
                False,
                _("De verklarende analyse is ouder dan %(days)d dagen; werk haar bij.")
                % {"days": settings.VA_MAX_AGE_DAYS},
            )
        if analysis.secured_needed and referral.legal_status not in SECURED_LEGAL_STATUSES:
            need(
                "legal_status",
                False,
                _(
                    "Gesloten jeugdhulp vraagt een (spoed)machtiging gesloten jeugdhulp "
                    "als juridische status."
                ),
            )
    return errors


def identifying_facts(*, youth: YouthIdentity) -> Youth:
    names = [youth.given_name, youth.family_name]
    names += [str(g.get("name", "")) for g in youth.guardians or [] if isinstance(g, dict)]
    full_name = f"{youth.given_name} {youth.family_name}".strip()
    return Youth(
        names=tuple(n for n in names if n),
        full_names=(full_name,) if youth.given_name and youth.family_name else (),
        bsn=youth.bsn,
        birth_date=youth.birth_date,
        postcode=youth.postcode,
    )


def scanned_texts(*, referral: Referral) -> dict[str, str]:
    texts = {name: getattr(referral, name) for name in (*REFERRAL_TEXT, *CRISIS_TEXT)}
    texts["school.name"] = referral.school_name
    texts["school.level"] = referral.school_level
    analysis = referral.current_analysis
    if analysis is not None:
        for name in (*ANALYSIS_TEXT, "author_role"):
            texts[f"explanatory_analysis.{name}"] = getattr(analysis, name)
    return texts


def referral_submit(*, referral: Referral, by: User, at: datetime | None = None) -> Referral:
    """Submit a draft (or a revised needs_info referral) to the coordination point.

    Every problem is collected and reported at once; nothing is saved on failure. When the
    youth already has an open referral the referrer may not open, the region's coordinators
    are told, after the refused submit has rolled back (so the notification stays).
    """
    now = at or timezone.now()
    hidden: list[Referral] = []
    try:
        return _submit(referral=referral, by=by, now=now, hidden=hidden)
    except ValidationFailed:
        if hidden:
            _notify_open_elsewhere(referral=referral, other=hidden[0], at=now)
        raise


def _submit(*, referral: Referral, by: User, now: datetime, hidden: list[Referral]) -> Referral:
    with _audited_action(by=by, action="referral.submit", referral_id=referral.pk):
        referral = _lock_for_referrer(referral=referral, by=by)
        if referral.status not in (Status.DRAFT, Status.NEEDS_INFO):
            raise Conflict(
                _("Alleen een concept of een verzoek met een vraag kan worden ingediend.")
            )
        youth = YouthIdentity.objects.select_for_update().get(pk=referral.youth_id)
        referral.youth = youth
        errors = submission_problems(referral=referral, today=timezone.localdate(now))
        if youth.bsn and "youth.bsn" not in errors:
            other = (
                YouthIdentity.objects.filter(open_bsn=youth.bsn)
                .exclude(pk=youth.pk)
                .select_related("referral")
                .first()
            )
            if other is not None:
                errors["youth.bsn"] = [_one_open_message(other=other.referral, by=by)]
                if not _may_open(other=other.referral, by=by):
                    hidden.append(other.referral)
        if errors:
            raise ValidationFailed(errors)
        if youth.open_bsn != youth.bsn:
            youth.open_bsn = youth.bsn
            try:
                # A savepoint: a concurrent submit for the same BSN that won the race makes
                # the unique index refuse this one; report it like the check above.
                with transaction.atomic():
                    youth.save(update_fields=["open_bsn"])
            except IntegrityError:
                winner = Referral.objects.filter(youth__open_bsn=youth.bsn).first()
                if winner is not None and not _may_open(other=winner, by=by):
                    hidden.append(winner)
                raise ValidationFailed(
                    {"youth.bsn": [_one_open_message(other=winner, by=by)]}
                ) from None
        resubmitted = referral.status == Status.NEEDS_INFO
        if resubmitted:
            _keep_answer(referral=referral, at=now)
        _keep_crisis_dates(referral=referral, on=timezone.localdate(now))
        if referral.responsible_municipality_id is None:
            # Woonplaatsbeginsel: by default the youth's home municipality is responsible.
            referral.responsible_municipality_id = youth.municipality_id
        referral.save(
            update_fields=[
                "documents_due_on",
                "documents_completed_on",
                "responsible_municipality",
                "updated_at",
            ]
        )
        referral = referral_transition(referral=referral, to=Status.SUBMITTED, by=by, at=now)
        audit_record(user=by, action="referral.submit", referral_id=referral.pk, at=now)
        _notify_submitted(referral=referral, resubmitted=resubmitted, at=now)
        return referral


def _keep_crisis_dates(*, referral: Referral, on: date) -> None:
    """Submitting a crisis referral sets when its documents are due (once) and whether they
    are complete already; any other urgency has none."""
    if referral.urgency != Urgency.CRISIS:
        referral.documents_due_on = None
        referral.documents_completed_on = None
        return
    if referral.documents_due_on is None:
        referral.documents_due_on = documents_due_on(on, settings.CRISIS_DOCUMENTS_WORKING_DAYS)
    if referral.documents_completed_on is None and not document_problems(
        referral=referral, today=on
    ):
        referral.documents_completed_on = on


def _keep_answer(*, referral: Referral, at: datetime) -> None:
    """Write the answer into the open question's history row, so a later question keeps it."""
    asked = (
        InfoRequest.objects.filter(referral=referral, answered_at__isnull=True)
        .order_by("-asked_at", "-id")
        .first()
    )
    if asked is not None:
        asked.answer = referral.info_answer
        asked.answered_at = at
        asked.save(update_fields=["answer", "answered_at"])


def _notify_submitted(*, referral: Referral, resubmitted: bool, at: datetime) -> None:
    """Tell the region's coordinators; the code only, never who the youth is."""
    if resubmitted:
        message = _("Verzoek %(code)s is opnieuw ingediend met een antwoord op uw vraag.")
    else:
        message = _("Verzoek %(code)s is ingediend bij het coördinatiepunt.")
    notify(
        recipients=coordinators_of_region(region_id=referral.region_id),
        kind="referral.resubmitted" if resubmitted else "referral.submitted",
        message=message % {"code": referral.code},
        link=reverse("referrals:detail", args=[referral.pk]),
        dedupe_key=f"referral-submitted:{referral.pk}:{at:%Y%m%d%H%M%S%f}",
        at=at,
    )


def _may_open(*, other: Referral, by: User) -> bool:
    return referrals_for_user(user=by).filter(pk=other.pk).exists()


def _one_open_message(*, other: Referral | None, by: User) -> str:
    """The refusal for a youth with an open referral: it names that referral only for a user
    who may open it; another organisation's code is none of the referrer's business."""
    if other is not None and _may_open(other=other, by=by):
        return _(
            "Voor deze jongere loopt al een verzoek (%(code)s). Eén jongere heeft één open verzoek."
        ) % {"code": other.code}
    if by.role == Role.REFERRER:
        return _(
            "Voor deze jongere loopt al een verzoek bij het coördinatiepunt. "
            "De coördinator is op de hoogte gebracht."
        )
    return _("Voor deze jongere loopt al een verzoek. Eén jongere heeft één open verzoek.")


def _notify_open_elsewhere(*, referral: Referral, other: Referral, at: datetime) -> None:
    """Tell the coordinators (of both referrals' regions) that a second referral for a youth
    with an open one was refused: both codes, never who the youth is. Once per pair."""
    region_ids = {r for r in (referral.region_id, other.region_id) if r is not None}
    recipients = {
        user.pk: user
        for region_id in region_ids
        for user in coordinators_of_region(region_id=region_id)
    }
    notify(
        recipients=recipients.values(),
        kind="referral.duplicate_youth",
        message=_(
            "Verzoek %(code)s kon niet worden ingediend: voor dezelfde jongere loopt al "
            "verzoek %(other)s van een andere organisatie."
        )
        % {"code": referral.code, "other": other.code},
        link=reverse("referrals:detail", args=[other.pk]),
        dedupe_key=f"referral-duplicate-youth:{referral.pk}:{other.pk}",
        at=at,
    )


# --- coordinator actions -----------------------------------------------------------------


def referral_start_matching(
    *, referral: Referral, by: User, at: datetime | None = None
) -> Referral:
    with _audited_action(by=by, action="referral.start_matching", referral_id=referral.pk):
        referral = _lock_for_coordinator(referral=referral, by=by)
        if referral.status != Status.SUBMITTED:
            raise Conflict(_("Alleen een ingediend verzoek kan naar matching."))
        referral = referral_transition(referral=referral, to=Status.MATCHING, by=by, at=at)
        audit_record(user=by, action="referral.start_matching", referral_id=referral.pk, at=at)
        return referral


def referral_request_info(
    *, referral: Referral, by: User, question: str, at: datetime | None = None
) -> Referral:
    """Ask the referrer a question; the referral goes back to it until it submits again."""
    question = _text(question)
    now = at or timezone.now()
    with _audited_action(by=by, action="referral.request_info", referral_id=referral.pk):
        referral = _lock_for_coordinator(referral=referral, by=by)
        if not question:
            raise ValidationFailed({"question": [_("Stel een vraag aan de verwijzer.")]})
        if len(question) > 2000:
            raise ValidationFailed({"question": [_("De vraag is langer dan 2000 tekens.")]})
        if referral.status not in (Status.SUBMITTED, Status.MATCHING):
            raise Conflict(_("Een vraag kan alleen bij een ingediend verzoek of in matching."))
        referral.info_question = question
        referral.info_requested_at = now
        referral.info_answer = ""
        referral.save(update_fields=["info_question", "info_requested_at", "info_answer"])
        # The history: the fields above hold only the current question.
        asked = InfoRequest.objects.create(
            referral=referral, asked_by=by, asked_at=now, question=question
        )
        referral = referral_transition(
            referral=referral,
            to=Status.NEEDS_INFO,
            by=by,
            note=_("vraag aan de verwijzer"),
            at=now,
        )
        audit_record(user=by, action="referral.request_info", referral_id=referral.pk, at=now)
        notify(
            recipients=[referral.referrer],
            kind="referral.needs_info",
            message=_("Verzoek %(code)s: het coördinatiepunt heeft een vraag voor u.")
            % {"code": referral.code},
            link=reverse("referrals:detail", args=[referral.pk]),
            dedupe_key=f"referral-question:{asked.pk}",
            at=now,
        )
        return referral


def referral_mark_expert_table(*, referral: Referral, by: User, note: str) -> Referral:
    """Flag the referral for an expert table (needs still unclear after the VA)."""
    note = _text(note)
    with _audited_action(by=by, action="referral.expert_table", referral_id=referral.pk):
        referral = _lock_for_coordinator(referral=referral, by=by)
        if not note:
            raise ValidationFailed({"note": [_("Licht toe waarom een experttafel nodig is.")]})
        if not referral.is_open:
            raise Conflict(_("Alleen een lopend verzoek kan naar de experttafel."))
        referral.expert_table = True
        referral.expert_table_note = note[:2000]
        referral.save(update_fields=["expert_table", "expert_table_note", "updated_at"])
        _record_event(
            referral=referral,
            by=by,
            from_status=referral.status,
            to_status=referral.status,
            note=_("aangemeld voor de experttafel"),
        )
        audit_record(user=by, action="referral.expert_table", referral_id=referral.pk)
        return referral


def referral_close(
    *,
    referral: Referral,
    by: User,
    outcome: str,
    outside_placement: Data | None = None,
    at: datetime | None = None,
) -> Referral:
    """Close a referral: withdrawn, resolved at home, or placed outside coordination.

    The coordinator may use every outcome; the referrer may only withdraw its own. Placed
    outside coordination needs `outside_placement` (placement.OutsidePlacement's fields):
    where the youth went, how, at what cost per day and why (errors under
    `outside_placement.<field>`; nothing is saved).
    """
    with _audited_action(by=by, action="referral.close", referral_id=referral.pk):
        if by.role not in (Role.COORDINATOR, Role.REFERRER):
            raise NotFound
        referral = _lock_in_scope(referral=referral, by=by)
        if outcome not in Referral.CloseOutcome.values:
            raise ValidationFailed({"outcome": [_("Kies een reden van afsluiten uit de lijst.")]})
        if by.role == Role.REFERRER and outcome != Referral.CloseOutcome.WITHDRAWN:
            raise ValidationFailed(
                {"outcome": [_("Een verwijzer kan een verzoek alleen intrekken.")]}
            )
        if referral.status == Status.CLOSED:
            raise Conflict(_("Dit verzoek is al afgesloten."))
        if referral.status not in CLOSABLE_BY_HAND:
            raise Conflict(
                _("Er loopt een voorstel of plaatsing; beëindig die eerst via de matching.")
            )
        outside_values = _outside_values(referral=referral, outcome=outcome, data=outside_placement)
        referral = referral_transition(
            referral=referral,
            to=Status.CLOSED,
            by=by,
            note=str(Referral.CloseOutcome(outcome).label),
            at=at,
        )
        referral.close_outcome = outcome
        referral.save(update_fields=["close_outcome"])
        if outside_values is not None:
            from placement.services import outside_placement_write  # placement imports us

            outside_placement_write(referral=referral, by=by, values=outside_values, at=at)
        audit_record(user=by, action="referral.close", referral_id=referral.pk, at=at)
        return referral


def _outside_values(
    *, referral: Referral, outcome: str, data: Data | None
) -> dict[str, Any] | None:
    """The checked care outside coordination for a closure placed outside (else None)."""
    if outcome != Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION:
        if data:
            raise ValidationFailed(
                {"outside_placement": [_("Alleen bij 'geplaatst buiten het coördinatiepunt om'.")]}
            )
        return None
    from placement.services import outside_placement_values  # placement imports us

    values, errors = outside_placement_values(data=data or {}, referral=referral)
    if errors:
        raise ValidationFailed(
            {f"outside_placement.{name}": messages for name, messages in errors.items()}
        )
    return values


def outside_placement_problems(*, referral: Referral, data: Data) -> dict[str, list[str]]:
    """What is wrong with care outside coordination before closing (the close page checks
    it ahead of its confirmation); nothing is written."""
    from placement.services import outside_placement_values  # placement imports us

    return outside_placement_values(data=data, referral=referral)[1]


# --- the expert table (issue 21) -----------------------------------------------------------

EXPERT_TEXT_LIMIT = 4000
# From where "back to matching" may go (the status machine's edges to matching, without an
# open offer or an accepted place that would be left hanging).
BACK_TO_MATCHING_FROM = frozenset({Status.SUBMITTED, Status.MATCHING, Status.WAITING})
# Where "need clarified" asks the referrer to update the VA (the edges to needs_info).
NEED_CLARIFIED_ASKS_FROM = frozenset({Status.SUBMITTED, Status.MATCHING})


def _expert_text(
    data: Data, name: str, errors: dict[str, list[str]], *, required: str = ""
) -> str | None:
    """A checked multi-line text of `data[name]` (None when absent)."""
    if name not in data:
        if required:
            errors[name] = [required]
        return None
    text = _text(data[name])
    problems = control_characters_errors(text, multiline=True)
    if problems:
        errors[name] = problems
    elif len(text) > EXPERT_TEXT_LIMIT:
        errors[name] = [_("Maximaal %(limit)d tekens.") % {"limit": EXPERT_TEXT_LIMIT}]
    elif required and not text:
        errors[name] = [required]
    return text


def _expert_date(value: Any, name: str, errors: dict[str, list[str]], *, message: str) -> Any:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors[name] = [message]
        return None
    if value > timezone.localdate() + timedelta(days=365):
        errors[name] = [_("De datum ligt meer dan een jaar in de toekomst.")]
    return value


def _expert_values(
    *, data: Data, table: ExpertTable | None, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """The changed fields of an expert table, checked; the outcome is checked by the caller."""
    values: dict[str, Any] = {}
    creating = table is None
    if creating or "convened_on" in data:
        values["convened_on"] = _expert_date(
            data.get("convened_on"),
            "convened_on",
            errors,
            message=_("Vul de datum van de experttafel in."),
        )
    if creating or "disciplines" in data:
        raw = data.get("disciplines") or []
        codes = [str(code) for code in raw] if isinstance(raw, list | tuple) else []
        unknown = [code for code in codes if code not in ExpertDiscipline.values]
        if unknown:
            errors["disciplines"] = [
                _("Onbekende code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            ]
        elif not codes:
            errors["disciplines"] = [_("Kies ten minste één aanwezige discipline.")]
        values["disciplines"] = list(dict.fromkeys(codes))
    for name, required in (
        ("question", _("Stel de vraag aan de experttafel.") if creating else ""),
        ("advice", ""),
        ("outcome_note", ""),
    ):
        text = _expert_text(data, name, errors, required=required)
        if name == "question" and text == "" and not creating:
            errors[name] = [_("Stel de vraag aan de experttafel.")]
        if text is not None:
            values[name] = text
    return values


def _apply_expert_outcome(
    *, referral: Referral, table: ExpertTable, by: User, now: datetime
) -> Referral:
    """What the outcome sets in motion: the VA asked for again, or back to matching."""
    if table.outcome == ExpertTableOutcome.BACK_TO_MATCHING and referral.status != Status.MATCHING:
        referral = referral_transition(
            referral=referral,
            to=Status.MATCHING,
            by=by,
            note=_("advies experttafel: terug naar matching"),
            at=now,
        )
    elif (
        table.outcome == ExpertTableOutcome.NEED_CLARIFIED
        and referral.status in NEED_CLARIFIED_ASKS_FROM
    ):
        # The VA is the referrer's: a new version follows when it answers and resubmits.
        referral = referral_request_info(
            referral=referral,
            by=by,
            question=_(
                "De experttafel van %(day)s heeft de zorgbehoefte verhelderd. Werk de "
                "verklarende analyse bij met het advies en dien het verzoek opnieuw in."
            )
            % {"day": dates.day(table.convened_on)},
            at=now,
        )
    return referral


def _check_outcome(
    *, referral: Referral, values: dict[str, Any], data: Data, errors: dict[str, list[str]]
) -> str:
    outcome = _text(data.get("outcome"))
    if outcome not in ExpertTableOutcome.values:
        errors["outcome"] = [_("Kies een uitkomst uit de lijst.")]
        return ""
    if not values.get("advice") and "advice" not in errors:
        errors["advice"] = [_("Vul het advies van de experttafel in.")]
    if outcome == ExpertTableOutcome.SPECIAL_ARRANGEMENT and not values.get("outcome_note"):
        errors.setdefault("outcome_note", []).append(_("Beschrijf het bijzondere arrangement."))
    if outcome == ExpertTableOutcome.BACK_TO_MATCHING and referral.status not in (
        BACK_TO_MATCHING_FROM
    ):
        raise Conflict(
            _("Een verzoek met status '%(status)s' kan niet terug naar matching.")
            % {"status": Status(referral.status).label}
        )
    return outcome


def _keep_expert_flag(*, referral: Referral) -> None:
    """`Referral.expert_table` (read by the board and the lists): an expert table is open."""
    open_table = ExpertTable.objects.filter(referral=referral, outcome="").exists()
    if referral.expert_table != open_table:
        Referral.objects.filter(pk=referral.pk).update(expert_table=open_table)
        referral.expert_table = open_table


def _decide(
    *,
    referral: Referral,
    table: ExpertTable,
    values: dict[str, Any],
    data: Data,
    errors: dict[str, list[str]],
) -> str:
    """The outcome in `data` checked (errors added); "" when none is given."""
    if not _text(data.get("outcome")):
        if data.get("decided_on"):
            errors["outcome"] = [_("Kies een uitkomst bij de datum van het besluit.")]
        return ""
    if table.outcome:
        raise Conflict(_("Over deze experttafel is al besloten; de uitkomst ligt vast."))
    merged = {**{n: getattr(table, n) for n in ("advice", "outcome_note")}, **values}
    outcome = _check_outcome(referral=referral, values=merged, data=data, errors=errors)
    decided = _expert_date(
        data.get("decided_on") or timezone.localdate(),
        "decided_on",
        errors,
        message=_("Vul de datum van het besluit in."),
    )
    convened = values.get("convened_on") or table.convened_on
    if decided and convened and decided < convened:
        errors["decided_on"] = [_("Het besluit ligt vóór de datum van de experttafel.")]
    values["decided_on"] = decided
    return outcome


def expert_table_convene(
    *, referral: Referral, by: User, data: Data, at: datetime | None = None
) -> ExpertTable:
    """The coordinator convenes an expert table for an open referral (date, disciplines,
    question); the advice and the outcome may be recorded at once or later."""
    now = at or timezone.now()
    with _audited_action(by=by, action="referral.expert_table_convene", referral_id=referral.pk):
        referral = _lock_for_coordinator(referral=referral, by=by)
        if not referral.is_open:
            raise Conflict(_("Alleen voor een lopend verzoek kan een experttafel worden belegd."))
        errors: dict[str, list[str]] = {}
        values = _expert_values(data=data, table=None, errors=errors)
        table = ExpertTable(referral=referral, convened_by=by, created_at=now, updated_at=now)
        outcome = _decide(referral=referral, table=table, values=values, data=data, errors=errors)
        if errors:
            raise ValidationFailed(errors)
        for name, value in values.items():
            setattr(table, name, value)
        table.outcome = outcome
        table.save()
        _record_event(
            referral=referral,
            by=by,
            from_status=referral.status,
            to_status=referral.status,
            note=_("experttafel belegd"),
            at=now,
        )
        _expert_table_saved(
            referral=referral,
            table=table,
            by=by,
            now=now,
            action="referral.expert_table_convene",
            outcome=outcome,
        )
        return table


def _expert_table_saved(
    *, referral: Referral, table: ExpertTable, by: User, now: datetime, action: str, outcome: str
) -> None:
    """After an expert table is written: audited, the decision taken in this write (`outcome`,
    "" when none) acted on, the referral's expert-table flag kept."""
    audit_record(
        user=by,
        action=action,
        referral_id=referral.pk,
        object_type="expert_table",
        object_id=table.pk,
        at=now,
    )
    if outcome:
        referral = _after_decision(referral=referral, table=table, by=by, now=now)
    _keep_expert_flag(referral=referral)


def _after_decision(*, referral: Referral, table: ExpertTable, by: User, now: datetime) -> Referral:
    _record_event(
        referral=referral,
        by=by,
        from_status=referral.status,
        to_status=referral.status,
        note=_("uitkomst experttafel: %(outcome)s")
        % {"outcome": ExpertTableOutcome(table.outcome).label},
        at=now,
    )
    return _apply_expert_outcome(referral=referral, table=table, by=by, now=now)


def expert_table_update(
    *, table: ExpertTable, by: User, data: Data, at: datetime | None = None
) -> ExpertTable:
    """The coordinator records the advice and the outcome, or corrects the texts; an outcome
    once decided stays (it has set the referral in motion)."""
    now = at or timezone.now()
    with _audited_action(
        by=by, action="referral.expert_table_update", referral_id=table.referral_id
    ):
        referral = _lock_for_coordinator(referral=table.referral, by=by)
        table = ExpertTable.objects.select_for_update().get(pk=table.pk)
        errors: dict[str, list[str]] = {}
        values = _expert_values(data=data, table=table, errors=errors)
        outcome = _decide(referral=referral, table=table, values=values, data=data, errors=errors)
        if outcome and not referral.is_open:
            raise Conflict(_("Dit verzoek is afgesloten; er valt niets meer te besluiten."))
        convened = values.get("convened_on")
        if convened and table.decided_on and convened > table.decided_on:
            errors["convened_on"] = [_("De experttafel ligt na de datum van het besluit.")]
        if errors:
            raise ValidationFailed(errors)
        for name, value in values.items():
            setattr(table, name, value)
        if outcome:
            table.outcome = outcome
        table.updated_at = now
        table.save()
        _expert_table_saved(
            referral=referral,
            table=table,
            by=by,
            now=now,
            action="referral.expert_table_update",
            outcome=outcome,
        )
        return table


# Reopened to the state it came from: only a referral closed by hand from one of these.
# A draft is the referrer's own (outside the coordinator's scope); a referral closed by the
# end of its placement continues as a re-placement, not by reopening.
REOPENABLE_FROM = CLOSABLE_BY_HAND - {Status.DRAFT}


def referral_reopen(
    *, referral: Referral, by: User, reason: str, at: datetime | None = None
) -> Referral:
    """The coordinator reopens a referral closed by hand: back to the status it came from."""
    reason = _text(reason)
    now = at or timezone.now()
    with _audited_action(by=by, action="referral.reopen", referral_id=referral.pk):
        referral = _lock_for_coordinator(referral=referral, by=by)
        youth = YouthIdentity.objects.select_for_update().get(pk=referral.youth_id)
        _check_reopen_reason(reason=reason, youth=youth)
        previous = _reopenable_status(referral=referral, youth=youth)
        _claim_open_bsn(youth=youth, by=by)
        referral.status = previous
        referral.status_changed_at = now
        referral.closed_at = None
        referral.close_outcome = ""
        referral.save(
            update_fields=[
                "status",
                "status_changed_at",
                "closed_at",
                "close_outcome",
                "updated_at",
            ]
        )
        # The closure is undone, and with it where the youth went outside coordination: the
        # unmet-need report counts closed referrals only (a new closure records it again).
        OutsidePlacement.objects.filter(referral=referral).delete()
        _record_event(
            referral=referral,
            by=by,
            from_status=Status.CLOSED,
            to_status=previous,
            note=_("heropend: %(reason)s") % {"reason": reason},
            at=now,
        )
        audit_record(user=by, action="referral.reopen", referral_id=referral.pk, at=now)
        notify(
            recipients=[referral.referrer],
            kind="referral.reopened",
            message=_("Verzoek %(code)s is heropend door het coördinatiepunt.")
            % {"code": referral.code},
            link=reverse("referrals:detail", args=[referral.pk]),
            dedupe_key=f"referral-reopened:{referral.pk}:{now:%Y%m%d%H%M%S%f}",
            at=now,
        )
        return referral


def _check_reopen_reason(*, reason: str, youth: YouthIdentity) -> None:
    if not reason:
        raise ValidationFailed({"reason": [_("Geef een reden om het verzoek te heropenen.")]})
    if len(reason) > 250:
        raise ValidationFailed({"reason": [_("De reden is langer dan 250 tekens.")]})
    # The reason lands in the timeline: no name, BSN, birth date or postcode in it.
    found = find_identifiers(texts={"reason": reason}, youth=identifying_facts(youth=youth))
    if found:
        raise ValidationFailed(found)


def _reopenable_status(*, referral: Referral, youth: YouthIdentity) -> str:
    """The status the closed referral came from, or Conflict when it cannot be reopened."""
    if referral.status != Status.CLOSED:
        raise Conflict(_("Alleen een afgesloten verzoek kan worden heropend."))
    if not referral.close_outcome:
        raise Conflict(
            _(
                "Dit verzoek is afgesloten na het einde van een plaatsing; "
                "maak een doorplaatsing in plaats van het te heropenen."
            )
        )
    if not youth.bsn:
        raise Conflict(
            _("De gegevens van de jongere zijn gewist (bewaartermijn); heropenen kan niet meer.")
        )
    closing = (
        ReferralEvent.objects.filter(referral=referral, to_status=Status.CLOSED)
        .order_by("-at", "-id")
        .first()
    )
    if closing is None or closing.from_status not in REOPENABLE_FROM:
        raise Conflict(_("Dit verzoek kan niet worden heropend."))
    return closing.from_status


def _claim_open_bsn(*, youth: YouthIdentity, by: User) -> None:
    """Take the one-open-referral claim back, or Conflict while another referral holds it."""
    other = (
        YouthIdentity.objects.filter(open_bsn=youth.bsn)
        .exclude(pk=youth.pk)
        .select_related("referral")
        .first()
    )
    if other is not None:
        raise Conflict(_one_open_message(other=other.referral, by=by))
    youth.open_bsn = youth.bsn
    try:
        with transaction.atomic():  # a concurrent submit for the same BSN may win the race
            youth.save(update_fields=["open_bsn"])
    except IntegrityError:
        raise Conflict(_one_open_message(other=None, by=by)) from None


# --- for placement -----------------------------------------------------------------------


@transaction.atomic
def referral_close_after_placement(
    *, referral: Referral, by: User | None, at: datetime | None = None
) -> Referral:
    """The placement has ended: the referral is done (placement's services call this)."""
    return referral_transition(
        referral=referral, to=Status.CLOSED, by=by, note=_("plaatsing beëindigd"), at=at
    )


@transaction.atomic
def referral_create_replacement(
    *, previous: Referral, by: User | None, at: datetime | None = None
) -> Referral:
    """A re-placement: a new draft for the same youth, copied from the previous referral.

    The referrer reviews and submits it; the youth identity is copied (one row per referral).
    """
    now = at or timezone.now()
    previous = Referral.objects.select_related("youth", "current_analysis").get(pk=previous.pk)
    old_youth = previous.youth
    youth = YouthIdentity.objects.create(
        given_name=old_youth.given_name,
        family_name=old_youth.family_name,
        bsn=old_youth.bsn,
        birth_date=old_youth.birth_date,
        gender=old_youth.gender,
        postcode=old_youth.postcode,
        municipality_id=old_youth.municipality_id,
        guardians=list(old_youth.guardians or []),
    )
    copied = {
        name: getattr(previous, name)
        for name in (
            "legal_status",
            "current_situation",
            "school_name",
            "school_level",
            "school_attending",
            *REFERRAL_TEXT,
        )
        if name != "info_answer"
    }
    referral = Referral.objects.create(
        code=_next_code(timezone.localdate(now)),
        youth=youth,
        referrer=previous.referrer,
        organisation_id=previous.organisation_id,
        previous_placements=previous.previous_placements + 1,
        region_id=previous.region_id,  # the same youth, copied with the same home
        request_kind=RequestKind.TRANSFER,
        previous_situation=PreviousSituation.RESIDENTIAL,
        responsible_municipality_id=previous.responsible_municipality_id,
        created_at=now,
        status_changed_at=now,
        **copied,
    )
    analysis = previous.current_analysis
    if analysis is not None:
        referral.current_analysis = ExplanatoryAnalysis.objects.create(
            referral=referral,
            version=1,
            created_at=now,
            **{name: getattr(analysis, name) for name in ANALYSIS_FIELDS},
        )
        referral.save(update_fields=["current_analysis"])
    _record_event(
        referral=referral,
        by=by,
        from_status="",
        to_status=Status.DRAFT,
        note=_("doorplaatsing na %(code)s") % {"code": previous.code},
        at=now,
    )
    audit_record(
        user=by,
        action="referral.create_replacement",
        referral_id=referral.pk,
        object_type="youth_identity",
        object_id=youth.pk,
        at=now,
    )
    return referral
