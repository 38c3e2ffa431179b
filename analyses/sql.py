# ruff: noqa: S608
# SQL is assembled only from constants and analyses.sql snippets; values are parameters.
"""SQL snippets that several report builders share (analyses.builders).

Every query runs with parameters, so a literal % is written %%.
"""


def bytewise(text: str) -> str:
    """Text compared byte by byte (as Python sorts), whatever the database collation: the
    dimensions, so that sorting and grouping on them costs no locale-aware comparisons."""
    return f'({text}) COLLATE "C"'


def rounded(value: str, digits: int) -> str:
    """Rounded as Python's round() does: half to even, on the double."""
    scale = 10**digits
    return f"(ROUND(CAST({value} AS double precision) * {scale}) / {scale})"


def ratio(numerator: str, denominator: str, digits: int = 4) -> str:
    """numerator / denominator rounded; NULL when the denominator is 0."""
    return (
        f"CASE WHEN ({denominator}) <> 0 "
        f"THEN {rounded(f'1.0 * ({numerator}) / ({denominator})', digits)} END"
    )


def month_of(d: str) -> str:
    """The month period of a date: '2026-03'."""
    return f"to_char({d}, 'YYYY-MM')"


def quarter_of(d: str) -> str:
    """The quarter period of a date: '2026-Q1'."""
    return f"to_char({d}, 'YYYY-\"Q\"Q')"


def periodised(source: str, precomputed: bool = False) -> str:
    """Each row of `source` (with a date `d` and a region code `reg`) once per period kind
    (all, quarter, month) and once per region level (its region, and '' = every region).
    `precomputed`: `source` has its quarter and month already, as columns `q` and `m`."""
    branches = []
    kinds = ("s.q", "s.m") if precomputed else (quarter_of("s.d"), month_of("s.d"))
    for period in ("'all'", *kinds):
        for region in ("s.reg", "''"):
            branches.append(
                f"SELECT {bytewise(period)} AS period, {bytewise(region)} AS region, s.* "
                f"FROM {source} s"
            )
    return "\nUNION ALL\n".join(branches)


def median(source: str, keys: list[str], value: str, where: str = "1 = 1") -> str:
    """SELECT keys…, median FROM source GROUP BY keys: the median of `value` over the rows
    where `where` holds."""
    k = ", ".join(keys)
    return f"""
        SELECT {k}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) AS median
        FROM {source} WHERE ({where}) AND ({value}) IS NOT NULL GROUP BY {k}
    """


def grouped_with_median(
    source: str, keys: list[str], measures: str, value: str, where: str = "1 = 1"
) -> str:
    """SELECT keys…, measures…, median FROM source GROUP BY keys: `median` of `value` over
    the rows where `where` holds, in the same pass over the groups as the measures."""
    k = ", ".join(keys)
    return f"""
        SELECT {k}, {measures},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY {value})
                   FILTER (WHERE {where}) AS median
        FROM {source} GROUP BY {k}
    """
