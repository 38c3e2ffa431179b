"""The attacker (issue 23, point 7): no "<5" an analyst can fetch is pinned to one value.

It loads the demo region (several regions, providers, care forms and months, many small
cells), rebuilds the reports and, as the analyst, fetches every report it can reach: every
CSV export of `analyses.views.EXPORTS` and every API report of `analyses.api_urls` without a
path parameter, for every period of a quarter (the quarter, its months, all time) × every
region and all regions × every care form and all care forms (and `provider=` where a
report takes it). The same requests with exact figures (what a coordinator sees) give the
true value behind every published figure.

It then writes what an attacker knows as an integer program over the true values:

- each shown count as the interval `analyses.disclosure.interval` says it leaves open
  ("<5": 0–4, a rounded r: r − 2 … r + 2; with the method before issue 23 a number was
  exact, "<5" was 1–4 and "x" said nothing);
- every way the figures add up, whenever it holds for the true figures: a total is the sum
  of its rows (pivots: both margins), a quarter the sum of its months, all regions the sum
  of the regions, all care forms the sum of the care forms, and two figures of different
  tables or exports that are the same quantity (equal in every view) are equal;

and asks HiGHS (scipy.optimize.milp) for the smallest and largest value each "<5" with a
true value of 1 to 4 can take. None may be pinned: for each there is a second world,
consistent with everything shown, where it has another value.
"""

import csv
import io
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from accounts.models import Organisation, Region, Role, User
from analyses import api_urls, disclosure, views
from analyses.disclosure import SMALL, Disclosure
from analyses.models import KpiRow
from analyses.selectors import CARE_FORMS
from analyses.services import reports_rebuild

pytestmark = pytest.mark.django_db

UNKNOWN = (0, 10**6)
INT = re.compile(r"^-?\d+$")
Filters = tuple[str, str, str, str]  # period, region, care form, provider (id)
# A figure: (source, table part, row key, column) and the filters it was fetched with.
Slot = tuple[str, str, tuple[Any, ...], str]


def interval(shown: Any) -> tuple[int, int] | None:
    """What a shown count tells the attacker, by the method in force."""
    method = getattr(disclosure, "interval", None)
    if method is not None:
        return method(shown)
    # The method before issue 23: a number is exact, "<5" is 1–4, "x" says nothing.
    if shown == SMALL:
        return (1, 4)
    if isinstance(shown, int) and not isinstance(shown, bool):
        return (shown, shown)
    return UNKNOWN if shown == "x" else None


# --- fetching --------------------------------------------------------------------------


def _value(text: str) -> Any:
    return int(text) if INT.match(text) else text


