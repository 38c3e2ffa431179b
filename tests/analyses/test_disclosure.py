"""Small-number protection: every count an analyst sees is rounded to base 5 on its own
(0–4 as "<5"), totals included, and no shown figure is exact."""

from hypothesis import given
from hypothesis import strategies as st

from analyses.disclosure import (
    HIDDEN,
    SMALL,
    Disclosure,
    interval,
    is_small,
    protect_pivot,
    protect_table,
    rounded,
)

ANALYST = Disclosure(exact=False)
EXACT = Disclosure(exact=True)
counts = st.integers(min_value=0, max_value=60)


def test_counts_are_rounded_to_fives_with_small_ones_as_less_than_five() -> None:
    shown = {v: ANALYST.count(v) for v in range(16)}
    assert shown == {
        0: SMALL,
        1: SMALL,
        2: SMALL,
        3: SMALL,
        4: SMALL,
        5: 5,
        6: 5,
        7: 5,
        8: 10,
        9: 10,
        10: 10,
        11: 10,
        12: 10,
        13: 15,
        14: 15,
        15: 15,
    }
    assert ANALYST.count(102) == 100 and ANALYST.count(103) == 105


@given(counts)
def test_a_shown_count_leaves_several_values_open_and_holds_the_true_one(value: int) -> None:
    low, high = interval(ANALYST.count(value)) or (None, None)
    assert low is not None and high is not None and low <= value <= high
    # Never exact: the five values of "<5", the three of 5 or the five of a rounded figure.
    assert high - low >= 2
    count = ANALYST.count(value)
    assert not isinstance(count, int) or not is_small(count)


@given(st.lists(st.tuples(counts, counts), min_size=0, max_size=12))
def test_every_total_is_shown_rounded_from_its_own_exact_value(
    cells: list[tuple[int, int]],
) -> None:
    rows = [{"k": i, "a": a, "b": b} for i, (a, b) in enumerate(cells)]
    table = protect_table(rows, dimensions=["k"], counts=["a", "b"], disclosure=ANALYST)
    for shown, raw in zip(table.rows, rows, strict=True):
        assert shown["a"] == rounded(raw["a"]) and shown["b"] == rounded(raw["b"])
    for name in "ab":
        total = sum(r[name] for r in rows)
        assert table.totals[name] == rounded(total)
        assert table.totals[name] != HIDDEN


@given(st.dictionaries(st.tuples(st.sampled_from("pqr"), st.sampled_from("xyz")), counts))
def test_pivot_margins_and_grand_total_are_shown_rounded(
    values: dict[tuple[str, str], int],
) -> None:
    pivot = protect_pivot(values, row_keys=list("pqr"), col_keys=list("xyz"), disclosure=ANALYST)
    for r in "pqr":
        assert pivot.row_totals[r] == rounded(sum(values.get((r, c), 0) for c in "xyz"))
    for c in "xyz":
        assert pivot.col_totals[c] == rounded(sum(values.get((r, c), 0) for r in "pqr"))
    assert pivot.grand_total == rounded(sum(values.values()))


def test_a_total_minus_its_shown_parts_gives_an_interval_not_the_hidden_value() -> None:
    # The case: 196 shown beside a hidden 3; the total 199 is shown as 200.
    rows = [{"k": "a", "n": 196}, {"k": "b", "n": 3}]
    table = protect_table(rows, dimensions=["k"], counts=["n"], disclosure=ANALYST)
    assert [r["n"] for r in table.rows] == [195, SMALL]
    assert table.totals["n"] == 200
    (t_low, t_high), (a_low, a_high) = interval(200) or (0, 0), interval(195) or (0, 0)
    # b lies in [1, 9] ∩ "<5" (0..4): four values, not one.
    assert (t_low - a_high, t_high - a_low) == (1, 9)


@given(counts, counts)
def test_a_percentage_is_that_of_the_rounded_counts(part: int, rest: int) -> None:
    share = ANALYST.share(part, part + rest)
    if not part + rest:
        assert share is None
    elif part < 5 or part + rest < 5:
        assert share == HIDDEN
    else:
        assert share == round(100.0 * rounded(part) / rounded(part + rest), 1)  # type: ignore[operator]
    both = ANALYST.share_of_parts(part, rest)
    if part >= 5 and rest >= 5:
        expected = rounded(part) + rounded(rest)  # type: ignore[operator]
        assert both == (round(100.0 * rounded(part) / expected, 1) if expected else None)  # type: ignore[operator]


def test_occupancy_rate_is_that_of_the_rounded_occupied_places() -> None:
    # 196 of 223 places: 195 shown, so 87.4 %, not the exact 87.9 % that gives 196 back.
    assert ANALYST.place_rate(196, 223) == 87.4
    assert ANALYST.place_rate(3, 10) == HIDDEN
    assert ANALYST.place_rate(0, 10) == HIDDEN
    assert EXACT.place_rate(196, 223) == 87.9


def test_ratios_and_medians() -> None:
    assert ANALYST.ratio(23, 9) == round(25 / 10, 2)
    assert ANALYST.ratio(3, 9) == HIDDEN
    assert ANALYST.median(12.34, 4) == HIDDEN and ANALYST.median(12.34, 5) == 12.3


def test_coordinators_see_exact_counts() -> None:
    assert EXACT.count(3) == 3 and EXACT.count(8) == 8
    assert EXACT.total(5, [1, 4]) == 5
    assert EXACT.share(3, 8) == 37.5
