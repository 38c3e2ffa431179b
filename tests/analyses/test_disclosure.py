"""Small-number suppression: no shown count, total or percentage reveals a value 1–4."""

from hypothesis import given
from hypothesis import strategies as st

from analyses.disclosure import HIDDEN, SMALL, Disclosure, is_small, protect_pivot, protect_table

ANALYST = Disclosure(exact=False)
counts = st.integers(min_value=0, max_value=30)


@given(st.lists(st.tuples(counts, counts, counts), min_size=0, max_size=12), st.data())
def test_no_table_reveals_a_small_count(
    cells: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    # A filter is any subset of the rows.
    keep = data.draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    rows = [
        {"k": i, "a": a, "b": b, "c": c}
        for i, ((a, b, c), k) in enumerate(zip(cells, keep, strict=True))
        if k
    ]
    table = protect_table(rows, dimensions=["k"], counts=["a", "b", "c"], disclosure=ANALYST)
    for shown, raw in zip(table.rows, rows, strict=True):
        for name in "abc":
            value = shown[name]
            assert not (isinstance(value, int) and is_small(value))
            assert value == (SMALL if is_small(raw[name]) else raw[name])
    for name in "abc":
        total = table.totals[name]
        if isinstance(total, int):
            # A shown total: every part is shown too, so total − shown parts = 0.
            assert not is_small(total)
            assert total - sum(r[name] for r in table.rows if isinstance(r[name], int)) == 0
        else:
            assert total in (SMALL, HIDDEN)


@given(counts, counts)
def test_a_shown_percentage_never_reveals_its_parts(part: int, rest: int) -> None:
    share = ANALYST.share(part, part + rest)
    if isinstance(share, float):
        assert not any(is_small(v) for v in (part, rest, part + rest))


@given(st.dictionaries(st.tuples(st.sampled_from("pqr"), st.sampled_from("xyz")), counts))
def test_no_pivot_margin_isolates_a_hidden_cell(values: dict[tuple[str, str], int]) -> None:
    pivot = protect_pivot(values, row_keys=list("pqr"), col_keys=list("xyz"), disclosure=ANALYST)
    hidden = {key for key, v in pivot.cells.items() if v == SMALL}
    for r, total in pivot.row_totals.items():
        if isinstance(total, int):
            assert not any(key[0] == r for key in hidden)
    for c, total in pivot.col_totals.items():
        if isinstance(total, int):
            assert not any(key[1] == c for key in hidden)
    if isinstance(pivot.grand_total, int):
        assert not hidden


def test_coordinators_see_exact_counts() -> None:
    exact = Disclosure(exact=True)
    assert exact.count(3) == 3
    assert exact.total(5, [1, 4]) == 5
    assert ANALYST.count(0) == 0 and ANALYST.count(3) == SMALL and ANALYST.count(5) == 5
