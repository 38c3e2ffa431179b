"""Writes of placement: offers and their answers. One function per user action."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
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
from config.codes import RefusalReason
from config.errors import Conflict, NotFound, ValidationFailed
from placement.deadlines import offer_deadline
from placement.models import Offer, Placement
from placement.selectors import candidates_for_referral, offers_for_user
from referrals.models import Referral
from referrals.selectors import referrals_for_user
from referrals.services import (
    referral_close_after_placement,
    referral_create_replacement,
    referral_transition,
)

EXPLANATION_REQUIRED = frozenset(
    {RefusalReason.OTHER, RefusalReason.CONTRA_INDICATION, RefusalReason.INSUFFICIENT_EXPERTISE}
)
PROVIDER_REASONS = [reason for reason in RefusalReason if reason != RefusalReason.NO_RESPONSE]


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
                deadline=offer_deadline(now, settings.OFFER_DEADLINE_WORKING_DAYS),
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
    *, offer: Offer, by: User, reason: str, explanation: str = "", at: datetime | None = None
) -> Offer:
    """Refuse with a coded reason; the provider drops out of this referral's candidates."""
    errors: dict[str, list[str]] = {}
    explanation = explanation.strip()
    if reason not in {r.value for r in PROVIDER_REASONS}:
        errors["reason"] = [_("Kies een reden uit de lijst.")]
    elif reason in EXPLANATION_REQUIRED and not explanation:
        errors["explanation"] = [_("Een toelichting is verplicht bij deze reden.")]
    if len(explanation) > 2000:
        errors["explanation"] = [_("De toelichting is te lang (maximaal 2000 tekens).")]
    offer = _ensure_provider_scope(offer=offer, by=by)
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
    at: datetime | None = None,
) -> None:
    """End an open offer and put its referral back in matching."""
    offer.status = status
    offer.answered_at = at or timezone.now()
    offer.answered_by = by
    offer.refusal_reason = reason
    offer.refusal_explanation = explanation
    offer.save(
        update_fields=[
            "status",
            "answered_at",
            "answered_by",
            "refusal_reason",
            "refusal_explanation",
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
    placement = Placement.objects.create(
        referral=referral,
        offer=offer,
        location=offer.location,
        provider_id=offer.provider_id,
        start_date=start_date,
        school_name=school_name.strip(),
        school_handover=school_handover.strip(),
        school_transport=school_transport.strip(),
        transport_funding=transport_funding,
        intake_contact=intake_contact.strip(),
        created_by=by,
        created_at=now,
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
    at: datetime | None = None,
) -> Placement:
    """End a placement and free its place; a re-placement opens a new, linked referral."""
    now = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if reason not in Placement.EndReason.values:
        errors["reason"] = [_("Kies een reden uit de lijst.")]
    if outflow and outflow not in Placement.Outflow.values:
        errors["outflow"] = [_("Kies een uitstroombestemming uit de lijst.")]
    if reason == Placement.EndReason.PLANNED_OUTFLOW and not outflow:
        errors["outflow"] = [_("Geef aan waarheen de jongere uitstroomt.")]
    if reason == Placement.EndReason.OTHER and not note.strip():
        errors["note"] = [_("Een toelichting is verplicht bij de reden 'anders'.")]
    if end_date < placement.start_date:
        errors["end_date"] = [_("De einddatum ligt vóór de startdatum.")]
    if end_date > timezone.localdate(now):
        errors["end_date"] = [_("De einddatum kan niet in de toekomst liggen.")]
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
            "end_note",
            "ended_by",
            "next_referral",
        ]
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
    notification's dedupe key). Answers how many notifications it stored."""
    ids = Location.objects.filter(is_active=True, free_places__gte=1).values_list("pk", flat=True)
    return sum(waiting_list_watch(location_id=pk) for pk in ids.order_by("pk"))


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
