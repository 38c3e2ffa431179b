# ruff: noqa: S608
# SQL is assembled only from constants; values are parameters.
"""The three-monthly evaluation (issue 23, points 3 and 4): per provider and for the region,
a quarter's refusals by reason, answers (acceptance, no response, median response time),
occupancy and re-placements — a provider's figures beside the regional figures of every
provider together. The same figures feed the page, the CSV, the PDF and the API.

Basis: the youths of the region(s) the pack covers (the stored report rows are by the
youth's region). A provider pack covers the regions that contract the provider's active
locations (for a coordinator only those it works for); the region pack one region, or every
region. Counts come from the stored report rows (`RefusalRow`, `ProviderResponseRow`,
`ReplacementRow`, as of the last rebuild); medians, which cannot be added up over providers
or regions, and occupancy (per provider, which `OccupancyRow` does not hold) are read from
the facts at read time, by the same definitions as `analyses.builders`.

Disclosure, always through `analyses.disclosure`: a provider sees its own figures exactly
and the regional ones as the analyst does (`Disclosure(exact=False)`), since they hold other
providers' data; a coordinator sees everything exactly; the analyst every figure as the
analyst's Disclosure shows it. Each shown figure is the Disclosure's total of the finest
stored cells it adds up (provider × care form × reason, …). Region minus a provider's own
exact figure leaves the other providers' figure as open as the regional figure's own
disclosure leaves it (an interval of several values when rounded), never one value.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, Role, User
from accounts.selectors import regions_for_user
from analyses import selectors
from analyses.disclosure import Disclosure, Shown
from analyses.models import ProviderResponseRow, RefusalRow, ReplacementRow
from config.errors import NotFound, ValidationFailed

QUARTER_CODE = re.compile(r"^(\d{4})-Q([1-4])$")
ROLES = (Role.COORDINATOR, Role.ANALYST, Role.PROVIDER)
EXACT = Disclosure(exact=True)
SUPPRESSED = Disclosure(exact=False)


# --- the quarter ---------------------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def last_complete_quarter(today: date | None = None) -> str:
    today = today or timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first day of the quarter and the first day after it."""
    match = QUARTER_CODE.match(quarter)
    assert match is not None
    year, number = int(match[1]), int(match[2])
    first = date(year, 3 * number - 2, 1)
    after = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return first, after


def parse_quarter(value: str) -> str:
    """`2026-Q3` checked: a quarter code that has begun; empty = the last complete quarter."""
    value = (value or "").strip()
    if not value:
        return last_complete_quarter()
    match = QUARTER_CODE.match(value)
    if not match or int(match[1]) < 2000 or quarter_bounds(value)[0] > timezone.localdate():
        raise ValidationFailed(
            {"quarter": [_("Onbekend kwartaal: geef een kwartaal dat begonnen is, zoals 2026-Q1.")]}
        )
    return value


def quarter_choices(count: int = 8) -> list[tuple[str, str]]:
    """The quarters to choose from: this one and the `count` − 1 before it, newest first."""
    today = timezone.localdate()
    year, number = today.year, (today.month - 1) // 3 + 1
    out = []
    for _i in range(count):
        code = f"{year}-Q{number}"
        out.append((code, selectors.period_label(code)))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return out


# --- who may read which pack ---------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationScope:
    """One pack as one user may read it: its quarter, its provider (None: the region pack),
    the region codes it covers (None: every region), and how the provider's own figures and
    the regional ones are disclosed."""

    quarter: str
    provider: Organisation | None
    regions: list[Region] | None
    own: Disclosure
    regional: Disclosure

    @property
    def region_codes(self) -> list[str] | None:
        return None if self.regions is None else [r.code for r in self.regions]

    def query(self) -> dict[str, str]:
        """The parameters that ask for this pack again (for the download links)."""
        params = {"kwartaal": self.quarter}
        if self.provider is not None:
            params["aanbieder"] = str(self.provider.pk)
        elif self.regions is not None and len(self.regions) == 1:
            params["regio"] = self.regions[0].code
        return params


def _param(query: Any, *names: str) -> str:
    for name in names:
        value = query.get(name)
        if value:
            return str(value).strip()
    return ""


def provider_regions(provider: Organisation) -> list[Region]:
    """The regions that contract the provider's active locations (else its own regions)."""
    regions = list(
        Region.objects.filter(
            contracted_locations__provider=provider, contracted_locations__is_active=True
        )
        .distinct()
        .order_by("name", "code")
    )
    return regions or list(provider.regions.order_by("name", "code"))


