"""Who refuses why (issue 23, point 1): refusals per provider × reason, per care form ×
reason and per named concern (the VA's expertise or risk flag) × reason, each row with its
main reason; and the `provider` filter of the refusals report (page, CSV and API).

Every figure passes through `analyses.disclosure` (`protect_pivot`, `Disclosure.share`): no
count is suppressed here by hand, so the suppression method of that module applies to these
tables as to every other one.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation
from analyses import periods
from analyses.disclosure import HIDDEN, SMALL, Disclosure, Pivot, Shown, Table, protect_pivot
from analyses.models import RefusalConcernRow, RefusalRow
from analyses.selectors import Filters, ReportScope, care_form_label, reason_label, refusals
from capacity.models import Location
from config.codes import CareForm, Expertise, RefusalReason, RiskFlag
from config.errors import ValidationFailed

SUPPRESSED = (SMALL, HIDDEN)
REASON_ORDER = [code for code, _label in RefusalReason.choices]
CONCERN_LABELS = {
    **{k: str(v) for k, v in Expertise.choices},
    **{k: str(v) for k, v in RiskFlag.choices},
}
CONCERN_ORDER = [*(k for k, _v in Expertise.choices), *(k for k, _v in RiskFlag.choices)]
CARE_FORM_ORDER = [k for k, _v in CareForm.choices]


def concern_label(code: str) -> str:
    return CONCERN_LABELS.get(code, code)


# --- the provider filter -----------------------------------------------------------------


def _active_in(scope: ReportScope) -> QuerySet[Location]:
    codes = [code for code, _name in scope.regions]
    return Location.objects.filter(provider=OuterRef("pk"), is_active=True, regions__code__in=codes)


def providers_in_scope(scope: ReportScope) -> list[tuple[int, str]]:
    """The providers a report user may filter on (id, name): those with an active location
    contracted by a region of its scope. One query."""
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
        .filter(Exists(_active_in(scope)))
        .order_by("name")
        .values_list("pk", "name")
    )


def provider_filter(*, scope: ReportScope, query: Any) -> Organisation | None:
    """The `provider` (or `aanbieder`) filter: a provider organisation's id. Not a number,
    unknown, not a provider, or without an active location in the user's regions:
    `ValidationFailed` naming `provider` (a filter either filters or is refused). One
    query; none without the filter."""
    raw = str(query.get("provider") or query.get("aanbieder") or "").strip()
    if not raw:
        return None
    provider = None
    if raw.isdigit() and len(raw) < 12:
        provider = (
            Organisation.objects.filter(pk=int(raw), kind=Organisation.Kind.PROVIDER)
            .annotate(in_scope=Exists(_active_in(scope)))
            .first()
        )
    if provider is None:
        raise ValidationFailed(
            {"provider": [_("Onbekende aanbieder: geef het nummer van een zorgaanbieder.")]}
        )
    if not provider.in_scope:
        raise ValidationFailed({"provider": [_("Deze aanbieder is niet actief in uw regio's.")]})
    return provider


def _provider_name(provider: Organisation | int | None) -> str:
    """The stored rows name their provider (`org.name`, analyses.builders)."""
    if provider is None:
        return ""
    if isinstance(provider, Organisation):
        return provider.name
    return str(Organisation.objects.values_list("name", flat=True).get(pk=provider))


# --- the pivots --------------------------------------------------------------------------


@dataclass(frozen=True)
class MainReason:
    """A row's main reason: the reason(s) with the most refusals (ties: all of them) and
    that reason's share of the row's refusals (%). `hidden` when the figures shown do not
    allow naming it (see `_main_reason`)."""

    codes: list[str]
    share: Shown
    hidden: bool = False

    @property
    def label(self) -> str:
        if self.hidden:
            return HIDDEN
        return ", ".join(reason_label(code) for code in self.codes)


@dataclass(frozen=True)
class ReasonPivot:
    """Refusals per row (provider, care form or concern) × reason, as shown, rows sorted by
    their refusals (most first), each with its main reason."""

    pivot: Pivot
    labels: Mapping[str, str]
    main: Mapping[str, MainReason]

    def rows(self) -> list[dict[str, Any]]:
        """The rows as plain data (API, CSV): key, label, cells per reason, total, main."""
        return [
            {
                "key": row,
                "label": self.labels[row],
                "reasons": {col: self.pivot.cells[(row, col)] for col in self.pivot.col_keys},
                "total": self.pivot.row_totals[row],
                "main_reasons": [] if self.main[row].hidden else self.main[row].codes,
                "main_reason": self.main[row].label,
                "main_reason_share": self.main[row].share,
            }
            for row in self.pivot.row_keys
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "reasons": self.pivot.col_keys,
            "reason_labels": {code: reason_label(code) for code in self.pivot.col_keys},
            "rows": self.rows(),
            "reason_totals": self.pivot.col_totals,
            "total": self.pivot.grand_total,
        }


def _main_reason(
    pivot: Pivot, values: Mapping[tuple[str, str], int], row: str, disclosure: Disclosure
) -> MainReason:
    """The reason(s) with the most refusals of `row`, ties all named, and that reason's
    share of the row's refusals (through `Disclosure.share`).

    Exact figures: from the counts. Otherwise from the figures as shown, so the main reason
    tells nothing the shown cells do not: the reason(s) with the highest shown count (a
    tie of shown counts names each), none when a cell of the row is hidden ("x") or no cell
    is shown above "<5"; the share "x" when the row's total is not shown."""
    counts = {col: values.get((row, col), 0) for col in pivot.col_keys}
    total = sum(counts.values())
    if not total:
        return MainReason(codes=[], share=None)
    if disclosure.exact:
        top = max(counts.values())
        codes = [col for col in pivot.col_keys if counts[col] == top]
        return MainReason(codes=codes, share=disclosure.share(top, total))
    shown = {col: pivot.cells[(row, col)] for col in pivot.col_keys}
    numbers = {col: v for col, v in shown.items() if isinstance(v, int) and v > 0}
    if HIDDEN in shown.values() or not numbers:
        return MainReason(codes=[], share=HIDDEN, hidden=True)
    top_shown = max(numbers.values())
    codes = [col for col in pivot.col_keys if numbers.get(col) == top_shown]
    share: Shown = HIDDEN
    if pivot.row_totals[row] not in SUPPRESSED:
        share = disclosure.share(counts[codes[0]], total)
    return MainReason(codes=codes, share=share)


