"""Reads of the capacity register: who sees which locations, the regional overview, freshness."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Organisation, User
from capacity.models import CapacityChange, CapacityEvent, Location
from config.codes import CareForm
from config.errors import Conflict


def stale_days() -> int:
    return int(settings.CAPACITY_STALE_DAYS)


def stale_cutoff(*, now: datetime | None = None) -> datetime:
    """Figures confirmed before this moment are stale."""
    return (now or timezone.now()) - timedelta(days=stale_days())


def stale_condition(*, now: datetime | None = None) -> Q:
    return Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=stale_cutoff(now=now))


def is_stale(*, location: Location, now: datetime | None = None) -> bool:
    confirmed = location.last_confirmed_at
    return confirmed is None or confirmed < stale_cutoff(now=now)


def with_staleness(
    queryset: QuerySet[Location], *, now: datetime | None = None
) -> QuerySet[Location]:
    """Annotate `is_stale` in the same query (no per-row work in templates)."""
    return queryset.annotate(
        is_stale=ExpressionWrapper(stale_condition(now=now), output_field=BooleanField())
    )


# "verwacht vrij over 4/8/12 weken" (issue 22.5): the horizons of the expected free places.
EXPECTED_FREE_WEEKS = (4, 8, 12)


def _expected_free(weeks: int, today: date) -> Any:
    """Free now, plus the running placements whose planned end falls within `weeks`, plus
    the change of size of the last announced change effective by then (a closure: none)."""
    from placement.models import Placement

    horizon = today + timedelta(weeks=weeks)
    ending = (
        Placement.objects.filter(
            location=OuterRef("pk"),
            status__in=[Placement.Status.PLANNED, Placement.Status.ACTIVE],
            planned_end__lte=horizon,
        )
        .order_by()
        .values("location")
        .annotate(n=Count("id"))
        .values("n")
    )
    target = (
        CapacityChange.objects.filter(
            location=OuterRef("pk"),
            applied_at__isnull=True,
            cancelled_at__isnull=True,
            effective_on__lte=horizon,
        )
        .order_by("-effective_on", "-id")
        .annotate(
            target=Case(
                When(kind=CapacityChange.Kind.CLOSURE, then=Value(0)),
                default=F("new_total"),
                output_field=IntegerField(),
            )
        )
        .values("target")[:1]
    )
    expected = F("free_places") + Coalesce(Subquery(ending, output_field=IntegerField()), 0)
    return Greatest(
        Value(0),
        expected
        + Coalesce(Subquery(target, output_field=IntegerField()) - F("total_places"), Value(0)),
        output_field=IntegerField(),
    )


def with_expected_free(
    queryset: QuerySet[Location], *, today: date | None = None
) -> QuerySet[Location]:
    """Annotate `expected_free_4`, `_8` and `_12` in the same query."""
    day = today or timezone.localdate()
    return queryset.annotate(
        **{f"expected_free_{weeks}": _expected_free(weeks, day) for weeks in EXPECTED_FREE_WEEKS}
    )


def locations_for_user(*, user: User) -> QuerySet[Location]:
    """Provider staff: their own provider's locations; coordinators: all; others: none."""
    if not user.is_active:
        return Location.objects.none()
    if user.is_provider and user.organisation_id is not None:
        return Location.objects.filter(provider_id=user.organisation_id)
    if user.is_coordinator:
        return Location.objects.all()
    return Location.objects.none()


def location_for_user(*, user: User, location_id: int) -> Location | None:
    return locations_for_user(user=user).filter(pk=location_id).first()


def provider_locations(*, provider: Organisation) -> QuerySet[Location]:
    """A provider's locations with what its list page shows, freshness included."""
    return with_expected_free(
        with_staleness(Location.objects.filter(provider=provider).select_related("municipality"))
    ).order_by("-is_active", "name")


