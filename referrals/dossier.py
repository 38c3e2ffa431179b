"""Reads of the expert table and the escalation dossier (issue 21).

The dossier is the search history some jurisdictions require when a case escalates (to the
municipality, the court): every offer and its answer, the locations that do not fit and why,
the days waiting, the interim support and the expert tables. It names the referral by its
code and holds no identity of the youth; its reads are a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from config.codes import RefusalReason
from config.errors import Conflict, NotFound
from referrals.models import ExpertTable, Referral, ReferralEvent
from referrals.selectors import referral_for_user, referrals_for_user

# --- expert tables -------------------------------------------------------------------------


def expert_tables_of(*, referral: Referral) -> QuerySet[ExpertTable]:
    """The expert tables of a referral the caller may see, oldest first."""
    return ExpertTable.objects.filter(referral=referral).order_by("convened_on", "id")


def expert_table_for_coordinator(*, user: User, pk: object) -> ExpertTable:
    """One expert table of a referral in a coordinator's scope; NotFound for anyone else."""
    try:
        table_id = int(str(pk))
    except ValueError:
        raise NotFound from None
    if user.role != Role.COORDINATOR:
        raise NotFound
    table = (
        ExpertTable.objects.filter(pk=table_id, referral__in=referrals_for_user(user=user))
        .select_related("referral")
        .first()
    )
    if table is None:
        raise NotFound
    return table


def expert_table_out(table: ExpertTable, *, full: bool) -> dict[str, Any]:
    """An expert table as the API and the dossier show it. The referrer (`full=False`) sees
    the date, the question and the outcome; the disciplines and the advice are the table's."""
    shown: dict[str, Any] = {
        "id": table.pk,
        "convened_on": table.convened_on,
        "question": table.question,
        "outcome": table.outcome or None,
        "decided_on": table.decided_on,
    }
    if full:
        shown.update(
            disciplines=list(table.disciplines or []),
            advice=table.advice,
            outcome_note=table.outcome_note,
        )
    return shown


# --- the escalation dossier ----------------------------------------------------------------


@dataclass(frozen=True)
class DossierOffer:
    sent_at: datetime
    provider: str
    location: str
    status: str
    status_label: str
    refusal_reason: str
    refusal_reason_label: str
    refusal_explanation: str
    answered_at: datetime | None


@dataclass(frozen=True)
class DossierExclusion:
    location: str
    provider: str
    municipality: str
    reasons: list[str]


@dataclass(frozen=True)
class StatusSpell:
    status: str
    label: str
    days: int


@dataclass
class Dossier:
    referral: Referral
    generated_at: datetime
    first_submitted_at: datetime | None
    days_waiting: int | None
    days_per_status: list[StatusSpell]
    offers: list[DossierOffer]
    excluded: list[DossierExclusion]
    # Why the exclusions could not be computed (missing data), else "".
    exclusions_unavailable: str
    interim_support: str
    ambulant_support: bool
    expert_tables: list[ExpertTable] = field(default_factory=list)

    @property
    def refusals(self) -> int:
        return sum(1 for offer in self.offers if offer.refusal_reason)


def dossier_referral_for_user(*, user: User, pk: object) -> Referral:
    """The referral of a dossier: the coordinator of its region and its referrer only
    (`referrals_for_user`); everyone else gets NotFound (audited as refused)."""
    return referral_for_user(
        user=user, pk=pk, action="referral.dossier", related=("current_analysis",)
    )


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _spells(
    events: list[ReferralEvent], *, until: datetime
) -> tuple[datetime | None, list[StatusSpell]]:
    """The first submission, and the whole days spent in each status since (event history:
    a note event, with the same status before and after, changes nothing)."""
    changes = [event for event in events if event.from_status != event.to_status]
    first = next((e.at for e in changes if e.to_status == Referral.Status.SUBMITTED), None)
    totals: dict[str, int] = {}
    for index, event in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        if first is None or event.at < first or event.to_status == Referral.Status.CLOSED:
            continue
        end = following.at if following is not None else until
        totals[event.to_status] = totals.get(event.to_status, 0) + max(
            0, (_day(end) - _day(event.at)).days
        )
    labels = dict(Referral.Status.choices)
    spells = [
        StatusSpell(status=status, label=str(labels[status]), days=days)
        for status, days in totals.items()
        if status in labels
    ]
    return first, spells


