# ruff: noqa: S608
# SQL is assembled only from constants and analyses.sql snippets; values are parameters.
"""The report builders: each reads the event tables with aggregate SQL and returns the rows of
its report (unsaved). `analyses.services.reports_rebuild` stores them in one transaction.

Read only through the connection of `report_read_alias()` (a replica when configured). The
figures depend only on the data and on `as_of` (a date), so two rebuilds on the same day
give identical rows. Python only merges the aggregate results of a few queries.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from analyses.models import (
    ChainRow,
    KpiRow,
    NeedMatrixRow,
    OccupancyRow,
    ProviderResponseRow,
    RefusalRow,
    ReplacementRow,
    ReportRow,
    UnmetNeedRow,
)
from analyses.sql import Dialect, median, periodised

WAITING_STATUSES = "('submitted', 'needs_info', 'matching', 'offered', 'waiting')"
REFUSED = "('refused', 'expired')"


@dataclass(frozen=True)
class Context:
    cursor: CursorWrapper
    dialect: Dialect
    as_of: date
    built_at: datetime

    @property
    def hard_refusals(self) -> int:
        return int(getattr(settings, "HARD_TO_PLACE_REFUSALS", 3))

    @property
    def hard_days(self) -> int:
        return int(getattr(settings, "HARD_TO_PLACE_DAYS", 60))


def _fetch(ctx: Context, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    ctx.cursor.execute(sql, list(params))
    names = [column[0] for column in ctx.cursor.description]
    return [dict(zip(names, row, strict=True)) for row in ctx.cursor.fetchall()]


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _referral_facts(ctx: Context) -> tuple[str, list[Any]]:
    """CTEs ending in `pr`: one row per submitted referral per period/region level."""
    d = ctx.dialect
    as_of = d.date_param()
    sql = f"""
    WITH fs AS (
        SELECT referral_id, MIN(at) AS first_at FROM referrals_referralevent
        WHERE to_status = 'submitted' GROUP BY referral_id
    ), pe AS (
        SELECT referral_id, MIN(at) AS placed_at FROM referrals_referralevent
        WHERE to_status = 'placed' GROUP BY referral_id
    ), we AS (
        SELECT DISTINCT referral_id FROM referrals_referralevent WHERE to_status = 'waiting'
    ), latest AS (
        SELECT referral_id, to_status FROM (
            SELECT referral_id, to_status,
                   ROW_NUMBER() OVER (PARTITION BY referral_id ORDER BY at DESC, id DESC) AS rn
            FROM referrals_referralevent
        ) ordered WHERE rn = 1
    ), oc AS (
        SELECT referral_id, COUNT(*) AS offers,
               SUM(CASE WHEN status IN {REFUSED} THEN 1 ELSE 0 END) AS refusals
        FROM placement_offer GROUP BY referral_id
    ), base AS (
        SELECT r.id,
               {as_of} AS as_of,
               CAST(%s AS INTEGER) AS hard_refusals,
               CAST(%s AS INTEGER) AS hard_days,
               {d.day("COALESCE(fs.first_at, r.submitted_at)")} AS d,
               COALESCE(rg.code, '') AS reg,
               COALESCE({d.json_first("ea.needed_care_forms")}, '') AS care_form,
               {d.json_key("ea.needed_expertise")} AS expertise,
               CASE WHEN ea.secured_required THEN 1 ELSE 0 END AS secured,
               y.birth_date AS birth_date,
               CASE WHEN p.id IS NULL THEN 0 ELSE 1 END AS placed,
               COALESCE(l.care_form, '') AS delivered,
               COALESCE({d.day("pe.placed_at")}, p.start_date) AS placed_day,
               {d.day("r.closed_at")} AS closed_day,
               COALESCE(latest.to_status, r.status) AS status_now,
               r.close_outcome AS close_outcome,
               CASE WHEN we.referral_id IS NULL THEN 0 ELSE 1 END AS ever_waited,
               COALESCE(oc.offers, 0) AS offers,
               COALESCE(oc.refusals, 0) AS refusals,
               CASE WHEN EXISTS (
                   SELECT 1 FROM referrals_explanatoryanalysis a
                   WHERE a.referral_id = r.id
                     AND a.created_at <= COALESCE(fs.first_at, r.submitted_at)
                     AND a.completed_on IS NOT NULL AND a.problems <> '' AND a.needs <> ''
                     AND a.explaining_factors <> ''
                     AND {d.json_length("a.needed_care_forms")} > 0
               ) THEN 1 ELSE 0 END AS complete_va
        FROM referrals_referral r
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        LEFT JOIN referrals_explanatoryanalysis ea ON ea.id = r.current_analysis_id
        LEFT JOIN placement_placement p ON p.referral_id = r.id
        LEFT JOIN capacity_location l ON l.id = p.location_id
        LEFT JOIN fs ON fs.referral_id = r.id
        LEFT JOIN pe ON pe.referral_id = r.id
        LEFT JOIN we ON we.referral_id = r.id
        LEFT JOIN latest ON latest.referral_id = r.id
        LEFT JOIN oc ON oc.referral_id = r.id
        WHERE COALESCE(fs.first_at, r.submitted_at) IS NOT NULL
    ), facts AS (
        SELECT b.*,
               CASE WHEN b.birth_date IS NULL THEN 'unknown'
                    WHEN {d.age("b.birth_date", "b.d")} < 12 THEN '0-11'
                    WHEN {d.age("b.birth_date", "b.d")} < 16 THEN '12-15'
                    WHEN {d.age("b.birth_date", "b.d")} < 18 THEN '16-17'
                    ELSE '18+' END AS age_band,
               CASE WHEN b.status_now IN {WAITING_STATUSES} THEN 1 ELSE 0 END AS waiting_now,
               CASE WHEN b.status_now IN {WAITING_STATUSES}
                    THEN {d.days("b.d", "b.as_of")} END AS days_waiting_now,
               CASE WHEN b.placed = 1 THEN {d.days("b.d", "b.placed_day")} END AS days_to_placement,
               CASE WHEN b.refusals >= b.hard_refusals
                      OR {d.days("b.d", "COALESCE(b.placed_day, b.closed_day, b.as_of)")}
                         >= b.hard_days
                    THEN 1 ELSE 0 END AS hard,
               CASE WHEN b.status_now IN {WAITING_STATUSES} AND b.birth_date IS NOT NULL
                         AND {d.age("b.birth_date", "b.as_of")} >= 17
                    THEN 1 ELSE 0 END AS waiting_17_plus
        FROM base b
    ), pr AS (
        {periodised(d, "facts")}
    )
    """
    # The only parameters, carried as columns of `base` so each appears once.
    params = [d.date_value(ctx.as_of), ctx.hard_refusals, ctx.hard_days]
    return sql, params


PROFILE = ["period", "region", "care_form", "expertise", "age_band", "secured"]


def build_unmet_need(ctx: Context) -> list[ReportRow]:
    facts, params = _referral_facts(ctx)
    keys = ", ".join(PROFILE)
    totals = _fetch(
        ctx,
        f"""{facts}
        SELECT {keys}, COUNT(*) AS referrals,
               SUM(CASE WHEN placed = 1 AND delivered = care_form THEN 1 ELSE 0 END)
                   AS placed_first_choice,
               SUM(CASE WHEN placed = 1 AND delivered <> care_form THEN 1 ELSE 0 END)
                   AS placed_other,
               SUM(waiting_now) AS waiting_now,
               SUM(CASE WHEN close_outcome = 'resolved_at_home' THEN 1 ELSE 0 END)
                   AS resolved_at_home,
               SUM(refusals) AS refusals,
               SUM(hard) AS hard_to_place
        FROM pr GROUP BY {keys}""",
        params,
    )
    medians = _fetch(
        ctx,
        f"{facts} {median('pr', PROFILE, 'days_waiting_now', 'waiting_now = 1')}",
        params,
    )
    reasons = _fetch(
        ctx,
        f"""{facts}
        SELECT {", ".join(f"pr.{k}" for k in PROFILE)}, o.refusal_reason AS reason,
               COUNT(*) AS n
        FROM pr JOIN placement_offer o ON o.referral_id = pr.id AND o.status IN {REFUSED}
        GROUP BY {", ".join(f"pr.{k}" for k in PROFILE)}, o.refusal_reason""",
        params,
    )

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(int(row[k]) if k == "secured" else row[k] for k in PROFILE)

    median_by = {key(row): _num(row["median"]) for row in medians}
    reasons_by: dict[tuple[Any, ...], list[tuple[int, str]]] = defaultdict(list)
    for row in reasons:
        reasons_by[key(row)].append((-int(row["n"]), row["reason"]))
    return [
        UnmetNeedRow(
            period=row["period"],
            region=row["region"],
            care_form=row["care_form"],
            expertise=row["expertise"],
            age_band=row["age_band"],
            secured=bool(row["secured"]),
            referrals=int(row["referrals"]),
            placed_first_choice=int(row["placed_first_choice"]),
            placed_other=int(row["placed_other"]),
            waiting_now=int(row["waiting_now"]),
            median_days_waiting=median_by.get(key(row)),
            resolved_at_home=int(row["resolved_at_home"]),
            refusals=int(row["refusals"]),
            hard_to_place=int(row["hard_to_place"]),
            top_refusal_reasons=",".join(code for _n, code in sorted(reasons_by[key(row)])[:3]),
            built_at=ctx.built_at,
        )
        for row in totals
    ]


def build_need_matrix(ctx: Context) -> list[ReportRow]:
    facts, params = _referral_facts(ctx)
    rows = _fetch(
        ctx,
        f"""{facts}
        SELECT period, region, care_form AS needed, delivered, COUNT(*) AS placements
        FROM pr WHERE placed = 1 GROUP BY period, region, care_form, delivered""",
        params,
    )
    return [
        NeedMatrixRow(
            period=r["period"],
            region=r["region"],
            needed=r["needed"],
            delivered=r["delivered"],
            placements=int(r["placements"]),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


def _offer_facts(ctx: Context) -> str:
    d = ctx.dialect
    return f"""
    WITH off AS (
        SELECT o.id, o.status, o.refusal_reason AS reason, {d.day("o.sent_at")} AS d,
               COALESCE(rg.code, '') AS reg, org.name AS provider, l.care_form AS care_form,
               CASE WHEN o.status IN ('accepted', 'refused') AND o.answered_at IS NOT NULL
                    THEN {d.hours("o.sent_at", "o.answered_at")} END AS hours
        FROM placement_offer o
        JOIN referrals_referral r ON r.id = o.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        JOIN accounts_organisation org ON org.id = o.provider_id
        JOIN capacity_location l ON l.id = o.location_id
    ), po AS (
        {periodised(d, "off")}
    )
    """


def build_refusals(ctx: Context) -> list[ReportRow]:
    rows = _fetch(
        ctx,
        f"""{_offer_facts(ctx)}
        SELECT period, region, provider, care_form, reason, COUNT(*) AS refusals
        FROM po WHERE status IN {REFUSED}
        GROUP BY period, region, provider, care_form, reason""",
    )
    return [
        RefusalRow(
            period=r["period"],
            region=r["region"],
            provider=r["provider"],
            care_form=r["care_form"],
            reason=r["reason"],
            refusals=int(r["refusals"]),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


def build_provider_responses(ctx: Context) -> list[ReportRow]:
    facts = _offer_facts(ctx)
    keys = ["period", "region", "provider"]
    rows = _fetch(
        ctx,
        f"""{facts}
        SELECT period, region, provider, COUNT(*) AS offers,
               SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
               SUM(CASE WHEN status IN {REFUSED} THEN 1 ELSE 0 END) AS refused,
               SUM(CASE WHEN reason = 'no_response' THEN 1 ELSE 0 END) AS no_response
        FROM po GROUP BY period, region, provider""",
    )
    medians = _fetch(ctx, f"{facts} {median('po', keys, 'hours')}")
    median_by = {(m["period"], m["region"], m["provider"]): _num(m["median"]) for m in medians}
    return [
        ProviderResponseRow(
            period=r["period"],
            region=r["region"],
            provider=r["provider"],
            offers=int(r["offers"]),
            accepted=int(r["accepted"]),
            refused=int(r["refused"]),
            no_response=int(r["no_response"]),
            median_response_hours=median_by.get((r["period"], r["region"], r["provider"])),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


def build_replacements(ctx: Context) -> list[ReportRow]:
    d = ctx.dialect
    rows = _fetch(
        ctx,
        f"""
        WITH pl AS (
            SELECT p.id, p.start_date AS d, COALESCE(rg.code, '') AS reg,
                   org.name AS provider, l.care_form AS care_form,
                   CASE WHEN p.end_reason = 'replacement'
                         AND {d.days("p.start_date", "p.end_date")} <= 183
                        THEN 1 ELSE 0 END AS r6,
                   CASE WHEN p.end_reason = 'replacement'
                         AND {d.days("p.start_date", "p.end_date")} <= 365
                        THEN 1 ELSE 0 END AS r12
            FROM placement_placement p
            JOIN referrals_referral r ON r.id = p.referral_id
            JOIN referrals_youthidentity y ON y.id = r.youth_id
            LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
            LEFT JOIN accounts_region rg ON rg.id = m.region_id
            JOIN accounts_organisation org ON org.id = p.provider_id
            JOIN capacity_location l ON l.id = p.location_id
        ), pp AS (
            {periodised(d, "pl")}
        )
        SELECT period, region, provider, care_form, COUNT(*) AS started,
               SUM(r6) AS replaced_6m, SUM(r12) AS replaced_12m
        FROM pp GROUP BY period, region, provider, care_form""",
    )
    return [
        ReplacementRow(
            period=r["period"],
            region=r["region"],
            provider=r["provider"],
            care_form=r["care_form"],
            started=int(r["started"]),
            replaced_6m=int(r["replaced_6m"]),
            replaced_12m=int(r["replaced_12m"]),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


def build_chains(ctx: Context) -> list[ReportRow]:
    """A youth's chain starts at a placement that no re-placement led to and follows
    Placement.next_referral → that referral's placement → …"""
    d = ctx.dialect
    rows = _fetch(
        ctx,
        f"""
        WITH RECURSIVE chain (root_id, next_referral_id, n) AS (
            SELECT p.id, p.next_referral_id, 1 FROM placement_placement p
            WHERE NOT EXISTS (
                SELECT 1 FROM placement_placement q WHERE q.next_referral_id = p.referral_id
            )
            UNION ALL
            SELECT c.root_id, p.next_referral_id, c.n + 1
            FROM chain c JOIN placement_placement p ON p.referral_id = c.next_referral_id
        ), lengths AS (
            SELECT root_id, MAX(n) AS n FROM chain GROUP BY root_id
        ), roots AS (
            SELECT p.start_date AS d, COALESCE(rg.code, '') AS reg, lengths.n AS n
            FROM lengths
            JOIN placement_placement p ON p.id = lengths.root_id
            JOIN referrals_referral r ON r.id = p.referral_id
            JOIN referrals_youthidentity y ON y.id = r.youth_id
            LEFT JOIN accounts_municipality m ON m.id = y.municipality_id
            LEFT JOIN accounts_region rg ON rg.id = m.region_id
        ), pc AS (
            {periodised(d, "roots")}
        )
        SELECT period, region, n AS placements_in_chain, COUNT(*) AS youths
        FROM pc GROUP BY period, region, n""",
    )
    return [
        ChainRow(
            period=r["period"],
            region=r["region"],
            placements_in_chain=int(r["placements_in_chain"]),
            youths=int(r["youths"]),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


def build_kpis(ctx: Context) -> list[ReportRow]:
    facts, params = _referral_facts(ctx)
    keys = ["period", "region"]
    sums = _fetch(
        ctx,
        f"""{facts}
        SELECT period, region,
               COUNT(*) AS referrals,
               SUM(placed) AS placements,
               SUM(CASE WHEN placed = 1 THEN offers ELSE 0 END) AS offers_placed,
               SUM(CASE WHEN ever_waited = 1 AND status_now = 'closed' THEN 1 ELSE 0 END)
                   AS waited_closed,
               SUM(CASE WHEN ever_waited = 1 AND close_outcome = 'resolved_at_home'
                        THEN 1 ELSE 0 END) AS waited_home,
               SUM(complete_va) AS complete_va,
               SUM(waiting_17_plus) AS waiting_17_plus
        FROM pr GROUP BY period, region""",
        params,
    )
    medians = _fetch(
        ctx, f"{facts} {median('pr', keys, 'days_to_placement', 'placed = 1')}", params
    )
    median_by = {(m["period"], m["region"]): _num(m["median"]) for m in medians}

    def ratio(numerator: int, denominator: int) -> float | None:
        return round(numerator / denominator, 4) if denominator else None

    out: list[ReportRow] = []
    for r in sums:
        placements = int(r["placements"] or 0)
        figures: list[tuple[str, float | None, int | None, float | None]] = [
            (
                "days_to_placement",
                placements,
                placements,
                median_by.get((r["period"], r["region"])),
            ),
            (
                "offers_per_placement",
                int(r["offers_placed"] or 0),
                placements,
                ratio(int(r["offers_placed"] or 0), placements),
            ),
            (
                "waiting_resolved_at_home",
                int(r["waited_home"] or 0),
                int(r["waited_closed"] or 0),
                ratio(int(r["waited_home"] or 0), int(r["waited_closed"] or 0)),
            ),
            (
                "complete_va",
                int(r["complete_va"] or 0),
                int(r["referrals"]),
                ratio(int(r["complete_va"] or 0), int(r["referrals"])),
            ),
            ("waiting_17_plus", int(r["waiting_17_plus"] or 0), None, None),
        ]
        for code, numerator, denominator, value in figures:
            out.append(
                KpiRow(
                    period=r["period"],
                    region=r["region"],
                    code=code,
                    numerator=numerator,
                    denominator=denominator,
                    value=value if code != "waiting_17_plus" else numerator,
                    built_at=ctx.built_at,
                )
            )
    stale = _fetch(
        ctx,
        f"""SELECT COUNT(*) AS locations,
                   SUM(CASE WHEN last_confirmed_at IS NULL
                              OR last_confirmed_at < {ctx.dialect.ts_param()}
                       THEN 1 ELSE 0 END) AS stale
            FROM capacity_location WHERE is_active""",
        [ctx.dialect.ts_value(_start_of(ctx.as_of) - timedelta(days=settings.CAPACITY_STALE_DAYS))],
    )[0]
    locations, stale_count = int(stale["locations"] or 0), int(stale["stale"] or 0)
    out.append(
        KpiRow(
            period="all",
            region="",
            code="stale_capacity",
            numerator=stale_count,
            denominator=locations,
            value=ratio(stale_count, locations),
            built_at=ctx.built_at,
        )
    )
    return out


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _months(as_of: date, count: int = 12) -> list[tuple[str, datetime]]:
    """The last `count` months up to as_of's month, with the moment each one ends."""
    months: list[tuple[str, datetime]] = []
    year, month = as_of.year, as_of.month
    for _ in range(count):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = _start_of(date(next_year, next_month, 1))
        months.append((f"{year:04d}-{month:02d}", min(end, _start_of(as_of + timedelta(days=1)))))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def build_occupancy(ctx: Context) -> list[ReportRow]:
    """Occupied and total places per care form at each month's end, from the capacity
    history: the counts after the last change before that moment; before a location's first
    recorded change, the counts before it; without any change, its current counts."""
    d = ctx.dialect
    months = _months(ctx.as_of)
    values = ", ".join(f"(%s, {d.ts_param()})" for _ in months)
    params: list[Any] = []
    for period, cutoff in months:
        params += [period, d.ts_value(cutoff)]

    def snapshot(column: str) -> str:
        return f"""COALESCE(
            (SELECT e.{column}_after FROM capacity_capacityevent e
             WHERE e.location_id = l.id AND e.at < m.cutoff ORDER BY e.at DESC, e.id DESC LIMIT 1),
            (SELECT e.{column}_before FROM capacity_capacityevent e
             WHERE e.location_id = l.id AND e.at >= m.cutoff ORDER BY e.at, e.id LIMIT 1),
            l.{column}_places)"""

    rows = _fetch(
        ctx,
        f"""
        WITH months (period, cutoff) AS (VALUES {values}),
        state AS (
            SELECT m.period, l.care_form, {snapshot("occupied")} AS occupied,
                   {snapshot("total")} AS total
            FROM months m CROSS JOIN capacity_location l WHERE l.is_active
        )
        SELECT period, care_form, SUM(occupied) AS occupied, SUM(total) AS total
        FROM state GROUP BY period, care_form""",
        params,
    )
    return [
        OccupancyRow(
            period=r["period"],
            region="",
            care_form=r["care_form"],
            occupied=int(r["occupied"]),
            total=int(r["total"]),
            built_at=ctx.built_at,
        )
        for r in rows
    ]


BUILDERS: dict[str, Callable[[Context], list[ReportRow]]] = {
    "unmet_need": build_unmet_need,
    "need_matrix": build_need_matrix,
    "refusals": build_refusals,
    "provider_responses": build_provider_responses,
    "replacements": build_replacements,
    "chains": build_chains,
    "kpis": build_kpis,
    "occupancy": build_occupancy,
}