def providers_in_scope(user: User) -> list[Organisation]:
    """The providers whose pack the user may read: for a coordinator those with an active
    location contracted by one of its regions, for the analyst every provider, for a
    provider itself."""
    if user.role == Role.PROVIDER:
        return [user.organisation] if user.organisation is not None else []
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    if user.role == Role.COORDINATOR:
        own = regions_for_user(user=user)
        providers = providers.filter(
            locations__is_active=True, locations__regions__in=own
        ).distinct()
    elif user.role != Role.ANALYST:
        return []
    return list(providers.order_by("name"))


def evaluation_scope(*, user: User, query: Any, region_pack: bool = False) -> EvaluationScope:
    """The pack asked for by `query` (`kwartaal`/`quarter`, `aanbieder`/`provider` = the
    provider organisation's id, `regio`/`region` for the region pack), checked.

    Bad input is `ValidationFailed` naming the field (400); a provider outside the user's
    scope, or any other provider than its own for a provider, is `NotFound` (404). A
    provider never gets the region pack (404). Other roles: `NotFound`."""
    if user.role not in ROLES:
        raise NotFound
    errors: dict[str, list[str]] = {}
    try:
        quarter = parse_quarter(_param(query, "kwartaal", "quarter"))
    except ValidationFailed as failure:
        errors.update(failure.errors)
        quarter = ""
    raw_provider = _param(query, "aanbieder", "provider")
    if raw_provider and not raw_provider.isdigit():
        errors["provider"] = [_("Onbekende aanbieder: geef het nummer van een aanbieder.")]
    if errors:
        raise ValidationFailed(errors)
    if user.role == Role.PROVIDER:
        own_org = user.organisation
        if own_org is None or own_org.kind != Organisation.Kind.PROVIDER or region_pack:
            raise NotFound
        if raw_provider and int(raw_provider) != own_org.pk:
            raise NotFound
        return EvaluationScope(
            quarter=quarter,
            provider=own_org,
            regions=provider_regions(own_org),
            own=EXACT,
            regional=SUPPRESSED,
        )
    disclosure = Disclosure.for_user(user)
    if region_pack or not raw_provider:
        if raw_provider:
            raise ValidationFailed(
                {"provider": [_("Het regiopakket gaat over alle aanbieders samen.")]}
            )
        scope = selectors.report_scope(user=user, query={"regio": _param(query, "regio", "region")})
        code = scope.filters.region
        regions = None if not code else list(Region.objects.filter(code=code))
        return EvaluationScope(
            quarter=quarter, provider=None, regions=regions, own=disclosure, regional=disclosure
        )
    provider = next((p for p in providers_in_scope(user) if p.pk == int(raw_provider)), None)
    if provider is None:
        raise NotFound
    regions = provider_regions(provider)
    if user.role == Role.COORDINATOR:
        own = set(regions_for_user(user=user).values_list("code", flat=True))
        regions = [r for r in regions if r.code in own]
    return EvaluationScope(
        quarter=quarter, provider=provider, regions=regions, own=disclosure, regional=disclosure
    )


# --- the figures ---------------------------------------------------------------------------


def _sum(disclosure: Disclosure, parts: list[int]) -> Shown:
    """The sum of the finest stored cells `parts`, as `disclosure` shows a total of them."""
    return disclosure.total(sum(parts), parts)


@dataclass
class Figure:
    key: str
    label: str
    provider: Shown = None
    region: Shown = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "provider": self.provider,
            "region": self.region,
        }


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "figures": [f.as_dict() for f in self.figures],
        }


@dataclass
class Evaluation:
    scope: EvaluationScope
    sections: list[Section]
    # The region pack: one row per provider (dict of shown figures), else empty.
    providers: list[dict[str, Any]]
    built_at: datetime | None

    @property
    def regions_label(self) -> str:
        if self.scope.regions is None:
            return _("alle regio's")
        return ", ".join(r.name for r in self.scope.regions) or _("(geen regio)")

    def as_dict(self) -> dict[str, Any]:
        provider = self.scope.provider
        return {
            "built_at": self.built_at,
            "quarter": self.scope.quarter,
            "provider": None if provider is None else {"id": provider.pk, "name": provider.name},
            "regions": self.scope.region_codes,
            "exact": {"provider": self.scope.own.exact, "region": self.scope.regional.exact},
            "sections": [s.as_dict() for s in self.sections],
            "providers": self.providers,
        }