def _exclusions(referral: Referral) -> tuple[list[DossierExclusion], str]:
    """The locations of the region that do not fit the request now, and why (matching's hard
    conditions, computed today: a history of exclusions is not kept)."""
    from placement.selectors import candidates_for_referral  # placement imports referrals

    try:
        candidates = candidates_for_referral(referral=referral, include_excluded=True)
    except Conflict as missing:
        return [], missing.message
    except NotFound:
        return [], _("Het verzoek is niet gevonden.")
    return (
        [
            DossierExclusion(
                location=candidate.location.name,
                provider=candidate.location.provider_name,
                municipality=candidate.location.municipality_name,
                reasons=list(candidate.assessment.excluded_because),
            )
            for candidate in sorted(
                candidates.excluded, key=lambda c: (c.location.provider_name, c.location.name)
            )
        ],
        "",
    )


def escalation_dossier(*, referral: Referral, now: datetime | None = None) -> Dossier:
    """The escalation dossier of a referral the caller may see (`dossier_referral_for_user`):
    offers, exclusions, days waiting, interim support and expert tables, in five queries."""
    from placement.models import Offer  # placement imports referrals

    now = now or timezone.now()
    until = referral.closed_at or now
    offers = [
        DossierOffer(
            sent_at=offer.sent_at,
            provider=offer.provider.name,
            location=offer.location.name,
            status=offer.status,
            status_label=offer.get_status_display(),
            refusal_reason=offer.refusal_reason,
            refusal_reason_label=(
                str(RefusalReason(offer.refusal_reason).label) if offer.refusal_reason else ""
            ),
            refusal_explanation=offer.refusal_explanation,
            answered_at=offer.answered_at,
        )
        for offer in Offer.objects.filter(referral=referral)
        .select_related("provider", "location")
        .order_by("sent_at", "id")
    ]
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "id"))
    first, spells = _spells(events, until=until)
    excluded, unavailable = _exclusions(referral)
    return Dossier(
        referral=referral,
        generated_at=now,
        first_submitted_at=first,
        days_waiting=(_day(until) - _day(first)).days if first is not None else None,
        days_per_status=spells,
        offers=offers,
        excluded=excluded,
        exclusions_unavailable=unavailable,
        interim_support=referral.interim_support,
        ambulant_support=referral.ambulant_support,
        expert_tables=list(expert_tables_of(referral=referral)),
    )


def dossier_out(dossier: Dossier, *, user: User) -> dict[str, Any]:
    """The dossier as JSON (API): no identity, the referral by its code."""
    full = user.role == Role.COORDINATOR
    referral = dossier.referral
    return {
        "referral": {"id": referral.pk, "code": referral.code, "status": referral.status},
        "generated_at": dossier.generated_at,
        "first_submitted_at": dossier.first_submitted_at,
        "closed_at": referral.closed_at,
        "days_waiting": dossier.days_waiting,
        "days_per_status": [
            {"status": spell.status, "days": spell.days} for spell in dossier.days_per_status
        ],
        "offers": [
            {
                "sent_at": offer.sent_at,
                "provider": offer.provider,
                "location": offer.location,
                "status": offer.status,
                "refusal_reason": offer.refusal_reason or None,
                "refusal_explanation": offer.refusal_explanation,
                "answered_at": offer.answered_at,
            }
            for offer in dossier.offers
        ],
        "excluded_locations": {
            "as_of": dossier.generated_at,
            "unavailable": dossier.exclusions_unavailable or None,
            "locations": [
                {
                    "location": exclusion.location,
                    "provider": exclusion.provider,
                    "municipality": exclusion.municipality,
                    "reasons": exclusion.reasons,
                }
                for exclusion in dossier.excluded
            ],
        },
        "interim_support": dossier.interim_support,
        "ambulant_support": dossier.ambulant_support,
        "expert_tables": [expert_table_out(t, full=full) for t in dossier.expert_tables],
    }
