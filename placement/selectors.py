"""Reads of placement: candidates for a referral, and offers/placements scoped per user."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import regions_for_user
from accounts.services import audit_record
from capacity.models import Location
from config.errors import Conflict, NotFound
from placement.matching import (
    INTENSITY_BELOW_TOLERATED,
    INTENSITY_ORDER,
    Assessment,
    LocationFacts,
    Need,
    assess,
    rank,
)
from placement.models import Offer, Placement, PlacementRisk
from referrals.models import Referral, YouthIdentity

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
    free_places: int  # offerable: free and staffed
    capacity_unconfirmed: bool = False  # figure older than CAPACITY_STALE_DAYS


@dataclass
class Candidate:
    location: CandidateLocation
    assessment: Assessment

    @property
    def score(self) -> int:
        return self.assessment.score


@dataclass
class CandidateList:
    referral_id: int
    need: Need
    # fitting, best first; those whose free places are unconfirmed (stale) after the others
    candidates: list[Candidate]
    excluded: list[Candidate]  # only filled when asked for
    turning_18_soon: bool

    @property
    def proposal(self) -> Candidate | None:
        """The best fitting location whose free place is confirmed: a stale figure does not
        count as a free place for the proposal."""
        return next((c for c in self.candidates if not c.location.capacity_unconfirmed), None)


def turning_18_within(*, birth_date: date, start: date, days: int) -> bool:
    """True when the youth turns 18 before `days` after the requested start."""
    try:
        eighteenth = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = birth_date.replace(year=birth_date.year + 18, day=28)
    return eighteenth <= start + timedelta(days=days)


FACT_FIELDS = tuple(f for f in LocationFacts.__dataclass_fields__ if f != "acceptance_rate")
SHOWN_FIELDS = ("name", "provider__name", "municipality__name")


def _facts(row: dict[str, Any]) -> LocationFacts:
    return LocationFacts(**{name: row[name] for name in FACT_FIELDS}, acceptance_rate=row["rate"])


def _shown(row: dict[str, Any], *, stale_before: datetime | None = None) -> CandidateLocation:
    confirmed = row["last_confirmed_at"]
    return CandidateLocation(
        pk=row["id"],
        name=row["name"],
        provider_name=row["provider__name"],
        municipality_name=row["municipality__name"],
        care_form=row["care_form"],
        free_places=row["free_places"],
        capacity_unconfirmed=stale_before is not None
        and (confirmed is None or confirmed < stale_before),
    )


# The coded need of the referrals that `{referrals}` selects (CTEs `need` and `facts`, one row
# per referral): shared by CANDIDATES_SQL (one referral) and WAITING_FULL_FITS_SQL (a page of
# the waiting list).
NEED_SQL = """
need AS MATERIALIZED (
    SELECT r.id, r.requested_start, r.school_attending, y.birth_date, y.gender,
           m.region_id, m.latitude, m.longitude,
           COALESCE(a.needed_care_forms, '[]'::jsonb) AS care_forms,
           COALESCE(a.needed_expertise, '[]'::jsonb) AS expertise,
           COALESCE(a.risk_flags, '[]'::jsonb) AS risk_flags,
           COALESCE(a.intensity, '') AS intensity,
           COALESCE(a.secured_required OR a.needed_care_forms ? 'secured', false) AS secured,
           ARRAY(SELECT DISTINCT o.provider_id FROM placement_offer o
                  WHERE o.referral_id = r.id AND o.status = ANY(%(refused)s::varchar[]))
           AS refusers,
           s.start
      FROM referrals_referral r
      JOIN referrals_youthidentity y ON y.id = r.youth_id
      LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
      LEFT JOIN referrals_explanatoryanalysis a ON a.id = r.current_analysis_id
     CROSS JOIN LATERAL (SELECT COALESCE(r.requested_start, %(today)s::date) AS start) s
     WHERE {referrals}
), facts AS MATERIALIZED (
    -- age_on() of referrals.models, in SQL: whole years at the requested start
    SELECT n.*,
           extract(year FROM n.start)::int - extract(year FROM n.birth_date)::int
           - CASE WHEN (extract(month FROM n.start), extract(day FROM n.start))
                     < (extract(month FROM n.birth_date), extract(day FROM n.birth_date))
                  THEN 1 ELSE 0 END AS age,
           ARRAY(SELECT jsonb_array_elements_text(n.care_forms))::varchar[] AS care_form_list,
           ARRAY(SELECT jsonb_array_elements_text(n.risk_flags)) AS risk_flag_list,
           -- matching.INTENSITY_BELOW_TOLERATED: the location bands that still fit the
           -- need (NULL: no band needed, or one outside the list), worked out once here
           CASE WHEN strpos(%(bands)s, n.intensity) > 0 AND n.intensity <> '' THEN
                ARRAY(SELECT b.band FROM unnest(%(band_list)s::varchar[]) WITH ORDINALITY
                             AS b(band, rank)
                       WHERE b.rank >= strpos(%(bands)s, n.intensity)
                                       - %(intensity_tolerated)s)
           END AS fitting_bands
      FROM need n
)"""
# matching.exclusions in SQL, for location `l` and need `f` (a row of `facts`), except the free
# place: the hard conditions, written once for every statement that matches.
FITS_SQL = """(
               f.care_forms ? l.care_form
           AND l.age_min <= f.age AND l.age_max >= f.age
           AND l.secured = f.secured
           AND NOT (l.gender = 'girls' AND f.gender <> 'f')
           AND NOT (l.gender = 'boys' AND f.gender <> 'm')
           AND l.expertise @> f.expertise
           AND NOT (l.contra_indications ?| f.risk_flag_list)
           -- a location without a band (or with one outside the list) is not excluded
           AND (f.fitting_bands IS NULL OR l.intensity = ANY(f.fitting_bands)
                OR NOT (l.intensity = ANY(%(band_list)s::varchar[])))
           AND l.provider_id <> ALL(f.refusers))"""

# Matching in one statement, one round trip: the referral's coded need (`need`: the current
# analysis, the youth's age at the requested start, gender and home, the providers that
# already refused or let an offer expire), and the active locations of the youth's region
# with their provider's acceptance rate. With `fitting_only` only the locations that pass the
# hard conditions of `matching.exclusions` (jsonb `?`, `@>` and `?|` for care form, expertise
# and contra-indications); Python checks them again and explains. The rate is the share
# accepted of the provider's answered offers of 12 months for one of the requested care
# forms, once per provider (LATERAL: one range of index `offer_acceptance` each). The need
# rides on the first row only (as JSON); without a fitting location there is one row without
# location; outside `{scope}` there is none. Written out because this is the hottest read of
# the application; `test_candidates_sql` generates locations that fail each condition in
# turn and proves the SQL keeps exactly those Python finds fitting.
CANDIDATES_SQL = (
    "WITH "  # noqa: S608 - composed of constant fragments (NEED_SQL, FITS_SQL), no input
    + NEED_SQL.replace("{referrals}", "r.id = %(referral)s {scope}")
    + """, fit AS MATERIALIZED (
    SELECT l.id, l.provider_id, l.care_form, l.expertise, l.contra_indications, l.age_min,
           l.age_max, l.gender, l.secured, l.intensity, l.school_on_site, l.latitude,
           l.longitude, l.free_places - l.unstaffed_places AS free_places, -- offerable
           l.last_confirmed_at, l.name, l.municipality_id
      FROM capacity_location l
     CROSS JOIN facts f
     WHERE l.id = ANY(ARRAY(SELECT lr.location_id FROM capacity_location_regions lr
                             WHERE lr.region_id = (SELECT region_id FROM facts)))
       AND l.is_active
       AND (NOT %(fitting_only)s OR (l.free_places - l.unstaffed_places >= 1 AND """
    + FITS_SQL
    + """))
), rates AS MATERIALIZED (
    SELECT providers.provider_id, answered.rate
      FROM (SELECT DISTINCT provider_id FROM fit) providers
     CROSS JOIN facts f
     CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE o.status = %(accepted)s)::float8
               / NULLIF(count(*), 0)::float8 AS rate
          FROM placement_offer o
         WHERE o.provider_id = providers.provider_id
           AND o.care_form = ANY(f.care_form_list)
           AND o.sent_at >= %(since)s
           AND o.status = ANY(%(answered)s::varchar[])
     ) answered
), shown AS (
    SELECT fit.*, p.name AS provider_name, lm.name AS municipality_name, rates.rate
      FROM fit
      JOIN accounts_organisation p ON p.id = fit.provider_id
      JOIN accounts_municipality lm ON lm.id = fit.municipality_id
      JOIN rates ON rates.provider_id = fit.provider_id
)
SELECT CASE WHEN row_number() OVER (ORDER BY shown.id) = 1
            THEN json_build_object(
                'birth_date', f.birth_date, 'gender', f.gender, 'start', f.start,
                'latitude', f.latitude, 'longitude', f.longitude,
                'school_attending', f.school_attending, 'care_forms', f.care_forms,
                'expertise', f.expertise, 'risk_flags', f.risk_flags,
                'intensity', f.intensity, 'secured', f.secured, 'age', f.age,
                'refusers', f.refusers)::text END,
       shown.id, shown.provider_id, shown.care_form,
       -- text[] instead of jsonb: psycopg loads arrays in C, jsonb through json.loads
       -- (~20 µs a value, two per location: ~1.5 ms of a national request)
       ARRAY(SELECT jsonb_array_elements_text(shown.expertise)),
       ARRAY(SELECT jsonb_array_elements_text(shown.contra_indications)),
       shown.age_min, shown.age_max, shown.gender, shown.secured,
       shown.intensity, shown.school_on_site, shown.latitude, shown.longitude,
       shown.free_places, shown.last_confirmed_at AT TIME ZONE 'UTC', shown.name,
       shown.provider_name, shown.municipality_name, shown.rate
  FROM facts f
  LEFT JOIN shown ON true
 ORDER BY shown.id