PROVIDER_COLUMNS = [
    "provider",
    "offers",
    "accepted",
    "refused",
    "no_response",
    "acceptance_rate",
    "no_response_share",
    "median_response_hours",
    "top_reason",
    "started",
    "replaced_12m",
]


def _region_filter(qs: Any, codes: list[str] | None) -> Any:
    return qs.filter(region="") if codes is None else qs.filter(region__in=codes)


def _medians(
    codes: list[str] | None, first: date, after: date
) -> dict[int | None, tuple[float | None, int]]:
    """Median response hours and the answers they are over, per provider id and for every
    provider (key None), from the offers sent in [first, after) to youths of the regions —
    the definition of `builders.build_provider_responses`. One query."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(after, time.min))
    where = "" if codes is None else "AND rg.code = ANY(%s)"
    sql = f"""
        SELECT o.provider_id, GROUPING(o.provider_id) AS every,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY EXTRACT(EPOCH FROM (o.answered_at - o.sent_at)) / 3600.0),
               COUNT(*)
        FROM placement_offer o
        JOIN referrals_referral r ON r.id = o.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        WHERE o.status IN ('accepted', 'refused') AND o.answered_at IS NOT NULL
          AND o.sent_at >= %s AND o.sent_at < %s {where}
        GROUP BY GROUPING SETS ((o.provider_id), ())"""
    params: list[Any] = [start, end] + ([] if codes is None else [codes])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (None if every else provider_id): (None if median is None else float(median), n)
        for provider_id, every, median, n in rows
    }


def _month_ends(first: date, after: date) -> list[tuple[str, datetime]]:
    """The months of the quarter that have begun, with the moment each one ends (today's
    end at most), as `builders._months`."""
    today = timezone.localdate()
    out = []
    month = first
    while month < after and month <= today:
        following = (
            date(month.year + 1, 1, 1)
            if month.month == 12
            else month.replace(month=month.month + 1)
        )
        cutoff = min(following, today + timedelta(days=1))
        out.append((f"{month:%Y-%m}", timezone.make_aware(datetime.combine(cutoff, time.min))))
        month = following
    return out


def _occupancy(
    codes: list[str] | None, months: list[tuple[str, datetime]]
) -> list[tuple[str, int, str, int, int]]:
    """(month, provider id, care form, occupied, total) at each month's end for the active
    locations contracted by the regions (every active location when `codes` is None): the
    rule of `builders.build_occupancy`. One query."""
    if not months:
        return []
    values = ", ".join("(%s, %s::timestamptz)" for _m in months)
    params: list[Any] = []
    for period, cutoff in months:
        params += [period, cutoff]
    located = (
        "SELECT l.id, l.provider_id, l.care_form, l.occupied_places, l.total_places "
        "FROM capacity_location l WHERE l.is_active"
    )
    if codes is not None:
        located += (
            " AND EXISTS (SELECT 1 FROM capacity_location_regions lr"
            " JOIN accounts_region rg ON rg.id = lr.region_id"
            " WHERE lr.location_id = l.id AND rg.code = ANY(%s))"
        )
        params.append(codes)
    sql = f"""
        WITH months (period, cutoff) AS (VALUES {values}),
        loc AS ({located}),
        ev AS (
            SELECT e.location_id, e.at, e.occupied_before, e.total_before, e.occupied_after,
                   e.total_after,
                   ROW_NUMBER() OVER (PARTITION BY e.location_id ORDER BY e.at, e.id) AS rn,
                   LEAD(e.at) OVER (PARTITION BY e.location_id ORDER BY e.at, e.id) AS next_at
            FROM capacity_capacityevent e JOIN loc ON loc.id = e.location_id
        ), last_before AS (
            SELECT m.period, ev.location_id, ev.occupied_after AS occupied,
                   ev.total_after AS total
            FROM months m JOIN ev
              ON ev.at < m.cutoff AND (ev.next_at IS NULL OR ev.next_at >= m.cutoff)
        )
        SELECT m.period, l.provider_id, l.care_form,
               SUM(COALESCE(b.occupied, f.occupied_before, l.occupied_places)),
               SUM(COALESCE(b.total, f.total_before, l.total_places))
        FROM months m CROSS JOIN loc l
        LEFT JOIN last_before b ON b.period = m.period AND b.location_id = l.id
        LEFT JOIN ev f ON f.location_id = l.id AND f.rn = 1
        GROUP BY m.period, l.provider_id, l.care_form
        ORDER BY m.period"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(p, pid, cf, int(o), int(t)) for p, pid, cf, o, t in cursor.fetchall()]


