# ruff: noqa: S608
# SQL is assembled only from constants; values are parameters.
"""Waiting times by step, the referrals waiting on a reference date and the data-quality
report (issue 23.5): the reads, every figure as shown to the user (analyses.disclosure).

The waiting times by step are stored (analyses.builders.build_waiting_times); the waiting
on a reference date and the data quality are computed when read, in a fixed number of
queries each.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analyses import periods
from analyses.builders import WAITING_STATUSES, WAITING_STEPS
from analyses.disclosure import HIDDEN, Disclosure, Pivot, Shown, Table, protect_pivot
from analyses.models import WaitingTimeRow
from analyses.selectors import CARE_FORMS, Filters
from capacity.models import Location, LocationBand
from capacity.selectors import stale_condition
from config.codes import Urgency
from config.db_router import report_read_alias
from config.errors import ValidationFailed
from placement.models import Placement
from referrals.models import Referral

URGENCIES = {k: str(v) for k, v in Urgency.choices}
# The care-form code of a referral without a first choice (a crisis placed before its VA):
# apart from '' (every care form) in the stored rows.
NO_CARE_FORM = "-"

STEP_LABELS = {
    "submitted_matching": gettext_lazy("Ingediend → matching"),
    "matching_offer": gettext_lazy("Matching → eerste voorstel"),
    "offer_acceptance": gettext_lazy("Eerste voorstel → acceptatie"),
    "acceptance_placement": gettext_lazy("Acceptatie → plaatsing"),
    "submitted_placement": gettext_lazy("Ingediend → plaatsing (totaal)"),
}
STEP_DEFINITIONS = {
    "submitted_matching": gettext_lazy(
        "Van de eerste indiening tot de eerste keer dat het verzoek in matching ging (de "
        "triage, met eventuele vragen aan de verwijzer)."
    ),
    "matching_offer": gettext_lazy(
        "Van de eerste keer in matching tot het eerste voorstel aan een aanbieder."
    ),
    "offer_acceptance": gettext_lazy(
        "Van het eerste voorstel tot de eerste acceptatie door een aanbieder (ook als die "
        "acceptatie later werd geannuleerd)."
    ),
    "acceptance_placement": gettext_lazy(
        "Van de eerste acceptatie tot het vastleggen van de plaatsing."
    ),
    "submitted_placement": gettext_lazy(
        "Van de eerste indiening tot het vastleggen van de plaatsing: de hele wachttijd."
    ),
}
# A 90th percentile of fewer cases lies within the top one or two youths' own figures.
P90_MIN_CASES = 10


def care_form_label(code: str) -> str:
    if code == NO_CARE_FORM:
        return _("(geen eerste keus)")
    return CARE_FORMS.get(code, code or _("Alle zorgvormen"))


def urgency_label(code: str) -> str:
    return URGENCIES.get(code, code or _("Alle urgenties"))


def _param(query: Any, *names: str) -> str:
    for name in names:
        value = query.get(name)
        if value:
            return str(value).strip()
    return ""


def urgency_param(query: Any) -> str:
    """The urgency filter (`urgency`/`urgentie`): '' for every urgency, else a known code."""
    urgency = _param(query, "urgency", "urgentie")
    if urgency and urgency not in URGENCIES:
        raise ValidationFailed(
            {"urgency": [_("Onbekende urgentie: kies gepland, urgent of crisis.")]}
        )
    return urgency


REFERENCE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reference_date_param(query: Any) -> date:
    """The reference date (`reference_date`/`peildatum`, YYYY-MM-DD; default today): not in
    the future and not before the first referral. One query."""
    text = _param(query, "reference_date", "peildatum")
    today = timezone.localdate()
    if not text:
        return today
    try:
        if not REFERENCE_DATE.match(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            {"reference_date": [_("Geef de peildatum als JJJJ-MM-DD, bijvoorbeeld 2026-03-31.")]}
        ) from None
    if day > today:
        raise ValidationFailed({"reference_date": [_("De peildatum ligt in de toekomst.")]})
    first = (
        Referral.objects.exclude(status=Referral.Status.DRAFT)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if first is not None and day < timezone.localdate(first):
        raise ValidationFailed(
            {
                "reference_date": [
                    _("De peildatum ligt vóór het eerste verzoek (%(day)s).")
                    % {"day": timezone.localdate(first).isoformat()}
                ]
            }
        )
    return day


# --- waiting times by step (stored) ------------------------------------------------------


def _shown_of(pivot: Pivot, care_form: str, urgency: str) -> Shown:
    """The figure of the pivot that the filters select: a cell, a margin or the total."""
    if care_form and urgency:
        return pivot.cells[(care_form, urgency)]
    if care_form:
        return pivot.row_totals[care_form]
    if urgency:
        return pivot.col_totals[urgency]
    return pivot.grand_total


def waiting_times(*, filters: Filters, urgency: str, disclosure: Disclosure) -> Table:
    """Per step: the referrals that passed it in the period and the median and 90th
    percentile of its days, for the care form and urgency chosen ('' = every one).

    The count is read from the step's care form × urgency table as protected as a whole
    (protect_pivot): whichever filters an analyst combines, a shown margin never isolates a
    suppressed cell. One query."""
    # A year or range adds up its months; its median and p90 are None (analyses.periods).
    rows = [
        {
            "care_form": r.care_form,
            "urgency": r.urgency,
            "step": r.step,
            "referrals": r.referrals,
            "median_days": r.median_days,
            "p90_days": r.p90_days,
        }
        for r in periods.rows_for(WaitingTimeRow, period=filters.period, region=filters.region)
    ]
    care_form = filters.care_form
    table = Table(columns=["step_code", "step", "referrals", "median_days", "p90_days"])
    for step in WAITING_STEPS:
        of_step = [r for r in rows if r["step"] == step]
        cells = {
            (r["care_form"], r["urgency"]): r["referrals"]
            for r in of_step
            if r["care_form"] and r["urgency"]
        }
        row_keys = sorted({k[0] for k in cells} | ({care_form} if care_form else set()))
        col_keys = [u for u in URGENCIES if u in {k[1] for k in cells} or u == urgency]
        pivot = protect_pivot(cells, row_keys=row_keys, col_keys=col_keys, disclosure=disclosure)
        chosen = next(
            (r for r in of_step if r["care_form"] == care_form and r["urgency"] == urgency),
            None,
        )
        cases = chosen["referrals"] if chosen else 0
        p90 = chosen["p90_days"] if chosen else None
        if p90 is not None and not disclosure.exact and cases < P90_MIN_CASES:
            p90_shown: Shown = HIDDEN
        else:
            p90_shown = disclosure.median(p90, cases)
        table.rows.append(
            {
                "step_code": step,
                "step": str(STEP_LABELS[step]),
                "definition": str(STEP_DEFINITIONS[step]),
                "referrals": _shown_of(pivot, care_form, urgency) if cases else 0,
                "median_days": disclosure.median(chosen["median_days"], cases) if chosen else None,
                "p90_days": p90_shown,
            }
        )
    return table


# --- waiting on a reference date (read time) ---------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


WAITING_ON_SQL = f"""
    SELECT GROUPING(care_form), GROUPING(urgency), care_form, urgency, COUNT(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days)
    FROM (
        SELECT COALESCE(NULLIF(ea.needed_care_forms ->> 0, ''), '{NO_CARE_FORM}') AS care_form,
               r.urgency AS urgency,
               %(day)s::date - (first.at AT TIME ZONE %(tz)s)::date AS days
        FROM referrals_referral r
        LEFT JOIN referrals_explanatoryanalysis ea ON ea.id = r.current_analysis_id
        -- The region as the stored reports place a referral (analyses.builders): that of
        -- the responsible municipality, else of the youth's address.
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        CROSS JOIN LATERAL (
            SELECT e.to_status FROM referrals_referralevent e
            WHERE e.referral_id = r.id AND e.at < %(cutoff)s
            ORDER BY e.at DESC, e.id DESC LIMIT 1
        ) last
        CROSS JOIN LATERAL (
            SELECT MIN(e.at) AS at FROM referrals_referralevent e
            WHERE e.referral_id = r.id AND e.to_status = 'submitted' AND e.at < %(cutoff)s
        ) first
        WHERE r.status <> 'draft' AND last.to_status IN {WAITING_STATUSES}
          AND (%(region)s = '' OR rg.code = %(region)s)
    ) waiting
    GROUP BY GROUPING SETS ((care_form, urgency), (care_form), (urgency), ())