"""
)
ROW_FIELDS = ("need", *FACT_FIELDS, *SHOWN_FIELDS, "rate")
REFUSED = [Offer.Status.REFUSED.value, Offer.Status.EXPIRED.value]


def _need(facts: dict[str, Any]) -> Need:
    """The coded need as the statement derived it (no identity leaves matching)."""
    if facts["birth_date"] is None or facts["latitude"] is None:
        raise Conflict(_("Het verzoek mist de geboortedatum of de woongemeente."))
    return Need(
        care_forms=facts["care_forms"],
        expertise=facts["expertise"],
        risk_flags=facts["risk_flags"],
        intensity=facts["intensity"],
        secured=facts["secured"],
        age=facts["age"],
        gender=facts["gender"],
        home_latitude=facts["latitude"],
        home_longitude=facts["longitude"],
        attends_school=bool(facts["school_attending"]),
        excluded_providers=frozenset(facts["refusers"]),
    )


def _matching_rows(
    *, referral_id: int, scope: User | None, since: datetime, fitting_only: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The need and the location rows of one referral; None when it is not in `scope` (the
    regions of a coordinator; None: every referral, for callers that hold it already)."""
    params: dict[str, Any] = {
        "referral": referral_id,
        "refused": REFUSED,
        "today": timezone.localdate(),
        "fitting_only": fitting_only,
        "since": since,
        "accepted": Offer.Status.ACCEPTED.value,
        "answered": [status.value for status in ANSWERED],
        "bands": "".join(INTENSITY_ORDER),
        "band_list": list(INTENSITY_ORDER),
        "intensity_tolerated": INTENSITY_BELOW_TOLERATED,
    }
    scope_sql = ""
    if scope is not None:
        # referrals_for_user's scope of a coordinator: past draft, in one of its regions
        regions, region_params = regions_for_user(user=scope).values("id").query.sql_with_params()
        names = [f"scope_{index}" for index in range(len(region_params))]
        regions = regions % tuple(f"%({name})s" for name in names)
        scope_sql = f"AND r.status <> 'draft' AND r.region_id IN ({regions})"
        params.update(zip(names, region_params, strict=True))
    with connections[Location.objects.db].cursor() as cursor:
        cursor.execute(CANDIDATES_SQL.format(scope=scope_sql), params)
        rows = [dict(zip(ROW_FIELDS, values, strict=True)) for values in cursor.fetchall()]
    if not rows:
        return None
    facts = json.loads(rows[0]["need"])
    facts["birth_date"] = facts["birth_date"] and date.fromisoformat(facts["birth_date"])
    facts["start"] = date.fromisoformat(facts["start"])
    locations = [row for row in rows if row["id"] is not None]
    for row in locations:
        # Read as a UTC timestamp: psycopg's C loader, where Django's loader for timestamptz is
        # Python (2.5 ms for a region's ~190 locations).
        if row["last_confirmed_at"] is not None:
            row["last_confirmed_at"] = row["last_confirmed_at"].replace(tzinfo=UTC)
    return facts, locations


