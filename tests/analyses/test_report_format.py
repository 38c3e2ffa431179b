"""How report tables print figures (templates/analyses/partials/table.html): amounts in euros
as Dutch money, other figures as they are."""

from django.template.loader import render_to_string
from django.utils import translation

from analyses.disclosure import HIDDEN
from analyses.templatetags.analyses import euro, money_column


def _render(table: dict) -> str:
    with translation.override("nl"):
        return render_to_string(
            "analyses/partials/table.html",
            {"table": table, "name": "bed-days-region", "caption": "Ligdagen", "query": ""},
        )


def test_money_columns_have_two_decimals_and_grouped_thousands() -> None:
    html = _render(
        {
            "headers": ["Regio", "Ligdagen", "Kosten (€)", "Bezettingsgraad (%)"],
            "rows": [["Eemland", 16274, 14665153.48, 87.3], ["Flevoland", 9807, 955.0, 90.0]],
            "totals": ["", 26081, 14666108.48, None],
        }
    )
    assert "14.665.153,48" in html
    assert "955,00" in html
    assert "14.666.108,48" in html  # the totals row too
    # Counts and percentages are no money: as before.
    assert "16274" in html and "87,3" in html and "87,30" not in html


def test_hidden_and_missing_amounts_stay_as_they_are() -> None:
    html = _render(
        {
            "headers": ["Zorgvorm", "Kosten per dag, som (€)"],
            "rows": [["pleegzorg", HIDDEN], ["logeren", None]],
            "totals": None,
        }
    )
    assert f">{HIDDEN}<" in html and ">–<" in html


def test_filters() -> None:
    assert money_column(["Regio", "Kosten (€)"], 1) is True
    assert money_column(["Regio", "Kosten (€)"], 0) is False
    assert money_column(["Regio"], 5) is False
    assert euro("x") == "x" and euro(True) is True


def test_a_long_table_shows_its_first_rows_and_offers_the_rest() -> None:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    table = SimpleNamespace(
        headers=["Profiel", "Verzoeken"],
        rows=[[f"profiel-{i:02d}", 5] for i in range(30)],
        totals=["", 150],
    )

    def render(limit: int | None) -> str:
        return render_to_string(
            "analyses/partials/table.html",
            {
                "table": table,
                "name": "unmet-need",
                "caption": "c",
                "query": "periode=2026",
                "limit": limit,
                "anchor": True,
            },
        )

    short = render(25)
    assert "profiel-24" in short and "profiel-25" not in short
    assert "De eerste 25 van 30 rijen." in short
    assert 'href="?periode=2026&amp;alle=unmet-need#table-unmet-need"' in short
    assert "150" in short  # the total stays the total of every row
    everything = render(None)
    assert "profiel-29" in everything and 'data-testid="more-unmet-need"' not in everything