@dataclass(frozen=True)
class LocationFilters:
    """The filters of the overview (and the list endpoint); None means "any"."""

    care_form: str | None = None
    expertise: str | None = None
    age: int | None = None
    region: int | None = None
    secured: bool | None = None
    only_free: bool = False

    def apply(self, queryset: QuerySet[Location]) -> QuerySet[Location]:
        if self.care_form:
            queryset = queryset.filter(care_form=self.care_form)
        if self.expertise:
            queryset = queryset.filter(expertise__contains=[self.expertise])
        if self.age is not None:
            queryset = queryset.filter(age_min__lte=self.age, age_max__gte=self.age)
        if self.region is not None:
            queryset = queryset.filter(regions=self.region)
        if self.secured is not None:
            queryset = queryset.filter(secured=self.secured)
        if self.only_free:
            queryset = queryset.filter(free_places__gt=0)
        return queryset


@dataclass(frozen=True)
class CareFormTotals:
    care_form: str
    label: str
    locations: int
    total_places: int
    free_places: int
    held_places: int
    occupied_places: int

    @property
    def occupancy_rate(self) -> Decimal | None:
        """Occupied / contracted places, in percent (one decimal); None without places."""
        if not self.total_places:
            return None
        return (Decimal(self.occupied_places * 100) / Decimal(self.total_places)).quantize(
            Decimal("0.1")
        )


@dataclass(frozen=True)
class Overview:
    locations: QuerySet[Location]
    totals: list[CareFormTotals] = field(default_factory=list)
    grand_total: CareFormTotals | None = None
    stale_count: int = 0
    # "x van y verwachte plekken kwamen vrij" (issue 22.5), over the locations shown.
    forecasts_came_true: int = 0
    forecasts_settled: int = 0


def overview_locations(
    *, user: User, filters: LocationFilters, now: datetime | None = None
) -> QuerySet[Location]:
    """Active locations the user may see, filtered, with provider, municipality, regions
    and freshness loaded up front: a fixed number of queries however many rows."""
    queryset = filters.apply(locations_for_user(user=user).filter(is_active=True))
    return (
        with_expected_free(with_staleness(queryset, now=now))
        .select_related("provider", "municipality")
        .prefetch_related("regions")
        .order_by("care_form", "provider__name", "name")
    )


def location_overview(
    *, user: User, filters: LocationFilters, now: datetime | None = None
) -> Overview:
    """The coordinator's regional overview: locations plus totals per care form (one
    aggregate query for all care forms together)."""
    locations = overview_locations(user=user, filters=filters, now=now)
    rows = (
        filters.apply(locations_for_user(user=user).filter(is_active=True))
        .order_by()
        .values("care_form")
        .annotate(
            n=Count("id"),
            total=Sum("total_places"),
            free=Sum("free_places"),
            held=Sum("held_places"),
            occupied=Sum("occupied_places"),
            stale=Count("id", filter=stale_condition(now=now)),
        )
    )
    by_form = {row["care_form"]: row for row in rows}
    totals = [
        CareFormTotals(
            care_form=code,
            label=str(label),
            locations=by_form[code]["n"],
            total_places=by_form[code]["total"] or 0,
            free_places=by_form[code]["free"] or 0,
            held_places=by_form[code]["held"] or 0,
            occupied_places=by_form[code]["occupied"] or 0,
        )
        for code, label in CareForm.choices
        if code in by_form
    ]
    grand_total = CareFormTotals(
        care_form="",
        label="",
        locations=sum(t.locations for t in totals),
        total_places=sum(t.total_places for t in totals),
        free_places=sum(t.free_places for t in totals),
        held_places=sum(t.held_places for t in totals),
        occupied_places=sum(t.occupied_places for t in totals),
    )
    from placement.selectors import forecast_check

    check = forecast_check(
        location_ids=filters.apply(locations_for_user(user=user).filter(is_active=True))
        .order_by()
        .values("pk")
    )
    return Overview(
        locations=locations,
        totals=totals,
        grand_total=grand_total,
        stale_count=sum(row["stale"] for row in by_form.values()),
        forecasts_came_true=check.came_true,
        forecasts_settled=check.settled,
    )


def stale_locations_for_provider(
    *, provider_id: int, now: datetime | None = None
) -> QuerySet[Location]:
    return Location.objects.filter(
        stale_condition(now=now), provider_id=provider_id, is_active=True
    ).order_by("name")


