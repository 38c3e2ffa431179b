"""Small-number suppression: the ONE place that decides what an analyst may see.

Pages, CSV exports, the API and the chart data all pass their figures through a
`Disclosure`. For coordinators it shows exact counts. For analysts:

- primary suppression: every count from 1 to 4 is shown as "<5" (0 is shown: it reveals
  no person);
- secondary suppression: a total (row, column or grand total) is shown only when none of
  the cells it adds up is suppressed — otherwise "x" — so that a total minus the shown cells
  never gives back a hidden value; a share num/den is shown only when num, den and den − num
  are all shown-safe (0 or ≥ 5), so a percentage together with its base never reveals the
  complement; a median of 1 to 4 cases is hidden, because it is one youth's own figure.

Known limit: differencing between two separately requested selections (e.g. a quarter and
its months) is not prevented; the region sees its own figures, and the periods are fixed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Role, User

SMALL = "<5"
HIDDEN = "x"

Shown = int | float | str | None


def is_small(value: int | None) -> bool:
    return value is not None and 1 <= value <= 4


@dataclass(frozen=True)
class Disclosure:
    exact: bool

    @classmethod
    def for_user(cls, user: User) -> "Disclosure":
        """Coordinators see exact counts; everyone else (the analyst) suppressed ones."""
        return cls(exact=user.role == Role.COORDINATOR)

    def count(self, value: int) -> int | str:
        return value if self.exact or not is_small(value) else SMALL

    def total(self, value: int, parts: Sequence[int]) -> int | str:
        """A total of `parts`: hidden when one of the parts is."""
        if self.exact:
            return value
        if any(is_small(part) for part in parts):
            return HIDDEN
        return self.count(value)

    def share(self, numerator: int, denominator: int, digits: int = 1) -> float | str | None:
        """numerator/denominator as a percentage."""
        if not denominator:
            return None
        if not self.exact and any(
            is_small(v) for v in (numerator, denominator, denominator - numerator)
        ):
            return HIDDEN
        return round(100.0 * numerator / denominator, digits)

    def ratio(self, numerator: int, denominator: int, digits: int = 2) -> float | str | None:
        """numerator/denominator for figures that are not parts of a whole (offers per
        placement): hidden when either count is."""
        if not denominator:
            return None
        if not self.exact and (is_small(numerator) or is_small(denominator)):
            return HIDDEN
        return round(numerator / denominator, digits)

    def place_rate(self, occupied: int, total: int, digits: int = 1) -> float | str | None:
        """Occupancy: the total places are public, so only the youths counted matter."""
        if not total:
            return None
        if not self.exact and is_small(occupied):
            return HIDDEN
        return round(100.0 * occupied / total, digits)

    def median(self, value: float | None, cases: int) -> float | str | None:
        if value is None:
            return None
        if not self.exact and is_small(cases):
            return HIDDEN
        return round(value, 1)


@dataclass
class Table:
    """A table of counts with its totals, as shown: rows of dimension values + shown cells.

    `counts` are the additive count columns (a totals row is added for them); `extra` are
    per-row figures computed from a row's counts after suppression (shares, medians)."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Shown] = field(default_factory=dict)


def protect_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    dimensions: Sequence[str],
    counts: Sequence[str],
    disclosure: Disclosure,
    with_totals: bool = True,
) -> Table:
    """Suppress the count cells of `rows` and add a totals row (secondary suppression)."""
    table = Table(columns=[*dimensions, *counts])
    for row in rows:
        shown: dict[str, Any] = {name: row[name] for name in dimensions}
        for name in counts:
            shown[name] = disclosure.count(int(row[name]))
        table.rows.append(shown)
    if with_totals:
        for name in counts:
            parts = [int(row[name]) for row in rows]
            table.totals[name] = disclosure.total(sum(parts), parts)
    return table


@dataclass
class Pivot:
    row_keys: list[str]
    col_keys: list[str]
    cells: Mapping[tuple[str, str], Shown]
    row_totals: Mapping[str, Shown]
    col_totals: Mapping[str, Shown]
    grand_total: Shown


def protect_pivot(
    values: Mapping[tuple[str, str], int],
    *,
    row_keys: Sequence[str],
    col_keys: Sequence[str],
    disclosure: Disclosure,
) -> Pivot:
    """A two-way table with both margins. A margin is hidden when any cell it adds up is
    hidden; the grand total when any cell at all is: then no combination of shown margins
    and cells isolates a hidden cell."""
    cells = {(r, c): disclosure.count(values.get((r, c), 0)) for r in row_keys for c in col_keys}
    row_totals = {
        r: disclosure.total(
            sum(values.get((r, c), 0) for c in col_keys), [values.get((r, c), 0) for c in col_keys]
        )
        for r in row_keys
    }
    col_totals = {
        c: disclosure.total(
            sum(values.get((r, c), 0) for r in row_keys), [values.get((r, c), 0) for r in row_keys]
        )
        for c in col_keys
    }
    every = [values.get((r, c), 0) for r in row_keys for c in col_keys]
    return Pivot(
        row_keys=list(row_keys),
        col_keys=list(col_keys),
        cells=cells,
        row_totals=row_totals,
        col_totals=col_totals,
        grand_total=disclosure.total(sum(every), every),
    )