def _rank(*, referral_id: int, scope: User | None, include_excluded: bool) -> CandidateList | None:
    now = timezone.now()
    read = _matching_rows(
        referral_id=referral_id,
        scope=scope,
        since=now - timedelta(days=365),
        fitting_only=not include_excluded,
    )
    if read is None:
        return None
    facts, rows = read
    need = _need(facts)
    fitting: list[Candidate] = []
    excluded: list[Candidate] = []
    stale_before = now - timedelta(days=settings.CAPACITY_STALE_DAYS)
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
            shown = _shown(row, stale_before=stale_before)
            if shown.capacity_unconfirmed:
                assessment.reasons.append(
                    _("Capaciteit niet bevestigd: telt niet mee voor het voorstel")
                )
            fitting.append(Candidate(location=shown, assessment=assessment))
        elif include_excluded:
            excluded.append(Candidate(location=_shown(row), assessment=assessment))
    by_id = {candidate.location.pk: candidate for candidate in fitting}
    ordered = [by_id[a.location_id] for a in rank(c.assessment for c in fitting)]
    # A stale figure stays listed, marked, but after every confirmed one (stable order).
    ordered.sort(key=lambda candidate: candidate.location.capacity_unconfirmed)
    return CandidateList(
        referral_id=referral_id,
        need=need,
        candidates=ordered,
        excluded=excluded,
        turning_18_soon=turning_18_within(
            birth_date=facts["birth_date"],
            start=facts["start"],
            days=settings.TURNING_18_WINDOW_DAYS,
        ),
    )


