"""Reads of the report tables for the dashboard, the CSV exports and the API.

Each function returns the figures as shown to the given user: every count goes through
`analyses.disclosure` here, so no caller can forget it. A fixed number of queries each.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from accounts.models import Region, Role, User
from accounts.selectors import regions_for_user
from analyses.disclosure import (
    HIDDEN,
    SMALL,
    Disclosure,
    Pivot,
    Table,
    protect_pivot,
    protect_table,
)
from analyses.models import (
    ChainRow,
    KpiRow,
    NeedMatrixRow,
    OccupancyRow,
    ProviderResponseRow,
    RefusalRow,
    ReplacementRow,
    ReportRun,
    UnmetNeedRow,
)
from config.codes import CareForm, Expertise, RefusalReason
from config.errors import NotFound, ValidationFailed

CARE_FORMS = {k: str(v) for k, v in CareForm.choices}
SUPPRESSED = (SMALL, HIDDEN)
EXPERTISE = {k: str(v) for k, v in Expertise.choices}
REASONS = {k: str(v) for k, v in RefusalReason.choices}


def care_form_label(code: str) -> str:
    return CARE_FORMS.get(code, code or _("(geen)"))


def expertise_label(key: str) -> str:
    return ", ".join(EXPERTISE.get(code, code) for code in key.split("+") if code) or _("(geen)")


def reason_label(code: str) -> str:
    return REASONS.get(code, code)


PERIOD_CODE = re.compile(r"^(all|\d{4}-Q[1-4]|\d{4}-(0[1-9]|1[0-2]))$")


@dataclass(frozen=True)
class Filters:
    period: str = "all"
    region: str = ""
    care_form: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"period": self.period, "region": self.region, "care_form": self.care_form}


@dataclass(frozen=True)
class ReportScope:
    """What one user may read of the reports: the filters (checked and resolved), how the
    figures are disclosed, and the regions the user may choose from (code, name)."""

    filters: Filters
    disclosure: Disclosure
    regions: list[tuple[str, str]]
    # True when "every region" ('') is within the user's scope.
    every_region: bool


def _param(query: Any, *names: str) -> str:
    for name in names:
        value = query.get(name)
        if value:
            return str(value).strip()
    return ""


def report_scope(*, user: User, query: Any) -> ReportScope:
    """The filters of a report request (`period`/`periode`, `region`/`regio`,
    `care_form`/`zorgvorm`), checked against the codes and the user's scope.

    Every filter either filters or is refused: an unknown period code, region or care form
    raises `ValidationFailed` naming the field. The analyst reads every region (suppressed,
    DESIGN.md rule 8). A coordinator reads only the regions it works for
    (`regions_for_user`), with exact figures: another region is `NotFound` (404, as any
    object outside one's scope); without a region it gets its first region, or every
    region when it works for all of them. Two queries."""
    period = _param(query, "period", "periode") or "all"
    region = _param(query, "region", "regio")
    care_form = _param(query, "care_form", "zorgvorm")
    every = list(Region.objects.order_by("name", "code").values_list("code", "name"))
    errors: dict[str, list[str]] = {}
    if not PERIOD_CODE.match(period):
        errors["period"] = [
            _("Onbekende periode: kies 'all', een kwartaal (2026-Q1) of een maand (2026-03).")
        ]
    if region and region not in {code for code, _name in every}:
        errors["region"] = [_("Onbekende regio: geef de code van een regio.")]
    if care_form and care_form not in CARE_FORMS:
        errors["care_form"] = [_("Onbekende zorgvorm: geef de code van een zorgvorm.")]
    if errors:
        raise ValidationFailed(errors)
    regions, every_region = every, True
    if user.role == Role.COORDINATOR:
        own = set(regions_for_user(user=user).values_list("code", flat=True))
        regions = [(code, name) for code, name in every if code in own]
        every_region = bool(every) and len(regions) == len(every)
        if region and region not in own:
            raise NotFound
        if not region and not every_region:
            if not regions:
                raise NotFound
            region = regions[0][0]
    return ReportScope(
        filters=Filters(period=period, region=region, care_form=care_form),
        disclosure=Disclosure.for_user(user),
        regions=regions,
        every_region=every_region,
    )


def _scoped(qs: QuerySet[Any], filters: Filters, *, care_form_field: str | None = None) -> Any:
    qs = qs.filter(period=filters.period, region=filters.region)
    if care_form_field and filters.care_form:
        qs = qs.filter(**{care_form_field: filters.care_form})
    return qs


def built_at() -> datetime | None:
    return KpiRow.objects.order_by("-built_at").values_list("built_at", flat=True).first()


def latest_run() -> ReportRun | None:
    return ReportRun.objects.order_by("-created_at", "-id").first()


def filter_options(scope: ReportScope | None = None) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filter form; the regions those of `scope` (else every region)."""
    periods = sorted(
        set(KpiRow.objects.values_list("period", flat=True).distinct()), key=_period_order
    )
    if scope is None:
        regions = list(Region.objects.order_by("name").values_list("code", "name"))
        every_region = True
    else:
        regions, every_region = scope.regions, scope.every_region
    return {
        "periods": [(p, period_label(p)) for p in periods] or [("all", period_label("all"))],
        "regions": [("", _("Alle regio's"))] * every_region + regions,
        "care_forms": [("", _("Alle zorgvormen")), *CARE_FORMS.items()],
    }


def _period_order(period: str) -> tuple[int, str]:
    if period == "all":
        return (0, "")
    return (1 if "Q" in period else 2, "".join(chr(255 - ord(ch)) for ch in period))


def period_label(period: str) -> str:
    """A period code in words: 'all' → alle perioden, '2026-Q1' → 1e kwartaal 2026,
    '2026-03' → maart 2026 (codes as analyses/sql.py makes them; others as they are)."""
    if period == "all":
        return _("Alle perioden")
    year, _sep, part = period.partition("-")
    if part.startswith("Q") and part[1:].isdigit():
        return _("%(quarter)se kwartaal %(year)s") % {"quarter": part[1:], "year": year}
    if part.isdigit() and 1 <= int(part) <= 12:
        return f"{MONTHS[int(part)]} {year}"
    return period


# --- the tables ---------------------------------------------------------------------------

UNMET_COUNTS = [
    "referrals",
    "placed_first_choice",
    "placed_other",
    "waiting_now",
    "resolved_at_home",
    "refusals",
    "hard_to_place",
]


def unmet_need(*, filters: Filters, disclosure: Disclosure) -> Table:
    """Need profiles, the largest gaps (referrals not placed in their first choice) on top."""
    rows = [
        {
            "care_form": care_form_label(r.care_form),
            "expertise": expertise_label(r.expertise),
            "age_band": r.age_band,
            "secured": _("ja") if r.secured else _("nee"),
            **{name: getattr(r, name) for name in UNMET_COUNTS},
            "_median": r.median_days_waiting,
            "_reasons": r.top_refusal_reasons,
        }
        for r in _scoped(UnmetNeedRow.objects.all(), filters, care_form_field="care_form")
    ]
    rows.sort(key=lambda r: (-(r["referrals"] - r["placed_first_choice"]), -r["referrals"]))
    table = protect_table(
        rows,
        dimensions=["care_form", "expertise", "age_band", "secured"],
        counts=UNMET_COUNTS,
        disclosure=disclosure,
    )
    for shown, raw in zip(table.rows, rows, strict=True):
        shown["median_days_waiting"] = disclosure.median(raw["_median"], raw["waiting_now"])
        shown["top_refusal_reasons"] = ", ".join(
            reason_label(code) for code in raw["_reasons"].split(",") if code
        )
    table.columns += ["median_days_waiting", "top_refusal_reasons"]
    return table


def need_matrix(*, filters: Filters, disclosure: Disclosure) -> Pivot:
    values: dict[tuple[str, str], int] = defaultdict(int)
    for r in _scoped(NeedMatrixRow.objects.all(), filters, care_form_field="needed"):
        values[(r.needed, r.delivered)] += r.placements
    needed = sorted({k[0] for k in values}, key=_care_form_order)
    delivered = sorted({k[1] for k in values}, key=_care_form_order)
    return protect_pivot(values, row_keys=needed, col_keys=delivered, disclosure=disclosure)


def _care_form_order(code: str) -> int:
    codes = list(CARE_FORMS)
    return codes.index(code) if code in codes else len(codes)


PROVIDER_COUNTS = ["offers", "accepted", "refused", "no_response"]


def refusals(*, filters: Filters, disclosure: Disclosure) -> dict[str, Table]:
    """Refusals by reason (the bar chart) and the answers per provider.

    Both tables add up to the same refusals (and the same no-response count), so their
    totals are hidden together: one table's total must not undo the other's suppression."""
    by_reason: dict[str, int] = defaultdict(int)
    for reason, count in _scoped(
        RefusalRow.objects.all(), filters, care_form_field="care_form"
    ).values_list("reason", "refusals"):
        by_reason[reason] += count
    reason_rows = [
        {"reason_code": code, "reason": reason_label(code), "refusals": by_reason[code]}
        for code in sorted(by_reason, key=lambda c: (-by_reason[c], c))
    ]
    reasons = protect_table(
        reason_rows,
        dimensions=["reason_code", "reason"],
        counts=["refusals"],
        disclosure=disclosure,
    )
    provider_rows = list(
        _scoped(ProviderResponseRow.objects.filter(care_form=filters.care_form), filters).values(
            "provider", *PROVIDER_COUNTS, "median_response_hours"
        )
    )
    providers = protect_table(
        provider_rows, dimensions=["provider"], counts=PROVIDER_COUNTS, disclosure=disclosure
    )
    for shown, raw in zip(providers.rows, provider_rows, strict=True):
        answered = raw["accepted"] + raw["refused"]
        shown["acceptance_rate"] = disclosure.share(raw["accepted"], answered)
        shown["no_response_share"] = disclosure.share(raw["no_response"], raw["offers"])
        shown["median_response_hours"] = disclosure.median(
            raw["median_response_hours"], raw["accepted"] + raw["refused"] - raw["no_response"]
        )
    providers.columns += ["acceptance_rate", "no_response_share", "median_response_hours"]
    # The same quantities in both tables (the same offers, care-form filter included):
    # hide them together.
    if HIDDEN in (providers.totals.get("refused"), reasons.totals.get("refusals")):
        providers.totals["refused"] = reasons.totals["refusals"] = HIDDEN
    if providers.totals.get("no_response") == HIDDEN:
        reasons.totals["refusals"] = HIDDEN
        for row in reasons.rows:
            if row["reason_code"] == RefusalReason.NO_RESPONSE:
                row["refusals"] = HIDDEN
    total_offers = sum(r["offers"] for r in provider_rows)
    providers.totals["no_response_share"] = (
        disclosure.share(sum(r["no_response"] for r in provider_rows), total_offers)
        if HIDDEN not in (providers.totals.get("offers"), providers.totals.get("no_response"))
        else HIDDEN
    )
    accepted = sum(r["accepted"] for r in provider_rows)
    refused = sum(r["refused"] for r in provider_rows)
    providers.totals["acceptance_rate"] = (
        disclosure.share(accepted, accepted + refused)
        if HIDDEN not in (providers.totals.get("accepted"), providers.totals.get("refused"))
        else HIDDEN
    )
    return {"reasons": reasons, "providers": providers}


REPLACEMENT_COUNTS = ["started", "replaced_6m", "replaced_12m"]


def replacements(*, filters: Filters, disclosure: Disclosure) -> dict[str, Table]:
    rows = [
        {
            "provider": r["provider"],
            "care_form": care_form_label(r["care_form"]),
            **{name: r[name] for name in REPLACEMENT_COUNTS},
        }
        for r in _scoped(ReplacementRow.objects.all(), filters, care_form_field="care_form").values(
            "provider", "care_form", *REPLACEMENT_COUNTS
        )
    ]
    table = protect_table(
        rows,
        dimensions=["provider", "care_form"],
        counts=REPLACEMENT_COUNTS,
        disclosure=disclosure,
    )
    for shown, raw in zip(table.rows, rows, strict=True):
        shown["rate_6m"] = disclosure.share(raw["replaced_6m"], raw["started"])
        shown["rate_12m"] = disclosure.share(raw["replaced_12m"], raw["started"])
    for name, part in (("rate_6m", "replaced_6m"), ("rate_12m", "replaced_12m")):
        table.totals[name] = (
            disclosure.share(sum(r[part] for r in rows), sum(r["started"] for r in rows))
            if HIDDEN not in (table.totals.get(part), table.totals.get("started"))
            else HIDDEN
        )
    table.columns += ["rate_6m", "rate_12m"]
    chain_rows = list(
        _scoped(ChainRow.objects.filter(care_form=filters.care_form), filters).values(
            "placements_in_chain", "youths"
        )
    )
    chains = protect_table(
        chain_rows, dimensions=["placements_in_chain"], counts=["youths"], disclosure=disclosure
    )
    return {"providers": table, "chains": chains}


KPI_LABELS = {
    "days_to_placement": _("Mediane dagen van indiening tot plaatsing"),
    "offers_per_placement": _("Voorstellen per plaatsing"),
    "waiting_resolved_at_home": _("Wachtende verzoeken opgelost met hulp thuis (%)"),
    "complete_va": _("Geplande en urgente verzoeken met volledige VA bij indiening (%)"),
    "crisis_share": _("Crisisplaatsingen van alle verzoeken (%)"),
    "crisis_documents_in_time": _("Crisisplaatsingen met documenten op tijd (%)"),
    "waiting_17_plus": _("Jongeren van 17+ die nu wachten"),
    "stale_capacity": _("Capaciteitscijfers ouder dan 7 dagen (%)"),
    "occupancy": _("Bezettingsgraad, laatste maand (%)"),
}


def kpis(*, filters: Filters, disclosure: Disclosure) -> list[dict[str, Any]]:
    figures = {
        r.code: r
        for r in KpiRow.objects.filter(
            period__in=[filters.period, "all"], region=filters.region, care_form=filters.care_form
        )
        if r.period == filters.period or r.code == "stale_capacity"
    }
    out: list[dict[str, Any]] = []

    def add(code: str, value: Any) -> None:
        out.append({"code": code, "label": str(KPI_LABELS[code]), "value": value})

    def n(code: str) -> int:
        row = figures.get(code)
        return int(row.numerator or 0) if row else 0

    def d(code: str) -> int:
        row = figures.get(code)
        return int(row.denominator or 0) if row else 0

    if "days_to_placement" in figures:
        add(
            "days_to_placement",
            disclosure.median(figures["days_to_placement"].value, n("days_to_placement")),
        )
        add(
            "offers_per_placement",
            disclosure.ratio(n("offers_per_placement"), d("offers_per_placement")),
        )
        add(
            "waiting_resolved_at_home",
            disclosure.share(n("waiting_resolved_at_home"), d("waiting_resolved_at_home")),
        )
        add("complete_va", disclosure.share(n("complete_va"), d("complete_va")))
        add("waiting_17_plus", disclosure.count(n("waiting_17_plus")))
        add("crisis_share", disclosure.share(n("crisis_share"), d("crisis_share")))
        add(
            "crisis_documents_in_time",
            disclosure.share(n("crisis_documents_in_time"), d("crisis_documents_in_time")),
        )
    if "stale_capacity" in figures and filters.period in _periods_of_today():
        # Today's figure, so only in a period holding today. Locations, not people: exact
        # for everyone.
        add(
            "stale_capacity", Disclosure(exact=True).share(n("stale_capacity"), d("stale_capacity"))
        )
    occupancy_rows = occupancy(filters=filters, disclosure=disclosure)
    if occupancy_rows:
        last = occupancy_rows[-1]["period"]
        occupied = sum(r["_occupied"] for r in occupancy_rows if r["period"] == last)
        total = sum(r["total"] for r in occupancy_rows if r["period"] == last)
        add("occupancy", disclosure.place_rate(occupied, total))
    return out


def _months_of(period: str) -> list[str]:
    """The month codes a period code covers: '2026-Q1' → 2026-01…03, '2026-03' → itself."""
    year, _sep, part = period.partition("-")
    if part.startswith("Q"):
        first = 3 * (int(part[1:]) - 1) + 1
        return [f"{year}-{month:02d}" for month in range(first, first + 3)]
    return [period]


def _periods_of_today() -> set[str]:
    """The period codes that hold today: 'all', this quarter and this month."""
    today = timezone.localdate()
    return {"all", f"{today.year}-Q{(today.month - 1) // 3 + 1}", f"{today:%Y-%m}"}


def occupancy(*, filters: Filters, disclosure: Disclosure) -> list[dict[str, Any]]:
    """Occupied and total places per care form per month of the period, in the region (''
    every region). Places are public (contracted), so the rate is hidden whenever the
    number of youths occupying them is small."""
    qs = OccupancyRow.objects.filter(region=filters.region)
    if filters.period != "all":
        qs = qs.filter(period__in=_months_of(filters.period))
    if filters.care_form:
        qs = qs.filter(care_form=filters.care_form)
    return [
        {
            "period": r.period,
            "care_form_code": r.care_form,
            "care_form": care_form_label(r.care_form),
            "occupied": disclosure.count(r.occupied),
            "total": r.total,
            "rate": disclosure.place_rate(r.occupied, r.total),
            "_occupied": r.occupied,
        }
        for r in qs.order_by("period", "care_form")
    ]


# --- chart data (json_script) ------------------------------------------------------------


def chart_data(
    *,
    filters: Filters,
    disclosure: Disclosure,
    reasons: Table,
    occupancy_rows: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    """The figures of the charts: `values` holds the numbers, a suppressed figure null (it
    has no length to draw); `shown` holds every figure as disclosed ("<5", "x" or the
    number), which the chart writes as a label where the value is null; `suppressed` lists
    the points not drawn, for the text under the chart (analyses-charts.js, dashboard)."""

    def number(value: Any) -> float | None:
        return value if isinstance(value, int | float) else None

    months: list[str] = []
    series: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in occupancy_rows:
        if row["period"] not in months:
            months.append(row["period"])
        series[row["care_form"]][row["period"]] = row["rate"]
    refusal_labels = [row["reason"] for row in reasons.rows]
    refusal_shown = [row["refusals"] for row in reasons.rows]
    occupancy_series = [
        {
            "label": label,
            "values": [number(values.get(m)) for m in months],
            "shown": [values.get(m) for m in months],
        }
        for label, values in series.items()
    ]
    replaced = _replacement_series(filters=filters, disclosure=disclosure)
    return {
        "refusals": {
            "labels": refusal_labels,
            "values": [number(v) for v in refusal_shown],
            "shown": refusal_shown,
            "suppressed": _suppressed(zip(refusal_labels, refusal_shown, strict=True)),
        },
        "occupancy": {
            "labels": months,
            "series": occupancy_series,
            "suppressed": _suppressed(
                (f"{serie['label']}, {period_label(m)}", shown)
                for serie in occupancy_series
                for m, shown in zip(months, serie["shown"], strict=True)
            ),
        },
        "replacements": replaced,
    }


def _suppressed(points: Iterable[tuple[str, Any]]) -> list[dict[str, str]]:
    """The points whose figure is suppressed ("<5" or "x"), as label and shown text."""
    return [{"label": label, "shown": shown} for label, shown in points if shown in SUPPRESSED]


def _replacement_series(*, filters: Filters, disclosure: Disclosure) -> dict[str, Any]:
    started: dict[str, int] = defaultdict(int)
    replaced: dict[str, int] = defaultdict(int)
    qs = ReplacementRow.objects.filter(region=filters.region, period__regex=r"^\d{4}-\d{2}$")
    if filters.care_form:
        qs = qs.filter(care_form=filters.care_form)
    for period, s, r12 in qs.values_list("period", "started", "replaced_12m"):
        started[period] += s
        replaced[period] += r12
    months = sorted(started)
    shown = [disclosure.share(replaced[m], started[m]) for m in months]
    return {
        "labels": months,
        "values": [v if isinstance(v, int | float) else None for v in shown],
        "shown": shown,
        "suppressed": _suppressed((period_label(m), v) for m, v in zip(months, shown, strict=True)),
    }
