"""Writes of placement: offers and their answers. One function per user action."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.selectors import coordinators_of_region
from accounts.services import audit_record, notify
from capacity.models import Location
from capacity.services import (
    location_free_occupied,
    location_hold_place,
    location_occupy_held,
    location_release_hold,
)
from config import dates
from config.codes import (
    OUTSIDE_COST_REQUIRED,
    OutsideArrangement,
    OutsideReason,
    RefusalReason,
)
from config.errors import Conflict, NotFound, ValidationFailed
from config.validators import control_characters_errors
from placement.deadlines import offer_deadline, offer_working_days
from placement.models import Offer, OutsidePlacement, Placement, PlacementRisk, VacancyForecast
from placement.selectors import candidates_for_referral, offers_for_user
from referrals.identifiers import find_identifiers
from referrals.models import Referral, YouthIdentity
from referrals.selectors import referrals_for_user
from referrals.services import (
    identifying_facts,
    referral_close_after_placement,
    referral_create_replacement,
    referral_transition,
)

EXPLANATION_REQUIRED = frozenset(
    {RefusalReason.OTHER, RefusalReason.CONTRA_INDICATION, RefusalReason.INSUFFICIENT_EXPERTISE}
)
PROVIDER_REASONS = [reason for reason in RefusalReason if reason != RefusalReason.NO_RESPONSE]
# The reasons for which a provider may name what in the VA made it refuse (issue 23): the
# needed expertise or the risk flags, not a lack of places, staff, distance or age.
CONCERN_REASONS = frozenset(
    {
        RefusalReason.CONTRA_INDICATION,
        RefusalReason.GROUP_COMPOSITION,
        RefusalReason.INSUFFICIENT_EXPERTISE,
        RefusalReason.SAFETY_RISK,
    }
)


def refusal_concern_choices(referral: Referral) -> list[str]:
    """The codes a refusal of `referral` may name as its concern: the needed expertise and
    the risk flags of its current VA, in that order."""
    analysis = referral.current_analysis
    if analysis is None:
        return []
    codes = [*(analysis.needed_expertise or []), *(analysis.risk_flags or [])]
    return list(dict.fromkeys(code for code in codes if isinstance(code, str)))


def _concern_errors(*, reason: str, concerns: list[str], allowed: list[str]) -> list[str]:
    if not concerns:
        return []
    if reason not in CONCERN_REASONS:
        return [
            _(
                "Een aanleiding kunt u alleen noemen bij contra-indicatie, "
                "groepssamenstelling, onvoldoende expertise of veiligheidsrisico."
            )
        ]
    unknown = [code for code in concerns if code not in allowed]
    if unknown:
        return [_("Kies alleen expertise of risico's uit de verklarende analyse van dit verzoek.")]
    return []


def _coordinators_of(referral: Referral) -> list[User]:
    return list(coordinators_of_region(region_id=referral.region_id))


def _provider_staff(provider_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.PROVIDER, is_active=True, organisation=provider_id))


def _audit_offer(*, by: User, action: str, offer: Offer, at: datetime | None = None) -> None:
    audit_record(
        user=by,
        action=action,
        referral_id=offer.referral_id,
        object_type="offer",
        object_id=offer.pk,
        at=at,
    )


def _ensure_coordinator_scope(*, referral: Referral, by: User) -> Referral:
    if by.role != Role.COORDINATOR:
        raise NotFound
    locked = referrals_for_user(user=by).select_for_update().filter(pk=referral.pk).first()
    if locked is None:
        raise NotFound
    return locked


def _ensure_provider_scope(*, offer: Offer, by: User) -> Offer:
    if by.role != Role.PROVIDER:
        raise NotFound
    locked = offers_for_user(user=by).select_for_update(of=("self",)).filter(pk=offer.pk).first()
    if locked is None:
        raise NotFound
    return locked


@transaction.atomic
def offer_send(
    *,
    referral: Referral,
    location: Location,
    by: User,
    choice_reason: str = "",
    at: datetime | None = None,
) -> Offer:
    """Put the anonymised referral before one location's provider.

    At most one open offer per referral: checked here for a clear message, and enforced by
    the partial unique index `offer_one_open_per_referral` for concurrent requests. `at`
    (default now), here and in the actions below, is the moment of the action: the demo
    history passes past moments, in time order.
    """
    referral = _ensure_coordinator_scope(referral=referral, by=by)
    if Offer.objects.filter(referral=referral, status=Offer.Status.OPEN).exists():
        raise Conflict(_("Er staat al een voorstel open voor dit verzoek."))
    if referral.status not in (Referral.Status.MATCHING, Referral.Status.WAITING):
        raise Conflict(
            _("Een voorstel kan alleen worden verstuurd als het verzoek in matching is.")
        )
    candidates = candidates_for_referral(referral=referral, include_excluded=True)
    chosen = next((c for c in candidates.candidates if c.location.pk == location.pk), None)
    if chosen is None:
        refused = next((c for c in candidates.excluded if c.location.pk == location.pk), None)
        reasons = refused.assessment.excluded_because if refused else [_("Onbekende locatie.")]
        raise ValidationFailed(
            {"location": [_("Deze locatie past niet bij het verzoek."), *reasons]}
        )
    proposal = candidates.proposal
    was_proposal = proposal is not None and proposal.location.pk == location.pk
    choice_reason = choice_reason.strip()
    if not was_proposal and not choice_reason:
        raise ValidationFailed(
            {
                "reason": [
                    _("Geef een korte reden waarom u een andere locatie kiest dan het voorstel.")
                ]
            }
        )
    now = at or timezone.now()
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                referral=referral,
                location=location,
                provider_id=location.provider_id,
                care_form=location.care_form,
                sent_by=by,
                sent_at=now,
                deadline=offer_deadline(now, offer_working_days(referral.urgency)),
                was_proposal=was_proposal,
                score=chosen.score,
                choice_reason=choice_reason,
            )
    except IntegrityError as exc:  # a concurrent request opened one first
        raise Conflict(_("Er staat al een voorstel open voor dit verzoek.")) from exc
    if referral.status != Referral.Status.OFFERED:
        referral_transition(referral=referral, to=Referral.Status.OFFERED, by=by, at=now)
    _audit_offer(by=by, action="offer.send", offer=offer, at=now)
    notify(
        recipients=_provider_staff(location.provider_id),
        kind="offer.new",
        message=_("Nieuw plaatsingsvoorstel voor %(location)s, reageer vóór %(deadline)s.")
        % {
            "location": location.name,
            "deadline": dates.day(offer.deadline),
        },
        link=reverse("placement:offer-detail", args=[offer.pk]),
        dedupe_key=f"offer-new:{offer.pk}",
        at=now,
    )
    return offer


@transaction.atomic
def offer_accept(*, offer: Offer, by: User, at: datetime | None = None) -> Offer:
    """Accept an open offer and hold one free place of its location, in one transaction."""
    now = at or timezone.now()
    offer = _ensure_provider_scope(offer=offer, by=by)
    if offer.status != Offer.Status.OPEN:
        raise Conflict(_("Dit voorstel is niet meer open."))
    location_hold_place(location=offer.location, by=by, at=now)  # raises NoFreePlace (409)
    offer.status = Offer.Status.ACCEPTED
    offer.answered_at = now
    offer.answered_by = by
    offer.save(update_fields=["status", "answered_at", "answered_by"])
    referral = Referral.objects.select_for_update().get(pk=offer.referral_id)
    referral_transition(referral=referral, to=Referral.Status.ACCEPTED, by=by, at=now)
    _audit_offer(by=by, action="offer.accept", offer=offer, at=now)
    notify(
        recipients=[*_coordinators_of(referral), referral.referrer],
        kind="offer.accepted",
        message=_("Verzoek %(code)s: het voorstel is geaccepteerd door %(location)s.")
        % {"code": referral.code, "location": offer.location.name},
        link=reverse("placement:referral-matching", args=[referral.pk]),
        dedupe_key=f"offer-answered:{offer.pk}",
        at=now,
    )
    return offer


@transaction.atomic
def offer_refuse(
    *,
    offer: Offer,
    by: User,
    reason: str,
    explanation: str = "",
    concerns: list[str] | None = None,
    at: datetime | None = None,
) -> Offer:
    """Refuse with a coded reason; the provider drops out of this referral's candidates.
    `concerns`: the codes of the VA's needed expertise or risk flags that made it refuse
    (only with a reason of CONCERN_REASONS)."""
    errors: dict[str, list[str]] = {}
    concerns = list(dict.fromkeys(concerns or []))
    explanation = explanation.strip()
    if reason not in {r.value for r in PROVIDER_REASONS}:
        errors["reason"] = [_("Kies een reden uit de lijst.")]
    elif reason in EXPLANATION_REQUIRED and not explanation:
        errors["explanation"] = [_("Een toelichting is verplicht bij deze reden.")]
    if len(explanation) > 2000:
        errors["explanation"] = [_("De toelichting is te lang (maximaal 2000 tekens).")]
    offer = _ensure_provider_scope(offer=offer, by=by)
    concern_errors = _concern_errors(
        reason=reason, concerns=concerns, allowed=refusal_concern_choices(offer.referral)
    )
    if concern_errors:
        errors["refusal_concerns"] = concern_errors
    if errors:
        raise ValidationFailed(errors)
    if offer.status != Offer.Status.OPEN:
        raise Conflict(_("Dit voorstel is niet meer open."))
    _close_offer(
        offer=offer,
        status=Offer.Status.REFUSED,
        by=by,
        reason=reason,
        explanation=explanation,
        concerns=concerns,
        at=at,
    )
    _audit_offer(by=by, action="offer.refuse", offer=offer, at=at)
    referral = offer.referral
    notify(
        recipients=_coordinators_of(referral),
        kind="offer.refused",
        message=_("Verzoek %(code)s: het voorstel is geweigerd door %(location)s (%(reason)s).")
        % {
            "code": referral.code,
            "location": offer.location.name,
            "reason": RefusalReason(reason).label,
        },
        link=reverse("placement:referral-matching", args=[referral.pk]),
        dedupe_key=f"offer-answered:{offer.pk}",
        at=at,
    )
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, by: User, reason: str) -> Offer:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Geef een reden om het voorstel in te trekken.")]})
    _ensure_coordinator_scope(referral=offer.referral, by=by)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.Status.OPEN:
        raise Conflict(_("Dit voorstel is niet meer open."))
    offer.withdraw_reason = reason[:500]
    _close_offer(offer=offer, status=Offer.Status.WITHDRAWN, by=by)
    _audit_offer(by=by, action="offer.withdraw", offer=offer)
    notify(
        recipients=_provider_staff(offer.provider_id),
        kind="offer.withdrawn",
        message=_("Een voorstel voor %(location)s is ingetrokken door de coördinator.")
        % {"location": offer.location.name},
        link=reverse("placement:offer-detail", args=[offer.pk]),
        dedupe_key=f"offer-withdrawn:{offer.pk}",
    )
    return offer


def _close_offer(
    *,
    offer: Offer,
    status: str,
    by: User | None,
    reason: str = "",
    explanation: str = "",
    concerns: list[str] | None = None,
    at: datetime | None = None,
) -> None:
    """End an open offer and put its referral back in matching."""
    offer.status = status
    offer.answered_at = at or timezone.now()
    offer.answered_by = by
    offer.refusal_reason = reason
    offer.refusal_explanation = explanation
    offer.refusal_concerns = concerns or []
    offer.save(
        update_fields=[
            "status",
            "answered_at",
            "answered_by",
            "refusal_reason",
            "refusal_explanation",
            "refusal_concerns",
            "withdraw_reason",
        ]
    )
    referral = Referral.objects.select_for_update().get(pk=offer.referral_id)
    if referral.status == Referral.Status.OFFERED:
        referral_transition(
            referral=referral, to=Referral.Status.MATCHING, by=by, at=offer.answered_at
        )


def offers_expire_overdue(*, now: datetime | None = None) -> int:
    """Expire every open offer past its deadline (= refusal `no_response`); idempotent."""
    moment = timezone.now() if now is None else now
    expired = 0
    overdue_ids = list(
        Offer.objects.filter(status=Offer.Status.OPEN, deadline__lt=moment).values_list(
            "pk", flat=True
        )
    )
    for offer_id in overdue_ids:
        with transaction.atomic():
            offer = (
                Offer.objects.select_for_update(skip_locked=True)
                .filter(pk=offer_id, status=Offer.Status.OPEN)
                .select_related("location", "referral")
                .first()
            )
            if offer is None:
                continue
            _close_offer(
                offer=offer,
                status=Offer.Status.EXPIRED,
                by=None,
                reason=RefusalReason.NO_RESPONSE,
                at=moment,
            )
            referral = offer.referral
            notify(
                recipients=_coordinators_of(referral),
                kind="offer.expired",
                message=_(
                    "Verzoek %(code)s: %(location)s reageerde niet voor de termijn; "
                    "het voorstel is verlopen."
                )
                % {"code": referral.code, "location": offer.location.name},
                link=reverse("placement:referral-matching", args=[referral.pk]),
                dedupe_key=f"offer-expired:{offer.pk}",
                at=moment,
            )
            expired += 1
    return expired


def offers_send_reminders(*, now: datetime | None = None) -> int:
    """One reminder to the provider, one working day before the deadline; idempotent."""
    from placement.deadlines import reminder_moment

    moment = timezone.now() if now is None else now
    reminded = 0
    for offer in Offer.objects.filter(
        status=Offer.Status.OPEN, reminder_sent_at__isnull=True
    ).select_related("location"):
        if reminder_moment(offer.deadline) > moment:
            continue
        with transaction.atomic():
            updated = Offer.objects.filter(pk=offer.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=moment
            )
            if not updated:
                continue
            notify(
                recipients=_provider_staff(offer.provider_id),
                kind="offer.reminder",
                message=_("Herinnering: het voorstel voor %(location)s verloopt op %(deadline)s.")
                % {
                    "location": offer.location.name,
                    "deadline": dates.day(offer.deadline),
                },
                link=reverse("placement:offer-detail", args=[offer.pk]),
                dedupe_key=f"offer-reminder:{offer.pk}",
                at=moment,
            )
            reminded += 1
    return reminded


# --- Placements (issue 6) -------------------------------------------------------------


def _ensure_can_manage_offer(*, offer: Offer, by: User) -> Offer:
    """Coordinator of the referral's region, or staff of the offer's provider."""
    if by.role == Role.PROVIDER:
        return _ensure_provider_scope(offer=offer, by=by)
    if by.role == Role.COORDINATOR:
        locked = offers_for_user(user=by).select_for_update(of=("self",)).filter(pk=offer.pk)
        found = locked.first()
        if found is None:
            raise NotFound
        return found
    raise NotFound


def placement_start_bounds(*, offer: Offer, at: datetime | None = None) -> tuple[date, date]:
    """The first and last start date a placement of `offer` may be recorded with.

    Not before the offer was sent (a day's slack), nor more than
    PLACEMENT_START_MAX_DAYS_BEFORE_ACCEPTANCE days before its acceptance (recorded late);
    at most PLACEMENT_START_MAX_DAYS_AHEAD days from today: a start far ahead would hold
    the place for good.
    """
    today = timezone.localdate(at or timezone.now())
    accepted = timezone.localdate(offer.answered_at or offer.sent_at)
    first = max(
        timezone.localdate(offer.sent_at) - timedelta(days=1),
        accepted - timedelta(days=settings.PLACEMENT_START_MAX_DAYS_BEFORE_ACCEPTANCE),
    )
    return first, today + timedelta(days=settings.PLACEMENT_START_MAX_DAYS_AHEAD)


@transaction.atomic
def placement_record(
    *,
    offer: Offer,
    by: User,
    start_date: date,
    school_name: str = "",
    school_handover: str = "",
    school_transport: str = "",
    transport_funding: str = "",
    intake_contact: str = "",
    at: datetime | None = None,
) -> Placement:
    """Turn an accepted offer into a placement; from its start date the held place is occupied."""
    now = at or timezone.now()
    offer = _ensure_can_manage_offer(offer=offer, by=by)
    errors: dict[str, list[str]] = {}
    if transport_funding and transport_funding not in Placement.TransportFunding.values:
        errors["school_transport.funding"] = [_("Kies wie het vervoer betaalt uit de lijst.")]
    first, last = placement_start_bounds(offer=offer, at=now)
    if not first <= start_date <= last:
        errors["start_date"] = [
            _("Kies een startdatum van %(first)s tot en met %(last)s.")
            % {"first": dates.day(first), "last": dates.day(last)}
        ]
    if errors:
        raise ValidationFailed(errors)
    if offer.status != Offer.Status.ACCEPTED:
        raise Conflict(_("Alleen een geaccepteerd voorstel kan een plaatsing worden."))
    if Placement.objects.filter(offer=offer).exists():
        raise Conflict(_("Voor dit voorstel is de plaatsing al vastgelegd."))
    referral = Referral.objects.select_for_update().get(pk=offer.referral_id)
    # The perspective plan gives a horizon: the planned end defaults to start + horizon.
    planned_end = (
        add_months(start_date, referral.perspective_horizon_months)
        if referral.perspective_horizon_months
        else None
    )
    placement = Placement.objects.create(
        referral=referral,
        offer=offer,
        location=offer.location,
        provider_id=offer.provider_id,
        start_date=start_date,
        planned_end=planned_end,
        school_name=school_name.strip(),
        school_handover=school_handover.strip(),
        school_transport=school_transport.strip(),
        transport_funding=transport_funding,
        intake_contact=intake_contact.strip(),
        created_by=by,
        created_at=now,
    )
    if planned_end is not None:
        VacancyForecast.objects.create(
            placement=placement,
            location_id=placement.location_id,
            expected_on=planned_end,
            made_at=now,
        )
    referral_transition(referral=referral, to=Referral.Status.PLACED, by=by, at=now)
    if start_date <= timezone.localdate(now):
        _start(placement=placement, by=by, at=now)
    audit_record(
        user=by,
        action="placement.record",
        referral_id=referral.pk,
        object_type="placement",
        object_id=placement.pk,
        at=now,
    )
    notify(
        recipients=[*_coordinators_of(referral), referral.referrer],
        kind="placement.recorded",
        message=_("Verzoek %(code)s: plaatsing bij %(location)s per %(date)s.")
        % {
            "code": referral.code,
            "location": offer.location.name,
            "date": dates.day(start_date),
        },
        link=reverse("placement:placement-detail", args=[placement.pk]),
        dedupe_key=f"placement-recorded:{placement.pk}",
        at=now,
    )
    return placement


def _start(*, placement: Placement, by: User | None, at: datetime) -> None:
    location_occupy_held(location=placement.location, by=by, at=at)
    placement.status = Placement.Status.ACTIVE
    placement.started_at = at
    placement.save(update_fields=["status", "started_at"])


def placements_start_due(*, today: date | None = None, at: datetime | None = None) -> int:
    """Daily job: planned placements whose start date has come occupy their held place.

    `at` is the moment the job runs (default now), `today` its day (default the day of `at`).
    """
    moment = at or timezone.now()
    day = today or timezone.localdate(moment)
    started = 0
    for placement_id in Placement.objects.filter(
        status=Placement.Status.PLANNED, start_date__lte=day
    ).values_list("pk", flat=True):
        with transaction.atomic():
            placement = (
                Placement.objects.select_for_update(skip_locked=True)
                .filter(pk=placement_id, status=Placement.Status.PLANNED)
                .select_related("location")
                .first()
            )
            if placement is None:
                continue
            _start(placement=placement, by=None, at=moment)
            started += 1
    return started


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    by: User,
    end_date: date,
    reason: str,
    outflow: str = "",
    note: str = "",
    ready_to_leave_since: date | None = None,
    at: datetime | None = None,
) -> Placement:
    """End a placement and free its place; a re-placement opens a new, linked referral.

    The destination (`outflow`) is required for an outflow (planned, or at 18); back home
    means home. An open risk closes with it: prevented no longer, or re-placed."""
    now = at or timezone.now()
    if reason == Placement.EndReason.RETURNED_HOME and not outflow:
        outflow = Placement.Outflow.HOME
    errors = _end_errors(
        placement=placement,
        end_date=end_date,
        reason=reason,
        outflow=outflow,
        note=note,
        ready_to_leave_since=ready_to_leave_since,
        today=timezone.localdate(now),
    )
    offer = _ensure_can_manage_offer(offer=placement.offer, by=by)
    if errors:
        raise ValidationFailed(errors)
    placement = (
        Placement.objects.select_for_update()
        .select_related("location")
        .get(pk=placement.pk, offer=offer)
    )
    if placement.status == Placement.Status.ENDED:
        raise Conflict(_("Deze plaatsing is al beëindigd."))
    if placement.status == Placement.Status.CANCELLED:
        raise Conflict(_("Deze plaatsing is geannuleerd."))
    if placement.status == Placement.Status.ACTIVE:
        location_free_occupied(location=placement.location, by=by, at=now)
    else:  # planned: the place was only held
        location_release_hold(location=placement.location, by=by, at=now)
    referral = Referral.objects.select_for_update().get(pk=placement.referral_id)
    placement.status = Placement.Status.ENDED
    placement.end_date = end_date
    placement.end_reason = reason
    placement.outflow = outflow
    placement.ready_to_leave_since = ready_to_leave_since
    placement.end_note = note.strip()
    placement.ended_by = by
    if reason == Placement.EndReason.REPLACEMENT:
        placement.next_referral = referral_create_replacement(previous=referral, by=by, at=now)
    placement.save(
        update_fields=[
            "status",
            "end_date",
            "end_reason",
            "outflow",
            "ready_to_leave_since",
            "end_note",
            "ended_by",
            "next_referral",
        ]
    )
    if reason == Placement.EndReason.REPLACEMENT:
        PlacementRisk.objects.filter(placement=placement, closed_at__isnull=True).update(
            outcome=PlacementRisk.Outcome.REPLACEMENT, closed_at=now, closed_by=by
        )
    referral_close_after_placement(referral=referral, by=by, at=now)
    audit_record(
        user=by,
        action="placement.end",
        referral_id=referral.pk,
        object_type="placement",
        object_id=placement.pk,
        at=now,
    )
    if placement.next_referral is not None:
        message = _(
            "Verzoek %(code)s: de plaatsing is beëindigd met doorplaatsing; "
            "nieuw verzoek %(new)s staat klaar."
        ) % {"code": referral.code, "new": placement.next_referral.code}
        # The new referral is a draft: the referrer completes it (its own page); the
        # coordinators, who do not see drafts, are sent to the ended placement.
        notify(
            recipients=[referral.referrer],
            kind="placement.replacement",
            message=message,
            link=reverse("referrals:detail", args=[placement.next_referral.pk]),
            dedupe_key=f"placement-replacement:{placement.pk}",
            at=now,
        )
        notify(
            recipients=_coordinators_of(referral),
            kind="placement.replacement",
            message=message,
            link=reverse("placement:placement-detail", args=[placement.pk]),
            dedupe_key=f"placement-replacement:{placement.pk}",
            at=now,
        )
    return placement


# End reasons that are an outflow: the destination must be given.
OUTFLOW_REASONS = frozenset({Placement.EndReason.PLANNED_OUTFLOW, Placement.EndReason.TURNED_18})


def _end_errors(
    *,
    placement: Placement,
    end_date: date,
    reason: str,
    outflow: str,
    note: str,
    ready_to_leave_since: date | None,
    today: date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reason not in Placement.EndReason.values:
        errors["reason"] = [_("Kies een reden uit de lijst.")]
    if outflow and outflow not in Placement.Outflow.values:
        errors["outflow"] = [_("Kies een uitstroombestemming uit de lijst.")]
    elif reason in OUTFLOW_REASONS and not outflow:
        errors["outflow"] = [_("Geef aan waarheen de jongere uitstroomt.")]
    if reason == Placement.EndReason.OTHER and not note.strip():
        errors["note"] = [_("Een toelichting is verplicht bij de reden 'anders'.")]
    if end_date < placement.start_date:
        errors["end_date"] = [_("De einddatum ligt vóór de startdatum.")]
    if end_date > today:
        errors["end_date"] = [_("De einddatum kan niet in de toekomst liggen.")]
    if ready_to_leave_since is not None and not (
        placement.start_date <= ready_to_leave_since <= end_date
    ):
        errors["ready_to_leave_since"] = [
            _("Klaar voor uitstroom sinds ligt tussen de startdatum en de einddatum.")
        ]
    return errors


# --- Cases that fall through (issue 18) ----------------------------------------------------


def _cancel_reason_errors(reason: str, message: str) -> dict[str, list[str]]:
    if not reason:
        return {"reason": [message]}
    if len(reason) > 500:
        return {"reason": [_("De reden is te lang (maximaal 500 tekens).")]}
    return {}


def _mark_offer_cancelled(*, offer: Offer, reason: str, at: datetime) -> None:
    offer.status = Offer.Status.CANCELLED
    offer.cancelled_at = at
    offer.cancel_reason = reason
    offer.save(update_fields=["status", "cancelled_at", "cancel_reason"])


def _notify_fallen_through(*, referral: Referral, offer: Offer, kind: str, message: str) -> None:
    """The coordinators (the referral is theirs to match again) and the provider's staff
    (every colleague should know the place is free again), each with a page they may open."""
    notify(
        recipients=_coordinators_of(referral),
        kind=kind,
        message=message,
        link=reverse("placement:referral-matching", args=[referral.pk]),
        dedupe_key=f"{kind}:{offer.pk}",
    )
    notify(
        recipients=_provider_staff(offer.provider_id),
        kind=kind,
        message=message,
        link=reverse("placement:offer-detail", args=[offer.pk]),
        dedupe_key=f"{kind}:{offer.pk}",
    )


@transaction.atomic
def offer_cancel_acceptance(
    *, offer: Offer, by: User, reason: str, at: datetime | None = None
) -> Offer:
    """An accepted offer falls through before a placement is recorded: the held place is
    released and the referral goes back to matching."""
    now = at or timezone.now()
    reason = reason.strip()
    errors = _cancel_reason_errors(reason, _("Geef een reden om de acceptatie te annuleren."))
    offer = _ensure_can_manage_offer(offer=offer, by=by)
    if errors:
        raise ValidationFailed(errors)
    if Placement.objects.filter(offer=offer).exists():
        raise Conflict(
            _(
                "Voor dit voorstel is de plaatsing al vastgelegd; annuleer of beëindig de "
                "plaatsing in plaats daarvan."
            )
        )
    if offer.status != Offer.Status.ACCEPTED:
        raise Conflict(_("Alleen een geaccepteerd voorstel kan worden geannuleerd."))
    referral = _fall_through(offer=offer, location=offer.location, by=by, reason=reason, at=now)
    _audit_offer(by=by, action="offer.cancel_acceptance", offer=offer, at=now)
    _notify_fallen_through(
        referral=referral,
        offer=offer,
        kind="offer.acceptance_cancelled",
        message=_(
            "Verzoek %(code)s: de acceptatie door %(location)s is geannuleerd; "
            "de plek is vrijgegeven en het verzoek staat weer in matching."
        )
        % {"code": referral.code, "location": offer.location.name},
    )
    return offer


def _fall_through(
    *, offer: Offer, location: Location, by: User, reason: str, at: datetime
) -> Referral:
    """What an acceptance that falls through undoes: the held place is released, the offer
    marked cancelled, and the referral goes back to matching."""
    location_release_hold(location=location, by=by, at=at)
    _mark_offer_cancelled(offer=offer, reason=reason, at=at)
    referral = Referral.objects.select_for_update().get(pk=offer.referral_id)
    return referral_transition(referral=referral, to=Referral.Status.MATCHING, by=by, at=at)


@transaction.atomic
def placement_cancel(
    *, placement: Placement, by: User, reason: str, at: datetime | None = None
) -> Placement:
    """A planned placement that will not start: the held place is released, the offer's
    acceptance is cancelled with it, and the referral goes back to matching."""
    now = at or timezone.now()
    reason = reason.strip()
    errors = _cancel_reason_errors(reason, _("Geef een reden om de plaatsing te annuleren."))
    offer = _ensure_can_manage_offer(offer=placement.offer, by=by)
    if errors:
        raise ValidationFailed(errors)
    placement = (
        Placement.objects.select_for_update()
        .select_related("location")
        .get(pk=placement.pk, offer=offer)
    )
    if placement.status != Placement.Status.PLANNED:
        raise Conflict(
            _("Alleen een geplande plaatsing kan worden geannuleerd; beëindig deze plaatsing.")
        )
    placement.status = Placement.Status.CANCELLED
    placement.cancelled_at = now
    placement.cancel_reason = reason
    placement.ended_by = by
    placement.save(update_fields=["status", "cancelled_at", "cancel_reason", "ended_by"])
    referral = _fall_through(offer=offer, location=placement.location, by=by, reason=reason, at=now)
    audit_record(
        user=by,
        action="placement.cancel",
        referral_id=referral.pk,
        object_type="placement",
        object_id=placement.pk,
        at=now,
    )
    _notify_fallen_through(
        referral=referral,
        offer=offer,
        kind="placement.cancelled",
        message=_(
            "Verzoek %(code)s: de geplande plaatsing bij %(location)s is geannuleerd; "
            "de plek is vrijgegeven en het verzoek staat weer in matching."
        )
        % {"code": referral.code, "location": placement.location.name},
    )
    return placement


# --- Waiting for a fitting place ---------------------------------------------------------


@transaction.atomic
def referral_wait(
    *,
    referral: Referral,
    by: User,
    interim_support: str,
    ambulant_support: bool = False,
    at: datetime | None = None,
) -> Referral:
    """No fitting place now: wait, with interim help at home, until one frees up."""
    interim_support = interim_support.strip()
    if not interim_support:
        raise ValidationFailed(
            {"interim_support": [_("Beschrijf de hulp in de tussentijd (bijvoorbeeld ambulant).")]}
        )
    referral = _ensure_coordinator_scope(referral=referral, by=by)
    if Offer.objects.filter(referral=referral, status=Offer.Status.OPEN).exists():
        raise Conflict(_("Er staat nog een voorstel open; trek het eerst in."))
    referral.interim_support = interim_support[:2000]
    referral.ambulant_support = ambulant_support
    referral.save(update_fields=["interim_support", "ambulant_support"])
    referral_transition(referral=referral, to=Referral.Status.WAITING, by=by, at=at)
    audit_record(user=by, action="referral.wait", referral_id=referral.pk, at=at)
    return referral


def waiting_lists_watch() -> int:
    """The hourly sweep: watch the waiting list of every location with free places, so a
    freeing whose job was lost is still seen; each freeing is still announced once (the
    notification's dedupe key). Then the expected vacancies of full locations (issue 22.5).
    Answers how many notifications it stored."""
    ids = Location.objects.filter(is_active=True, free_places__gte=1).values_list("pk", flat=True)
    freed = sum(waiting_list_watch(location_id=pk) for pk in ids.order_by("pk"))
    return freed + expected_vacancies_watch()


def waiting_list_watch(*, location_id: int) -> int:
    """A location gained free places (or appeared): tell each coordinator once, in one
    notification listing the codes of the waiting referrals it now fits, longest waiting
    first. Runs as a background job after the capacity change commits; answers how many
    notifications it stored (none on a second run for the same freeing)."""
    from django.db.models import F
    from django.utils.translation import ngettext

    from capacity.models import CapacityEvent

    location = Location.objects.filter(pk=location_id, is_active=True).first()
    if location is None or location.free_places < 1:
        return 0
    waiting = (
        Referral.objects.filter(status=Referral.Status.WAITING, region__in=location.regions.all())
        .select_related("youth__municipality")
        .order_by("status_changed_at", "id")  # longest waiting first, as on the waiting list
    )
    fitting: dict[int, list[Referral]] = {}
    coordinators: dict[int, User] = {}
    for referral in waiting:
        candidates = candidates_for_referral(referral=referral)
        if not any(c.location.pk == location.pk for c in candidates.candidates):
            continue
        for coordinator in _coordinators_of(referral):
            coordinators[coordinator.pk] = coordinator
            fitting.setdefault(coordinator.pk, []).append(referral)
    if not fitting:
        return 0
    # One freeing, one notification: the latest rise of the free places names the event.
    freed = (
        CapacityEvent.objects.filter(location=location, free_after__gt=F("free_before"))
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    event_key = freed if freed is not None else f"{timezone.localdate():%Y-%m-%d}"
    free_now = ngettext(
        "%(location)s heeft nu %(n)d vrije plaats.",
        "%(location)s heeft nu %(n)d vrije plaatsen.",
        location.free_places,
    ) % {"location": location.name, "n": location.free_places}
    notified = 0
    for coordinator_pk, referrals in fitting.items():
        codes = ngettext(
            "Er wacht %(count)d verzoek waarbij deze plek past: %(codes)s.",
            "Er wachten %(count)d verzoeken waarbij deze plek past (langst wachtend eerst): "
            "%(codes)s.",
            len(referrals),
        ) % {"count": len(referrals), "codes": ", ".join(r.code for r in referrals)}
        link = (
            reverse("placement:referral-matching", args=[referrals[0].pk])
            if len(referrals) == 1
            else reverse("placement:waiting-list")
        )
        created = notify(
            recipients=[coordinators[coordinator_pk]],
            kind="waiting.fitting_place",
            message=f"{free_now} {codes}",
            link=link,
            dedupe_key=f"freed:{location.pk}:{event_key}",
        )
        notified += len(created)
    return notified


# --- The life of a placement: risk, plans, 18+ (issues 21.4, 21.5, 22.5) -------------------


def _lock_live_placement(*, placement: Placement, by: User) -> Placement:
    """The placement locked, within the caller's scope (coordinator of its region or staff
    of its provider); NotFound otherwise."""
    offer = _ensure_can_manage_offer(offer=placement.offer, by=by)
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("location", "referral")
        .get(pk=placement.pk, offer=offer)
    )


def _audit_placement(*, by: User, action: str, placement: Placement, at: datetime) -> None:
    audit_record(
        user=by,
        action=action,
        referral_id=placement.referral_id,
        object_type="placement",
        object_id=placement.pk,
        at=at,
    )


@transaction.atomic
def placement_flag_risk(
    *, placement: Placement, by: User, reason: str, note: str = "", at: datetime | None = None
) -> PlacementRisk:
    """The provider or the coordinator flags an active placement as at risk of breaking down.

    At most one open risk per placement: checked here for a clear message, and enforced by
    the partial unique index `placementrisk_one_open_per_placement`."""
    now = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if reason not in PlacementRisk.Reason.values:
        errors["reason"] = [_("Kies een reden uit de lijst.")]
    elif reason == PlacementRisk.Reason.OTHER and not note.strip():
        errors["note"] = [_("Een toelichting is verplicht bij de reden 'anders'.")]
    placement = _lock_live_placement(placement=placement, by=by)
    if errors:
        raise ValidationFailed(errors)
    if placement.status != Placement.Status.ACTIVE:
        raise Conflict(_("Alleen een actieve plaatsing kan als in gevaar worden gemeld."))
    if PlacementRisk.objects.filter(placement=placement, closed_at__isnull=True).exists():
        raise Conflict(_("Deze plaatsing is al gemeld als in gevaar."))
    try:
        with transaction.atomic():
            risk = PlacementRisk.objects.create(
                placement=placement, flagged_by=by, flagged_at=now, reason=reason, note=note.strip()
            )
    except IntegrityError as exc:  # the index caught a flag the lock did not (belt and braces)
        raise Conflict(_("Deze plaatsing is al gemeld als in gevaar.")) from exc
    _audit_placement(by=by, action="placement.flag_risk", placement=placement, at=now)
    # The request code and the reason's label only: nothing that names the youth.
    notify(
        recipients=_coordinators_of(placement.referral),
        kind="placement.at_risk",
        message=_("Verzoek %(code)s: de plaatsing is gemeld als in gevaar (%(reason)s).")
        % {"code": placement.referral.code, "reason": PlacementRisk.Reason(reason).label},
        link=reverse("placement:placement-detail", args=[placement.pk]),
        dedupe_key=f"placement-risk:{risk.pk}",
        at=now,
    )
    return risk


def _risk_update_errors(*, support: list[str] | None, outcome: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if support is not None and any(code not in PlacementRisk.Support.values for code in support):
        errors["support"] = [_("Kies de ondersteuning uit de lijst.")]
    if outcome and outcome not in PlacementRisk.Outcome.values:
        errors["outcome"] = [_("Kies een uitkomst uit de lijst.")]
    elif outcome == PlacementRisk.Outcome.REPLACEMENT:
        # A re-placement is the end of the placement with reason re-placement: that opens
        # the linked follow-up request and closes the risk with it.
        errors["outcome"] = [
            _("Een doorplaatsing legt u vast door de plaatsing te beëindigen met die reden.")
        ]
    return errors


@transaction.atomic
def placement_risk_update(
    *,
    placement: Placement,
    by: User,
    support: list[str] | None = None,
    support_note: str | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
) -> PlacementRisk:
    """The coordinator records the support deployed for the open risk and, with the outcome
    `prevented`, closes it. None leaves a value as it is."""
    now = at or timezone.now()
    if by.role != Role.COORDINATOR:
        raise NotFound
    errors = _risk_update_errors(support=support, outcome=outcome)
    placement = _lock_live_placement(placement=placement, by=by)
    if errors:
        raise ValidationFailed(errors)
    risk = (
        PlacementRisk.objects.select_for_update()
        .filter(placement=placement, closed_at__isnull=True)
        .first()
    )
    if risk is None:
        raise Conflict(_("Deze plaatsing heeft geen open melding van gevaar."))
    fields: list[str] = []
    if support is not None:
        risk.support = list(dict.fromkeys(support))
        fields.append("support")
    if support_note is not None:
        risk.support_note = support_note.strip()[:2000]
        fields.append("support_note")
    if outcome:
        risk.outcome = outcome
        risk.closed_at = now
        risk.closed_by = by
        fields += ["outcome", "closed_at", "closed_by"]
    if fields:
        risk.save(update_fields=fields)
    _audit_placement(by=by, action="placement.risk_update", placement=placement, at=now)
    return risk


_UNSET: object = object()


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st of a shorter month becomes its last day."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@transaction.atomic
def placement_update_plans(
    *,
    placement: Placement,
    by: User,
    planned_end: date | object | None = _UNSET,
    adult_plan_on: date | object | None = _UNSET,
    at: datetime | None = None,
) -> Placement:
    """The coordinator or the provider sets the planned end (the basis of the expected
    vacancies) and whether an 18+ plan is there. Each planned end is recorded as a forecast,
    so that the forecasts can be checked afterwards."""
    now = at or timezone.now()
    placement = _lock_live_placement(placement=placement, by=by)
    errors: dict[str, list[str]] = {}
    if isinstance(planned_end, date) and planned_end < placement.start_date:
        errors["planned_end"] = [_("De verwachte einddatum ligt vóór de startdatum.")]
    elif planned_end is None and placement.referral.perspective_horizon_months:
        errors["planned_end"] = [
            _(
                "Het perspectiefplan noemt een termijn: vul de verwachte einddatum in "
                "(wijzigen mag, leegmaken niet)."
            )
        ]
    if isinstance(adult_plan_on, date) and adult_plan_on > timezone.localdate(now):
        errors["adult_plan_on"] = [_("De datum van het 18+-plan kan niet in de toekomst liggen.")]
    if errors:
        raise ValidationFailed(errors)
    if placement.status not in (Placement.Status.PLANNED, Placement.Status.ACTIVE):
        raise Conflict(_("Alleen een lopende plaatsing kan worden gewijzigd."))
    fields: list[str] = []
    if adult_plan_on is not _UNSET:
        placement.adult_plan_on = adult_plan_on  # type: ignore[assignment]
        fields.append("adult_plan_on")
    if planned_end is not _UNSET and planned_end != placement.planned_end:
        placement.planned_end = planned_end  # type: ignore[assignment]
        fields.append("planned_end")
        VacancyForecast.objects.filter(placement=placement, superseded_at__isnull=True).update(
            superseded_at=now
        )
        if isinstance(planned_end, date):
            VacancyForecast.objects.create(
                placement=placement,
                location_id=placement.location_id,
                expected_on=planned_end,
                made_at=now,
            )
    if fields:
        placement.save(update_fields=fields)
        _audit_placement(by=by, action="placement.update_plans", placement=placement, at=now)
    return placement


def adult_plan_alert_cutoff(today: date) -> date:
    """Born on or before this day: 17½ or older on `today` (17 years and 6 months back;
    the 31st of a shorter month becomes its last day)."""
    import calendar

    months = today.year * 12 + today.month - 1 - (17 * 12 + 6)
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(today.day, last))


def placements_alert_missing_adult_plan(*, at: datetime | None = None) -> int:
    """Daily job: tell the coordinators once per placement when the youth in an active
    placement is 17½ without an 18+ plan. Idempotent: `adult_plan_alerted_at` marks it."""
    now = at or timezone.now()
    cutoff = adult_plan_alert_cutoff(timezone.localdate(now))
    due = Placement.objects.filter(
        status=Placement.Status.ACTIVE,
        adult_plan_on__isnull=True,
        adult_plan_alerted_at__isnull=True,
        referral__youth__birth_date__lte=cutoff,
    ).values_list("pk", flat=True)
    alerted = 0
    for placement_id in list(due.order_by("pk")):
        with transaction.atomic():
            placement = (
                Placement.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("referral")
                .filter(pk=placement_id, adult_plan_alerted_at__isnull=True)
                .first()
            )
            if placement is None:
                continue
            placement.adult_plan_alerted_at = now
            placement.save(update_fields=["adult_plan_alerted_at"])
            notify(
                recipients=_coordinators_of(placement.referral),
                kind="placement.no_adult_plan",
                message=_("Verzoek %(code)s: de jongere is 17½ jaar en er is nog geen 18+-plan.")
                % {"code": placement.referral.code},
                link=reverse("placement:placement-detail", args=[placement.pk]),
                dedupe_key=f"no-adult-plan:{placement.pk}",
                at=now,
            )
            alerted += 1
    return alerted


def expected_vacancies_watch(*, today: date | None = None) -> int:
    """Part of the hourly sweep: a waiting request that a full location fits (only its free
    place is missing) is announced to the coordinators once per request and location when
    that location expects a vacancy within the forecast horizon."""
    from placement.selectors import expected_vacancy_dates, full_fitting_location_ids

    day = today or timezone.localdate()
    notified = 0
    waiting = Referral.objects.filter(status=Referral.Status.WAITING).order_by(
        "status_changed_at", "id"
    )
    for referral in waiting:
        full = full_fitting_location_ids(referral=referral)
        if not full:
            continue
        expected = expected_vacancy_dates(location_ids=full, today=day)
        names = dict(Location.objects.filter(pk__in=expected).values_list("pk", "name"))
        for location_id, on in sorted(expected.items(), key=lambda item: (item[1], item[0])):
            weeks = max(1, -(-(on - day).days // 7))
            created = notify(
                recipients=_coordinators_of(referral),
                kind="waiting.expected_vacancy",
                message=_("Verzoek %(code)s: verwacht vrij over %(weeks)d weken bij %(location)s.")
                % {"code": referral.code, "weeks": weeks, "location": names[location_id]},
                link=reverse("placement:referral-matching", args=[referral.pk]),
                dedupe_key=f"expected-vacancy:{referral.pk}:{location_id}",
            )
            notified += len(created)
    return notified


# --- care outside coordination (issue 21) -------------------------------------------------

OUTSIDE_FIELDS = (
    "provider",
    "provider_name",
    "contracted",
    "arrangement",
    "cost_per_day",
    "start_date",
    "reason",
    "reason_note",
)
MAX_COST_PER_DAY = Decimal("99999.99")


def _outside_text(value: object, *, limit: int, path: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    problems = control_characters_errors(text)
    if problems:
        errors[path] = problems
    elif len(text) > limit:
        errors[path] = [_("Maximaal %(limit)d tekens.") % {"limit": limit}]
    return text


def outside_placement_values(
    *, data: Mapping[str, Any], referral: Referral, current: OutsidePlacement | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The checked values of care outside coordination (`data`: the fields above, missing
    ones taken from `current`), and the errors by field name; nothing is written here."""
    errors: dict[str, list[str]] = {}
    base: dict[str, Any] = (
        {
            name: getattr(current, name if name != "provider" else "provider_id")
            for name in OUTSIDE_FIELDS
        }
        if current is not None
        else {}
    )
    merged = {**base, **{k: v for k, v in data.items() if k in OUTSIDE_FIELDS}}
    values: dict[str, Any] = {}

    provider_id = merged.get("provider")
    provider_id = getattr(provider_id, "pk", provider_id) or None
    name = _outside_text(
        merged.get("provider_name"), limit=200, path="provider_name", errors=errors
    )
    provider = None
    if provider_id is not None:
        provider = Organisation.objects.filter(
            pk=provider_id if str(provider_id).isdigit() else -1,
            kind=Organisation.Kind.PROVIDER,
        ).first()
        if provider is None:
            errors["provider"] = [_("Kies een aanbieder uit het register.")]
    if provider_id is not None and name:
        errors["provider_name"] = [
            _("Kies een aanbieder uit het register óf vul een naam in, niet allebei.")
        ]
    elif provider_id is None and not name and "provider_name" not in errors:
        errors["provider"] = [
            _(
                "Kies een aanbieder uit het register, of vul de naam in van een aanbieder "
                "buiten het contract."
            )
        ]
    values["provider"] = provider
    values["provider_name"] = "" if provider_id is not None else name

    contracted = merged.get("contracted")
    if contracted is None or ("contracted" not in data and "provider" in data):
        # From the register: contracted unless said otherwise; by name: outside the contract.
        contracted = provider_id is not None
    if contracted and provider_id is None and name:
        errors["contracted"] = [
            _("Een aanbieder buiten het register is niet gecontracteerd; kies hem in het register.")
        ]
    values["contracted"] = bool(contracted)

    arrangement = str(merged.get("arrangement") or "")
    if arrangement not in OutsideArrangement.values:
        errors["arrangement"] = [_("Kies het arrangement: regulier, maatwerk of één-op-één.")]
    values["arrangement"] = arrangement

    cost = merged.get("cost_per_day")
    if cost in (None, ""):
        cost = None
        if arrangement in OUTSIDE_COST_REQUIRED:
            errors["cost_per_day"] = [
                _("Vul de kosten per dag in; bij maatwerk en één-op-één zijn die verplicht.")
            ]
    else:
        try:
            cost = Decimal(str(cost).replace(",", ".")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["cost_per_day"] = [_("Vul een bedrag in euro's in, bijvoorbeeld 450,00.")]
            cost = None
        else:
            if not cost.is_finite() or cost < 0 or cost > MAX_COST_PER_DAY:
                errors["cost_per_day"] = [_("Vul een bedrag van 0 tot 99.999,99 euro in.")]
    values["cost_per_day"] = cost

    start = merged.get("start_date")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            start = None
    if not isinstance(start, date):
        errors["start_date"] = [_("Vul de startdatum in.")]
    elif start > timezone.localdate() + timedelta(days=365):
        errors["start_date"] = [_("De startdatum ligt meer dan een jaar in de toekomst.")]
    values["start_date"] = start

    reason = str(merged.get("reason") or "")
    if reason not in OutsideReason.values:
        errors["reason"] = [_("Kies de reden uit de lijst.")]
    values["reason"] = reason
    note = _outside_text(merged.get("reason_note"), limit=500, path="reason_note", errors=errors)
    if reason == OutsideReason.OTHER and not note and "reason_note" not in errors:
        errors["reason_note"] = [_("Licht de reden 'anders' toe.")]
    values["reason_note"] = note

    # The unmet-need report shows the region these figures: no name, BSN, birth date or
    # postcode of the youth in their texts.
    texts = {
        k: values[k] for k in ("provider_name", "reason_note") if values[k] and k not in errors
    }
    if texts:
        youth = YouthIdentity.objects.get(pk=referral.youth_id)
        for path, messages in find_identifiers(
            texts=texts, youth=identifying_facts(youth=youth)
        ).items():
            errors.setdefault(path, []).extend(messages)
    return values, errors


def outside_placement_write(
    *, referral: Referral, by: User, values: Mapping[str, Any], at: datetime | None = None
) -> OutsidePlacement:
    """Write checked values (`outside_placement_values`) for a referral the caller has locked
    and checked; the referral's close service and the edit below call it."""
    now = at or timezone.now()
    outside, created = OutsidePlacement.objects.update_or_create(
        referral=referral,
        defaults={**values, "updated_at": now},
        create_defaults={**values, "recorded_by": by, "recorded_at": now, "updated_at": now},
    )
    audit_record(
        user=by,
        action="referral.outside_placement" if created else "referral.outside_placement_update",
        referral_id=referral.pk,
        object_type="outside_placement",
        object_id=outside.pk,
        at=now,
    )
    return outside


def outside_placement_update(
    *, referral: Referral, by: User, data: Mapping[str, Any], at: datetime | None = None
) -> OutsidePlacement:
    """The coordinator corrects the care outside coordination of a referral closed that way."""
    try:
        with transaction.atomic():
            referral = _ensure_coordinator_scope(referral=referral, by=by)
            current = OutsidePlacement.objects.select_for_update().filter(referral=referral).first()
            if (
                referral.close_outcome != Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION
                or current is None
            ):
                raise Conflict(
                    _(
                        "Alleen een verzoek afgesloten als 'geplaatst buiten het coördinatiepunt "
                        "om' heeft zorg buiten de coördinatie."
                    )
                )
            values, errors = outside_placement_values(data=data, referral=referral, current=current)
            if errors:
                raise ValidationFailed(errors)
            return outside_placement_write(referral=referral, by=by, values=values, at=at)
    except NotFound:
        audit_record(
            user=by,
            action="referral.outside_placement_update",
            referral_id=referral.pk,
            allowed=False,
        )
        raise


# --- The handover (issue 20, point 7) ---------------------------------------------------------


def _intake_errors(
    *, offer: Offer, intake_date: date | None, note: str, today: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _first, last = placement_start_bounds(offer=offer)
    if intake_date is None:
        errors["intake_date"] = [_("Vul een intakedatum in.")]
    elif intake_date < today:
        errors["intake_date"] = [_("De intakedatum ligt in het verleden.")]
    elif intake_date > last:
        errors["intake_date"] = [
            _("De intakedatum ligt te ver vooruit (uiterlijk %(day)s).") % {"day": dates.day(last)}
        ]
    if len(note) > 1000:
        errors["note"] = [_("De toelichting is langer dan 1000 tekens.")]
    elif control_errors := control_characters_errors(note, multiline=True):
        errors["note"] = control_errors
    return errors


@transaction.atomic
def offer_propose_intake(
    *,
    offer: Offer,
    by: User,
    intake_date: date | None,
    note: str = "",
    at: datetime | None = None,
) -> Offer:
    """The provider proposes an intake date after acceptance; coordinator and referrer are
    told. A later proposal replaces the earlier one."""
    offer = _ensure_provider_scope(offer=offer, by=by)
    now = at or timezone.now()
    note = note.strip()
    if offer.status != Offer.Status.ACCEPTED:
        raise ValidationFailed(
            {"intake_date": [_("Een intakedatum kan pas worden voorgesteld na acceptatie.")]}
        )
    errors = _intake_errors(
        offer=offer, intake_date=intake_date, note=note, today=timezone.localdate(now)
    )
    if errors:
        raise ValidationFailed(errors)
    offer.intake_proposed_on = intake_date
    offer.intake_proposed_by = by
    offer.intake_proposed_at = now
    offer.intake_note = note
    offer.save(
        update_fields=[
            "intake_proposed_on",
            "intake_proposed_by",
            "intake_proposed_at",
            "intake_note",
        ]
    )
    _audit_offer(by=by, action="offer.propose_intake", offer=offer, at=now)
    referral = offer.referral
    notify(
        recipients=[*_coordinators_of(referral), referral.referrer],
        kind="offer.intake_proposed",
        message=_("Verzoek %(code)s: %(location)s stelt een intakedatum voor: %(day)s.")
        % {"code": referral.code, "location": offer.location.name, "day": dates.day(intake_date)},
        link=reverse("referrals:detail", args=[referral.pk]) + "#gesprek",
        dedupe_key=f"offer-intake:{offer.pk}:{now:%Y%m%d%H%M%S%f}",
        at=now,
    )
    return offer
