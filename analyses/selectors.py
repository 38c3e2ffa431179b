"""Reads of the report tables for the dashboard, the CSV exports and the API.

Each function returns the figures as shown to the given user: every count goes through
`analyses.disclosure` here, so no caller can forget it. A fixed number of queries each.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Region, Role, User
from accounts.selectors import regions_for_user
from analyses import catalogue, periods
from analyses.disclosure import (
    HIDDEN,
    SMALL,
    Disclosure,
    Pivot,
    Shown,
    Table,
    is_small,
    protect_pivot,
    protect_table,
)
from analyses.models import (
    ChainRow,
    KpiRow,
    NeedMatrixRow,
    OccupancyRow,
    OriginRow,
    OutsideCareRow,
    ProviderResponseRow,
    RefusalRow,
    ReplacementRow,
    ReportRun,
    UnmetNeedRow,
)
from capacity.contract_selectors import cost_report
from config.codes import (
    CareForm,
    Expertise,
    OutsideArrangement,
    PreviousSituation,
    RefusalReason,
    RequestKind,
    Urgency,
)
from config.errors import NotFound, ValidationFailed

CARE_FORMS = {k: str(v) for k, v in CareForm.choices}
SUPPRESSED = (SMALL, HIDDEN)
EXPERTISE = {k: str(v) for k, v in Expertise.choices}
REASONS = {k: str(v) for k, v in RefusalReason.choices}


def care_form_label(code: str) -> str:
    # "-": a referral without a first-choice care form, in a table whose "" row is every
    # care form together (GROUPING SETS in analyses.builders).
    if code == "-":
        return _("(geen eerste keus)")
    return CARE_FORMS.get(code, code or _("(geen)"))


def expertise_label(key: str) -> str:
    return ", ".join(EXPERTISE.get(code, code) for code in key.split("+") if code) or _("(geen)")


def reason_label(code: str) -> str:
    return REASONS.get(code, code)


# The stored period codes (analyses.models); every accepted code: analyses.periods.
PERIOD_CODE = re.compile(r"^(all|\d{4}-Q[1-4]|\d{4}-(0[1-9]|1[0-2]))$")


@dataclass(frozen=True)
class Filters:
    period: str = "all"
    region: str = ""
    care_form: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"period": self.period, "region": self.region, "care_form": self.care_form}

    # The period filter's fields (templates/analyses/partials/period_filter.html): a range
    # `2026-02..2026-07` is shown as the choice 'range' with its first and last month.
    @property
    def period_choice(self) -> str:
        return periods.RANGE if periods.RANGE_CODE.match(self.period) else self.period

    @property
    def range_from(self) -> str:
        return self.period.split("..")[0] if periods.RANGE_CODE.match(self.period) else ""

    @property
    def range_to(self) -> str:
        return self.period.split("..")[1] if periods.RANGE_CODE.match(self.period) else ""

    @property
    def summed(self) -> bool:
        """A year or a range: counts added up from its months, no medians."""
        return periods.is_summed(self.period) and bool(self.period)

    @property
    def previous(self) -> "Filters | None":
        """The same filters for the period before (analyses.periods.previous_period)."""
        before = periods.previous_period(self.period)
        if before is None:
            return None
        return Filters(period=before, region=self.region, care_form=self.care_form)


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
    region = _param(query, "region", "regio")
    care_form = _param(query, "care_form", "zorgvorm")
    every = list(Region.objects.order_by("name", "code").values_list("code", "name"))
    errors: dict[str, list[str]] = {}
    # Issue 23.2: all, a month, a quarter, a year or a range of months (analyses.periods).
    period = "all"
    try:
        period = periods.parse(query)
    except ValidationFailed as failure:
        errors.update(failure.errors)
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


def _scoped(
    qs: QuerySet[Any], filters: Filters, *, care_form_field: str | None = None, **where: Any
) -> list[Any]:
    """The rows of a report for the filters' period (stored, or a year or range added up
    from its months: analyses.periods.rows_for), region and care form. One query."""
    if care_form_field and filters.care_form:
        where[care_form_field] = filters.care_form
    return periods.rows_for(qs.model, period=filters.period, region=filters.region, **where)


def built_at() -> datetime | None:
    return KpiRow.objects.order_by("-built_at").values_list("built_at", flat=True).first()


def latest_run() -> ReportRun | None:
    return ReportRun.objects.order_by("-created_at", "-id").first()


def filter_options(scope: ReportScope | None = None) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filter form; the regions those of `scope` (else every region)."""
    stored = set(KpiRow.objects.values_list("period", flat=True).distinct())
    # Issue 23.2: the years of the stored months (added up from them) and a range of months.
    years = {code[:4] for code in stored if periods.MONTH.match(code)}
    codes = sorted(stored | years, key=_period_order)
    if scope is None:
        regions = list(Region.objects.order_by("name").values_list("code", "name"))
        every_region = True
    else:
        regions, every_region = scope.regions, scope.every_region
    return {
        "periods": [(p, period_label(p)) for p in codes or ["all"]]
        + [(periods.RANGE, _("Bereik van maanden (van – tot)"))],
        "regions": [("", _("Alle regio's"))] * every_region + regions,
        "care_forms": [("", _("Alle zorgvormen")), *CARE_FORMS.items()],
    }