def candidates_for_referral(*, referral: Referral, include_excluded: bool = False) -> CandidateList:
    """Rank the locations for a referral the caller already holds, in one query whatever the
    number of locations; the hard conditions are filtered in SQL unless the excluded are
    asked for."""
    result = _rank(referral_id=referral.pk, scope=None, include_excluded=include_excluded)
    if result is None:  # the referral was deleted under the caller's feet
        raise NotFound
    return result


def candidates_for_user(
    *, user: User, referral_id: object, include_excluded: bool = False
) -> CandidateList:
    """The same for a referral in a coordinator's scope, found and ranked in one round trip;
    outside the scope the refusal is audited and NotFound raised (as `referral_for_user`)."""
    try:
        pk = int(str(referral_id))
    except ValueError:
        raise NotFound from None
    result = None
    if user.is_active and user.role == Role.COORDINATOR and user.organisation_id is not None:
        result = _rank(referral_id=pk, scope=user, include_excluded=include_excluded)
    if result is None:
        audit_record(user=user, action="referral.read", referral_id=pk, allowed=False)
        raise NotFound
    return result


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


def with_open_risk(queryset: QuerySet[Placement]) -> QuerySet[Placement]:
    """The placements with `open_risk_reason`: the reason code of the open PlacementRisk, or
    None (at most one is open per placement: `placementrisk_one_open_per_placement`). One
    subquery on that partial index, so a list keeps its fixed number of queries."""
    return queryset.annotate(
        open_risk_reason=Subquery(
            PlacementRisk.objects.filter(placement=OuterRef("pk"), closed_at__isnull=True)
            .order_by()
            .values("reason")[:1]
        )
    )