def occupancy_between(*, location: Location, start: datetime, end: datetime) -> Decimal | None:
    """Time-weighted occupancy (occupied / total, percent) of one location over a period,
    rebuilt from its capacity history. None when the location had no places."""
    events = list(
        CapacityEvent.objects.filter(location=location, at__lt=end)
        .order_by("at", "id")
        .values("at", "occupied_before", "total_before", "occupied_after", "total_after")
    )
    before = [e for e in events if e["at"] <= start]
    during = [e for e in events if e["at"] > start]
    if before:
        occupied, total = before[-1]["occupied_after"], before[-1]["total_after"]
    elif during:
        occupied, total = during[0]["occupied_before"], during[0]["total_before"]
    else:
        occupied, total = location.occupied_places, location.total_places
    occupied_seconds = 0.0
    place_seconds = 0.0
    cursor = start
    for event in [*during, None]:
        moment = end if event is None else event["at"]
        span = (moment - cursor).total_seconds()
        occupied_seconds += occupied * span
        place_seconds += total * span
        if event is not None:
            occupied, total, cursor = event["occupied_after"], event["total_after"], moment
    if not place_seconds:
        return None
    return (Decimal(occupied_seconds * 100) / Decimal(place_seconds)).quantize(Decimal("0.1"))


# --- announced changes --------------------------------------------------------------------


def changes_for_location(*, location: Location) -> QuerySet[CapacityChange]:
    """The history of a location's announced changes, newest date first."""
    return CapacityChange.objects.filter(location=location).select_related(
        "announced_by", "cancelled_by"
    )


def change_for_user(*, user: User, change_id: int) -> CapacityChange | None:
    """An announced change of a location the user sees (its provider's staff; coordinators
    of one of its regions)."""
    change = (
        CapacityChange.objects.select_related("location", "location__provider")
        .filter(pk=change_id, location__in=locations_for_user(user=user))
        .first()
    )
    if change is None:
        return None
    if (
        user.is_coordinator
        and not change.location.regions.filter(organisations=user.organisation_id).exists()
    ):
        return None
    return change


@dataclass(frozen=True)
class Affected:
    """Who an announced change touches: request codes, never a youth's identity."""

    placements: list[tuple[str, str]]  # (request code, placement status label)
    offers: list[tuple[str, str]]  # (request code, offer status label): open and accepted
    waiting: list[str]  # waiting requests this location fits (coordinators only)
    in_use: int  # places occupied and held now
    over_by: int  # places in use beyond the new total


def change_affected(*, change: CapacityChange, user: User) -> Affected:
    """Placements and offers at the location and, for a coordinator, the waiting requests
    it fits (the waiting-list watcher's fit: the candidates of each waiting request; a full
    location still counts when only its free place is missing)."""
    from placement.models import Offer, Placement
    from placement.selectors import candidates_for_referral
    from referrals.models import Referral

    location = change.location
    placements = [
        (code, str(Placement.Status(status).label))
        for code, status in Placement.objects.filter(
            location=location, status__in=[Placement.Status.PLANNED, Placement.Status.ACTIVE]
        )
        .order_by("start_date", "id")
        .values_list("referral__code", "status")
    ]
    offers = [
        (code, str(Offer.Status(status).label))
        for code, status in Offer.objects.filter(
            location=location, status__in=[Offer.Status.OPEN, Offer.Status.ACCEPTED]
        )
        .exclude(status=Offer.Status.ACCEPTED, placement__isnull=False)
        .order_by("id")
        .values_list("referral__code", "status")
    ]
    waiting: list[str] = []
    if user.is_coordinator:
        # The one exclusion a full location may have: the text of `matching.exclusions`.
        no_free_place = gettext("Geen vrije plek.")
        for referral in Referral.objects.filter(
            status=Referral.Status.WAITING, region__in=location.regions.all()
        ).order_by("status_changed_at", "id"):
            try:
                result = candidates_for_referral(referral=referral, include_excluded=True)
            except Conflict:  # a request without birth date or home: fits nothing
                continue
            for candidate in [*result.candidates, *result.excluded]:
                reasons = candidate.assessment.excluded_because
                if candidate.location.pk == location.pk and set(reasons) <= {no_free_place}:
                    waiting.append(referral.code)
    in_use = location.held_places + location.occupied_places
    return Affected(
        placements=placements,
        offers=offers,
        waiting=waiting,
        in_use=in_use,
        over_by=max(0, in_use - change.target_total),
    )
