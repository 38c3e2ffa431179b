"""Expected vacancies checked afterwards (issue 22.5): "Verwachte vrije plekken: uitgekomen?"

The rows are built by `analyses.builders.build_forecast_check` (`ForecastCheckRow`): per
period (by the day the place was expected to come free) × region × care form of the
location, the forecasts and how they turned out. This module reads them for the dashboard
section, the CSV export and `GET /api/v1/reports/forecasts/`, all through the `Disclosure`.

For the analyst every count goes through the `Disclosure` (`protect_table`); a row's
forecasts are shown as the total of its four outcomes (`Disclosure.total`), the grand total
as the total of every cell. The share that came true is taken over the settled forecasts,
whose number is shown nowhere: it is hidden ("x") whenever one of the outcomes it rests on
is suppressed, so that share × … never gives back a hidden outcome.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from analyses import selectors
from analyses.api import FILTER_PARAMETERS, PERMISSIONS
from analyses.disclosure import HIDDEN, Disclosure, Table, protect_table
from analyses.models import ForecastCheckRow

OUTCOMES = ["came_true", "ended_earlier", "ended_later", "pending"]
SETTLED = ["came_true", "ended_earlier", "ended_later"]
COUNTS = ["forecasts", *OUTCOMES]
EXPORT = "forecasts"


def forecast_check(*, filters: selectors.Filters, disclosure: Disclosure) -> Table:
    """One row per care form of the period and region (the care-form filter narrows it),
    with the share that came true of the settled forecasts. One query."""
    raw = [
        {
            "care_form_code": r.care_form,
            "care_form": selectors.care_form_label(r.care_form),
            **{name: getattr(r, name) for name in COUNTS},
        }
        for r in selectors._scoped(
            ForecastCheckRow.objects.all(), filters, care_form_field="care_form"
        )
    ]
    raw.sort(key=lambda row: selectors._care_form_order(row["care_form_code"]))
    table = protect_table(
        raw, dimensions=["care_form_code", "care_form"], counts=COUNTS, disclosure=disclosure
    )
    # The forecasts are the sum of the four outcomes: a total of them, as the Disclosure
    # shows totals (so that forecasts minus the shown outcomes gives back no hidden one).
    for shown, row in zip(table.rows, raw, strict=True):
        shown["forecasts"] = disclosure.total(row["forecasts"], [row[n] for n in OUTCOMES])
    every = [int(row[n]) for row in raw for n in COUNTS]
    table.totals["forecasts"] = disclosure.total(sum(row["forecasts"] for row in raw), every)
    # The share that came true, of the settled ones. Its base (came true + earlier + later)
    # is shown nowhere: with the share and the came-true count it would be known, and with
    # it a suppressed outcome; so the share is hidden when one of them is.
    for shown, row in zip(table.rows, raw, strict=True):
        shown["came_true_share"] = (
            HIDDEN
            if not disclosure.exact and any(shown[n] in selectors.SUPPRESSED for n in SETTLED)
            else disclosure.share(row["came_true"], sum(row[n] for n in SETTLED))
        )
    hidden_parts = any(shown[n] in selectors.SUPPRESSED for shown in table.rows for n in SETTLED)
    table.totals["came_true_share"] = (
        HIDDEN
        if hidden_parts and not disclosure.exact
        else disclosure.share(
            sum(row["came_true"] for row in raw), sum(row[n] for row in raw for n in SETTLED)
        )
    )
    table.columns += ["came_true_share"]
    return table


def tolerance_days() -> int:
    return int(getattr(settings, "FORECAST_TOLERANCE_DAYS", 14))


def column_labels() -> dict[str, str]:
    """The headers, in Dutch."""
    return {
        "care_form": _("Zorgvorm (locatie)"),
        "forecasts": _("Verwachte vrije plekken"),
        "came_true": _("Uitgekomen"),
        "ended_earlier": _("Eerder vrijgekomen"),
        "ended_later": _("Later of nog niet vrijgekomen"),
        "pending": _("Nog niet te beoordelen"),
        "came_true_share": _("Uitgekomen (% van beoordeeld)"),
    }


def labelled(table: Table) -> dict[str, Any]:
    """The table for the dashboard and the CSV (analyses.views._labelled with our headers)."""
    from analyses.views import CODE_COLUMNS
    from analyses.views import COLUMN_LABELS as SHARED

    labels = {**SHARED, **column_labels()}
    columns = [c for c in table.columns if c not in CODE_COLUMNS and c != "care_form_code"]
    return {
        "headers": [labels.get(c, c) for c in columns],
        "rows": [[row.get(c) for c in columns] for row in table.rows],
        "totals": [table.totals.get(c, "") for c in columns] if table.totals else None,
    }


def export_rows(*, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
    return labelled(forecast_check(filters=filters, disclosure=disclosure))


class ForecastsView(APIView):
    """`GET /api/v1/reports/forecasts/`: expected vacancies checked afterwards, per care
    form: `forecasts` (the current forecast of each placement whose expected day falls in
    the period), `came_true` (ended within ± `tolerance_days` of that day), `ended_earlier`,
    `ended_later` (ended after it, or still running once the day plus the tolerance had
    passed), `pending` (not yet to judge) and `came_true_share` (% of the settled ones).
    For analysts counts 1–4 are `"<5"`, figures that would reveal them `"x"`. An unknown
    filter is a 400 naming the field; a region outside a coordinator's scope a 404."""

    permission_classes = PERMISSIONS

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        scope = selectors.report_scope(user=user, query=request.query_params)
        table = forecast_check(filters=scope.filters, disclosure=scope.disclosure)
        rows = [
            {
                ("care_form" if k == "care_form_code" else k): v
                for k, v in row.items()
                if k != "care_form"
            }
            for row in table.rows
        ]
        return Response(
            {
                "built_at": selectors.built_at(),
                "filters": scope.filters.as_dict(),
                "tolerance_days": tolerance_days(),
                "forecasts": {"rows": rows, "totals": table.totals},
            }
        )