def _reason_pivot(
    values: Mapping[tuple[str, str], int],
    *,
    disclosure: Disclosure,
    label: Any,
    order: list[str] | None = None,
) -> ReasonPivot:
    """`values` (row, reason) → refusals as a protected pivot, rows by refusals (most
    first; for analysts by the totals as shown, so the order tells nothing more; then
    `order` or the label), columns the reasons that occur in code-list order."""
    totals: dict[str, int] = defaultdict(int)
    reasons: set[str] = set()
    for (row, reason), count in values.items():
        if count:
            totals[row] += count
            reasons.add(reason)
    col_keys = sorted(
        reasons, key=lambda c: REASON_ORDER.index(c) if c in REASON_ORDER else len(REASON_ORDER)
    )
    pivot = protect_pivot(values, row_keys=sorted(totals), col_keys=col_keys, disclosure=disclosure)
    position = {code: i for i, code in enumerate(order or [])}

    def size(row: str) -> int:
        if disclosure.exact:
            return totals[row]
        shown = pivot.row_totals[row]
        return shown if isinstance(shown, int) else 0

    pivot.row_keys.sort(key=lambda r: (-size(r), position.get(r, len(position)), str(label(r))))
    return ReasonPivot(
        pivot=pivot,
        labels={row: str(label(row)) for row in pivot.row_keys},
        main={row: _main_reason(pivot, values, row, disclosure) for row in pivot.row_keys},
    )