RESPONSE_LABELS = {
    "offers": _("Voorstellen"),
    "accepted": _("Geaccepteerd"),
    "refused": _("Geweigerd (incl. geen reactie)"),
    "no_response": _("Geen reactie"),
    "acceptance_rate": _("Acceptatie (%)"),
    "no_response_share": _("Geen reactie (%)"),
    "median_response_hours": _("Mediane reactietijd (uur)"),
}
REPLACEMENT_LABELS = {
    "started": _("Plaatsingen gestart"),
    "replaced_6m": _("Daarvan doorgeplaatst binnen 6 mnd"),
    "replaced_12m": _("Daarvan doorgeplaatst binnen 12 mnd"),
    "rate_6m": _("Binnen 6 mnd doorgeplaatst (%)"),
    "rate_12m": _("Binnen 12 mnd doorgeplaatst (%)"),
    "replaced": _("Doorgeplaatst in het kwartaal"),
    "prevented": _("Doorplaatsing voorkomen in het kwartaal"),
}
COUNTS = ["offers", "accepted", "refused", "no_response"]
MOVES = ["started", "replaced_6m", "replaced_12m", "replaced", "prevented"]


def _cells(table: dict[str, dict[str, list[int]]], key: str, who: str | None = None) -> list[int]:
    """The finest stored cells of `key`: of provider `who`, or of every provider (None)."""
    if who is not None:
        return list(table.get(who, {}).get(key, []))
    return [v for per in table.values() for v in per.get(key, [])]


def _answers(
    disclosure: Disclosure,
    response_cells: dict[str, dict[str, list[int]]],
    refusal_cells: dict[str, dict[str, list[int]]],
    who: str | None,
) -> dict[str, Shown]:
    """Offers, accepted, refused, no response, the refusals added up over the reasons, the
    acceptance rate and the no-response share of provider `who` (None: every provider), as
    `disclosure` shows them."""
    raw = {k: sum(_cells(response_cells, k, who)) for k in COUNTS}
    per_reason = refusal_cells.values() if who is None else [refusal_cells.get(who, {})]
    refusals = [v for per in per_reason for vs in per.values() for v in vs]
    shown: dict[str, Shown] = {k: _sum(disclosure, _cells(response_cells, k, who)) for k in COUNTS}
    shown["refusals_total"] = _sum(disclosure, refusals)
    shown["acceptance_rate"] = disclosure.share_of_parts(raw["accepted"], raw["refused"])
    shown["no_response_share"] = disclosure.share(raw["no_response"], raw["offers"])
    return shown


