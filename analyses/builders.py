# ruff: noqa: S608
# SQL is assembled only from constants and analyses.sql snippets; values are parameters
# (the staged facts take none: their date and integers are written in as typed literals).
"""The report builders: each turns the event tables into the rows of its report as ONE
aggregate SELECT (a `Report`); `analyses.services.reports_rebuild` stores them in one
transaction, with INSERT … SELECT when it reads and writes the same database.

Read only through the connection of `report_read_alias()` (a replica when configured). The
figures depend only on the data and on `as_of` (a date), so two rebuilds on the same day
give identical rows. Everything is computed in SQL; Python only assembles the statements.
The per-referral and per-offer facts that several reports share are computed once per
rebuild into a temporary table when the connection allows it (`Context.staged`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from analyses.sql import (
    bytewise,
    median,
    month_of,
    periodised,
    quarter_of,
    ratio,
    rounded,
)

# A referral counts in the municipality, and so the region, responsible for the youth's care
# (woonplaatsbeginsel: `Referral.responsible_municipality`), else the youth's address: every
# join of `accounts_municipality m` below is `COALESCE(r.responsible_municipality_id,
# y.municipality_id)` (tests/analyses/test_responsible_municipality.py).
WAITING_STATUSES = "('submitted', 'needs_info', 'matching', 'offered', 'waiting')"
REFUSED = "('refused', 'expired')"


@dataclass(frozen=True)
class Report:
    """A SELECT giving the rows of one report: its columns are `columns`, in that order
    (every model field but `id` and `built_at`)."""

    columns: tuple[str, ...]
    sql: str
    params: Sequence[Any] = ()


@dataclass
class Context:
    cursor: CursorWrapper
    as_of: date
    built_at: datetime
    # True when `cursor` may create temporary tables (it is the writing connection).
    staged: bool = False
    stages: dict[str, str] = field(default_factory=dict)

    @property
    def hard_refusals(self) -> int:
        return int(getattr(settings, "HARD_TO_PLACE_REFUSALS", 3))

    @property
    def hard_days(self) -> int:
        return int(getattr(settings, "HARD_TO_PLACE_DAYS", 60))

    def source(self, name: str, sql: str) -> str:
        """A CTE `name` holding the rows of `sql` (a query without parameters): read from a
        temporary table made on first use when staged, else computed in the statement."""
        if not self.staged:
            return f"{name} AS ({sql})"
        if name not in self.stages:
            table = f"analyses_stage_{name}"
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")
            # With (no) parameters, so that %% is read as % like in every other query.
            self.cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", [])
            # Row counts for the planner: hash aggregates instead of sorts.
            self.cursor.execute(f"ANALYZE {table}")
            self.stages[name] = table
        return f"{name} AS NOT MATERIALIZED (SELECT * FROM {self.stages[name]})"

    def drop_stages(self) -> None:
        for table in self.stages.values():
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")
        self.stages.clear()


def _referral_facts(ctx: Context) -> str:
    """CTEs ending in `pr`: one row per submitted referral per period/region level."""
    tz = settings.TIME_ZONE
    as_of = f"CAST('{ctx.as_of.isoformat()}' AS date)"
    refusals, days = int(ctx.hard_refusals), int(ctx.hard_days)
    age_band = """CASE WHEN b.age IS NULL THEN 'unknown'
                WHEN b.age < 12 THEN '0-11' WHEN b.age < 16 THEN '12-15'
                WHEN b.age < 18 THEN '16-17' ELSE '18+' END"""
    # The needed expertise codes sorted and joined with '+': a stable profile key.
    expertise = """COALESCE((SELECT string_agg(x, '+' ORDER BY x)
                FROM jsonb_array_elements_text(ea.needed_expertise) AS t(x)), '')"""
    facts = f"""
    WITH ev AS (
        SELECT referral_id,
               MIN(CASE WHEN to_status = 'submitted' THEN at END) AS first_at,
               MIN(CASE WHEN to_status = 'placed' THEN at END) AS placed_at,
               MAX(CASE WHEN to_status = 'waiting' THEN 1 ELSE 0 END) AS ever_waited
        FROM referrals_referralevent GROUP BY referral_id
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
               (COALESCE(ev.first_at, r.submitted_at) AT TIME ZONE '{tz}')::date AS d,
               {bytewise("COALESCE(rg.code, '')")} AS reg,
               {bytewise("COALESCE(ea.needed_care_forms ->> 0, '')")} AS care_form,
               {bytewise(expertise)} AS expertise,
               CASE WHEN ea.secured_required THEN 1 ELSE 0 END AS secured,
               y.birth_date AS birth_date,
               CASE WHEN p.id IS NULL THEN 0 ELSE 1 END AS placed,
               {bytewise("COALESCE(l.care_form, '')")} AS delivered,
               COALESCE((ev.placed_at AT TIME ZONE '{tz}')::date, p.start_date) AS placed_day,
               (r.closed_at AT TIME ZONE '{tz}')::date AS closed_day,
               COALESCE(latest.to_status, r.status) AS status_now,
               r.close_outcome AS close_outcome,
               COALESCE(ev.ever_waited, 0) AS ever_waited,
               COALESCE(oc.offers, 0) AS offers,
               COALESCE(oc.refusals, 0) AS refusals,
               CASE WHEN EXISTS (
                   SELECT 1 FROM referrals_explanatoryanalysis a
                   WHERE a.referral_id = r.id
                     AND a.created_at <= COALESCE(ev.first_at, r.submitted_at)
                     AND a.completed_on IS NOT NULL AND a.problems <> '' AND a.needs <> ''
                     AND a.explaining_factors <> ''
                     AND jsonb_array_length(a.needed_care_forms) > 0
               ) THEN 1 ELSE 0 END AS complete_va,
               -- Crisis placements (issue 21): their documents follow; "due" once in or late.
               CASE WHEN r.urgency = 'crisis' THEN 1 ELSE 0 END AS crisis,
               CASE WHEN r.urgency = 'crisis' AND r.documents_due_on IS NOT NULL
                         AND (r.documents_completed_on IS NOT NULL
                              OR r.documents_due_on < {as_of})
                    THEN 1 ELSE 0 END AS crisis_documents_due,
               CASE WHEN r.urgency = 'crisis'
                         AND r.documents_completed_on <= r.documents_due_on
                    THEN 1 ELSE 0 END AS crisis_documents_in_time,
               -- Coded origin and care outside coordination (issue 21).
               {bytewise("r.urgency")} AS urgency,
               {bytewise("r.previous_situation")} AS previous_situation,
               {bytewise("r.request_kind")} AS request_kind,
               CASE WHEN r.close_outcome = 'placed_outside_coordination'
                    THEN 1 ELSE 0 END AS outside,
               -- Issue 23 (tender KPI "fewer emergency authorisations").
               CASE WHEN r.legal_status = 'emergency_secured_authorisation'
                    THEN 1 ELSE 0 END AS emergency
        FROM referrals_referral r
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        LEFT JOIN referrals_explanatoryanalysis ea ON ea.id = r.current_analysis_id
        LEFT JOIN placement_placement p ON p.referral_id = r.id AND p.status <> 'cancelled'
        LEFT JOIN capacity_location l ON l.id = p.location_id
        LEFT JOIN ev ON ev.referral_id = r.id
        LEFT JOIN latest ON latest.referral_id = r.id
        LEFT JOIN oc ON oc.referral_id = r.id
        WHERE COALESCE(ev.first_at, r.submitted_at) IS NOT NULL
    )
        SELECT b.*, {quarter_of("b.d")} AS q, {month_of("b.d")} AS m,
           {bytewise(age_band)} AS age_band,
           CASE WHEN b.status_now IN {WAITING_STATUSES} THEN 1 ELSE 0 END AS waiting_now,
           CASE WHEN b.status_now IN {WAITING_STATUSES}
                THEN {as_of} - b.d END AS days_waiting_now,
           CASE WHEN b.placed = 1 THEN b.placed_day - b.d END AS days_to_placement,
           CASE WHEN b.refusals >= {refusals}
                  OR COALESCE(b.placed_day, b.closed_day, {as_of}) - b.d >= {days}
                THEN 1 ELSE 0 END AS hard,
           CASE WHEN b.status_now IN {WAITING_STATUSES} AND b.birth_date IS NOT NULL
                     AND CAST(EXTRACT(YEAR FROM age({as_of}, b.birth_date)) AS INTEGER) >= 17
                THEN 1 ELSE 0 END AS waiting_17_plus
    FROM (
        SELECT base.*, CAST(EXTRACT(YEAR FROM age(d, birth_date)) AS INTEGER) AS age FROM base
    ) b
    """
    pr = periodised("facts", precomputed=True)
    return f"WITH {ctx.source('facts', facts)}, pr AS NOT MATERIALIZED ({pr})"


PROFILE = ["period", "region", "care_form", "expertise", "age_band", "secured"]


def _on(left: str, right: str, keys: Sequence[str]) -> str:
    return " AND ".join(f"{left}.{k} = {right}.{k}" for k in keys)


def build_unmet_need(ctx: Context) -> Report:
    keys = ", ".join(PROFILE)
    pr_keys = ", ".join(f"pr.{k}" for k in PROFILE)
    sql = f"""{_referral_facts(ctx)},
    totals AS (
        SELECT {keys}, COUNT(*) AS referrals,
               SUM(CASE WHEN placed = 1 AND delivered = care_form THEN 1 ELSE 0 END)
                   AS placed_first_choice,
               SUM(CASE WHEN placed = 1 AND delivered <> care_form THEN 1 ELSE 0 END)
                   AS placed_other,
               SUM(waiting_now) AS waiting_now,
               SUM(CASE WHEN close_outcome = 'resolved_at_home' THEN 1 ELSE 0 END)
                   AS resolved_at_home,
               SUM(refusals) AS refusals,
               SUM(hard) AS hard_to_place,
               SUM(outside) AS placed_outside
        FROM pr GROUP BY {keys}
    ), medians AS (
        {median("pr", PROFILE, "days_waiting_now", "waiting_now = 1")}
    ), reasons AS (
        SELECT {keys}, reason, ROW_NUMBER() OVER (
                   PARTITION BY {keys} ORDER BY n DESC, {bytewise("reason")}) AS rank
        FROM (
            SELECT {pr_keys}, o.refusal_reason AS reason, COUNT(*) AS n
            FROM pr JOIN placement_offer o ON o.referral_id = pr.id AND o.status IN {REFUSED}
            GROUP BY {pr_keys}, o.refusal_reason
        ) counted
    ), top_reasons AS (
        SELECT {keys}, MAX(CASE WHEN rank = 1 THEN reason END) AS r1,
               MAX(CASE WHEN rank = 2 THEN reason END) AS r2,
               MAX(CASE WHEN rank = 3 THEN reason END) AS r3
        FROM reasons WHERE rank <= 3 GROUP BY {keys}
    )
    SELECT t.period, t.region, t.care_form, t.expertise, t.age_band,
           CASE WHEN t.secured = 1 THEN TRUE ELSE FALSE END, t.referrals,
           t.placed_first_choice, t.placed_other, t.waiting_now,
           {rounded("m.median", 2)}, t.resolved_at_home, t.refusals, t.hard_to_place,
           t.placed_outside,
           COALESCE(tr.r1 || COALESCE(',' || tr.r2, '') || COALESCE(',' || tr.r3, ''), '')
    FROM totals t
    LEFT JOIN medians m ON {_on("m", "t", PROFILE)}
    LEFT JOIN top_reasons tr ON {_on("tr", "t", PROFILE)}"""
    return Report(
        columns=(
            *PROFILE,
            "referrals",
            "placed_first_choice",
            "placed_other",
            "waiting_now",
            "median_days_waiting",
            "resolved_at_home",
            "refusals",
            "hard_to_place",
            "placed_outside",
            "top_refusal_reasons",
        ),
        sql=sql,
    )


def build_outside_care(ctx: Context) -> Report:
    """Referrals closed as placed outside coordination, by their first-choice care form,
    contracted or not and arrangement, periodised like unmet need (by submission). The cost
    per day is summed over those whose cost is known (`with_cost`), so the page can give the
    average. No provider and no free text: a provider outside the contract by name could
    identify the youth."""
    sql = f"""{_referral_facts(ctx)}
        SELECT pr.period, pr.region, pr.care_form, op.contracted,
               {bytewise("op.arrangement")}, COUNT(*),
               COUNT(op.cost_per_day),
               CAST(SUM(op.cost_per_day) AS double precision)
        FROM pr JOIN placement_outsideplacement op ON op.referral_id = pr.id
        WHERE pr.outside = 1
        GROUP BY pr.period, pr.region, pr.care_form, op.contracted, op.arrangement"""
    return Report(
        columns=(
            "period",
            "region",
            "care_form",
            "contracted",
            "arrangement",
            "youths",
            "with_cost",
            "cost_per_day_sum",
        ),
        sql=sql,
    )


ORIGIN_DIMENSIONS = ("urgency", "previous_situation", "request_kind")


def build_origin(ctx: Context) -> Report:
    """Referrals per coded origin (urgency, previous situation, kind of request), each one
    dimension at a time, per first-choice care form and for every care form (''): placed,
    placed outside coordination, waiting now, and the median days to placement, so that
    crisis is seen apart from planned."""
    branches = "\n    UNION ALL\n    ".join(
        f"""SELECT period, region, care_form, '{name}' AS dimension, {name} AS code,
               placed, outside, waiting_now, days_to_placement FROM pr"""
        for name in ORIGIN_DIMENSIONS
    )
    sql = f"""{_referral_facts(ctx)},
    origin AS (
        {branches}
    )
    SELECT period, region, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END,
           {bytewise("dimension")}, code, COUNT(*), SUM(placed), SUM(outside),
           SUM(waiting_now),
           {rounded("percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_placement)", 2)}
    FROM origin
    GROUP BY GROUPING SETS ((period, region, dimension, code, care_form),
                            (period, region, dimension, code))"""
    return Report(
        columns=(
            "period",
            "region",
            "care_form",
            "dimension",
            "code",
            "referrals",
            "placed",
            "placed_outside",
            "waiting_now",
            "median_days_to_placement",
        ),
        sql=sql,
    )


def build_need_matrix(ctx: Context) -> Report:
    return Report(
        columns=("period", "region", "needed", "delivered", "placements"),
        sql=f"""{_referral_facts(ctx)}
        SELECT period, region, care_form, delivered, COUNT(*)
        FROM pr WHERE placed = 1 GROUP BY period, region, care_form, delivered""",
    )


def _offer_facts(ctx: Context) -> str:
    """CTEs ending in `po`: one row per offer per period/region level."""
    hours = "CAST(EXTRACT(EPOCH FROM (o.answered_at - o.sent_at)) / 3600.0 AS double precision)"
    offers = f"""
        SELECT o.status, {bytewise("o.refusal_reason")} AS reason,
               (o.sent_at AT TIME ZONE '{settings.TIME_ZONE}')::date AS d,
               {bytewise("COALESCE(rg.code, '')")} AS reg, {bytewise("org.name")} AS provider,
               {bytewise("l.care_form")} AS care_form,
               CASE WHEN o.status IN ('accepted', 'refused') AND o.answered_at IS NOT NULL
                    THEN {hours} END AS hours
        FROM placement_offer o
        JOIN referrals_referral r ON r.id = o.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        JOIN accounts_organisation org ON org.id = o.provider_id
        JOIN capacity_location l ON l.id = o.location_id
    """
    facts = f"""
        SELECT f.status, f.reason, f.reg, f.provider, f.care_form, f.hours,
               {quarter_of("f.d")} AS q, {month_of("f.d")} AS m
        FROM ({offers}) f"""
    po = periodised("offers", precomputed=True)
    return f"WITH {ctx.source('offers', facts)}, po AS NOT MATERIALIZED ({po})"


def build_refusals(ctx: Context) -> Report:
    return Report(
        columns=("period", "region", "provider", "care_form", "reason", "refusals"),
        sql=f"""{_offer_facts(ctx)}
        SELECT period, region, provider, care_form, reason, COUNT(*)
        FROM po WHERE status IN {REFUSED}
        GROUP BY period, region, provider, care_form, reason""",
    )


def build_provider_responses(ctx: Context) -> Report:
    """Answers per provider, per care form of the offered location and for every care form
    (`care_form` ''), so that the care-form filter applies to this table too."""
    keys = ["period", "region", "provider"]
    k = ", ".join(keys)
    sql = f"""{_offer_facts(ctx)},
    totals AS (
        SELECT {k}, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END AS cf,
               COUNT(*) AS offers,
               SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
               SUM(CASE WHEN status IN {REFUSED} THEN 1 ELSE 0 END) AS refused,
               SUM(CASE WHEN reason = 'no_response' THEN 1 ELSE 0 END) AS no_response,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median
        FROM po GROUP BY GROUPING SETS (({k}, care_form), ({k}))
    )
    SELECT period, region, provider, cf, offers, accepted, refused, no_response,
           {rounded("median", 2)}
    FROM totals"""
    return Report(
        columns=(
            *keys,
            "care_form",
            "offers",
            "accepted",
            "refused",
            "no_response",
            "median_response_hours",
        ),
        sql=sql,
    )


def build_replacements(ctx: Context) -> Report:
    sql = f"""
        WITH pl AS (
            SELECT p.id, p.start_date AS d, COALESCE(rg.code, '') AS reg,
                   org.name AS provider, l.care_form AS care_form,
                   CASE WHEN p.end_reason = 'replacement'
                         AND p.end_date - p.start_date <= 183
                        THEN 1 ELSE 0 END AS r6,
                   CASE WHEN p.end_reason = 'replacement'
                         AND p.end_date - p.start_date <= 365
                        THEN 1 ELSE 0 END AS r12,
                   p.end_date, p.end_reason
            FROM placement_placement p
            JOIN referrals_referral r ON r.id = p.referral_id
            JOIN referrals_youthidentity y ON y.id = r.youth_id
            LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
            LEFT JOIN accounts_region rg ON rg.id = m.region_id
            JOIN accounts_organisation org ON org.id = p.provider_id
            JOIN capacity_location l ON l.id = p.location_id
            WHERE p.status <> 'cancelled'
        ), moves AS (
            -- Each fact on the day it happened: a start (with its re-placement within 6/12
            -- months), an end by re-placement, a risk closed as prevented (issue 21).
            SELECT d, reg, provider, care_form, 1 AS started, r6, r12, 0 AS replaced,
                   0 AS prevented
            FROM pl
            UNION ALL
            SELECT end_date, reg, provider, care_form, 0, 0, 0, 1, 0
            FROM pl WHERE end_reason = 'replacement' AND end_date IS NOT NULL
            UNION ALL
            SELECT (k.closed_at AT TIME ZONE '{settings.TIME_ZONE}')::date, pl.reg,
                   pl.provider, pl.care_form, 0, 0, 0, 0, 1
            FROM placement_placementrisk k JOIN pl ON pl.id = k.placement_id
            WHERE k.outcome = 'prevented' AND k.closed_at IS NOT NULL
        ), pp AS (
            {periodised("moves")}
        )
        SELECT period, region, provider, care_form, SUM(started), SUM(r6), SUM(r12),
               SUM(replaced), SUM(prevented)
        FROM pp GROUP BY period, region, provider, care_form"""
    return Report(
        columns=(
            "period",
            "region",
            "provider",
            "care_form",
            "started",
            "replaced_6m",
            "replaced_12m",
            "replaced",
            "prevented",
        ),
        sql=sql,
    )


def build_chains(ctx: Context) -> Report:
    """A youth's chain starts at a placement that no re-placement led to and follows
    Placement.next_referral → that referral's placement → … Per care form of the chain's
    first placement, and for every care form (`care_form` '')."""
    sql = f"""
        WITH RECURSIVE chain (root_id, next_referral_id, n) AS (
            SELECT p.id, p.next_referral_id, 1 FROM placement_placement p
            WHERE p.status <> 'cancelled' AND NOT EXISTS (
                SELECT 1 FROM placement_placement q WHERE q.next_referral_id = p.referral_id
            )
            UNION ALL
            SELECT c.root_id, p.next_referral_id, c.n + 1
            FROM chain c JOIN placement_placement p
              ON p.referral_id = c.next_referral_id AND p.status <> 'cancelled'
            WHERE c.n < 1000  -- a cycle in next_referral (bad data) cannot loop forever
        ), lengths AS (
            SELECT root_id, MAX(n) AS n FROM chain GROUP BY root_id
        ), roots AS (
            SELECT p.start_date AS d, COALESCE(rg.code, '') AS reg, lengths.n AS n,
                   l.care_form AS care_form
            FROM lengths
            JOIN placement_placement p ON p.id = lengths.root_id
            JOIN capacity_location l ON l.id = p.location_id
            JOIN referrals_referral r ON r.id = p.referral_id
            JOIN referrals_youthidentity y ON y.id = r.youth_id
            LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
            LEFT JOIN accounts_region rg ON rg.id = m.region_id
        ), pc AS (
            {periodised("roots")}
        )
        SELECT period, region, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END,
               n, COUNT(*)
        FROM pc GROUP BY GROUPING SETS ((period, region, n, care_form), (period, region, n))"""
    return Report(
        columns=("period", "region", "care_form", "placements_in_chain", "youths"), sql=sql
    )


def build_kpis(ctx: Context) -> Report:
    """Five figures per period, region and first-choice care form (value = numerator /
    denominator, or a median with numerator = denominator = n), and the share of stale
    capacity per region and care form (period 'all': it is today's); `care_form` '' is every
    care form. Issue 21 adds the outflow of the placements ended in the period (by end
    date): `outflow_lighter` (home, foster care, lighter residential, supported living, of
    every ended placement) and `stagnation_days` (median days ready to leave before the end,
    over those with `ready_to_leave_since`)."""
    figures = [
        ("days_to_placement", "placements", "placements", rounded("median", 2)),
        ("offers_per_placement", "offers_placed", "placements", None),
        ("waiting_resolved_at_home", "waited_home", "waited_closed", None),
        ("complete_va", "complete_va", "planned_referrals", None),
        ("waiting_17_plus", "waiting_17_plus", "NULL", "waiting_17_plus"),
        # Issue 21: crisis apart from planned/urgent, and crisis documents that came in time.
        ("crisis_share", "crisis", "referrals", None),
        ("crisis_documents_in_time", "crisis_in_time", "crisis_due", None),
        # Issue 23: requests under an emergency authorisation (secured care), of all.
        ("emergency_authorisation", "emergency", "referrals", None),
    ]
    # Issue 21: outflow of the placements ended in the period (by their end date).
    ended_figures = [
        ("outflow_lighter", "lighter", "ended", None),
        ("stagnation_days", "stagnated", "stagnated", rounded("stagnation", 2)),
    ]
    per_region = "\n    UNION ALL\n    ".join(
        f"""SELECT period, region, cf, '{code}', CAST({num} AS FLOAT),
           CAST({den} AS INTEGER), CAST({value or ratio(num, den)} AS FLOAT) FROM figures"""
        for code, num, den, value in figures
    )
    per_region_ended = "\n    UNION ALL\n    ".join(
        f"""SELECT period, region, cf, '{code}', CAST({num} AS FLOAT),
           CAST({den} AS INTEGER), CAST({value or ratio(num, den)} AS FLOAT) FROM ended_figures"""
        for code, num, den, value in ended_figures
    )
    lighter = "('home', 'foster_care', 'lighter_residential', 'supported_living')"
    ended = f"""SELECT p.end_date AS d, {bytewise("COALESCE(rg.code, '')")} AS reg,
               {bytewise("COALESCE(ea.needed_care_forms ->> 0, '')")} AS care_form,
               CASE WHEN p.outflow IN {lighter} THEN 1 ELSE 0 END AS lighter,
               p.end_date - p.ready_to_leave_since AS ready_days
        FROM placement_placement p
        JOIN referrals_referral r ON r.id = p.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        LEFT JOIN referrals_explanatoryanalysis ea ON ea.id = r.current_analysis_id
        WHERE p.status = 'ended' AND p.end_date IS NOT NULL"""
    measures = """COUNT(*) AS referrals,
               SUM(placed) AS placements,
               SUM(CASE WHEN placed = 1 THEN offers ELSE 0 END) AS offers_placed,
               SUM(CASE WHEN ever_waited = 1 AND status_now = 'closed' THEN 1 ELSE 0 END)
                   AS waited_closed,
               SUM(CASE WHEN ever_waited = 1 AND close_outcome = 'resolved_at_home'
                        THEN 1 ELSE 0 END) AS waited_home,
               SUM(CASE WHEN crisis = 0 THEN complete_va ELSE 0 END) AS complete_va,
               SUM(1 - crisis) AS planned_referrals,
               SUM(waiting_17_plus) AS waiting_17_plus,
               SUM(crisis) AS crisis,
               SUM(crisis_documents_due) AS crisis_due,
               SUM(crisis_documents_in_time) AS crisis_in_time,
               SUM(emergency) AS emergency"""
    stale = """CASE WHEN last_confirmed_at IS NULL OR last_confirmed_at < %s::timestamptz
                     THEN 1 ELSE 0 END"""
    sql = f"""{_referral_facts(ctx)},
    figures AS (
        SELECT period, region, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END
                   AS cf,
               {measures},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_placement)
                   FILTER (WHERE placed = 1) AS median
        FROM pr GROUP BY GROUPING SETS ((period, region, care_form), (period, region))
    ), ended AS (
        {ended}
    ), pe AS (
        {periodised("ended")}
    ), ended_figures AS (
        SELECT period, region, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END
                   AS cf,
               COUNT(*) AS ended, SUM(lighter) AS lighter,
               COUNT(ready_days) AS stagnated,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY ready_days) AS stagnation
        FROM pe GROUP BY GROUPING SETS ((period, region, care_form), (period, region))
    ), {_location_levels("l.is_active")}, capacity AS (
        SELECT region, CASE WHEN GROUPING(care_form) = 1 THEN ''
               WHEN care_form = '' THEN '-' ELSE care_form END AS cf,
               COUNT(*) AS locations, COALESCE(SUM({stale}), 0) AS stale
        FROM located GROUP BY GROUPING SETS ((region, care_form), (region))
    )
    {per_region}
    UNION ALL
    {per_region_ended}
    UNION ALL
    SELECT 'all', region, cf, 'stale_capacity', CAST(stale AS FLOAT),
           CAST(locations AS INTEGER), CAST({ratio("stale", "locations")} AS FLOAT)
    FROM capacity
    UNION ALL
    -- Without any location still one row for every region (0 of 0): there is always a KPI
    -- row, which dates the reports (selectors.built_at).
    SELECT 'all', '', '', 'stale_capacity', CAST(0 AS FLOAT), 0, CAST(NULL AS FLOAT)
    WHERE NOT EXISTS (SELECT 1 FROM capacity)"""
    cutoff = _start_of(ctx.as_of) - timedelta(days=settings.CAPACITY_STALE_DAYS)
    return Report(
        columns=("period", "region", "care_form", "code", "numerator", "denominator", "value"),
        sql=sql,
        params=[cutoff],
    )


def _location_levels(where: str) -> str:
    """A CTE `located`: each location of capacity_location matching `where` once per region
    level: for every region that contracts it (its code) and once for every region ('')."""
    return f"""located AS (
        SELECT l.*, {bytewise("''")} AS region FROM capacity_location l WHERE {where}
        UNION ALL
        SELECT l.*, {bytewise("rg.code")} AS region FROM capacity_location l
        JOIN capacity_location_regions lr ON lr.location_id = l.id
        JOIN accounts_region rg ON rg.id = lr.region_id
        WHERE {where}
    )"""


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


def build_occupancy(ctx: Context) -> Report:
    """Occupied and total places per care form at each month's end, from the capacity
    history: the counts after the last change before that moment; before a location's first
    recorded change, the counts before it; without any change, its current counts. Per
    region that contracts the location, and for every region ('')."""
    months = _months(ctx.as_of)
    values = ", ".join("(%s, %s::timestamptz)" for _ in months)
    params: list[Any] = []
    for period, cutoff in months:
        params += [period, cutoff]
    sql = f"""
        WITH months (period, cutoff) AS (VALUES {values}),
        {_location_levels("l.is_active")},
        loc AS (
            SELECT id, care_form, occupied_places, total_places
            FROM capacity_location WHERE is_active
        ), ev AS (
            SELECT e.location_id, e.at, e.occupied_before, e.total_before, e.occupied_after,
                   e.total_after,
                   ROW_NUMBER() OVER (PARTITION BY e.location_id ORDER BY e.at, e.id) AS rn,
                   LEAD(e.at) OVER (PARTITION BY e.location_id ORDER BY e.at, e.id) AS next_at
            FROM capacity_capacityevent e JOIN loc ON loc.id = e.location_id
        ), last_before AS (
            -- per month, each location's last change before the cutoff
            SELECT m.period, ev.location_id, ev.occupied_after AS occupied,
                   ev.total_after AS total
            FROM months m JOIN ev
              ON ev.at < m.cutoff AND (ev.next_at IS NULL OR ev.next_at >= m.cutoff)
        )
        SELECT m.period, l.region, l.care_form,
               SUM(COALESCE(b.occupied, f.occupied_before, l.occupied_places)),
               SUM(COALESCE(b.total, f.total_before, l.total_places))
        FROM months m CROSS JOIN located l
        LEFT JOIN last_before b ON b.period = m.period AND b.location_id = l.id
        LEFT JOIN ev f ON f.location_id = l.id AND f.rn = 1
        GROUP BY m.period, l.region, l.care_form"""
    return Report(
        columns=("period", "region", "care_form", "occupied", "total"),
        sql=sql,
        params=params,
    )


BUILDERS: dict[str, Callable[[Context], Report]] = {
    "unmet_need": build_unmet_need,
    "need_matrix": build_need_matrix,
    "refusals": build_refusals,
    "provider_responses": build_provider_responses,
    "replacements": build_replacements,
    "chains": build_chains,
    "kpis": build_kpis,
    "occupancy": build_occupancy,
    "outside_care": build_outside_care,
    "origin": build_origin,
}


def build_refusal_concerns(ctx: Context) -> Report:
    """Refusals per concern the provider named (issue 23, `Offer.refusal_concerns`: codes of
    the VA's needed expertise and risk flags) × reason, by provider × care form of the
    location offered; one row per concern of a refusal. Dated and placed in a region as the
    refusals report is (`_offer_facts`)."""
    facts = f"""
        SELECT {bytewise("o.refusal_reason")} AS reason, {bytewise("c.concern")} AS concern,
               (o.sent_at AT TIME ZONE '{settings.TIME_ZONE}')::date AS d,
               {bytewise("COALESCE(rg.code, '')")} AS reg, {bytewise("org.name")} AS provider,
               {bytewise("l.care_form")} AS care_form
        FROM placement_offer o
        CROSS JOIN LATERAL jsonb_array_elements_text(o.refusal_concerns) AS c(concern)
        JOIN referrals_referral r ON r.id = o.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        JOIN accounts_organisation org ON org.id = o.provider_id
        JOIN capacity_location l ON l.id = o.location_id
        WHERE o.status IN {REFUSED}
    """
    return Report(
        columns=("period", "region", "provider", "care_form", "concern", "reason", "refusals"),
        sql=f"""WITH concerns AS ({facts}), pc AS ({periodised("concerns")})
        SELECT period, region, provider, care_form, concern, reason, COUNT(*)
        FROM pc GROUP BY period, region, provider, care_form, concern, reason""",
    )


BUILDERS["refusal_concerns"] = build_refusal_concerns


# Waiting times by step (issue 23.5): analyses.waiting reads them.
WAITING_STEPS = (
    "submitted_matching",
    "matching_offer",
    "offer_acceptance",
    "acceptance_placement",
    "submitted_placement",
)


def build_waiting_times(ctx: Context) -> Report:
    """The days each step took, per referral that passed it, by the period and region of
    the moment the step ended, first-choice care form and urgency ('' = every one).

    The moments (the step's start and end) of a referral:
    - submitted: its first `submitted` event (else `Referral.submitted_at`);
    - matching: its first `matching` event (triage done);
    - first offer: the `sent_at` of its first offer;
    - acceptance: the first `answered_at` of an offer it accepted (a cancelled offer was
      accepted first);
    - placement: its first `placed` event (the placement recorded).
    A step counts for a referral when both moments exist and the end is not before the
    start (a crisis placed first has no matching or offer step). Days are elapsed time
    (hours / 24). Median and 90th percentile per group, in the one pass of GROUPING SETS."""
    tz = settings.TIME_ZONE
    moments = {
        "submitted_matching": ("m.submitted_at", "m.matching_at"),
        "matching_offer": ("m.matching_at", "m.offered_at"),
        "offer_acceptance": ("m.offered_at", "m.accepted_at"),
        "acceptance_placement": ("m.accepted_at", "m.placed_at"),
        "submitted_placement": ("m.submitted_at", "m.placed_at"),
    }
    values = ", ".join(f"('{step}', {began}, {ended})" for step, (began, ended) in moments.items())
    keys = "period, region, step"
    sql = f"""{_referral_facts(ctx)},
    wev AS (
        SELECT referral_id,
               MIN(at) FILTER (WHERE to_status = 'submitted') AS submitted_at,
               MIN(at) FILTER (WHERE to_status = 'matching') AS matching_at,
               MIN(at) FILTER (WHERE to_status = 'placed') AS placed_at
        FROM referrals_referralevent GROUP BY referral_id
    ), wof AS (
        SELECT referral_id, MIN(sent_at) AS offered_at,
               MIN(answered_at) FILTER (WHERE status IN ('accepted', 'cancelled'))
                   AS accepted_at
        FROM placement_offer GROUP BY referral_id
    ), moments AS (
        SELECT f.reg, f.care_form, f.urgency,
               COALESCE(wev.submitted_at, r.submitted_at) AS submitted_at,
               wev.matching_at, wof.offered_at, wof.accepted_at, wev.placed_at
        FROM facts f
        JOIN referrals_referral r ON r.id = f.id
        LEFT JOIN wev ON wev.referral_id = f.id
        LEFT JOIN wof ON wof.referral_id = f.id
    ), steps AS (
        SELECT m.reg, m.care_form, m.urgency, {bytewise("v.step")} AS step,
               (v.ended AT TIME ZONE '{tz}')::date AS d,
               CAST(EXTRACT(EPOCH FROM (v.ended - v.began)) / 86400.0 AS double precision)
                   AS days
        FROM moments m
        CROSS JOIN LATERAL (VALUES {values}) AS v(step, began, ended)
        WHERE v.began IS NOT NULL AND v.ended IS NOT NULL AND v.ended >= v.began
    ), ps AS NOT MATERIALIZED (
        {periodised("steps")}
    )
    SELECT period, region,
           -- '' is every care form; a referral without a first choice is '-'.
           CASE WHEN GROUPING(care_form) = 1 THEN ''
                WHEN care_form = '' THEN '-' ELSE care_form END,
           CASE WHEN GROUPING(urgency) = 1 THEN '' ELSE urgency END,
           step, COUNT(*),
           {rounded("percentile_cont(0.5) WITHIN GROUP (ORDER BY days)", 2)},
           {rounded("percentile_cont(0.9) WITHIN GROUP (ORDER BY days)", 2)}
    FROM ps
    GROUP BY GROUPING SETS (({keys}, care_form, urgency), ({keys}, care_form),
                            ({keys}, urgency), ({keys}))"""
    return Report(
        columns=(
            "period",
            "region",
            "care_form",
            "urgency",
            "step",
            "referrals",
            "median_days",
            "p90_days",
        ),
        sql=sql,
    )


BUILDERS["waiting_times"] = build_waiting_times


def build_forecast_check(ctx: Context) -> Report:
    """Expected vacancies checked afterwards (issue 22.5; analyses.forecasts reads them):
    the current (not superseded) forecast of each placement that was not cancelled, dated
    by its `expected_on`, in the region of the referral, per care form of the location.
    Settled by the end date of the placement against the day expected ± the tolerance
    (setting FORECAST_TOLERANCE_DAYS) as of `ctx.as_of`."""
    tolerance = int(getattr(settings, "FORECAST_TOLERANCE_DAYS", 14))
    as_of = f"CAST('{ctx.as_of.isoformat()}' AS date)"
    facts = f"""
        SELECT f.expected_on AS d, {bytewise("COALESCE(rg.code, '')")} AS reg,
               {bytewise("l.care_form")} AS care_form,
               CASE WHEN p.end_date IS NOT NULL
                     AND p.end_date BETWEEN f.expected_on - {tolerance}
                                        AND f.expected_on + {tolerance}
                    THEN 1 ELSE 0 END AS came_true,
               CASE WHEN p.end_date < f.expected_on - {tolerance} THEN 1 ELSE 0 END
                   AS earlier,
               CASE WHEN p.end_date > f.expected_on + {tolerance}
                      OR (p.end_date IS NULL AND f.expected_on + {tolerance} < {as_of})
                    THEN 1 ELSE 0 END AS later,
               CASE WHEN p.end_date IS NULL AND f.expected_on + {tolerance} >= {as_of}
                    THEN 1 ELSE 0 END AS pending
        FROM placement_vacancyforecast f
        JOIN placement_placement p ON p.id = f.placement_id
        JOIN capacity_location l ON l.id = f.location_id
        JOIN referrals_referral r ON r.id = p.referral_id
        JOIN referrals_youthidentity y ON y.id = r.youth_id
        LEFT JOIN accounts_municipality m
               ON m.id = COALESCE(r.responsible_municipality_id, y.municipality_id)
        LEFT JOIN accounts_region rg ON rg.id = m.region_id
        WHERE f.superseded_at IS NULL AND p.status <> 'cancelled'
    """
    return Report(
        columns=(
            "period",
            "region",
            "care_form",
            "forecasts",
            "came_true",
            "ended_earlier",
            "ended_later",
            "pending",
        ),
        sql=f"""WITH fc AS ({facts}), pf AS ({periodised("fc")})
        SELECT period, region, care_form, COUNT(*), SUM(came_true), SUM(earlier),
               SUM(later), SUM(pending)
        FROM pf GROUP BY period, region, care_form""",
    )


BUILDERS["forecasts"] = build_forecast_check
