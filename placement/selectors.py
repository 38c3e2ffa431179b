"""Reads of placement: candidates for a referral, and offers/placements scoped per user."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Role, User
from accounts.services import audit_record
from capacity.models import Location
from config.codes import CareForm
from config.errors import Conflict, NotFound
from placement.matching import Assessment, LocationFacts, Need, assess, rank
from placement.models import Offer, Placement
from referrals.models import Referral, YouthIdentity, age_on

ANSWERED = [Offer.Status.ACCEPTED, Offer.Status.REFUSED, Offer.Status.EXPIRED]


@dataclass
class Candidate:
    location: Location
    assessment: Assessment

    @property
    def score(self) -> int:
        return self.assessment.score


@dataclass
class CandidateList:
    referral: Referral
    need: Need
    candidates: list[Candidate]  # fitting, best first; the first is the proposal
    excluded: list[Candidate]  # only filled when asked for
    turning_18_soon: bool

    @property
    def proposal(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _matchable_youth(referral: Referral) -> tuple[date, Municipality]:
    """Birth date and home municipality: present on every referral past submission."""
    youth = referral.youth
    if youth.birth_date is None or youth.municipality is None:
        raise Conflict(_("Het verzoek mist de geboortedatum of de woongemeente."))
    return youth.birth_date, youth.municipality


def need_for_referral(*, referral: Referral, excluded_providers: frozenset[int]) -> Need:
    """The coded need of the referral's current explanatory analysis (no identity leaves)."""
    analysis = referral.current_analysis
    youth = referral.youth
    birth_date, municipality = _matchable_youth(referral)
    start = referral.requested_start or timezone.localdate()
    return Need(
        care_forms=list(analysis.needed_care_forms if analysis else []),
        expertise=list(analysis.needed_expertise if analysis else []),
        risk_flags=list(analysis.risk_flags if analysis else []),
        intensity=(analysis.intensity or "") if analysis else "",
        secured=bool(
            analysis
            and (analysis.secured_required or CareForm.SECURED in analysis.needed_care_forms)
        ),
        age=age_on(birth_date, start),
        gender=youth.gender,
        home_latitude=municipality.latitude,
        home_longitude=municipality.longitude,
        attends_school=bool(referral.school_attending),
        excluded_providers=excluded_providers,
    )


def turning_18_within(*, birth_date: date, start: date, days: int) -> bool:
    """True when the youth turns 18 before `days` after the requested start."""
    try:
        eighteenth = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = birth_date.replace(year=birth_date.year + 18, day=28)
    return eighteenth <= start + timedelta(days=days)


def _locations_with_acceptance(*, referral: Referral, care_forms: list[str]) -> QuerySet[Location]:
    """Active locations contracted by the youth's region, with their provider's acceptance
    rate for the same care form over the last 12 months, in one query."""
    since = timezone.now() - timedelta(days=365)
    region_id = _matchable_youth(referral)[1].region_id
    return (
        Location.objects.filter(is_active=True, regions=region_id)
        .select_related("provider", "municipality")
        .annotate(
            offers_answered=Count(
                "provider__offers",
                filter=Q(
                    provider__offers__sent_at__gte=since,
                    provider__offers__status__in=ANSWERED,
                    provider__offers__location__care_form__in=care_forms,
                ),
                distinct=True,
            ),
            offers_accepted=Count(
                "provider__offers",
                filter=Q(
                    provider__offers__sent_at__gte=since,
                    provider__offers__status=Offer.Status.ACCEPTED,
                    provider__offers__location__care_form__in=care_forms,
                ),
                distinct=True,
            ),
        )
        .order_by("id")
    )