def _scoped(model: Any, filters: Filters, provider: str) -> list[Any]:
    """The rows of the period (a year or range added up: analyses.periods), region, care
    form and provider. One query."""
    where = {"care_form": filters.care_form} if filters.care_form else {}
    if provider:
        where["provider"] = provider
    return periods.rows_for(model, period=filters.period, region=filters.region, **where)


def _refusal_rows(filters: Filters, provider: str) -> list[tuple[str, str, str, int]]:
    """(provider, care form, reason, refusals) of the filtered selection. One query."""
    return [
        (r.provider, r.care_form, r.reason, r.refusals)
        for r in _scoped(RefusalRow, filters, provider)
    ]


def _by(rows: Iterable[tuple[str, str, str, int]], index: int) -> dict[tuple[str, str], int]:
    values: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        values[(str(row[index]), row[2])] += row[3]
    return values


def _provider_pivot(rows: Iterable[tuple[str, str, str, int]], disclosure: Disclosure) -> Any:
    return _reason_pivot(_by(rows, 0), disclosure=disclosure, label=lambda name: name)


def _care_form_pivot(rows: Iterable[tuple[str, str, str, int]], disclosure: Disclosure) -> Any:
    return _reason_pivot(
        _by(rows, 1), disclosure=disclosure, label=care_form_label, order=CARE_FORM_ORDER
    )


def refusals_by_provider(
    filters: Filters, disclosure: Disclosure, provider: Organisation | int | None = None
) -> ReasonPivot:
    """Refusals (expiries included, as `no_response`) per provider × reason in the filters'
    period, region and care form, each provider's main reason(s) with their share; with
    `provider` only that provider's row. As shown to the user of `disclosure`. One query
    (two when `provider` is an id)."""
    return _provider_pivot(_refusal_rows(filters, _provider_name(provider)), disclosure)


def refusals_by_care_form(
    filters: Filters, disclosure: Disclosure, provider: Organisation | int | None = None
) -> ReasonPivot:
    """Refusals per care form of the location offered × reason, as `refusals_by_provider`."""
    return _care_form_pivot(_refusal_rows(filters, _provider_name(provider)), disclosure)


def refusals_by_concern(
    filters: Filters, disclosure: Disclosure, provider: Organisation | int | None = None
) -> ReasonPivot:
    """Refusals per concern the provider named (needed expertise or risk flag of the VA) ×
    reason. A refusal naming two concerns counts in both rows, so the rows do not add up to
    the refusals; refusals naming none are not in this table. One query."""
    values: dict[tuple[str, str], int] = defaultdict(int)
    for row in _scoped(RefusalConcernRow, filters, _provider_name(provider)):
        values[(row.concern, row.reason)] += row.refusals
    return _reason_pivot(values, disclosure=disclosure, label=concern_label, order=CONCERN_ORDER)


@dataclass(frozen=True)
class RefusalReport:
    """The refusals report as shown: the reason table and the answers per provider
    (`analyses.selectors.refusals`), and the three pivots of issue 23."""

    reasons: Table
    providers: Table
    by_provider: ReasonPivot
    by_care_form: ReasonPivot
    by_concern: ReasonPivot


def refusal_report(
    *, filters: Filters, disclosure: Disclosure, provider: Organisation | None = None
) -> RefusalReport:
    """Every table of the refusals report, narrowed to `provider` when given. Four queries."""
    name = _provider_name(provider)
    tables = refusals(filters=filters, disclosure=disclosure, provider=name)
    rows = _refusal_rows(filters, name)
    return RefusalReport(
        reasons=tables["reasons"],
        providers=tables["providers"],
        by_provider=_provider_pivot(rows, disclosure),
        by_care_form=_care_form_pivot(rows, disclosure),
        by_concern=refusals_by_concern(filters, disclosure, provider),
    )
