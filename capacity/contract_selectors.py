"""Reads of contracted capacity, occupancy per month and the cost of bed-days (issue 22).

Kept apart from `capacity.selectors` (the register's live reads). Every figure is
aggregated in SQL, in a fixed number of queries whatever the number of providers.

Places per month are **time-weighted averages** over the month (up to now for the current
month), rebuilt from the append-only `CapacityEvent` history like `occupancy_between`:
- *beschikbaar* (available): the places that can be used, occupied + held + free minus
  "vrij maar niet inzetbaar" (total minus unavailable minus unstaffed);
- *bezet* (occupied): the occupied places;
- *bezettingsgraad* (occupancy): occupied place-time / total place-time, as
  `occupancy_between` computes it; below `BREAK_EVEN_OCCUPANCY` a month is marked.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Municipality, Organisation, Region, User
from capacity.models import ContractedCapacity, IntensityTariff, Location, LocationBand
from config.codes import CareForm


def providers_for_contracts(*, user: User) -> QuerySet[Organisation]:
    """The providers whose contracts the user keeps: the admin all, a coordinator those
    working for one of its regions (`Organisation.regions`)."""
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    if not user.is_active:
        return providers.none()
    if user.is_functional_admin:
        return providers
    if user.is_coordinator and user.organisation_id is not None:
        regions = Region.objects.filter(organisations=user.organisation_id)
        return providers.filter(
            pk__in=Organisation.objects.filter(regions__in=regions).values("pk")
        )
    return providers.none()


def break_even() -> Decimal:
    return Decimal(str(settings.BREAK_EVEN_OCCUPANCY))


def contracts_for_user(*, user: User, year: int | None = None) -> QuerySet[ContractedCapacity]:
    """The contracts of the providers the user keeps (admin: all; coordinator: its regions')."""
    contracts = ContractedCapacity.objects.filter(
        provider__in=providers_for_contracts(user=user)
    ).select_related("provider", "updated_by")
    if year is not None:
        contracts = contracts.filter(year=year)
    return contracts.order_by("-year", "provider__name", "care_form", "pk")


def contract_for_user(*, user: User, contract_id: int) -> ContractedCapacity | None:
    return contracts_for_user(user=user).filter(pk=contract_id).first()


def tariffs(*, year: int | None = None) -> QuerySet[IntensityTariff]:
    rows = IntensityTariff.objects.all()
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "band")


def bands_of_location(*, location: Location) -> QuerySet[LocationBand]:
    return LocationBand.objects.filter(location=location).order_by("-year")


def _months_of(year: int, *, today: date) -> int:
    """How many months of `year` have begun by `today` (0 for a future year)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


# Per location and month of a year, the time-weighted place-seconds. Segments of constant
# counts: from each event of the year to the next (or `until`), and the opening one from the
# year's start to the first event, with the counts then (the last event before the year, or
# the first event's "before"). Each segment's overlap with each month is summed.
MONTHLY_SQL = """
WITH loc AS MATERIALIZED (
    SELECT l.id FROM capacity_location l WHERE l.provider_id = ANY(%(providers)s)
), seg AS (
    SELECT e.location_id, e.at AS s,
           LEAD(e.at, 1, %(until)s) OVER (PARTITION BY e.location_id ORDER BY e.at, e.id) AS t,
           e.total_after AS total, e.occupied_after AS occupied,
           e.occupied_after + e.held_after + e.free_after - e.unstaffed_after AS available
      FROM capacity_capacityevent e
     WHERE e.location_id IN (SELECT id FROM loc) AND e.at >= %(start)s AND e.at < %(until)s
    UNION ALL
    SELECT loc.id, %(start)s, COALESCE(first.at, %(until)s),
           COALESCE(prev.total_after, first.total_before),
           COALESCE(prev.occupied_after, first.occupied_before),
           COALESCE(prev.occupied_after + prev.held_after + prev.free_after
                    - prev.unstaffed_after,
                    first.occupied_before + first.held_before + first.free_before
                    - first.unstaffed_before)
      FROM loc
      LEFT JOIN LATERAL (
          SELECT * FROM capacity_capacityevent e
           WHERE e.location_id = loc.id AND e.at < %(start)s
           ORDER BY e.at DESC, e.id DESC LIMIT 1) prev ON true
      LEFT JOIN LATERAL (
          SELECT * FROM capacity_capacityevent e
           WHERE e.location_id = loc.id AND e.at >= %(start)s AND e.at < %(until)s
           ORDER BY e.at, e.id LIMIT 1) first ON true
), months AS (
    SELECT m AS month, %(start)s::timestamptz + make_interval(months => m - 1) AS ms,
           LEAST(%(start)s::timestamptz + make_interval(months => m), %(until)s) AS me
      FROM generate_series(1, %(months)s) m
)
SELECT seg.location_id, months.month,
       extract(epoch FROM months.me - months.ms)::float8 AS seconds,
       sum(seg.total * extract(epoch FROM LEAST(seg.t, months.me) - GREATEST(seg.s, months.ms)))
           ::float8 AS total_s,
       sum(seg.occupied * extract(epoch FROM LEAST(seg.t, months.me)
                                  - GREATEST(seg.s, months.ms)))::float8 AS occupied_s,
       sum(seg.available * extract(epoch FROM LEAST(seg.t, months.me)
                                   - GREATEST(seg.s, months.ms)))::float8 AS available_s
  FROM seg
  JOIN months ON seg.s < months.me AND seg.t > months.ms
 WHERE seg.total IS NOT NULL
 GROUP BY seg.location_id, months.month, months.me, months.ms
