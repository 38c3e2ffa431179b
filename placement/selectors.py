"""Reads of placement: candidates for a referral, and offers/placements scoped per user."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Role, User
from accounts.selectors import regions_for_user
from accounts.services import audit_record
from capacity.models import Location
from config.codes import CareForm
from config.errors import Conflict, NotFound
from placement.matching import Assessment, LocationFacts, Need, assess, rank
from placement.models import Offer, Placement
from referrals.models import Referral, YouthIdentity, age_on
from referrals.selectors import referral_for_user

ANSWERED = [Offer.Status.ACCEPTED, Offer.Status.REFUSED, Offer.Status.EXPIRED]


@dataclass(frozen=True)
class CandidateLocation:
    """What a candidate shows of its location: read as plain values, no model instances
    (building ~150 Location, Organisation and Municipality objects per request cost more
    than the query)."""

    pk: int
    name: str
    provider_name: str
    municipality_name: str
    care_form: str
    free_places: int


@dataclass
class Candidate:
    location: CandidateLocation
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


def _locations(*, referral: Referral, need: Need, fitting_only: bool) -> QuerySet[Location]:
    """Active locations contracted by the youth's region.

    With `fitting_only` (the SQLite demo; PostgreSQL reads the fitting ones with
    `FITTING_LOCATIONS_SQL`) the hard conditions of `matching.exclusions` that SQLite can test
    are applied in SQL as well; Python still checks each location.
    The conditions go in one `filter()`: every chained call copies the query."""
    region_id = _matchable_youth(referral)[1].region_id
    locations = Location.objects.order_by("id")
    postgresql = connections[locations.db].vendor == "postgresql"
    conditions: list[Q | Func] = [Q(is_active=True)]
    if postgresql:
        # `id = ANY(ARRAY(…))`: the planner starts from the region's few hundred locations
        # (primary key lookups) instead of scanning the whole country's and joining after.
        in_region = Location.regions.through.objects.filter(region_id=region_id)
        conditions.append(
            Func(
                F("pk"),
                ArraySubquery(in_region.values("location_id")),
                arg_joiner=" = ANY(",
                template="%(expressions)s)",
                output_field=BooleanField(),
            )
        )
    else:
        conditions.append(Q(regions=region_id))
    if fitting_only:
        conditions.append(
            Q(
                care_form__in=list(need.care_forms),
                age_min__lte=need.age,
                age_max__gte=need.age,
                secured=need.secured,
                free_places__gte=1,
            )
        )
        if need.gender != "f":
            conditions.append(~Q(gender=Location.GenderServed.GIRLS))
        if need.gender != "m":
            conditions.append(~Q(gender=Location.GenderServed.BOYS))
        if need.excluded_providers:
            conditions.append(~Q(provider_id__in=need.excluded_providers))
    return locations.filter(*conditions)


def acceptance_rate(*, care_forms: list[str], since: datetime) -> Subquery:
    """Of the location's provider: the share accepted of its answered offers since `since` for
    one of `care_forms` (similar requests); NULL when there are none. One index-only range
    scan per location (`offer_acceptance`), inside the location query: no extra round trip."""
    similar = Offer.objects.filter(
        provider_id=OuterRef("provider_id"),
        care_form__in=care_forms,
        sent_at__gte=since,
        status__in=ANSWERED,
    )
    rate = (
        similar.order_by()
        .values("provider_id")
        .annotate(
            rate=Cast(Count("pk", filter=Q(status=Offer.Status.ACCEPTED)), FloatField())
            / Cast(Count("pk"), FloatField())
        )
        .values("rate")
    )
    return Subquery(rate, output_field=FloatField())


FACT_FIELDS = tuple(f for f in LocationFacts.__dataclass_fields__ if f != "acceptance_rate")
SHOWN_FIELDS = ("name", "provider__name", "municipality__name")


def _facts(row: dict[str, Any]) -> LocationFacts:
    return LocationFacts(**{name: row[name] for name in FACT_FIELDS}, acceptance_rate=row["rate"])


def _shown(row: dict[str, Any]) -> CandidateLocation:
    return CandidateLocation(
        pk=row["id"],
        name=row["name"],
        provider_name=row["provider__name"],
        municipality_name=row["municipality__name"],
        care_form=row["care_form"],
        free_places=row["free_places"],
    )


# The fitting locations of a region with their provider's acceptance rate, on PostgreSQL: the
# same conditions as `_locations(fitting_only=True)` plus the expertise and contra-indications
# (jsonb `@>` and `?|`), and the same rate as `acceptance_rate`, computed once per provider
# (LATERAL: one range of index `offer_acceptance` each) instead of once per location — a region
# offers ~190 fitting locations of ~50 providers. Written out because this is the hottest read
# of the application: the ORM spent longer composing this query than PostgreSQL spent running
# it (5 ms against 3.5 ms per request, measured at 5,000 referrals). `test_candidates_sql`
# proves it keeps exactly the locations Python finds fitting, with the same scores.
FITTING_LOCATIONS_SQL = """
WITH fit AS MATERIALIZED (
    SELECT l.id, l.provider_id, l.care_form, l.expertise, l.contra_indications, l.age_min,
           l.age_max, l.gender, l.secured, l.intensity, l.school_on_site, l.latitude,
           l.longitude, l.free_places, l.last_confirmed_at, l.name, l.municipality_id
      FROM capacity_location l
     WHERE l.id = ANY(ARRAY(SELECT r.location_id FROM capacity_location_regions r
                             WHERE r.region_id = %(region)s))
       AND l.is_active
       AND l.care_form = ANY(%(care_forms)s::varchar[])
       AND l.age_min <= %(age)s AND l.age_max >= %(age)s
       AND l.secured = %(secured)s
       AND l.free_places >= 1
       AND l.gender <> ALL(%(genders_not_served)s::varchar[])
       AND l.expertise @> %(expertise)s::jsonb
       AND NOT (l.contra_indications ?| %(risk_flags)s::text[])
       AND l.provider_id <> ALL(%(excluded_providers)s::bigint[])
), rates AS MATERIALIZED (
    SELECT providers.provider_id, answered.rate
      FROM (SELECT DISTINCT provider_id FROM fit) providers
     CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE o.status = %(accepted)s)::float8
               / NULLIF(count(*), 0)::float8 AS rate
          FROM placement_offer o
         WHERE o.provider_id = providers.provider_id
           AND o.care_form = ANY(%(care_forms)s::varchar[])
           AND o.sent_at >= %(since)s
           AND o.status = ANY(%(answered)s::varchar[])
     ) answered
)
SELECT fit.id, fit.provider_id, fit.care_form, fit.expertise, fit.contra_indications,
       fit.age_min, fit.age_max, fit.gender, fit.secured, fit.intensity, fit.school_on_site,
       fit.latitude, fit.longitude, fit.free_places, fit.last_confirmed_at AT TIME ZONE 'UTC',
       fit.name, p.name,
       m.name, rates.rate
  FROM fit
  JOIN accounts_organisation p ON p.id = fit.provider_id
  JOIN accounts_municipality m ON m.id = fit.municipality_id
  JOIN rates ON rates.provider_id = fit.provider_id
 ORDER BY fit.id
