# ruff: noqa: S608
# SQL is assembled only from constants and analyses.sql snippets; values are parameters.
"""The few SQL expressions that differ between PostgreSQL (production, tests) and SQLite
(`make run`), so that every report is one set of portable queries.

Medians are `percentile_cont(0.5)` on PostgreSQL; SQLite has no percentile function, so
there ROW_NUMBER() and COUNT() windows pick the middle one or two values to average (the
same). Every query runs with parameters, so a literal % is written %%.
Everything else is plain SQL with CTEs and window functions.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings


@dataclass(frozen=True)
class Dialect:
    vendor: str

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def day(self, ts: str) -> str:
        """The local calendar day of a timestamp (SQLite: its UTC day; the demo only)."""
        if self.pg:
            return f"(({ts}) AT TIME ZONE '{settings.TIME_ZONE}')::date"
        return f"date({ts})"

    def days(self, start: str, end: str) -> str:
        """Whole days from one date to another."""
        if self.pg:
            return f"(({end}) - ({start}))"
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"

    def hours(self, start: str, end: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(EPOCH FROM (({end}) - ({start}))) / 3600.0 AS double precision)"
        return f"((julianday({end}) - julianday({start})) * 24.0)"

    def month(self, d: str) -> str:
        if self.pg:
            return f"to_char({d}, 'YYYY-MM')"
        return f"strftime('%%Y-%%m', {d})"

    def quarter(self, d: str) -> str:
        if self.pg:
            return f"to_char({d}, 'YYYY-\"Q\"Q')"
        return (
            f"(strftime('%%Y', {d}) || '-Q' || ((CAST(strftime('%%m', {d}) AS INTEGER) + 2) / 3))"
        )

    def age(self, birth: str, on: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(YEAR FROM age({on}, {birth})) AS INTEGER)"
        return (
            f"(CAST(strftime('%%Y', {on}) AS INTEGER) - CAST(strftime('%%Y', {birth}) AS INTEGER)"
            f" - (strftime('%%m-%%d', {on}) < strftime('%%m-%%d', {birth})))"
        )

    def json_first(self, column: str) -> str:
        if self.pg:
            return f"(({column}) ->> 0)"
        return f"json_extract({column}, '$[0]')"

    def json_length(self, column: str) -> str:
        if self.pg:
            return f"jsonb_array_length({column})"
        return f"json_array_length({column})"

    def json_key(self, column: str) -> str:
        """The codes of a JSON list, sorted and joined with '+': a stable profile key."""
        if self.pg:
            return (
                f"COALESCE((SELECT string_agg(x, '+' ORDER BY x) "
                f"FROM jsonb_array_elements_text({column}) AS t(x)), '')"
            )
        return (
            f"COALESCE((SELECT group_concat(value, '+') FROM "
            f"(SELECT value FROM json_each({column}) ORDER BY value)), '')"
        )

    def date_literal(self, value: date) -> str:
        """A date written into the SQL (for the staged facts, which take no parameters)."""
        if self.pg:
            return f"CAST('{value.isoformat()}' AS date)"
        return f"'{value.isoformat()}'"

    def round(self, value: str, digits: int) -> str:
        """Rounded as Python's round() does (PostgreSQL: half to even on the double)."""
        if self.pg:
            scale = 10**digits
            return f"(ROUND(CAST({value} AS double precision) * {scale}) / {scale})"
        return f"ROUND({value}, {digits})"

    def ratio(self, numerator: str, denominator: str, digits: int = 4) -> str:
        """numerator / denominator rounded; NULL when the denominator is 0."""
        return (
            f"CASE WHEN ({denominator}) <> 0 "
            f"THEN {self.round(f'1.0 * ({numerator}) / ({denominator})', digits)} END"
        )

    def bytewise(self, text: str) -> str:
        """Text compared byte by byte (as Python sorts), whatever the database collation: the
        dimensions, so that sorting and grouping on them costs no locale-aware comparisons."""
        return f'({text}) COLLATE "C"' if self.pg else text

    def cte(self, name: str, sql: str) -> str:
        """A CTE read in place wherever it is used (PostgreSQL would copy one used twice)."""
        return f"{name} AS {'NOT MATERIALIZED ' if self.pg else ''}({sql})"

    def date_param(self) -> str:
        return "CAST(%s AS date)" if self.pg else "%s"

    def date_value(self, value: date) -> object:
        return value if self.pg else value.isoformat()

    def ts_param(self) -> str:
        return "CAST(%s AS timestamptz)" if self.pg else "%s"

    def ts_value(self, value: datetime) -> object:
        if self.pg:
            return value
        # Django stores SQLite datetimes as naive UTC text.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def periodised(d: Dialect, source: str, precomputed: bool = False) -> str:
    """Each row of `source` (with a date `d` and a region code `reg`) once per period kind
    (all, quarter, month) and once per region level (its region, and '' = every region).
    `precomputed`: `source` has its quarter and month already, as columns `q` and `m`."""
    branches = []
    kinds = ("s.q", "s.m") if precomputed else (d.quarter("s.d"), d.month("s.d"))
    for period in ("'all'", *kinds):
        for region in ("s.reg", "''"):
            branches.append(
                f"SELECT {d.bytewise(period)} AS period, {d.bytewise(region)} AS region, s.* "
                f"FROM {source} s"
            )
    return "\nUNION ALL\n".join(branches)


def median(d: Dialect, source: str, keys: list[str], value: str, where: str = "1 = 1") -> str:
    """SELECT keys…, median FROM source GROUP BY keys (see the module docstring)."""
    k = ", ".join(keys)
    if d.pg:
        return f"""
            SELECT {k}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) AS median
            FROM {source} WHERE ({where}) AND ({value}) IS NOT NULL GROUP BY {k}
        """
    return f"""
        SELECT {k}, AVG(v) AS median FROM (
            SELECT {k}, 1.0 * ({value}) AS v,
                   ROW_NUMBER() OVER (PARTITION BY {k} ORDER BY {value}) AS rn,
                   COUNT(*) OVER (PARTITION BY {k}) AS n
            FROM {source} WHERE ({where}) AND ({value}) IS NOT NULL
        ) ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        GROUP BY {k}
    """


def grouped_with_median(
    d: Dialect, source: str, keys: list[str], measures: str, value: str, where: str = "1 = 1"
) -> str:
    """SELECT keys…, measures…, median FROM source GROUP BY keys: `median` of `value` over
    the rows where `where` holds. PostgreSQL computes both in one pass over the groups."""
    k = ", ".join(keys)
    if d.pg:
        return f"""
            SELECT {k}, {measures},
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY {value})
                       FILTER (WHERE {where}) AS median
            FROM {source} GROUP BY {k}
        """
    on = " AND ".join(f"m.{key} = t.{key}" for key in keys)
    return f"""
        SELECT t.*, m.median
        FROM (SELECT {k}, {measures} FROM {source} GROUP BY {k}) t
        LEFT JOIN ({median(d, source, keys, value, where)}) m ON {on}
    """