def placement_at_risk_reason(placement: Placement) -> str | None:
    """The reason code when the placement is active with an open risk ("Plaatsing onder
    druk"), else None. Reads the `with_open_risk` annotation when there, else one query."""
    if placement.status != Placement.Status.ACTIVE:
        return None
    if hasattr(placement, "open_risk_reason"):
        return placement.open_risk_reason or None
    return (
        PlacementRisk.objects.filter(placement=placement, closed_at__isnull=True)
        .values_list("reason", flat=True)
        .first()
    )


def placements_for_user(*, user: User) -> QuerySet[Placement]:
    base = with_open_risk(Placement.objects.select_related("location", "provider", "referral"))
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


def identity_access_ends_on(*, offer: Offer) -> date | None:
    """The last day the provider sees the youth's identity: a set time after the placement ended.

    None while the placement runs (or none was made). The provider needs the identity for the
    intake, the stay and the file's closing; after `PROVIDER_IDENTITY_DAYS_AFTER_END` days the
    offer page shows the anonymised request only.
    """
    end_date = (
        Placement.objects.filter(offer=offer, status=Placement.Status.ENDED)
        .values_list("end_date", flat=True)
        .first()
    )
    if end_date is None:
        return None
    return end_date + timedelta(days=settings.PROVIDER_IDENTITY_DAYS_AFTER_END)


def accepted_youth_identity_for(*, offer: Offer, user: User) -> YouthIdentity | None:
    """The identity for the provider's intake: only after acceptance, every read audited.

    None (the read audited as refused) once the access has ended after the placement ended;
    NotFound for anyone else.
    """
    allowed = (
        user.role == Role.PROVIDER
        and offer.provider_id == user.organisation_id
        and offer.status == Offer.Status.ACCEPTED
    )
    ends_on = identity_access_ends_on(offer=offer) if allowed else None
    ended = ends_on is not None and timezone.localdate() > ends_on
    audit_record(
        user=user,
        action="youth.read",
        referral_id=offer.referral_id,
        object_type="youth_identity",
        object_id=offer.referral.youth_id,
        allowed=allowed and not ended,
    )
    if not allowed:
        raise NotFound
    if ended:
        return None
    return YouthIdentity.objects.select_related("municipality").get(pk=offer.referral.youth_id)


# --- Expected vacancies and their check (issue 22.5) ----------------------------------------

FORECAST_HORIZON_WEEKS = 12


def full_fitting_location_ids(*, referral: Referral) -> list[int]:
    """The locations that fit a referral except for a free place: the waiting-list watcher's
    fit (`capacity.selectors.change_affected` reads it the same way)."""
    no_free_place = _("Geen vrije plek.")
    try:
        result = candidates_for_referral(referral=referral, include_excluded=True)
    except Conflict:  # a request without birth date or home fits nothing
        return []
    return [
        candidate.location.pk
        for candidate in result.excluded
        if set(candidate.assessment.excluded_because) == {no_free_place}
    ]