def candidates_for_referral(*, referral: Referral, include_excluded: bool = False) -> CandidateList:
    """Rank the locations for a referral: two queries whatever the number of locations."""
    excluded_providers = frozenset(
        Offer.objects.filter(
            referral=referral, status__in=[Offer.Status.REFUSED, Offer.Status.EXPIRED]
        ).values_list("provider_id", flat=True)
    )
    need = need_for_referral(referral=referral, excluded_providers=excluded_providers)
    now = timezone.now()
    fitting: list[Candidate] = []
    excluded: list[Candidate] = []
    for location in _locations_with_acceptance(referral=referral, care_forms=list(need.care_forms)):
        answered = location.offers_answered  # type: ignore[attr-defined]
        facts = LocationFacts(
            id=location.pk,
            provider_id=location.provider_id,
            care_form=location.care_form,
            expertise=location.expertise,
            contra_indications=location.contra_indications,
            age_min=location.age_min,
            age_max=location.age_max,
            gender=location.gender,
            secured=location.secured,
            intensity=location.intensity,
            school_on_site=location.school_on_site,
            latitude=location.latitude,
            longitude=location.longitude,
            free_places=location.free_places,
            last_confirmed_at=location.last_confirmed_at,
            acceptance_rate=(
                location.offers_accepted / answered  # type: ignore[attr-defined]
                if answered
                else None
            ),
        )
        assessment = assess(
            need,
            facts,
            weights=settings.MATCH_WEIGHTS,
            now=now,
            distance_zero_km=settings.MATCH_DISTANCE_ZERO_KM,
            school_reach_km=settings.MATCH_SCHOOL_REACH_KM,
            stale_days=settings.CAPACITY_STALE_DAYS,
        )
        if assessment.fits:
            fitting.append(Candidate(location=location, assessment=assessment))
        elif include_excluded:
            excluded.append(Candidate(location=location, assessment=assessment))
    by_id = {candidate.location.pk: candidate for candidate in fitting}
    ordered = [by_id[a.location_id] for a in rank(c.assessment for c in fitting)]
    return CandidateList(
        referral=referral,
        need=need,
        candidates=ordered,
        excluded=excluded,
        turning_18_soon=turning_18_within(
            birth_date=_matchable_youth(referral)[0],
            start=referral.requested_start or timezone.localdate(),
            days=settings.TURNING_18_WINDOW_DAYS,
        ),
    )


def offers_for_user(*, user: User) -> QuerySet[Offer]:
    """Provider staff: offers to its own organisation. Coordinator: offers of its regions."""
    base = Offer.objects.select_related(
        "location",
        "location__municipality",
        "provider",
        "referral",
        "referral__current_analysis",
        "referral__youth__municipality",
    )
    if user.role == Role.PROVIDER and user.organisation_id:
        return base.filter(provider_id=user.organisation_id)
    if user.role == Role.COORDINATOR and user.organisation_id:
        return base.filter(
            referral__youth__municipality__region__organisations=user.organisation_id
        )
    return base.none()


def offer_for_user(*, user: User, pk: int) -> Offer:
    """One offer in the user's scope, else NotFound (404, existence not revealed)."""
    offer = offers_for_user(user=user).filter(pk=pk).first()
    if offer is None:
        raise NotFound
    return offer


def placements_for_user(*, user: User) -> QuerySet[Placement]:
    base = Placement.objects.select_related("location", "provider", "referral")
    if user.role == Role.PROVIDER and user.organisation_id:
        return base.filter(provider_id=user.organisation_id)
    if user.role == Role.COORDINATOR and user.organisation_id:
        return base.filter(
            referral__youth__municipality__region__organisations=user.organisation_id
        )
    return base.none()


def placement_for_user(*, user: User, pk: int) -> Placement:
    placement = placements_for_user(user=user).select_related("next_referral").filter(pk=pk).first()
    if placement is None:
        raise NotFound
    return placement


def provider_has_open_offer(*, referral: Referral) -> bool:
    return Offer.objects.filter(referral=referral, status=Offer.Status.OPEN).exists()


def accepted_youth_identity_for(*, offer: Offer, user: User) -> YouthIdentity:
    """The identity for the provider's intake: only after acceptance, every read audited."""
    allowed = (
        user.role == Role.PROVIDER
        and offer.provider_id == user.organisation_id
        and offer.status == Offer.Status.ACCEPTED
    )
    audit_record(
        user=user,
        action="youth.read",
        referral_id=offer.referral_id,
        object_type="youth_identity",
        object_id=offer.referral.youth_id,
        allowed=allowed,
    )
    if not allowed:
        raise NotFound
    return YouthIdentity.objects.select_related("municipality").get(pk=offer.referral.youth_id)
