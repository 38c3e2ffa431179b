"""Periods of the reports (issue 23 point 2): parse, the months a period covers, the period
before, and reading the report rows of any period.

A period code is one of
- `all` (every period), a quarter `2026-Q1` or a month `2026-03`: stored as such by the
  rebuild (analyses.models), read as stored;
- a year `2026` or a range of whole months `2026-02..2026-07` (both months included, at most
  MAX_RANGE_MONTHS, not in the future): not stored, so read by adding up the stored MONTH
  rows of the months it covers, per dimension key (`rows_for`: one query per table).

On the pages a range is chosen with `van`/`tot` (API: `from`/`to`) beside `periode=range`
(API `period`), or given whole as `periode=2026-02..2026-07` (so links and CSV names carry
it). Each column of each report is classified in MEASURES: additive flow counts are summed;
snapshot figures (occupancy at the end of a month) take the last month of the range; figures
that do not add up (medians, percentiles, the most-named reasons) are None for a year or
range ("–" on the pages, with a caption: available per month, quarter or for all periods),
never computed wrongly. Shares are recomputed from the summed counts by the selectors
(through analyses.disclosure), as for a stored period.

Counts such as `waiting_now` are additive here: the rows count, of the referrals submitted
in the month, those waiting now, so each referral is in exactly one month.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from analyses.models import (
    ChainRow,
    ForecastCheckRow,
    KpiRow,
    NeedMatrixRow,
    OccupancyRow,
    OriginRow,
    OutsideCareRow,
    ProviderResponseRow,
    RefusalConcernRow,
    RefusalRow,
    ReplacementRow,
    ReportRow,
    UnmetNeedRow,
    WaitingTimeRow,
)
from config.errors import ValidationFailed

MAX_RANGE_MONTHS = 36
RANGE = "range"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
RANGE_CODE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))\.\.(\d{4}-(?:0[1-9]|1[0-2]))$")
FIRST_YEAR = 2000

# KPI codes whose value is a median (numerator = its cases): not additive.
MEDIAN_KPIS = frozenset({"days_to_placement", "stagnation_days"})


@dataclass(frozen=True)
class Measures:
    """The measure columns of a report model; every other column (but period, region,
    built_at) is a dimension."""

    additive: tuple[str, ...]
    snapshot: tuple[str, ...] = ()
    non_additive: tuple[str, ...] = ()


MEASURES: dict[type[ReportRow], Measures] = {
    UnmetNeedRow: Measures(
        additive=(
            "referrals",
            "placed_first_choice",
            "placed_other",
            "waiting_now",
            "resolved_at_home",
            "refusals",
            "hard_to_place",
            "placed_outside",
        ),
        non_additive=("median_days_waiting", "top_refusal_reasons"),
    ),
    NeedMatrixRow: Measures(additive=("placements",)),
    RefusalRow: Measures(additive=("refusals",)),
    ProviderResponseRow: Measures(
        additive=("offers", "accepted", "refused", "no_response"),
        non_additive=("median_response_hours",),
    ),
    ReplacementRow: Measures(
        additive=("started", "replaced_6m", "replaced_12m", "replaced", "prevented")
    ),
    # Each chain counts once, in the month its first placement started.
    ChainRow: Measures(additive=("youths",)),
    # `value` is recomputed from the sums (None for a median KPI).
    KpiRow: Measures(additive=("numerator", "denominator"), non_additive=("value",)),
    OccupancyRow: Measures(additive=(), snapshot=("occupied", "total")),
    OutsideCareRow: Measures(additive=("youths", "with_cost", "cost_per_day_sum")),
    OriginRow: Measures(
        additive=("referrals", "placed", "placed_outside", "waiting_now"),
        non_additive=("median_days_to_placement",),
    ),
    RefusalConcernRow: Measures(additive=("refusals",)),
    WaitingTimeRow: Measures(additive=("referrals",), non_additive=("median_days", "p90_days")),
    ForecastCheckRow: Measures(
        additive=("forecasts", "came_true", "ended_earlier", "ended_later", "pending")
    ),
}

SKIP = {"id", "period", "region", "built_at"}


def dimensions_of(model: type[ReportRow]) -> list[str]:
    m = MEASURES[model]
    measures = set(m.additive) | set(m.snapshot) | set(m.non_additive)
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in SKIP and f.attname not in measures
    ]


# --- codes -------------------------------------------------------------------------------


def _month_index(code: str) -> int:
    return int(code[:4]) * 12 + int(code[5:7]) - 1


def _month_code(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def range_code(first: str, last: str) -> str:
    return f"{first}..{last}"


def is_stored(period: str) -> bool:
    """Whether the rebuild stores this period as such (all, a quarter, a month)."""
    return period == "all" or bool(QUARTER.match(period) or MONTH.match(period))


def is_summed(period: str) -> bool:
    """A year or a range: read by adding up its months; its medians are not available."""
    return not is_stored(period)


def months_of(period: str) -> list[str]:
    """The month codes a period covers ('all': none, it is not a set of months)."""
    if MONTH.match(period):
        return [period]
    if q := QUARTER.match(period):
        first = 3 * (int(q.group(2)) - 1) + 1
        return [f"{q.group(1)}-{m:02d}" for m in range(first, first + 3)]
    if YEAR.match(period):
        return [f"{period}-{m:02d}" for m in range(1, 13)]
    if r := RANGE_CODE.match(period):
        a, b = _month_index(r.group(1)), _month_index(r.group(2))
        return [_month_code(i) for i in range(a, b + 1)]
    return []


def previous_period(period: str) -> str | None:
    """The period before, of the same kind and length: month → the month before, quarter →
    the quarter before, year → the year before, range → the range of equal length just
    before it; 'all' has none."""
    if MONTH.match(period):
        return _month_code(_month_index(period) - 1)
    if q := QUARTER.match(period):
        year, quarter = int(q.group(1)), int(q.group(2))
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if YEAR.match(period):
        return str(int(period) - 1)
    if RANGE_CODE.match(period):
        months = months_of(period)
        last = _month_index(months[0]) - 1
        return range_code(_month_code(last - len(months) + 1), _month_code(last))
    return None


def _this_month(today: date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today:%Y-%m}"


def parse(query: Any, today: date | None = None) -> str:
    """The period code of a request: `periode`/`period` (all, a month, a quarter, a year or
    a range code), or `periode=range` (or no period) with `van`/`from` and `tot`/`to`, two
    whole months. Raises ValidationFailed naming the field (period, from, to)."""

    def param(*names: str) -> str:
        for name in names:
            value = query.get(name)
            if value:
                return str(value).strip()
        return ""

    period = param("period", "periode")
    first, last = param("from", "van"), param("to", "tot")
    if period == RANGE or (not period and (first or last)):
        errors: dict[str, list[str]] = {}
        if not first:
            errors["from"] = [_("Geef de eerste maand van het bereik (van), bijvoorbeeld 2026-02.")]
        elif not MONTH.match(first):
            errors["from"] = [_("Geef de eerste maand als jaar-maand, bijvoorbeeld 2026-02.")]
        if not last:
            errors["to"] = [_("Geef de laatste maand van het bereik (tot), bijvoorbeeld 2026-07.")]
        elif not MONTH.match(last):
            errors["to"] = [_("Geef de laatste maand als jaar-maand, bijvoorbeeld 2026-07.")]
        if errors:
            raise ValidationFailed(errors)
        period = range_code(first, last)
    period = period or "all"
    check(period, today)
    return period


def check(period: str, today: date | None = None) -> None:
    """Raise ValidationFailed (naming the field) unless `period` is a valid period code."""
    if is_stored(period):
        return
    now = _month_index(_this_month(today))
    if YEAR.match(period):
        if not FIRST_YEAR <= int(period) <= now // 12:
            raise ValidationFailed(
                {
                    "period": [
                        _("Onbekend jaar: kies een jaar van %(first)s tot en met dit jaar.")
                        % {"first": FIRST_YEAR}
                    ]
                }
            )
        return
    if r := RANGE_CODE.match(period):
        a, b = _month_index(r.group(1)), _month_index(r.group(2))
        if a > b:
            raise ValidationFailed(
                {"to": [_("De laatste maand (tot) ligt vóór de eerste maand (van).")]}
            )
        if b > now:
            raise ValidationFailed({"to": [_("De laatste maand (tot) ligt in de toekomst.")]})
        if a < FIRST_YEAR * 12:
            raise ValidationFailed({"from": [_("De eerste maand (van) ligt vóór 2000.")]})
        if b - a + 1 > MAX_RANGE_MONTHS:
            raise ValidationFailed(
                {
                    "to": [
                        _("Een bereik telt hoogstens %(max)s maanden.") % {"max": MAX_RANGE_MONTHS}
                    ]
                }
            )
        return
    raise ValidationFailed(
        {
            "period": [
                _(
                    "Onbekende periode: kies 'all', een jaar (2026), een kwartaal (2026-Q1), "
                    "een maand (2026-03) of een bereik van maanden (van 2026-02 tot 2026-07)."
                )
            ]
        }
    )


# --- reading -----------------------------------------------------------------------------


def rows_for(
    model: type[ReportRow],
    *,
    period: str,
    region: str,
    **where: Any,
) -> list[Any]:
    """The rows of `model` for the period and region (and `where`, further filters on its
    dimensions), as model instances (unsaved for a summed period). A stored period is read
    as stored; a year or range adds up its month rows per dimension key: additive counts
    summed, snapshot figures of its last month, non-additive figures None. One query."""
    qs = model._default_manager.filter(region=region, **where)
    if is_stored(period):
        return list(qs.filter(period=period))
    measures = MEASURES[model]
    months = months_of(period)
    dims = dimensions_of(model)
    if measures.snapshot:
        # The figures at the end of the period: its last month that has rows.
        last = qs.filter(period__in=months).aggregate(last=Max("period"))["last"]
        return list(qs.filter(period=last)) if last else []
    sums = {f"sum_{name}": Sum(name) for name in measures.additive}
    grouped = qs.filter(period__in=months).values(*dims).annotate(**sums).order_by(*dims)
    out = []
    for row in grouped:
        values: dict[str, Any] = {name: row[name] for name in dims}
        for name in measures.additive:
            total = row[f"sum_{name}"]
            values[name] = total if total is not None or _nullable(model, name) else 0
        for name in measures.non_additive:
            values[name] = "" if _is_text(model, name) else None
        instance = model(period=period, region=region, **values)
        if isinstance(instance, KpiRow):
            instance.value = _kpi_value(instance)
        out.append(instance)
    return out


def _nullable(model: type[ReportRow], name: str) -> bool:
    return bool(getattr(model._meta.get_field(name), "null", False))


def _is_text(model: type[ReportRow], name: str) -> bool:
    return isinstance(model._meta.get_field(name), CharField)


def _kpi_value(row: KpiRow) -> float | None:
    if row.code in MEDIAN_KPIS or not row.denominator or row.numerator is None:
        return None
    return round(row.numerator / row.denominator, 4)