"""
ROW_FIELDS = (*FACT_FIELDS, *SHOWN_FIELDS, "rate")


def _fitting_rows_postgresql(
    *, region_id: int, need: Need, since: datetime
) -> list[dict[str, Any]]:
    not_served = []
    if need.gender != "f":
        not_served.append(Location.GenderServed.GIRLS.value)
    if need.gender != "m":
        not_served.append(Location.GenderServed.BOYS.value)
    params: dict[str, Any] = {
        "region": region_id,
        "care_forms": list(need.care_forms),
        "age": need.age,
        "secured": need.secured,
        "genders_not_served": not_served,
        "expertise": json.dumps(list(need.expertise)),
        "risk_flags": list(need.risk_flags),
        "excluded_providers": sorted(need.excluded_providers),
        "since": since,
        "accepted": Offer.Status.ACCEPTED.value,
        "answered": [status.value for status in ANSWERED],
    }
    with connections[Location.objects.db].cursor() as cursor:
        cursor.execute(FITTING_LOCATIONS_SQL, params)
        rows = [dict(zip(ROW_FIELDS, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:  # Django reads jsonb as text and leaves decoding to JSONField
        for name in ("expertise", "contra_indications"):
            if isinstance(row[name], str):
                row[name] = json.loads(row[name])
        # Read as a UTC timestamp: psycopg's C loader, where Django's loader for timestamptz is
        # Python (2.5 ms for a region's ~190 locations).
        if row["last_confirmed_at"] is not None:
            row["last_confirmed_at"] = row["last_confirmed_at"].replace(tzinfo=UTC)
    return rows


def _refusers(referral: int | OuterRef) -> QuerySet[Offer, int]:
    """The providers that refused the referral or let its offer expire: never asked again."""
    return (
        Offer.objects.filter(
            Q(referral=referral), status__in=[Offer.Status.REFUSED, Offer.Status.EXPIRED]
        )
        .order_by()
        .values_list("provider_id", flat=True)
    )


MATCHING_RELATED = ("current_analysis", "youth__municipality")
# What `need_for_referral` and `candidates_for_referral` read, and nothing else.
MATCHING_FIELDS = (
    "status",
    "requested_start",
    "school_attending",
    "youth__birth_date",
    "youth__gender",
    "youth__municipality__latitude",
    "youth__municipality__longitude",
    "youth__municipality__region_id",
    "current_analysis__needed_care_forms",
    "current_analysis__needed_expertise",
    "current_analysis__risk_flags",
    "current_analysis__intensity",
    "current_analysis__secured_required",
)


def referral_for_matching(*, user: User, pk: object) -> Referral:
    """A referral in the coordinator's scope with what matching reads, in one query: the
    current analysis, the youth's birth date, gender and home (used, never shown) and, on
    PostgreSQL, the providers that already refused. `candidates_for_referral` then needs only
    its location query."""
    annotations = None
    if connections[Referral.objects.db].vendor == "postgresql":
        annotations = {"refusers": ArraySubquery(_refusers(OuterRef("pk")))}
    return referral_for_user(
        user=user,
        pk=pk,
        related=MATCHING_RELATED,
        annotations=annotations,
        only=MATCHING_FIELDS,
    )


def candidates_for_referral(*, referral: Referral, include_excluded: bool = False) -> CandidateList:
    """Rank the locations for a referral in a fixed number of queries, whatever the number of
    locations: the locations with their provider's acceptance rate, the hard conditions
    filtered in SQL unless the excluded are asked for. A referral from `referral_for_matching`
    brings its youth and refusing providers along; otherwise one query more reads them (two
    off PostgreSQL)."""
    read_with_referral = getattr(referral, "refusers", None)
    if read_with_referral is not None and Referral.youth.is_cached(referral):
        excluded_providers = frozenset(read_with_referral)  # referral_for_matching read them
    else:
        refusers = _refusers(referral.pk)
        youths = YouthIdentity.objects.select_related("municipality")
        youth: YouthIdentity
        if connections[youths.db].vendor == "postgresql":  # one round trip for both
            youth = annotated = youths.annotate(refusers=ArraySubquery(refusers)).get(
                pk=referral.youth_id
            )
            excluded_providers = frozenset(annotated.refusers)
        else:
            youth = youths.get(pk=referral.youth_id)
            excluded_providers = frozenset(refusers)
        if not Referral.youth.is_cached(referral):
            referral.youth = youth
    need = need_for_referral(referral=referral, excluded_providers=excluded_providers)
    now = timezone.now()
    since = now - timedelta(days=365)
    rows: Iterable[dict[str, Any]]
    if not include_excluded and connections[Location.objects.db].vendor == "postgresql":
        rows = _fitting_rows_postgresql(
            region_id=_matchable_youth(referral)[1].region_id, need=need, since=since
        )
    else:
        locations = _locations(referral=referral, need=need, fitting_only=not include_excluded)
        rows = locations.values(
            *FACT_FIELDS,
            *SHOWN_FIELDS,
            rate=acceptance_rate(care_forms=list(need.care_forms), since=since),
        )
    fitting: list[Candidate] = []
    excluded: list[Candidate] = []
    for row in rows:
        assessment = assess(
            need,
            _facts(row),
            weights=settings.MATCH_WEIGHTS,
            now=now,
            distance_zero_km=settings.MATCH_DISTANCE_ZERO_KM,
            school_reach_km=settings.MATCH_SCHOOL_REACH_KM,
            stale_days=settings.CAPACITY_STALE_DAYS,
        )
        if assessment.fits:
            fitting.append(Candidate(location=_shown(row), assessment=assessment))
        elif include_excluded:
            excluded.append(Candidate(location=_shown(row), assessment=assessment))
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
    """Provider staff: offers to its own organisation. Coordinator: offers of referrals of its
    regions (`Referral.region`, the same scope as `referrals_for_user`)."""
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
        return base.filter(referral__region__in=regions_for_user(user=user))
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
        return base.filter(referral__region__in=regions_for_user(user=user))
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