def _csv_figures(slug: str, body: bytes) -> Iterable[tuple[Slot, Any]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[2:]
    if not rows:
        return
    header, *lines = rows
    for line in lines:
        if not line:
            continue
        is_total = line[0] == "Totaal"
        for index, cell in enumerate(line[1:], start=1):
            column = header[index] if index < len(header) else str(index)
            # The row key is filled in later, once the label columns are known.
            yield (
                (f"csv:{slug}", "total" if is_total else "row", tuple(line), column),
                _value(cell),
            )


def _join_field(shown: list[Any], exact: list[Any]) -> str | None:
    """A field that names each row the same in both passes (rows may be ordered by their
    figures as shown): a text field, unique per row, with the same values in both."""
    if not exact or not all(isinstance(i, dict) for i in [*shown, *exact]):
        return None
    for name, value in exact[0].items():
        if not isinstance(value, str):
            continue
        ours = [i.get(name) for i in exact]
        theirs = [i.get(name) for i in shown]
        if len(set(ours)) == len(ours) and sorted(map(str, ours)) == sorted(map(str, theirs)):
            return name
    return None


Walked = Iterable[tuple[tuple[Any, ...], Any, Any]]


def _walk(shown: Any, exact: Any, path: tuple[Any, ...]) -> Walked:
    """Both passes side by side: a row of a list is keyed by its label fields (text that
    reads the same in both), else its first field; rows are joined on a naming field."""
    if isinstance(exact, dict) and isinstance(shown, dict):
        for key, item in exact.items():
            yield from _walk(shown.get(key), item, (*path, key))
    elif isinstance(exact, list) and isinstance(shown, list) and len(shown) == len(exact):
        join = _join_field(shown, exact)
        if join:
            by_name = {str(i.get(join)): i for i in shown}
            shown = [by_name[str(i.get(join))] for i in exact]
        for index, (one, other) in enumerate(zip(shown, exact, strict=True)):
            if isinstance(other, dict) and isinstance(one, dict):
                labels = tuple(
                    (k, v) for k, v in other.items() if isinstance(v, str) and one.get(k) == v
                )
                key = labels or tuple(list(other.items())[:1]) or (("#", index),)
                yield from _walk(one, other, (*path, key))
            else:
                yield from _walk(one, other, (*path, ("#", index)))
    else:
        yield path, shown, exact


def _api_figures(route: str, shown: dict[str, Any], exact: dict[str, Any]) -> Iterable[Any]:
    exact = {k: v for k, v in exact.items() if k not in ("built_at", "filters")}
    for path, one, other in _walk(shown, exact, ()):
        if isinstance(path[-1], str) and len(path) >= 2:
            yield (f"api:{route}", repr(path[:-2]), (repr(path[-2]),), path[-1]), one, other


def _routes() -> list[str]:
    routes = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        text = str(pattern.pattern)
        if "<" not in text and "rebuild" not in text:
            routes.append(text)
    return routes


def _fetch(client: Client, grid: list[Filters]) -> dict[tuple[str, Filters], Any]:
    """Every report body the analyst can fetch for the filters of `grid`."""
    bodies: dict[tuple[str, Filters], Any] = {}
    routes = _routes()
    for filters in grid:
        period, region, care_form, provider = filters
        query = {"periode": period, "regio": region, "zorgvorm": care_form}
        if provider:
            query["aanbieder"] = provider
        for slug in views.EXPORTS:
            response = client.get(f"/analyses/export/{slug}.csv", query)
            assert response.status_code == 200, (slug, filters)
            bodies[(f"csv:{slug}", filters)] = response.content
        for route in routes:
            params = {"period": period, "region": region, "care_form": care_form}
            response = client.get(
                f"/api/v1/{route}", {**params, "provider": provider} if provider else params
            )
            if response.status_code in (403, 404):
                continue  # not a report for the analyst (or not for these filters)
            assert response.status_code == 200, (route, filters, response.content[:200])
            bodies[(f"api:{route}", filters)] = response.json()
    return bodies


def _figures(
    shown_bodies: dict[tuple[str, Filters], Any], exact_bodies: dict[tuple[str, Filters], Any]
) -> tuple[dict[Any, Any], dict[Any, Any]]:
    shown: dict[Any, Any] = {}
    exact: dict[Any, Any] = {}
    for (source, filters), body in exact_bodies.items():
        other = shown_bodies[(source, filters)]
        if source.startswith("csv:"):
            for slot, value in _csv_figures(source[4:], body):
                exact[(slot, filters)] = value
            for slot, value in _csv_figures(source[4:], other):
                shown[(slot, filters)] = value
        else:
            for slot, one, true in _api_figures(source[4:], other, body):
                shown[(slot, filters)] = one
                exact[(slot, filters)] = true
    return _rekey_csv(shown, exact)


def _rekey_csv(
    shown: dict[tuple[Slot, Filters], Any], exact: dict[tuple[Slot, Filters], Any]
) -> tuple[dict[tuple[Slot, Filters], Any], dict[tuple[Slot, Filters], Any]]:
    """CSV rows are keyed by their label cells: the columns where the analyst reads the
    same as the coordinator in every row and that are no counts (the first column always)."""
    label_columns: dict[str, set[int]] = defaultdict(set)
    count_columns: dict[str, set[int]] = defaultdict(set)
    for slot, _filters in exact:
        source, part, line, _column = slot
        if not source.startswith("csv:") or part != "row":
            continue
        for index, cell in enumerate(line):
            if INT.match(cell) and index:
                count_columns[source].add(index)
            elif cell and not INT.match(cell) and not re.match(r"^-?\d+,\d+$", cell):
                label_columns[source].add(index)

    def rekeyed(figures: dict[tuple[Slot, Filters], Any]) -> dict[tuple[Slot, Filters], Any]:
        out = {}
        for (slot, filters), value in figures.items():
            source, part, line, column = slot
            if source.startswith("csv:"):
                labels = sorted((label_columns[source] - count_columns[source]) | {0})
                key = ("Totaal",) if part == "total" else tuple(line[i] for i in labels)
                slot = (source, "table", key, column)
            out[(slot, filters)] = value
        return out

    return rekeyed(shown), rekeyed(exact)


# --- the attack ------------------------------------------------------------------------


class System:
    """Integer variables (the true value of each shown count) with their intervals, and the
    equalities between them that hold for the true figures."""

    def __init__(self, shown: dict[Any, Any], exact: dict[Any, Any]) -> None:
        self.index: dict[Any, int] = {}
        self.lower: list[int] = []
        self.upper: list[int] = []
        self.truth: list[int] = []
        self.rows: list[dict[int, int]] = []
        for key, true in exact.items():
            if not isinstance(true, int) or isinstance(true, bool) or key not in shown:
                continue
            bounds = interval(shown[key])
            if bounds is None:
                continue
            if not bounds[0] <= true <= bounds[1]:
                # No protected count (a label such as a number of placements, or public).
                assert shown[key] == true, (key, shown[key], true)
                continue
            self.index[key] = len(self.truth)
            self.lower.append(bounds[0])
            self.upper.append(bounds[1])
            self.truth.append(true)

    def add(self, total: Any, parts: Iterable[Any], exact: dict[Any, Any]) -> bool:
        """total = Σ parts, when the true figures say so (a part not shown counts as 0)."""
        if total not in self.index:
            return False
        parts = [p for p in parts if p is not None and p != total]
        parts = [p for p in parts if isinstance(exact.get(p), int)]
        if not parts or exact[total] != sum(exact[p] for p in parts):
            return False
        if any(p not in self.index and exact[p] != 0 for p in parts):
            return False
        row = {self.index[total]: 1}
        for p in parts:
            if p in self.index:
                row[self.index[p]] = row.get(self.index[p], 0) - 1
        self.rows.append(row)
        return True

    def pinned(self, targets: list[Any]) -> list[Any]:
        """The targets whose value is the same in every world that fits all constraints:
        per connected part of the system, first in batches (every target that moves in one
        solution is not pinned), then one by one."""
        parent = list(range(len(self.truth)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.rows:
            first, *others = row
            for other in others:
                parent[root(other)] = root(first)
        parts: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.truth)):
            parts[root(i)].append(i)
        rows_of: dict[int, list[dict[int, int]]] = defaultdict(list)
        for row in self.rows:
            rows_of[root(next(iter(row)))].append(row)
        wanted: dict[int, set[int]] = defaultdict(set)
        for t in targets:
            wanted[root(self.index[t])].add(self.index[t])
        keys = {i: k for k, i in self.index.items()}
        pinned: list[Any] = []
        for part, open_ in wanted.items():
            pinned += [keys[i] for i in self._pinned(parts[part], rows_of[part], open_)]
        return pinned

    def _pinned(self, members: list[int], rows: list[dict[int, int]], open_: set[int]) -> set[int]:
        local = {v: j for j, v in enumerate(members)}
        n = len(members)
        data, cols, rowids = [], [], []
        for r, row in enumerate(rows):
            for c, v in row.items():
                if v:
                    rowids.append(r)
                    cols.append(local[c])
                    data.append(v)
        constraints = (
            [LinearConstraint(csr_array((data, (rowids, cols)), shape=(len(rows), n)), 0, 0)]
            if rows
            else []
        )
        bounds = Bounds(
            np.array([self.lower[v] for v in members], float),
            np.array([self.upper[v] for v in members], float),
        )
        truth = np.array([self.truth[v] for v in members], float)
        integrality = np.ones(n)

        def solve(objective: np.ndarray) -> np.ndarray:
            result = milp(
                objective, constraints=constraints, bounds=bounds, integrality=integrality
            )
            assert result.status == 0, result.message
            return np.round(result.x)

        remaining = {local[v] for v in open_}
        lower = bounds.lb
        random = np.random.default_rng(23)
        for _round in range(20):
            if not remaining:
                break
            # Push every open target away from its true value, where it has room.
            objective = np.zeros(n)
            for j in remaining:
                objective[j] = -1.0 if truth[j] == lower[j] else random.choice([-1.0, 1.0])
            solution = solve(objective)
            moved = {j for j in remaining if solution[j] != truth[j]}
            if not moved and _round >= 3:
                break
            remaining -= moved
        pinned = set()
        for j in sorted(remaining):
            objective = np.zeros(n)
            objective[j] = 1.0
            if solve(objective)[j] == solve(-objective)[j]:
                pinned.add(members[j])
        return pinned


def _months(quarter: str) -> list[str]:
    year, q = quarter.split("-Q")
    first = 3 * (int(q) - 1) + 1
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def build_system(
    shown: dict[Any, Any], exact: dict[Any, Any], quarters: list[str], regions: list[str]
) -> System:
    system = System(shown, exact)
    by_slot: dict[Slot, dict[Filters, Any]] = defaultdict(dict)
    for key in exact:
        by_slot[key[0]][key[1]] = key
    grid = sorted({key[1] for key in exact})
    care_forms = sorted({f[2] for f in grid} - {""})
    # A total is the sum of its rows (CSV: the "Totaal" row and a "Totaal" column; API: a
    # table's `totals` and its `rows`).
    tables: dict[tuple[str, str, str, Filters], list[Any]] = defaultdict(list)
    lines: dict[tuple[str, str, tuple[Any, ...], Filters], list[Any]] = defaultdict(list)
    for slot, keys in by_slot.items():
        source, part, row, column = slot
        for filters, key in keys.items():
            if row not in (("Totaal",), ("@totals",)):
                tables[(source, part, column, filters)].append(key)
            if column != "Totaal":
                lines[(source, part, row, filters)].append(key)
    for slot, keys in by_slot.items():
        source, part, row, column = slot
        for filters, key in keys.items():
            if row == ("Totaal",):
                system.add(key, tables[(source, part, column, filters)], exact)
            elif row == ("@totals",):
                system.add(key, tables[(source, part[:-1] + ", 'rows')", column, filters)], exact)
            if column == "Totaal":
                system.add(key, lines[(source, part, row, filters)], exact)
    # Periods, regions, care forms add up.
    providers = sorted({f[3] for f in grid} - {""})
    for keys in by_slot.values():
        for (period, region, care_form, provider), key in keys.items():
            if period in quarters:
                months = [keys.get((m, region, care_form, provider)) for m in _months(period)]
                system.add(key, months, exact)
            if region == "":
                each = [keys.get((period, r, care_form, provider)) for r in regions]
                system.add(key, each, exact)
            if care_form == "":
                each = [keys.get((period, region, c, provider)) for c in care_forms]
                system.add(key, each, exact)
            if provider == "":
                system.add(
                    key, [keys.get((period, region, care_form, p)) for p in providers], exact
                )
    # The same quantity in two tables or exports: equal in every view.
    vectors: dict[tuple[Any, ...], list[Slot]] = defaultdict(list)
    for slot, keys in by_slot.items():
        vector = tuple(exact[keys[f]] if f in keys else None for f in grid)
        if sum(1 for v in vector if isinstance(v, int) and v) >= 3:
            vectors[vector].append(slot)
    for same in vectors.values():
        for other in same[1:]:
            for filters, key in by_slot[other].items():
                system.add(key, [by_slot[same[0]][filters]], exact)
    return system


# --- the test --------------------------------------------------------------------------


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", "--force")
    reports_rebuild()


def _grid(quarter: str) -> list[Filters]:
    """The quarter and its months × every region and all regions, the quarter × every care
    form and the quarter × every provider (all regions): every way a figure adds up over
    periods, regions, care forms and providers, at a number of requests a test affords."""
    regions = ["", *Region.objects.order_by("code").values_list("code", flat=True)]
    periods = [quarter, *_months(quarter)]
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("pk")
    return (
        [(p, r, "", "") for p in periods for r in regions]
        + [(quarter, "", c, "") for c in CARE_FORMS]
        + [(quarter, "", "", str(pk)) for pk in providers.values_list("pk", flat=True)]
    )


# Known to fail (issue 23, point 7 open): rounding each figure on its own, however many
# views there are, leaves extreme alignments the attack solves: 6 to 14 cells of the demo,
# depending on its dates (an unmet-need total per care form whose parts are all at the top
# of their intervals). Closing it needs every figure added up from the same rounded stored
# cells (point 8), so that nothing shown says more than those cells. Not strict: the
# test runs and reports, and is a plain pass again once the method holds.
@pytest.mark.xfail(reason="issue 23 point 7: independent rounding is still solvable", strict=False)
@pytest.mark.usefixtures("demo")
def test_no_hidden_cell_can_be_solved_from_everything_an_analyst_can_fetch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quarters = sorted({p for p in KpiRow.objects.values_list("period", flat=True) if "-Q" in p})
    # The last full quarter of the demo: the most months with small cells.
    quarter = quarters[-2]
    grid = _grid(quarter)
    client = Client()
    client.force_login(User.objects.filter(role=Role.ANALYST).get())
    shown = _fetch(client, grid)
    with monkeypatch.context() as patch:
        patch.setattr(Disclosure, "for_user", classmethod(lambda cls, user: cls(exact=True)))
        exact = _fetch(client, grid)
    if os.environ.get("R7_DUMP"):  # for working on the attack without a database
        with open(os.environ["R7_DUMP"], "wb") as dump:
            pickle.dump((shown, exact, grid, quarter), dump)
    attack(shown, exact, grid, quarter)


def attack(
    shown_bodies: dict[Any, Any], exact_bodies: dict[Any, Any], grid: list[Filters], quarter: str
) -> None:
    shown, exact = _figures(shown_bodies, exact_bodies)
    assert shown.keys() == exact.keys()
    regions = [r for r in {f[1] for f in grid} if r]
    system = build_system(shown, exact, [quarter], regions)
    # The cells that would reveal youths: a "<5" whose true value is 1 to 4.
    targets = [
        key
        for key, value in shown.items()
        if value == SMALL and key in system.index and 1 <= exact[key] <= 4
    ]
    assert len(targets) > 100  # a world with many small cells
    assert len(system.rows) > 1000  # and many ways they add up
    pinned = system.pinned(targets)
    assert not pinned, (len(pinned), [(key, exact[key]) for key in pinned[:20]])