def expected_vacancy_dates(
    *, location_ids: list[int], today: date, weeks: int = FORECAST_HORIZON_WEEKS
) -> dict[int, date]:
    """The first day within `weeks` on which each location expects a place to come free:
    the planned end of a running placement (an overdue one counts as today) or an announced
    enlargement. A location with an announced closure within the horizon expects none.
    Two queries, whatever the number of locations."""
    from django.db.models import F, Min

    from capacity.models import CapacityChange

    if not location_ids:
        return {}
    horizon = today + timedelta(weeks=weeks)
    open_changes = CapacityChange.objects.filter(
        location_id__in=location_ids,
        applied_at__isnull=True,
        cancelled_at__isnull=True,
        effective_on__lte=horizon,
    )
    closing = set(
        open_changes.filter(kind=CapacityChange.Kind.CLOSURE).values_list("location_id", flat=True)
    )
    firsts: dict[int, date] = {}
    rows = (
        Placement.objects.filter(
            location_id__in=location_ids,
            status__in=[Placement.Status.PLANNED, Placement.Status.ACTIVE],
            planned_end__lte=horizon,
        )
        .values("location_id")
        .annotate(first=Min("planned_end"))
        .values_list("location_id", "first")
    )
    for location_id, first in rows:
        firsts[location_id] = max(first, today)
    growing = (
        open_changes.filter(
            kind=CapacityChange.Kind.RESIZE, new_total__gt=F("location__total_places")
        )
        .values("location_id")
        .annotate(first=Min("effective_on"))
        .values_list("location_id", "first")
    )
    for location_id, first in growing:
        on = max(first, today)
        firsts[location_id] = min(firsts.get(location_id, on), on)
    return {pk: on for pk, on in firsts.items() if pk not in closing}


