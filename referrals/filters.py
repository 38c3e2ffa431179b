"""Filters of the overview lists (intake, referrals, board, waiting list, placements), in the
address: status, care form, region, age band, urgency and days in the current status.

The shared fields live once in `ReferralFilters`; a list of placements filters through its
referral (`path = "referral__"`). Invalid values make the filter set invalid: the page then
shows the Dutch field errors with status 400 and no rows, never a 500.
"""

from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Func, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role, User
from accounts.selectors import regions_for_user
from config.codes import CareForm
from referrals.models import Referral

# Age at the requested start (today when none is asked for), as `analyses` bands it.
AGE_BANDS = {"0-11": (0, 11), "12-15": (12, 15), "16-17": (16, 17), "18+": (18, None)}
AGE_BAND_CHOICES = [(band, band.replace("-", "–")) for band in AGE_BANDS]
# Roles that may see the identity of what they list; filtering by age reveals birth-date
# ranges, so only these get the age band.
AGE_BAND_ROLES = (Role.COORDINATOR, Role.REFERRER)


def urgency_choices() -> list[tuple[str, str]] | None:
    """`Referral.urgency`'s choices, or None while the model has no such field (the field is
    added by the crisis work; the filter appears as soon as it exists)."""
    try:
        field = Referral._meta.get_field("urgency")
    except Exception:  # FieldDoesNotExist
        return None
    return [(str(value), str(label)) for value, label in field.choices or []]


URGENCY_CHOICES = urgency_choices()


class AgeAt(Func):
    """Whole years between two dates: PostgreSQL's age() as `referrals.models.age_on` counts."""

    template = "date_part('year', age(%(expressions)s))::int"
    output_field = IntegerField()


def _attributes(attrs: dict[str, Any]) -> str:
    return "".join(
        f' {escape(name)}="{escape(str(value))}"' if value is not True else f" {escape(name)}"
        for name, value in attrs.items()
        if value is not None and value is not False
    )


class PlainSelect(forms.Select):
    """A select written out in Python: Django's template-rendered select took most of the
    board's filter bar (six fields on a page measured against the `board_p95` bar).
    Every name, value and label is escaped here, as Django's widget template does."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) == chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        built = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{_attributes(built)}>{options}</select>")  # noqa: S308


class PlainNumberInput(forms.NumberInput):
    """The number field, written out in Python like `PlainSelect`."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        built = self.build_attrs(self.attrs, {**(attrs or {}), "name": name, "type": "number"})
        if value not in (None, ""):
            built["value"] = value
        return mark_safe(f"<input{_attributes(built)}>")  # noqa: S308


class FilterForm(forms.Form):
    """The filter bar's form: the NL Design System classes on every widget, and no
    "(niet verplicht)" marks (`field_mark`: a filter is never required)."""

    submit_required: frozenset[str] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget = PlainSelect(
                    attrs={"class": "utrecht-select utrecht-select--html-select"},
                    choices=field.widget.choices,
                )
            else:
                field.widget = PlainNumberInput(
                    attrs={
                        "class": "utrecht-textbox utrecht-textbox--html-input",
                        "inputmode": "numeric",
                        **field.widget.attrs,
                    }
                )


class DaysFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ReferralFilters(django_filters.FilterSet):
    """The shared filters. `path` leads from the listed model to its referral."""

    path = ""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Referral.Status.choices,
        empty_label=_("alle"),
        method="filter_status",
    )
    care_form = django_filters.ChoiceFilter(
        label=_("Zorgvorm"),
        choices=CareForm.choices,
        empty_label=_("alle"),
        method="filter_care_form",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Regio"),
        queryset=Region.objects.none(),
        empty_label=_("alle"),
        method="filter_region",
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Leeftijd bij start"),
        choices=AGE_BAND_CHOICES,
        empty_label=_("alle"),
        method="filter_age_band",
    )
    days = DaysFilter(
        label=_("Minimaal dagen in deze status"),
        min_value=0,
        max_value=3650,
        method="filter_days",
    )

    # Declared only when the model has the field (checked once, at import).
    if URGENCY_CHOICES:
        urgency = django_filters.ChoiceFilter(
            label=_("Urgentie"),
            choices=URGENCY_CHOICES,
            empty_label=_("alle"),
            method="filter_urgency",
        )

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        regions = regions_for_user(user=user).order_by("name")
        if user.role == Role.COORDINATOR:
            self.filters["region"].queryset = regions
        else:
            del self.filters["region"]
        if user.role not in AGE_BAND_ROLES:
            del self.filters["age_band"]

    # The first value of a list's `status` choices is its own model's (placement: Placement).
    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(status=value)

    def filter_care_form(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Any care form the analysis asks for, not only the first choice.
        return queryset.filter(
            **{f"{self.path}current_analysis__needed_care_forms__contains": [value]}
        )

    def filter_region(self, queryset: QuerySet[Any], name: str, value: Region) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.path}region": value})

    def filter_age_band(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        low, high = AGE_BANDS[value]
        start = Coalesce(F(f"{self.path}requested_start"), Value(timezone.localdate()))
        queryset = queryset.alias(_age=AgeAt(start, F(f"{self.path}youth__birth_date")))
        queryset = queryset.filter(_age__gte=low)
        return queryset if high is None else queryset.filter(_age__lte=high)

    def filter_days(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        # Calendar days, as the lists show them: changed on or before the day N days ago.
        today = timezone.localdate()
        since = timezone.make_aware(datetime.combine(today - timedelta(days=value - 1), time.min))
        return queryset.filter(**{f"{self.path}status_changed_at__lt": since})

    def filter_urgency(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.path}urgency": value})

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (valid and not empty)."""
        return self.is_valid() and any(
            value not in (None, "") for value in self.form.cleaned_data.values()
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as they stand in the address, for links that keep them (pagination)."""
        if self.data is None:
            return []
        return [(name, str(self.data.get(name))) for name in self.filters if self.data.get(name)]

    class Meta:
        model = Referral
        fields: list[str] = []
        form = FilterForm


class ReferralListFilters(ReferralFilters):
    """The referral list and the intake of the coordinator."""


def filtered_rows(filters: ReferralFilters) -> tuple[QuerySet[Any], int]:
    """The filtered rows and the page's status: no rows and 400 when a value is invalid (the
    form shows which field and why)."""
    if not filters.is_valid():
        return filters.queryset.none(), 400
    return filters.qs, 200