"""


@dataclass
class WaitingOn:
    """The referrals waiting at the end of `day`: counts per care form × urgency with their
    margins (protected as one table), and the median days waited so far per care form, per
    urgency and over all of them."""

    day: date
    pivot: Pivot
    row_medians: dict[str, Shown]
    col_medians: dict[str, Shown]
    median: Shown


def waiting_on(*, day: date, region: str, disclosure: Disclosure) -> WaitingOn:
    """Who was waiting at the end of `day` (local time): the status after a referral's last
    event before the next midnight is one of the waiting statuses (submitted, needs_info,
    matching, offered, waiting) — so a referral placed after `day` counts — in `region` (''
    every region). Days waited: from the first submission to `day`. Care form and urgency
    as the referral has them now. One query, each referral's events read from the
    timeline index (referral, at)."""
    params: dict[str, Any] = {
        "day": day,
        "tz": settings.TIME_ZONE,
        "cutoff": _start_of(day + timedelta(days=1)),
        "region": region,
    }
    with connections[report_read_alias()].cursor() as cursor:
        cursor.execute(WAITING_ON_SQL, params)
        result = cursor.fetchall()
    cells: dict[tuple[str, str], int] = {}
    raw_rows: dict[str, tuple[int, float | None]] = {}
    raw_cols: dict[str, tuple[int, float | None]] = {}
    total: tuple[int, float | None] = (0, None)
    for g_care, g_urgency, care_form, urgency, n, median in result:
        if not g_care and not g_urgency:
            cells[(care_form, urgency)] = n
        elif not g_care:
            raw_rows[care_form] = (n, median)
        elif not g_urgency:
            raw_cols[urgency] = (n, median)
        else:
            total = (n, median)
    row_keys = sorted(raw_rows, key=lambda c: list(CARE_FORMS).index(c) if c in CARE_FORMS else 99)
    col_keys = [u for u in URGENCIES if u in raw_cols]
    return WaitingOn(
        day=day,
        pivot=protect_pivot(cells, row_keys=row_keys, col_keys=col_keys, disclosure=disclosure),
        row_medians={k: disclosure.median(m, n) for k, (n, m) in raw_rows.items()},
        col_medians={k: disclosure.median(m, n) for k, (n, m) in raw_cols.items()},
        median=disclosure.median(total[1], total[0]),
    )


# --- data quality (read time) -----------------------------------------------------------

# Open requests before a placement: the ones that can lie untouched, and whose VA counts.
OPEN_BEFORE_PLACEMENT = (
    Referral.Status.SUBMITTED,
    Referral.Status.NEEDS_INFO,
    Referral.Status.MATCHING,
    Referral.Status.OFFERED,
    Referral.Status.WAITING,
    Referral.Status.ACCEPTED,
)


@dataclass(frozen=True)
class Check:
    code: str
    kind: str  # "referral", "placement" or "location": what the list names
    label: Any
    definition: Any


CHECKS = (
    Check(
        "stale_capacity",
        "location",
        gettext_lazy("Verouderde capaciteit"),
        gettext_lazy(
            "Actieve locaties waarvan het aantal vrije plaatsen niet is bevestigd of ouder "
            "is dan %(days)s dagen."
        ),
    ),
    Check(
        "closed_without_outcome",
        "referral",
        gettext_lazy("Afgesloten zonder uitkomst"),
        gettext_lazy("Afgesloten verzoeken zonder reden van afsluiten."),
    ),
    Check(
        "untouched",
        "referral",
        gettext_lazy("Open en onaangeroerd"),
        gettext_lazy(
            "Open verzoeken (ingediend tot en met geaccepteerd) zonder statuswijziging in de "
            "laatste %(untouched)s dagen."
        ),
    ),
    Check(
        "va_past_age",
        "referral",
        gettext_lazy("Verklarende analyse te oud"),
        gettext_lazy(
            "Open verzoeken (ingediend tot en met geaccepteerd) waarvan de verklarende analyse "
            "meer dan %(months)s maanden geleden is afgerond."
        ),
    ),
    Check(
        "no_responsible_municipality",
        "referral",
        gettext_lazy("Geen verantwoordelijke gemeente"),
        gettext_lazy(
            "Ingediende verzoeken zonder verantwoordelijke gemeente (woonplaatsbeginsel)."
        ),
    ),
    Check(
        "no_previous_situation",
        "referral",
        gettext_lazy("Geen vorige situatie"),
        gettext_lazy(
            "Ingediende verzoeken zonder vorige situatie. (De soort verzoek is altijd "
            "vastgelegd: de database eist een bekende code.)"
        ),
    ),
    Check(
        "ended_without_outflow",
        "placement",
        gettext_lazy("Beëindigd zonder uitstroombestemming"),
        gettext_lazy(
            "Beëindigde plaatsingen zonder uitstroombestemming (een doorplaatsing niet "
            "meegerekend: die gaat naar het volgende verzoek)."
        ),
    ),
    Check(
        "location_without_band",
        "location",
        gettext_lazy("Locatie zonder intensiteitsklasse"),
        gettext_lazy("Actieve locaties zonder intensiteitsklasse voor %(year)s."),
    ),
)
CHECK_CODES = {check.code: check for check in CHECKS}


def _va_cutoff(today: date) -> date:
    months = int(settings.DATA_QUALITY_VA_MAX_AGE_MONTHS)
    year, month = divmod(today.month - 1 - months, 12)
    year += today.year
    month += 1
    last_day = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(today.day, last_day))


def _conditions() -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate()
    untouched = now - timedelta(days=int(settings.DATA_QUALITY_UNTOUCHED_DAYS))
    return {
        "closed_without_outcome": Q(status=Referral.Status.CLOSED, close_outcome=""),
        "untouched": Q(status__in=OPEN_BEFORE_PLACEMENT, status_changed_at__lt=untouched),
        "va_past_age": Q(
            status__in=OPEN_BEFORE_PLACEMENT,
            current_analysis__completed_on__lt=_va_cutoff(today),
        ),
        "no_responsible_municipality": Q(responsible_municipality__isnull=True),
        "no_previous_situation": Q(previous_situation=""),
        "ended_without_outflow": Q(status=Placement.Status.ENDED, outflow="")
        & ~Q(end_reason=Placement.EndReason.REPLACEMENT),
        "stale_capacity": stale_condition(now=now),
        "location_without_band": ~Exists(
            LocationBand.objects.filter(location_id=OuterRef("pk"), year=today.year)
        ),
    }


def _referrals(region: str) -> QuerySet[Referral]:
    qs = Referral.objects.exclude(status=Referral.Status.DRAFT)
    return qs.filter(region__code=region) if region else qs


def _placements(region: str) -> QuerySet[Placement]:
    qs = Placement.objects.all()
    return qs.filter(referral__region__code=region) if region else qs


def _locations(region: str) -> QuerySet[Location]:
    qs = Location.objects.filter(is_active=True)
    if region:
        qs = qs.filter(
            Exists(
                Location.regions.through.objects.filter(
                    location_id=OuterRef("pk"), region__code=region
                )
            )
        )
    return qs


def check_definition(check: Check) -> str:
    return str(check.definition) % {
        "days": settings.CAPACITY_STALE_DAYS,
        "untouched": settings.DATA_QUALITY_UNTOUCHED_DAYS,
        "months": settings.DATA_QUALITY_VA_MAX_AGE_MONTHS,
        "year": timezone.localdate().year,
    }


def data_quality(*, region: str, disclosure: Disclosure) -> list[dict[str, Any]]:
    """Every check with its count in `region` ('' every region). Counts of referrals and
    placements are of youths: through `disclosure`; locations are not people (their free
    places are public), so exact for everyone. Three queries."""
    conditions = _conditions()
    counts: dict[str, int] = {}
    for kind, queryset in (
        ("referral", _referrals(region)),
        ("placement", _placements(region)),
        ("location", _locations(region)),
    ):
        codes = [c.code for c in CHECKS if c.kind == kind]
        counts.update(
            queryset.aggregate(**{code: Count("pk", filter=conditions[code]) for code in codes})
        )
    exact = Disclosure(exact=True)
    return [
        {
            "code": check.code,
            "kind": check.kind,
            "label": str(check.label),
            "definition": check_definition(check),
            "count": (exact if check.kind == "location" else disclosure).count(counts[check.code]),
        }
        for check in CHECKS
    ]


def data_quality_items(*, check: Check, region: str) -> QuerySet[Any]:
    """The records a check finds in `region` ('' every region), for the coordinator's list
    of what to fix: referrals (code), placements (their referral's code, location) or
    locations (name, provider), ordered for paging."""
    condition = _conditions()[check.code]
    if check.kind == "referral":
        return (
            _referrals(region)
            .filter(condition)
            .select_related("region")
            .only("id", "code", "status", "status_changed_at", "region__name")
            .order_by("status_changed_at", "id")
        )
    if check.kind == "placement":
        return (
            _placements(region)
            .filter(condition)
            .select_related("referral", "location")
            .only(
                "id", "end_date", "end_reason", "referral__id", "referral__code", "location__name"
            )
            .order_by("-end_date", "-id")
        )
    return (
        _locations(region)
        .filter(condition)
        .select_related("provider")
        .only("id", "name", "care_form", "last_confirmed_at", "provider__name")
        .order_by("provider__name", "name", "id")
    )