def evaluation(scope: EvaluationScope) -> Evaluation:
    """The pack's figures. A fixed number of queries whatever the rows (seven)."""
    quarter, codes = scope.quarter, scope.region_codes
    provider = scope.provider
    name = provider.name if provider is not None else None
    first, after = quarter_bounds(quarter)
    own, regional = scope.own, scope.regional

    refusal_cells: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for who, reason, count in _region_filter(
        RefusalRow.objects.filter(period=quarter), codes
    ).values_list("provider", "reason", "refusals"):
        refusal_cells[who][reason].append(count)
    response_cells: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in _region_filter(
        ProviderResponseRow.objects.filter(period=quarter).exclude(care_form=""), codes
    ).values("provider", *COUNTS):
        for key in COUNTS:
            response_cells[row["provider"]][key].append(row[key])
    move_cells: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in _region_filter(ReplacementRow.objects.filter(period=quarter), codes).values(
        "provider", *MOVES
    ):
        for key in MOVES:
            move_cells[row["provider"]][key].append(row[key])
    medians = _medians(codes, first, after)
    occupancy = _occupancy(codes, _month_ends(first, after))
    names = {
        o.pk: o.name
        for o in Organisation.objects.filter(
            pk__in={pid for _p, pid, *_rest in occupancy} | {k for k in medians if k}
        )
    }

    def both(key: str, own_value: Shown, region_value: Shown, label: str) -> Figure:
        return Figure(key, label, own_value if provider is not None else None, region_value)

    sections: list[Section] = []

    # Answers.
    answers = Section("responses", _("Reacties op voorstellen"))
    own_answers = _answers(own, response_cells, refusal_cells, name or "")
    region_answers = _answers(regional, response_cells, refusal_cells, None)
    for key in (*COUNTS, "acceptance_rate", "no_response_share"):
        answers.figures.append(
            both(key, own_answers[key], region_answers[key], str(RESPONSE_LABELS[key]))
        )
    own_median = medians.get(provider.pk if provider else -1, (None, 0))
    region_median = medians.get(None, (None, 0))
    answers.figures.append(
        both(
            "median_response_hours",
            own.median(*own_median),
            regional.median(*region_median),
            str(RESPONSE_LABELS["median_response_hours"]),
        )
    )
    sections.append(answers)

    # Refusals by reason, the most frequent in the region first.
    refusals = Section("refusals", _("Weigeringen per reden"))
    reasons = sorted(
        {reason for per in refusal_cells.values() for reason in per},
        key=lambda code: (-sum(_cells(refusal_cells, code)), code),
    )
    for reason in reasons:
        refusals.figures.append(
            both(
                f"reason:{reason}",
                _sum(own, _cells(refusal_cells, reason, name or "")),
                _sum(regional, _cells(refusal_cells, reason)),
                selectors.reason_label(reason),
            )
        )
    refusals.figures.append(
        both(
            "refusals_total",
            own_answers["refusals_total"],
            region_answers["refusals_total"],
            _("Weigeringen, totaal"),
        )
    )
    sections.append(refusals)

    # Occupancy at each month's end of the quarter (places are public, occupied ones not).
    occupied: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    places: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period, pid, _care_form, occ, total in occupancy:
        who = names.get(pid, "")
        occupied[period][who].append(occ)
        places[period][who] += total
    occupancy_section = Section("occupancy", _("Bezetting aan het eind van de maand"))
    for period in sorted(places):
        month = selectors.period_label(period)
        own_occ = occupied[period].get(name or "", [])
        all_occ = [v for vs in occupied[period].values() for v in vs]
        own_places = places[period].get(name or "", 0)
        all_places = sum(places[period].values())
        occupancy_section.figures += [
            both(
                f"occupied:{period}",
                _sum(own, own_occ),
                _sum(regional, all_occ),
                _("Bezet, %(month)s") % {"month": month},
            ),
            both(
                f"places:{period}",
                own_places,
                all_places,
                _("Plaatsen, %(month)s") % {"month": month},
            ),
            both(
                f"occupancy_rate:{period}",
                own.place_rate(sum(own_occ), own_places),
                regional.place_rate(sum(all_occ), all_places),
                _("Bezettingsgraad (%%), %(month)s") % {"month": month},
            ),
        ]
    sections.append(occupancy_section)

    # Re-placements of the placements started in the quarter.
    moves = Section("replacements", _("Doorplaatsingen"))

    def moved(disclosure: Disclosure, who: str | None) -> dict[str, Shown]:
        raw = {k: sum(_cells(move_cells, k, who)) for k in MOVES}
        shown: dict[str, Shown] = {k: _sum(disclosure, _cells(move_cells, k, who)) for k in MOVES}
        shown["rate_6m"] = disclosure.share(raw["replaced_6m"], raw["started"])
        shown["rate_12m"] = disclosure.share(raw["replaced_12m"], raw["started"])
        return shown

    own_moves, region_moves = moved(own, name or ""), moved(regional, None)
    for key in REPLACEMENT_LABELS:
        moves.figures.append(
            both(key, own_moves[key], region_moves[key], str(REPLACEMENT_LABELS[key]))
        )
    sections.append(moves)

    providers: list[dict[str, Any]] = []
    if provider is None:
        ids = {v: k for k, v in names.items()}
        for who in sorted(set(response_cells) | set(refusal_cells) | set(move_cells)):
            shown = _answers(regional, response_cells, refusal_cells, who)
            per_reason = refusal_cells.get(who, {})
            top = max(per_reason, key=lambda c: (sum(per_reason[c]), c), default="")
            median = medians.get(ids.get(who, -1), (None, 0))
            providers.append(
                {
                    "provider": who,
                    **{k: shown[k] for k in PROVIDER_COLUMNS if k in shown},
                    "median_response_hours": regional.median(*median),
                    "top_reason": selectors.reason_label(top) if top else "",
                    "started": _sum(regional, _cells(move_cells, "started", who)),
                    "replaced_12m": _sum(regional, _cells(move_cells, "replaced_12m", who)),
                }
            )
    return Evaluation(
        scope=scope, sections=sections, providers=providers, built_at=selectors.built_at()
    )