def _period_order(period: str) -> tuple[int, str]:
    if period == "all":
        return (0, "")
    kind = 1 if periods.YEAR.match(period) else 2 if "Q" in period else 3
    return (kind, "".join(chr(255 - ord(ch)) for ch in period))


def period_label(period: str) -> str:
    """A period code in words: 'all' → alle perioden, '2026-Q1' → 1e kwartaal 2026,
    '2026-03' → maart 2026 (codes as analyses/sql.py makes them; others as they are)."""
    if period == "all":
        return _("Alle perioden")
    if periods.YEAR.match(period):
        return _("Jaar %(year)s") % {"year": period}
    if first_last := periods.RANGE_CODE.match(period):
        return _("%(first)s t/m %(last)s") % {
            "first": period_label(first_last.group(1)),
            "last": period_label(first_last.group(2)),
        }
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
    "placed_outside",
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


def refusals(*, filters: Filters, disclosure: Disclosure, provider: str = "") -> dict[str, Table]:
    """Refusals by reason (the bar chart) and the answers per provider; `provider` (a
    provider's name, as the rows store it) narrows both to that provider (issue 23).

    Both tables add up to the same refusals (and the same no-response count); each total is
    rounded from its own exact value, so both are shown (analyses.disclosure)."""
    by_reason: dict[str, int] = defaultdict(int)
    narrow = {"provider": provider} if provider else {}
    for row in _scoped(RefusalRow.objects.all(), filters, care_form_field="care_form", **narrow):
        by_reason[row.reason] += row.refusals
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
    provider_rows = [
        {
            "provider": r.provider,
            **{name: getattr(r, name) for name in PROVIDER_COUNTS},
            "median_response_hours": r.median_response_hours,
        }
        for r in _scoped(
            ProviderResponseRow.objects.all(), filters, care_form=filters.care_form, **narrow
        )
    ]
    providers = protect_table(
        provider_rows, dimensions=["provider"], counts=PROVIDER_COUNTS, disclosure=disclosure
    )
    for shown, raw in zip(providers.rows, provider_rows, strict=True):
        shown["acceptance_rate"] = disclosure.share_of_parts(raw["accepted"], raw["refused"])
        shown["no_response_share"] = disclosure.share(raw["no_response"], raw["offers"])
        shown["median_response_hours"] = disclosure.median(
            raw["median_response_hours"], raw["accepted"] + raw["refused"] - raw["no_response"]
        )
    providers.columns += ["acceptance_rate", "no_response_share", "median_response_hours"]
    # Every total is rounded from its own exact value (analyses.disclosure), so the two
    # tables may both show theirs: no subtraction between them gives back a "<5".
    providers.totals["no_response_share"] = disclosure.share(
        sum(r["no_response"] for r in provider_rows), sum(r["offers"] for r in provider_rows)
    )
    providers.totals["acceptance_rate"] = disclosure.share_of_parts(
        sum(r["accepted"] for r in provider_rows), sum(r["refused"] for r in provider_rows)
    )
    return {"reasons": reasons, "providers": providers}


REPLACEMENT_COUNTS = ["started", "replaced_6m", "replaced_12m", "replaced", "prevented"]


