"""`?sort=` on list pages: a whitelist of columns, ascending (`col`) or descending (`-col`)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Sort:
    key: str  # as it appears in the address: "since" or "-since"
    order_by: list[str]


def sort_from(request: HttpRequest, columns: Mapping[str, tuple[str, ...]], default: str) -> Sort:
    """The requested order if its column is known, else the default (never a raw field name
    from the address: only whitelisted columns reach `order_by`)."""
    key = request.GET.get("sort", default)
    column = key.removeprefix("-")
    if column not in columns:
        key, column = default, default.removeprefix("-")
    # The tie-breakers keep the order stable across pages; only the first field flips (a
    # column may itself run descending, e.g. days waited on a timestamp).
    first, *rest = columns[column]
    if key.startswith("-"):
        first = first.removeprefix("-") if first.startswith("-") else "-" + first
    return Sort(key=key, order_by=[first, *rest])