def weeks_until(*, day: date, today: date) -> int:
    """Whole weeks from today, rounded up, at least one: "verwacht vrij over N weken"."""
    return max(1, -(-(day - today).days // 7))


@dataclass(frozen=True)
class ExpectedVacancy:
    location_id: int
    location_name: str
    on: date
    weeks: int


def expected_vacancies_for_referral(
    *, referral: Referral, today: date | None = None
) -> list[ExpectedVacancy]:
    """The full locations that fit `referral` and expect a place within the horizon, first
    expected first: the matching page's "verwacht vrij over N weken bij …"."""
    day = today or timezone.localdate()
    dates = expected_vacancy_dates(
        location_ids=full_fitting_location_ids(referral=referral), today=day
    )
    names = dict(Location.objects.filter(pk__in=dates).values_list("pk", "name"))
    return [
        ExpectedVacancy(
            location_id=pk, location_name=names[pk], on=on, weeks=weeks_until(day=on, today=day)
        )
        for pk, on in sorted(dates.items(), key=lambda item: (item[1], item[0]))
    ]


# The waiting list's "verwacht vrij over N weken bij …" for a page of referrals in one
# statement: every pair of a referral and an active location of its youth's region that fits
# it except for the free place (the fit of `full_fitting_location_ids`, the waiting-list
# watcher's: NEED_SQL and FITS_SQL as matching uses them, none rewritten). A request without
# birth date or home fits nothing, as matching refuses it (`_need`).
WAITING_FULL_FITS_SQL = (
    "WITH "
    + NEED_SQL.replace("{referrals}", "r.id = ANY(%(referrals)s)")
    + """
SELECT f.id, l.id, l.name
  FROM facts f
  JOIN capacity_location_regions lr ON lr.region_id = f.region_id
  JOIN capacity_location l ON l.id = lr.location_id
 WHERE l.is_active
   AND l.free_places - l.unstaffed_places < 1
   AND f.birth_date IS NOT NULL AND f.latitude IS NOT NULL
   AND """
    + FITS_SQL
)


def expected_vacancies_for_referrals(
    *, referral_ids: Sequence[int], today: date | None = None
) -> dict[int, ExpectedVacancy]:
    """Per referral the soonest expected vacancy at a full location that fits it (the first
    of `expected_vacancies_for_referral`), for the waiting list: four queries whatever the
    number of referrals and locations. Referrals without one are left out."""
    ids = [int(pk) for pk in referral_ids]
    if not ids:
        return {}
    day = today or timezone.localdate()
    params: dict[str, Any] = {
        "referrals": ids,
        "refused": REFUSED,
        "today": day,
        "bands": "".join(INTENSITY_ORDER),
        "band_list": list(INTENSITY_ORDER),
        "intensity_tolerated": INTENSITY_BELOW_TOLERATED,
    }
    with connections[Location.objects.db].cursor() as cursor:
        cursor.execute(WAITING_FULL_FITS_SQL, params)
        pairs = cursor.fetchall()
    names = {location_id: name for _referral, location_id, name in pairs}
    dates = expected_vacancy_dates(location_ids=sorted(names), today=day)
    soonest: dict[int, ExpectedVacancy] = {}
    for referral_id, location_id, name in pairs:
        on = dates.get(location_id)
        if on is None:
            continue
        known = soonest.get(referral_id)
        if known is None or (on, location_id) < (known.on, known.location_id):
            soonest[referral_id] = ExpectedVacancy(
                location_id=location_id,
                location_name=name,
                on=on,
                weeks=weeks_until(day=on, today=day),
            )
    return soonest


@dataclass(frozen=True)
class ForecastCheck:
    """How many settled forecasts of a vacancy came true (the placement ended within the
    tolerance of the day expected)."""

    came_true: int
    settled: int


def forecast_check(*, location_ids: Any, today: date | None = None) -> ForecastCheck:
    """The current forecast of each placement (a later planned end replaces an earlier one)
    is settled once its placement ended or its day plus the tolerance has passed. One query;
    `location_ids` may be a queryset of ids."""
    from django.db.models import Count, F, Q

    from placement.models import VacancyForecast

    day = today or timezone.localdate()
    # came true: the placement ended this many days or fewer from the day expected (setting)
    tolerance = timedelta(days=settings.FORECAST_TOLERANCE_DAYS)
    ended_near = Q(
        placement__end_date__isnull=False,
        placement__end_date__gte=F("expected_on") - tolerance,
        placement__end_date__lte=F("expected_on") + tolerance,
    )
    totals = VacancyForecast.objects.filter(
        Q(placement__status=Placement.Status.ENDED) | Q(expected_on__lt=day - tolerance),
        location_id__in=location_ids,
        superseded_at__isnull=True,
    ).aggregate(settled=Count("id"), came_true=Count("id", filter=ended_near))
    return ForecastCheck(came_true=totals["came_true"] or 0, settled=totals["settled"] or 0)


# --- the coordinator's board -------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One card of the board as read: the values it shows, no model instances."""

    pk: int
    code: str
    status: str
    status_changed_at: datetime
    in_column: int  # how many referrals the card's column holds
    birth_date: date | None
    requested_start: date | None
    first_care_form: str  # first choice of the current analysis, "" without one
    legal_status: str
    expert_table: bool
    submitted_at: datetime | None
    documents_due_on: date | None  # set while a crisis referral's VA and plans are to follow
    offer_deadline: datetime | None  # the open offer's, when there is one
    refusals: int  # offers refused or let expire
    risk_reason: str | None = None  # the active placement's open risk ("onder druk"), if any


# The board: per region in the scope and per column, the oldest cards walked in index order
# (`referral_region`: region, status, status_changed_at), so a region's thousand open
# referrals are counted from the index and only the shown cards are read; only those cards
# are then joined to what a card shows (the youth's birth date, the first-choice care form,
# the open offer's deadline, the number of refusals: index `referral_id` of the offers; the
# open risk of an active placement: indexes `referral_id` of the placements and the partial
# unique index of the open risks).
# `{filtered}` is empty, or `AND r.id IN (…)` of a filtered referral queryset.
BOARD_CARDS_SQL = """
WITH scope AS MATERIALIZED ({regions}), columns AS MATERIALIZED (
    SELECT s.status,
           (SELECT count(*) FROM referrals_referral r
             WHERE r.region_id IN (SELECT id FROM scope) AND r.status = s.status {filtered})
           AS in_column
      FROM unnest(%s::varchar[]) AS s(status)
), cards AS MATERIALIZED (
    SELECT c.id, c.code, c.status, c.status_changed_at,
           row_number() OVER (PARTITION BY c.status ORDER BY c.status_changed_at, c.id)
           AS position
      FROM scope g
     CROSS JOIN columns s
     CROSS JOIN LATERAL (
           SELECT r.id, r.code, r.status, r.status_changed_at FROM referrals_referral r
            WHERE r.region_id = g.id AND r.status = s.status {filtered}
            ORDER BY r.status_changed_at, r.id
            LIMIT %s) c
), shown AS MATERIALIZED (
    SELECT * FROM cards WHERE position <= %s
)
SELECT shown.id, shown.code, shown.status, shown.status_changed_at AT TIME ZONE 'UTC',
       columns.in_column,
       y.birth_date, r.requested_start, COALESCE(a.needed_care_forms ->> 0, ''),
       r.legal_status, r.expert_table, r.submitted_at AT TIME ZONE 'UTC',
       CASE WHEN r.urgency = 'crisis' AND r.documents_completed_on IS NULL
            THEN r.documents_due_on END,
       offers.open_deadline AT TIME ZONE 'UTC', offers.refusals,
       (SELECT k.reason FROM placement_placement p
          JOIN placement_placementrisk k ON k.placement_id = p.id AND k.closed_at IS NULL
         WHERE p.referral_id = shown.id AND p.status = 'active' LIMIT 1)
  FROM shown
  JOIN columns ON columns.status = shown.status
  JOIN referrals_referral r ON r.id = shown.id
  JOIN referrals_youthidentity y ON y.id = r.youth_id
  LEFT JOIN referrals_explanatoryanalysis a ON a.id = r.current_analysis_id
 CROSS JOIN LATERAL (
       SELECT max(o.deadline) FILTER (WHERE o.status = 'open') AS open_deadline,
              count(*) FILTER (WHERE o.status IN ('refused', 'expired')) AS refusals
         FROM placement_offer o WHERE o.referral_id = shown.id) offers
 ORDER BY shown.status_changed_at, shown.id
"""


def board_cards(
    *,
    user: User,
    statuses: Sequence[str],
    per_column: int,
    region: object = None,
    filtered: QuerySet[Referral] | None = None,
) -> list[BoardRow]:
    """The coordinator's board: the `per_column` oldest referrals of each status (by
    status_changed_at, then id) with each column's count and what each card shows, in one
    query whatever the numbers. `region` narrows the scope to one of the user's regions;
    `filtered` (a queryset of referrals) keeps only its rows. No one else has a board."""
    if user.role != Role.COORDINATOR or not user.is_active or user.organisation_id is None:
        return []
    regions_qs = regions_for_user(user=user)
    if region is not None:
        regions_qs = regions_qs.filter(pk=getattr(region, "pk", region))
    regions, params = regions_qs.values("id").query.sql_with_params()
    past_draft = [status for status in statuses if status != Referral.Status.DRAFT]
    filtered_sql, filtered_params = "", ()
    if filtered is not None:
        subquery, filtered_params = filtered.order_by().values("id").query.sql_with_params()
        filtered_sql = f"AND r.id IN ({subquery})"
    sql = BOARD_CARDS_SQL.format(regions=regions, filtered=filtered_sql)
    arguments = [
        *params,
        *filtered_params,
        past_draft,
        *filtered_params,
        per_column,
        per_column,
    ]
    with connections[Referral.objects.db].cursor() as cursor:
        cursor.execute(sql, arguments)
        rows = cursor.fetchall()
    # The moments are read as UTC timestamps: psycopg's C loader, where Django's loader for
    # timestamptz is Python (three a card, ~1 ms of a national board of 175 cards).
    out = []
    for row in rows:
        values = list(row)
        for index in (3, 10, 12):  # status_changed_at, submitted_at, offer_deadline
            values[index] = _utc(values[index])
        out.append(BoardRow(*values))
    return out


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def placement_risks(*, placement: Placement) -> list[Any]:
    """The placement's risk flags, newest first (a handful per placement at most)."""
    return list(PlacementRisk.objects.filter(placement=placement).select_related("flagged_by")[:20])


def placement_open_risk(*, placement: Placement) -> Any:
    return PlacementRisk.objects.filter(placement=placement, closed_at__isnull=True).first()
