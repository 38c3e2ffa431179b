"""The agenda (issue 20 point 6): the coming deadlines of a user's work, from their scope.

`agenda_for` is the one place both the page and the iCalendar feed read from. It returns
typed items, one query per kind whatever the number of rows:

- coordinator: open offers' reply deadlines of its regions, VAs that expire, planned
  placement starts, youths turning 18 (page only, never in the feed) and locations whose
  capacity is due for confirmation;
- provider: its open offers' deadlines, its planned starts, its locations to confirm;
- referrer: its organisation's VAs that expire, planned starts and questions to answer.
Everyone else: nothing.

An item carries a referral's code or a location's name, never who the youth is. Something
already due (an overdue confirmation, an unanswered question, an expired VA) is shown on the
first day, marked overdue.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, TextChoices
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.selectors import regions_for_user
from capacity.models import Location
from capacity.selectors import stale_days
from placement.models import Offer, Placement
from referrals.models import Referral
from referrals.selectors import referrals_for_user

# How far ahead the page (and the feed) look.
AGENDA_WEEKS = 8
# The VA only matters until the youth is placed: it is checked when a request is submitted,
# and the matching works from it.
VA_RELEVANT_STATUSES = (
    Referral.Status.DRAFT,
    Referral.Status.SUBMITTED,
    Referral.Status.NEEDS_INFO,
    Referral.Status.MATCHING,
    Referral.Status.OFFERED,
    Referral.Status.WAITING,
)


class Kind(TextChoices):
    OFFER_DEADLINE = "offer_deadline", _("Reactietermijn aanbod")
    VA_EXPIRES = "va_expires", _("VA verloopt")
    PLACEMENT_START = "placement_start", _("Geplande start")
    TURNS_18 = "turns_18", _("Wordt 18")
    CAPACITY_CONFIRM = "capacity_confirm", _("Capaciteit bevestigen")
    QUESTION_OPEN = "question_open", _("Vraag beantwoorden")


# Kinds that never go into the calendar feed: the day a youth turns 18 is its birthday.
PAGE_ONLY_KINDS = frozenset({Kind.TURNS_18})


@dataclass(frozen=True)
class AgendaItem:
    kind: Kind
    date: date
    code: str  # a referral's code, or a location's name
    url: str  # the page to act on it
    uid: str  # stable over time, for the feed ("offer_deadline-12")
    at: datetime | None = None  # the moment, when the item has one (an offer's deadline)
    overdue: bool = False

    @property
    def label(self) -> str:
        """'Reactietermijn aanbod ROP-2026-0012': the kind in Dutch and the code."""
        return f"{self.kind.label} {self.code}"

    @property
    def in_feed(self) -> bool:
        return self.kind not in PAGE_ONLY_KINDS


def default_window(today: date | None = None) -> tuple[date, date]:
    start = today or timezone.localdate()
    return start, start + timedelta(weeks=AGENDA_WEEKS) - timedelta(days=1)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _item(
    kind: Kind, due: date, start: date, code: str, url: str, pk: int, at: datetime | None = None
) -> AgendaItem:
    overdue = due < start
    return AgendaItem(
        kind=kind,
        date=start if overdue else due,
        code=code,
        url=url,
        uid=f"{kind.value}-{pk}",
        at=None if overdue else at,
        overdue=overdue,
    )


def _eighteenth_birthday(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # 29 February
        return date(birth_date.year + 18, 3, 1)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _offer_deadlines(offers: object, start: date, end: date, *, provider: bool) -> list[AgendaItem]:
    items = []
    rows = (
        offers.filter(status=Offer.Status.OPEN, deadline__lt=_day_start(end + timedelta(days=1)))  # type: ignore[attr-defined]
        .order_by()
        .values_list("pk", "deadline", "referral_id", "referral__code")
    )
    for pk, deadline, referral_id, code in rows:
        url = (
            reverse("placement:offer-detail", args=[pk])
            if provider
            else reverse("referrals:detail", args=[referral_id])
        )
        local = timezone.localtime(deadline)
        items.append(_item(Kind.OFFER_DEADLINE, local.date(), start, code, url, pk, at=deadline))
    return items


def _va_expiries(referrals: object, start: date, end: date) -> list[AgendaItem]:
    # The VA may be at most VA_MAX_AGE_DAYS old (referrals.services): it expires the day after.
    max_age = timedelta(days=settings.VA_MAX_AGE_DAYS + 1)
    rows = (
        referrals.filter(  # type: ignore[attr-defined]
            status__in=VA_RELEVANT_STATUSES,
            current_analysis__completed_on__lte=end - max_age,
        )
        .order_by()
        .values_list("pk", "code", "current_analysis__completed_on")
    )
    return [
        _item(
            Kind.VA_EXPIRES,
            completed_on + max_age,
            start,
            code,
            reverse("referrals:detail", args=[pk]),
            pk,
        )
        for pk, code, completed_on in rows
    ]


def _placement_starts(
    placements: object, start: date, end: date, *, to_referral: bool
) -> list[AgendaItem]:
    rows = (
        placements.filter(  # type: ignore[attr-defined]
            status=Placement.Status.PLANNED, start_date__gte=start, start_date__lte=end
        )
        .order_by()
        .values_list("pk", "start_date", "referral_id", "referral__code")
    )
    return [
        _item(
            Kind.PLACEMENT_START,
            start_date,
            start,
            code,
            reverse("referrals:detail", args=[referral_id])
            if to_referral
            else reverse("placement:placement-detail", args=[pk]),
            pk,
        )
        for pk, start_date, referral_id, code in rows
    ]


def _capacity_to_confirm(locations: object, start: date, end: date, url: str) -> list[AgendaItem]:
    days = timedelta(days=stale_days())
    rows = (
        locations.filter(is_active=True)  # type: ignore[attr-defined]
        .filter(
            Q(last_confirmed_at__isnull=True)
            | Q(last_confirmed_at__lt=_day_start(end + timedelta(days=1)) - days)
        )
        .order_by()
        .values_list("pk", "name", "last_confirmed_at")
        .distinct()
    )
    return [
        _item(
            Kind.CAPACITY_CONFIRM,
            # Never confirmed: due since always.
            timezone.localtime(confirmed + days).date() if confirmed else date.min,
            start,
            name,
            url,
            pk,
        )
        for pk, name, confirmed in rows
    ]


def _turning_18(referrals: object, start: date, end: date) -> list[AgendaItem]:
    # Birth dates whose 18th birthday falls in the window, with a margin for 29 February
    # (its 18th birthday is 1 March); the exact check is below.
    rows = (
        referrals.filter(  # type: ignore[attr-defined]
            status__in=Referral.OPEN_STATUSES,
            youth__birth_date__gte=_years_before(start, 18) - timedelta(days=2),
            youth__birth_date__lte=_years_before(end, 18) + timedelta(days=2),
        )
        .order_by()
        .values_list("pk", "code", "youth__birth_date")
    )
    items = []
    for pk, code, birth_date in rows:
        birthday = _eighteenth_birthday(birth_date)
        if start <= birthday <= end:
            url = reverse("referrals:detail", args=[pk])
            items.append(_item(Kind.TURNS_18, birthday, start, code, url, pk))
    return items


def _questions_open(referrals: object, start: date) -> list[AgendaItem]:
    rows = (
        referrals.filter(status=Referral.Status.NEEDS_INFO)  # type: ignore[attr-defined]
        .order_by()
        .values_list("pk", "code", "info_requested_at")
    )
    return [
        _item(
            Kind.QUESTION_OPEN,
            timezone.localtime(asked).date() if asked else start,
            start,
            code,
            reverse("referrals:detail", args=[pk]),
            pk,
        )
        for pk, code, asked in rows
    ]


def agenda_for(*, user: User, start: date, end: date) -> list[AgendaItem]:
    """The user's agenda from `start` to `end` (inclusive), by date, kind and code."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return []
    items: list[AgendaItem] = []
    if user.role == Role.COORDINATOR:
        regions = regions_for_user(user=user)
        referrals = referrals_for_user(user=user)
        items += _offer_deadlines(
            Offer.objects.filter(referral__region__in=regions), start, end, provider=False
        )
        items += _va_expiries(referrals, start, end)
        items += _placement_starts(
            Placement.objects.filter(referral__region__in=regions), start, end, to_referral=False
        )
        items += _turning_18(referrals, start, end)
        items += _capacity_to_confirm(
            Location.objects.filter(regions__in=regions), start, end, reverse("capacity:overview")
        )
    elif user.role == Role.PROVIDER:
        org = user.organisation_id
        items += _offer_deadlines(Offer.objects.filter(provider_id=org), start, end, provider=True)
        items += _placement_starts(
            Placement.objects.filter(provider_id=org), start, end, to_referral=False
        )
        items += _capacity_to_confirm(
            Location.objects.filter(provider_id=org),
            start,
            end,
            reverse("capacity:my-locations"),
        )
    elif user.role == Role.REFERRER:
        referrals = referrals_for_user(user=user)
        items += _va_expiries(referrals, start, end)
        items += _placement_starts(
            Placement.objects.filter(referral__organisation_id=user.organisation_id),
            start,
            end,
            to_referral=True,
        )
        items += _questions_open(referrals, start)
    kinds = list(Kind)
    items.sort(key=lambda item: (item.date, kinds.index(item.kind), item.code, item.uid))
    return items


@dataclass(frozen=True)
class AgendaWeek:
    monday: date
    items: list[AgendaItem]


def by_week(items: list[AgendaItem]) -> list[AgendaWeek]:
    """Items grouped by ISO week (Monday first), in order; weeks without items are left out."""
    weeks: list[AgendaWeek] = []
    for item in items:
        monday = item.date - timedelta(days=item.date.weekday())
        if not weeks or weeks[-1].monday != monday:
            weeks.append(AgendaWeek(monday=monday, items=[]))
        weeks[-1].items.append(item)
    return weeks