def replacements(*, filters: Filters, disclosure: Disclosure) -> dict[str, Table]:
    rows = [
        {
            "provider": r.provider,
            "care_form": care_form_label(r.care_form),
            **{name: getattr(r, name) for name in REPLACEMENT_COUNTS},
        }
        for r in _scoped(ReplacementRow.objects.all(), filters, care_form_field="care_form")
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
        table.totals[name] = disclosure.share(
            sum(r[part] for r in rows), sum(r["started"] for r in rows)
        )
    table.columns += ["rate_6m", "rate_12m"]
    chain_rows = [
        {"placements_in_chain": r.placements_in_chain, "youths": r.youths}
        for r in _scoped(ChainRow.objects.all(), filters, care_form=filters.care_form)
    ]
    chains = protect_table(
        chain_rows, dimensions=["placements_in_chain"], counts=["youths"], disclosure=disclosure
    )
    return {"providers": table, "chains": chains}


# The names and definitions of the KPIs come from the catalogue (analyses.catalogue).
KPI_LABELS = {kpi.code: kpi.name for kpi in catalogue.CATALOGUE}
KPI_DESCRIPTIONS = {kpi.code: kpi.definition for kpi in catalogue.CATALOGUE}


def kpis(*, filters: Filters, disclosure: Disclosure, compare: bool = True) -> list[dict[str, Any]]:
    """The KPIs of the filters as shown (`_kpi_figures`); with `compare`, each also with
    `previous` (its figure in the period before, analyses.periods.previous_period, as
    disclosed: None for 'all' or when it has none) and `change` (`delta`, `direction`
    up/down/same and `text` in words for screen readers; None unless both are numbers)."""
    out = _kpi_figures(filters=filters, disclosure=disclosure)
    if not compare:
        return out
    before = filters.previous
    previous = (
        {k["code"]: k["value"] for k in _kpi_figures(filters=before, disclosure=disclosure)}
        if before
        else {}
    )
    for kpi in out:
        kpi["previous"] = previous.get(kpi["code"])
        kpi["previous_period"] = before.period if before else None
        kpi["change"] = _change(kpi["code"], kpi["value"], kpi["previous"])
    return out


CHANGE_UNITS = {catalogue.PERCENT: _("procentpunt"), catalogue.DAYS: _("dagen")}


def _change(code: str, value: Any, previous: Any) -> dict[str, Any] | None:
    """The change from `previous` to `value` when both are numbers (a suppressed "<5" or
    "x" has none): the difference, its direction and the words a screen reader says."""
    numbers = (int, float)
    if not isinstance(value, numbers) or not isinstance(previous, numbers):
        return None
    if isinstance(value, bool) or isinstance(previous, bool):
        return None
    delta = round(float(value) - float(previous), 1)
    unit = str(CHANGE_UNITS.get(catalogue.BY_CODE[code].unit, ""))
    amount = " ".join(part for part in (number_format(abs(delta), 1), unit) if part)
    if delta > 0:
        direction, text = "up", _("%(amount)s hoger dan vorige periode") % {"amount": amount}
    elif delta < 0:
        direction, text = "down", _("%(amount)s lager dan vorige periode") % {"amount": amount}
    else:
        direction, text = "same", _("gelijk aan vorige periode")
    return {"delta": delta, "direction": direction, "text": text}


def _kpi_figures(*, filters: Filters, disclosure: Disclosure) -> list[dict[str, Any]]:
    # The period's figures (a year or range added up from its months, medians None), and
    # today's stale capacity, stored under 'all'. Two queries.
    figures = {
        r.code: r
        for r in periods.rows_for(
            KpiRow, period=filters.period, region=filters.region, care_form=filters.care_form
        )
        if r.code != "stale_capacity"
    }
    figures.update(
        (r.code, r)
        for r in KpiRow.objects.filter(
            period="all", region=filters.region, care_form=filters.care_form, code="stale_capacity"
        )
    )
    out: list[dict[str, Any]] = []
    # Issue 23: the catalogue's definition, formula, source and unit, and the region's
    # target for the period's year (set for every care form together: judged only then).
    targets = catalogue.targets_for(
        region=filters.region, year=catalogue.period_year(filters.period)
    )

    def add(code: str, value: Any) -> None:
        kpi = catalogue.BY_CODE[code]
        target = targets.get(code)
        target_value = target.target if target else None
        out.append(
            {
                "code": code,
                "label": str(kpi.name),
                "value": value,
                "description": str(kpi.definition),
                "definition": str(kpi.definition),
                "formula": kpi.formula,
                "source": str(kpi.source),
                "period_rule": str(kpi.period),
                "unit": kpi.unit,
                "direction": kpi.direction,
                "target": target_value,
                "target_note": target.note if target else "",
                "target_met": None
                if filters.care_form
                else catalogue.target_met(code, value, target_value),
            }
        )

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
        if "emergency_authorisation" in figures:
            add(
                "emergency_authorisation",
                disclosure.share(n("emergency_authorisation"), d("emergency_authorisation")),
            )
    if "outflow_lighter" in figures:
        add("outflow_lighter", disclosure.share(n("outflow_lighter"), d("outflow_lighter")))
        stagnation = figures.get("stagnation_days")
        add(
            "stagnation_days",
            disclosure.median(stagnation.value if stagnation else None, n("stagnation_days")),
        )
    if "stale_capacity" in figures and (
        filters.period in _periods_of_today()
        or f"{timezone.localdate():%Y-%m}" in periods.months_of(filters.period)
    ):
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


def _periods_of_today() -> set[str]:
    """The period codes that hold today: 'all', this year, this quarter and this month (a
    range holding today is checked by its months: analyses.periods)."""
    today = timezone.localdate()
    return {
        "all",
        str(today.year),
        f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        f"{today:%Y-%m}",
    }


def occupancy(*, filters: Filters, disclosure: Disclosure) -> list[dict[str, Any]]:
    """Occupied and total places per care form per month of the period, in the region (''
    every region). Places are public (contracted); for analysts the rate is that of the
    rounded number of youths occupying them ("x" when that is "<5")."""
    qs = OccupancyRow.objects.filter(region=filters.region)
    if filters.period != "all":
        qs = qs.filter(period__in=periods.months_of(filters.period))
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


def _complement(
    shown_rows: list[dict[str, Any]],
    raw_rows: list[dict[str, Any]],
    column: str,
    *,
    group: str | None = None,
    hide: tuple[str, ...] = (),
) -> None:
    """Secondary suppression within a breakdown whose total can be known elsewhere (another
    table, another breakdown of the same figures): when exactly one cell of a group is
    suppressed, the smallest other non-zero cell is hidden too, so that the total minus the
    shown cells gives back a sum of at least two hidden cells, never one youth's figure.
    `hide` names further columns of the row that go with the count (a cost)."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for index, row in enumerate(shown_rows):
        groups[row.get(group) if group else None].append(index)
    for indexes in groups.values():
        hidden = [i for i in indexes if shown_rows[i][column] in SUPPRESSED]
        if len(hidden) != 1:
            continue
        others = [i for i in indexes if i not in hidden and int(raw_rows[i][column])]
        if not others:
            continue
        smallest = min(others, key=lambda i: int(raw_rows[i][column]))
        shown_rows[smallest][column] = HIDDEN
        for name in hide:
            shown_rows[smallest][name] = HIDDEN


ARRANGEMENTS = {k: str(v) for k, v in OutsideArrangement.choices}
OUTSIDE_COUNTS = ["youths", "with_cost"]


def _cost(disclosure: Disclosure, total: float | None, cases: int) -> float | str | None:
    """A sum of money over `cases` youths: hidden for 1 to 4 (it is their own figure)."""
    if total is None or not cases:
        return None
    if not disclosure.exact and is_small(cases):
        return HIDDEN
    return round(total, 2)


def _cost_sum(disclosure: Disclosure, total: float | None, cases: int) -> float | str | None:
    """The sum of the cost per day of `cases` youths. For analysts the average times the
    rounded number of cases: the exact sum beside the average would give back the exact
    number of youths, and so undo its rounding."""
    if disclosure.exact or total is None or not cases:
        return _cost(disclosure, total, cases)
    shown = disclosure.count(cases)
    if not isinstance(shown, int):
        return HIDDEN
    return round(total / cases * shown, 2)


def outside_care(*, filters: Filters, disclosure: Disclosure) -> Table:
    """Care outside coordination as unmet need (issue 21): youths per first-choice care form,
    contracted or not and arrangement, with the sum and the average of their cost per day.

    Codes only: no provider (one outside the contract, by name, could identify the youth)
    and no free text. A cost is shown only over 5 or more youths whose cost is known; the
    counts are rounded like every count (analyses.disclosure)."""
    raw = [
        {
            "care_form": care_form_label(r.care_form),
            "contracted": _("gecontracteerd") if r.contracted else _("niet gecontracteerd"),
            "arrangement": ARRANGEMENTS.get(r.arrangement, r.arrangement),
            "youths": r.youths,
            "with_cost": r.with_cost,
            "_sum": r.cost_per_day_sum,
        }
        for r in _scoped(OutsideCareRow.objects.all(), filters, care_form_field="care_form")
    ]
    table = protect_table(
        raw,
        dimensions=["care_form", "contracted", "arrangement"],
        counts=OUTSIDE_COUNTS,
        disclosure=disclosure,
    )
    for shown, row in zip(table.rows, raw, strict=True):
        average = row["_sum"] / row["with_cost"] if row["with_cost"] and row["_sum"] else None
        shown["cost_per_day_average"] = _cost(disclosure, average, row["with_cost"])
        shown["cost_per_day_sum"] = _cost_sum(disclosure, row["_sum"], row["with_cost"])
    total_sum = sum(r["_sum"] or 0.0 for r in raw)
    with_cost = sum(r["with_cost"] for r in raw)
    any_hidden = any(
        row["cost_per_day_sum"] in SUPPRESSED or row["with_cost"] in SUPPRESSED
        for row in table.rows
    )
    table.totals["cost_per_day_sum"] = (
        HIDDEN if any_hidden else _cost_sum(disclosure, total_sum if with_cost else None, with_cost)
    )
    table.totals["cost_per_day_average"] = (
        HIDDEN
        if any_hidden
        else _cost(disclosure, total_sum / with_cost if with_cost else None, with_cost)
    )
    table.columns += ["cost_per_day_sum", "cost_per_day_average"]
    return table


ORIGIN_LABELS: dict[str, dict[str, str]] = {
    "urgency": {k: str(v) for k, v in Urgency.choices},
    "previous_situation": {k: str(v) for k, v in PreviousSituation.choices},
    "request_kind": {k: str(v) for k, v in RequestKind.choices},
}
ORIGIN_DIMENSION_LABELS = {
    "urgency": _("Urgentie"),
    "previous_situation": _("Vorige situatie"),
    "request_kind": _("Soort verzoek"),
}
ORIGIN_COUNTS = ["referrals", "placed", "placed_outside", "waiting_now"]


def origin(*, filters: Filters, disclosure: Disclosure) -> Table:
    """Referrals by coded origin (issue 21): urgency (crisis apart from planned and urgent),
    previous situation and kind of request, one dimension at a time, with the median days
    to placement. Every dimension adds up to the same referrals as the unmet-need table;
    each count is rounded from its own exact value (analyses.disclosure)."""
    order = {name: i for i, name in enumerate(ORIGIN_LABELS)}
    rows = sorted(
        _scoped(OriginRow.objects.all(), filters, care_form=filters.care_form),
        key=lambda r: (
            order.get(r.dimension, 99),
            list(ORIGIN_LABELS.get(r.dimension, {})).index(r.code)
            if r.code in ORIGIN_LABELS.get(r.dimension, {})
            else 99,
        ),
    )
    raw = [
        {
            "dimension_code": r.dimension,
            "dimension": str(ORIGIN_DIMENSION_LABELS.get(r.dimension, r.dimension)),
            "origin": ORIGIN_LABELS.get(r.dimension, {}).get(r.code, r.code)
            or _("(niet vastgelegd)"),
            **{name: getattr(r, name) for name in ORIGIN_COUNTS},
            "_median": r.median_days_to_placement,
        }
        for r in rows
    ]
    table = protect_table(
        raw,
        dimensions=["dimension_code", "dimension", "origin"],
        counts=ORIGIN_COUNTS,
        disclosure=disclosure,
        with_totals=False,
    )
    for shown, row in zip(table.rows, raw, strict=True):
        shown["median_days_to_placement"] = disclosure.median(row["_median"], row["placed"])
    table.columns += ["median_days_to_placement"]
    return table


def _period_year(period: str) -> int:
    """The calendar year of a period code ('all': this year)."""
    return int(period[:4]) if period[:4].isdigit() else timezone.localdate().year


def bed_days(*, filters: Filters, disclosure: Disclosure) -> dict[str, Any]:
    """Bed-days and their cost per municipality, region and care form (issue 22), for the
    calendar year of the period, by `capacity.contract_selectors.cost_report` (its rule of
    a bed-day and its tariff). The care-form filter narrows the table per care form only;
    the total is the year's over every care form. For analysts the youths are rounded like
    every count; the bed-days and cost of a row over 1 to 4 youths are hidden, a breakdown
    with one such row hides a second one's, and the total is hidden when any row's is."""
    year = _period_year(filters.period)
    regions = Region.objects.all()
    if filters.region:
        regions = regions.filter(code=filters.region)
    report = cost_report(regions=list(regions), year=year)
    parts: dict[str, Table] = {}
    any_hidden = False
    for name, key, rows in (
        ("municipality", "municipality", report.by_municipality),
        ("region", "region_name", report.by_region),
        ("care_form", "location_care_form", report.by_care_form),
    ):
        if name == "care_form" and filters.care_form:
            label = care_form_label(filters.care_form)
            rows = [r for r in rows if r.label == label]
        raw: list[dict[str, Any]] = [
            {
                "label": r.label or _("(onbekend)"),
                "youths": r.youths,
                "bed_days": r.bed_days,
                "cost": float(r.cost),
                "bed_days_unpriced": r.bed_days_unpriced,
            }
            for r in rows
        ]
        table = Table(columns=[key, "youths", "bed_days", "cost", "bed_days_unpriced"])
        for row in raw:
            small = not disclosure.exact and is_small(row["youths"])
            table.rows.append(
                {
                    key: row["label"],
                    "youths": disclosure.count(row["youths"]),
                    **{
                        k: HIDDEN if small else row[k]
                        for k in ("bed_days", "cost", "bed_days_unpriced")
                    },
                }
            )
        if not disclosure.exact:
            # Bed-days and money are no counts, so they keep cell suppression: a breakdown
            # with one hidden row hides a second one. Its youths stay rounded.
            _complement(table.rows, raw, "youths", hide=("bed_days", "cost", "bed_days_unpriced"))
            for shown_row, row in zip(table.rows, raw, strict=True):
                shown_row["youths"] = disclosure.count(row["youths"])
        any_hidden = any_hidden or any(r["bed_days"] == HIDDEN for r in table.rows)
        parts[name] = table
    total = report.total
    shown_total: dict[str, Shown] = {
        "bed_days": total.bed_days,
        "cost": float(total.cost),
        "bed_days_unpriced": total.bed_days_unpriced,
    }
    if any_hidden:
        shown_total = dict.fromkeys(shown_total, HIDDEN)
    for table in parts.values():
        table.totals = {table.columns[0]: "", "youths": "", **shown_total}
    return {"year": year, **parts}


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


def judgeable_start_months(months: Iterable[str], today: date) -> list[str]:
    """The start months whose 12 months are over by `today`: a placement started in May
    2026 may still be re-placed until the end of May 2027, so its share is not 0 % yet but
    not known. Later months are left out of the chart (the text under it says so)."""
    now = today.year * 12 + today.month - 1
    return [m for m in months if int(m[:4]) * 12 + int(m[5:7]) - 1 + 13 <= now]


def _replacement_series(
    *, filters: Filters, disclosure: Disclosure, today: date | None = None
) -> dict[str, Any]:
    started: dict[str, int] = defaultdict(int)
    replaced: dict[str, int] = defaultdict(int)
    qs = ReplacementRow.objects.filter(
        region=filters.region, period__regex=r"^\d{4}-\d{2}$"
    ).filter(started__gt=0)
    if filters.care_form:
        qs = qs.filter(care_form=filters.care_form)
    for period, s, r12 in qs.values_list("period", "started", "replaced_12m"):
        started[period] += s
        replaced[period] += r12
    months = judgeable_start_months(sorted(started), today or timezone.localdate())
    shown = [disclosure.share(replaced[m], started[m]) for m in months]
    return {
        "labels": months,
        "values": [v if isinstance(v, int | float) else None for v in shown],
        "shown": shown,
        "suppressed": _suppressed((period_label(m), v) for m, v in zip(months, shown, strict=True)),
    }