"""


@dataclass
class Month:
    month: int
    available: Decimal | None = None  # average places
    occupied: Decimal | None = None
    occupancy: Decimal | None = None  # percent
    below_break_even: bool = False


@dataclass
class LocationMonths:
    location_id: int
    name: str
    care_form: str
    months: list[Month]

    def get_care_form_display(self) -> str:
        return str(CareForm(self.care_form).label) if self.care_form in CareForm.values else ""


@dataclass
class ProviderCareForm:
    provider_id: int
    provider_name: str
    care_form: str
    contracted: int | None
    months: list[Month]
    locations: list[LocationMonths] = field(default_factory=list)

    def get_care_form_display(self) -> str:
        return str(CareForm(self.care_form).label) if self.care_form in CareForm.values else ""

    @property
    def months_below(self) -> int:
        return sum(1 for m in self.months if m.below_break_even)


def _month(
    month: int, sums: Iterable[tuple[float, float, float, float]], threshold: Decimal
) -> Month:
    seconds = total = occupied = available = 0.0
    any_row = False
    for row_seconds, row_total, row_occupied, row_available in sums:
        any_row = True
        seconds = row_seconds  # the same for every location of the month
        total += row_total
        occupied += row_occupied
        available += row_available
    if not any_row or not seconds:
        return Month(month=month)
    occupancy = (
        (Decimal(occupied * 100) / Decimal(total)).quantize(Decimal("0.1")) if total else None
    )
    return Month(
        month=month,
        available=(Decimal(available) / Decimal(seconds)).quantize(Decimal("0.1")),
        occupied=(Decimal(occupied) / Decimal(seconds)).quantize(Decimal("0.1")),
        occupancy=occupancy,
        below_break_even=occupancy is not None and occupancy < threshold * 100,
    )


def contract_occupancy(
    *, providers: Iterable[Organisation], year: int, now: datetime | None = None
) -> list[ProviderCareForm]:
    """Per provider × care form: the places contracted for `year` against the average
    places available and occupied per month, with the occupancy per location and month and
    the months below break-even. Three queries whatever the number of providers."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(tz).date()
    provider_list = list(providers)
    names = {p.pk: p.name for p in provider_list}
    ids = list(names)
    locations = list(
        Location.objects.filter(provider_id__in=ids)
        .order_by("name", "pk")
        .values_list("pk", "provider_id", "name", "care_form")
    )
    contracted = {
        (provider, form): places
        for provider, form, places in ContractedCapacity.objects.filter(
            provider_id__in=ids, year=year
        ).values_list("provider_id", "care_form", "places")
    }
    months = _months_of(year, today=today)
    start = datetime(year, 1, 1, tzinfo=tz)
    until = min(now, datetime(year + 1, 1, 1, tzinfo=tz))
    sums: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    if months and ids:
        with connections[Location.objects.db].cursor() as cursor:
            cursor.execute(
                MONTHLY_SQL,
                {"providers": ids, "start": start, "until": until, "months": months},
            )
            for location_id, month, seconds, total, occupied, available in cursor.fetchall():
                sums[(location_id, month)] = (seconds, total, occupied, available)
    threshold = break_even()
    groups: dict[tuple[int, str], ProviderCareForm] = {}
    for pk, provider_id, name, care_form in locations:
        key = (provider_id, care_form)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ProviderCareForm(
                provider_id=provider_id,
                provider_name=names[provider_id],
                care_form=care_form,
                contracted=contracted.get(key),
                months=[],
            )
        group.locations.append(
            LocationMonths(
                location_id=pk,
                name=name,
                care_form=care_form,
                months=[
                    _month(m, [sums[(pk, m)]] if (pk, m) in sums else [], threshold)
                    for m in range(1, 13)
                ],
            )
        )
    for (provider_id, form), places in contracted.items():  # contracted, no location (yet)
        groups.setdefault(
            (provider_id, form),
            ProviderCareForm(
                provider_id=provider_id,
                provider_name=names[provider_id],
                care_form=form,
                contracted=places,
                months=[],
            ),
        )
    for group in groups.values():
        group.months = [
            _month(
                m,
                [
                    sums[(loc.location_id, m)]
                    for loc in group.locations
                    if (loc.location_id, m) in sums
                ],
                threshold,
            )
            for m in range(1, 13)
        ]
    return sorted(groups.values(), key=lambda g: (g.provider_name, g.care_form))


