"""The CSV exports read as a Dutch spreadsheet expects: BOM, `;`, decimal comma, Dutch
labels, local time; small-number suppression exactly as on the dashboard."""

import csv
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from analyses import selectors
from analyses.disclosure import HIDDEN, SMALL, Disclosure
from analyses.services import reports_rebuild
from analyses.views import COLUMN_LABELS
from tests.analyses.test_reports import data  # noqa: F401 - fixture
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
BOM = b"\xef\xbb\xbf"


def _export(cast: Cast, who: str, table: str, query: str = "") -> list[list[str]]:
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.get(f"/analyses/export/{table}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.usefixtures("data")
def test_the_heading_rows_are_dutch_with_local_time(cast: Cast) -> None:
    reports_rebuild()
    rows = _export(cast, "coordinator", "providers")
    built = selectors.built_at()
    assert built is not None
    local = built.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    assert rows[0] == ["Gebouwd op", local]
    # The coordinator works for Eemland only: its report is Eemland's.
    assert rows[1] == ["Periode", "Alle perioden", "Regio", "Eemland", "Zorgvorm", "alle"]
    filtered = _export(cast, "coordinator", "providers", "?zorgvorm=treatment_group")
    assert filtered[1][-1] == "behandelgroep"


@pytest.mark.usefixtures("data")
@pytest.mark.parametrize("table", ["unmet-need", "providers", "replacements", "kpis"])
def test_numbers_have_a_decimal_comma_and_columns_dutch_labels(cast: Cast, table: str) -> None:
    reports_rebuild()
    rows = _export(cast, "coordinator", table)
    cells = [cell for row in rows[2:] for cell in row]
    assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d+", c)]
    if table in ("providers", "kpis"):
        assert [c for c in cells if re.fullmatch(r"-?\d+,\d+", c)]
    labels = {str(label) for label in COLUMN_LABELS.values()} | {"Kengetal", "Waarde", "Definitie"}
    assert set(rows[2]) <= labels
    assert not [c for c in rows[2] if re.fullmatch(r"[a-z_]+", c)]


@pytest.mark.usefixtures("data")
def test_suppression_is_exactly_the_dashboards(cast: Cast) -> None:
    reports_rebuild()
    rows = _export(cast, "analyst", "unmet-need")
    table = selectors.unmet_need(filters=selectors.Filters(), disclosure=Disclosure(exact=False))
    columns = [c for c in table.columns if c != "reason_code"]
    expected = [
        ["" if row.get(c) is None else str(row.get(c)).replace(".", ",") for c in columns]
        for row in table.rows
    ]
    assert rows[3 : 3 + len(expected)] == expected
    cells = [cell for row in rows[3:] for cell in row]
    assert SMALL in cells
    assert all(c not in ("1", "2", "3", "4") for c in cells)
    assert HIDDEN in cells or "Totaal" not in [row[0] for row in rows]


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("all", "Alle perioden"),
        ("2026-Q1", "1e kwartaal 2026"),
        ("2026-03", "maart 2026"),
        ("iets", "iets"),
    ],
)
def test_period_labels(code: str, label: str) -> None:
    assert selectors.period_label(code) == label


@pytest.mark.usefixtures("data")
def test_a_quarter_is_named_in_words(cast: Cast) -> None:
    reports_rebuild()
    quarter = next(p for p, _label in selectors.filter_options()["periods"] if "Q" in p)
    rows = _export(cast, "coordinator", "kpis", f"?periode={quarter}")
    assert re.fullmatch(r"\de kwartaal \d{4}", rows[1][1])
