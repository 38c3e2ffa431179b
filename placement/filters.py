"""Filters of placement's overview lists: the board, the waiting list and the placements, on
the shared fields of `referrals.filters.ReferralFilters`."""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from placement.models import Placement, PlacementRisk
from referrals.filters import FilterForm, ReferralFilters


class BoardFilters(ReferralFilters):
    """The board: the status picks the column shown; the region narrows the scope."""

    @property
    def narrowing(self) -> bool:
        """Whether a filter other than status and region is set: only those need the filtered
        queryset inside the board's statement (status and region narrow its index walk)."""
        return self.is_valid() and any(
            value not in (None, "")
            for name, value in self.form.cleaned_data.items()
            if name not in ("status", "region")
        )


class WaitingListFilters(ReferralFilters):
    """The waiting list: every row waits, so there is no status to choose."""

    status = None


class PlacementListFilters(ReferralFilters):
    """The placements: their own status; the other fields through the placed referral. For a
    provider neither region nor age band (ReferralFilters drops them by role)."""

    path = "referral__"

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Placement.Status.choices,
        empty_label=_("alle"),
        method="filter_status",
    )

    # "Onder druk": an active placement with an open PlacementRisk (the flag of the list).
    at_risk = django_filters.ChoiceFilter(
        label=_("Onder druk"),
        choices=[("yes", _("ja, plaatsing onder druk")), ("no", _("nee"))],
        empty_label=_("alle"),
        method="filter_at_risk",
    )

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(status=value)

    def filter_at_risk(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        open_risk = Exists(
            PlacementRisk.objects.filter(placement=OuterRef("pk"), closed_at__isnull=True)
        )
        at_risk = Q(open_risk, status=Placement.Status.ACTIVE)
        return queryset.filter(at_risk) if value == "yes" else queryset.exclude(at_risk)

    class Meta:
        model = Placement
        fields: list[str] = []
        form = FilterForm