# Bed-days and cost of the placements of `year` in the caller's regions, per municipality
# (the one responsible for the care, woonplaatsbeginsel; else the youth's home), region
# (the referral's) and care form (the location's).
# A bed-day is a night: from the start date up to the end date (today for a running
# placement), cut to the year. The cost of a day is the tariff of the location's band for
# that year; days at a location without a band or a band without tariff are counted apart.
COST_SQL = """
WITH p AS (
    SELECT r.region_id,
           COALESCE(r.responsible_municipality_id, y.municipality_id) AS municipality_id,
           l.care_form, t.tariff_per_day, y.id AS youth_id,
           GREATEST(0, LEAST(COALESCE(pl.end_date, %(today)s), %(today)s, %(year_end)s)
                       - GREATEST(pl.start_date, %(year_start)s)) AS days
      FROM placement_placement pl
      JOIN referrals_referral r ON r.id = pl.referral_id
      JOIN referrals_youthidentity y ON y.id = r.youth_id
      JOIN capacity_location l ON l.id = pl.location_id
      LEFT JOIN capacity_locationband b ON b.location_id = l.id AND b.year = %(year)s
      LEFT JOIN capacity_intensitytariff t ON t.year = %(year)s AND t.band = b.band
     WHERE pl.status IN ('active', 'ended')
       AND pl.start_date < %(year_end)s
       AND COALESCE(pl.end_date, %(today)s) > %(year_start)s
       AND r.region_id = ANY(%(regions)s)
)
SELECT GROUPING(p.municipality_id) = 0 AS by_municipality,
       GROUPING(p.region_id) = 0 AS by_region,
       p.municipality_id, p.region_id, p.care_form,
       sum(p.days)::bigint AS days,
       COALESCE(sum(p.days * p.tariff_per_day), 0) AS cost,
       COALESCE(sum(p.days) FILTER (WHERE p.tariff_per_day IS NULL), 0)::bigint AS days_unpriced,
       count(DISTINCT p.youth_id) AS youths
  FROM p
 WHERE p.days > 0
 GROUP BY GROUPING SETS ((p.municipality_id), (p.region_id), (p.care_form))
"""


@dataclass(frozen=True)
class CostRow:
    label: str
    bed_days: int
    cost: Decimal
    bed_days_unpriced: int
    # How many youths the row adds up (the analysts' reports suppress 1 to 4).
    youths: int = 0


@dataclass
class CostReport:
    year: int
    by_municipality: list[CostRow]
    by_region: list[CostRow]
    by_care_form: list[CostRow]

    @property
    def total(self) -> CostRow:
        rows = self.by_region
        return CostRow(
            label="",
            bed_days=sum(r.bed_days for r in rows),
            cost=sum((r.cost for r in rows), Decimal(0)),
            bed_days_unpriced=sum(r.bed_days_unpriced for r in rows),
            youths=sum(r.youths for r in rows),
        )


def cost_report(*, regions: Iterable[Region], year: int, today: date | None = None) -> CostReport:
    """Bed-days and their cost per municipality, region and care form (two queries)."""
    today = today or timezone.localdate()
    region_names = {r.pk: r.name for r in regions}
    params: dict[str, Any] = {
        "year": year,
        "year_start": date(year, 1, 1),
        "year_end": date(year + 1, 1, 1),
        "today": today,
        "regions": list(region_names),
    }
    rows: list[tuple[Any, ...]] = []
    if region_names:
        with connections[Location.objects.db].cursor() as cursor:
            cursor.execute(COST_SQL, params)
            rows = cursor.fetchall()
    municipality_ids = [row[2] for row in rows if row[0] and row[2] is not None]
    municipality_names = (
        dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "name"))
        if municipality_ids
        else {}
    )
    forms = dict(CareForm.choices)
    report = CostReport(year=year, by_municipality=[], by_region=[], by_care_form=[])
    for by_m, by_r, municipality_id, region_id, care_form, days, cost, unpriced, youths in rows:
        if by_m:
            label = municipality_names.get(municipality_id, "")
            target = report.by_municipality
        elif by_r:
            label = region_names.get(region_id, "")
            target = report.by_region
        else:
            label = str(forms.get(care_form, care_form))
            target = report.by_care_form
        target.append(
            CostRow(
                label=label,
                bed_days=int(days),
                cost=Decimal(cost).quantize(Decimal("0.01")),
                bed_days_unpriced=int(unpriced),
                youths=int(youths),
            )
        )
    for rows_ in (report.by_municipality, report.by_region, report.by_care_form):
        rows_.sort(key=lambda r: (-r.cost, r.label))
    return report


def year_choices(*, today: date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return [year + 1, year, year - 1, year - 2]
