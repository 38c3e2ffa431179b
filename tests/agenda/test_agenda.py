"""The agenda (issue 20 point 6): each role's coming deadlines from its own scope, grouped by
week, in a fixed number of queries; the secret iCalendar feed holds codes, never identities."""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from accounts.models import AuditEntry, User
from agenda.models import CalendarFeed
from agenda.selectors import agenda_for, by_week, default_window
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.placement.conftest import CANARY, CANARY_STRINGS

pytestmark = pytest.mark.django_db

MakeReferral = Callable[..., Referral]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def offer(
    cast: Cast, referral: Referral, location: Location, days: int = 3, **fields: Any
) -> Offer:
    deadline = timezone.make_aware(datetime.combine(in_days(days), time(17)))
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        care_form=location.care_form,
        sent_by=cast.coordinator,
        deadline=deadline,
        **fields,
    )


def planned(cast: Cast, referral: Referral, location: Location, days: int) -> Placement:
    accepted = offer(cast, referral, location, status=Offer.Status.ACCEPTED)
    return Placement.objects.create(
        referral=referral,
        offer=accepted,
        location=location,
        provider=location.provider,
        created_by=cast.coordinator,
        start_date=in_days(days),
    )


def expiring_va(referral: Referral, days: int) -> None:
    """The referral's VA expires in `days` days."""
    analysis = referral.current_analysis
    assert analysis is not None
    analysis.completed_on = in_days(days) - timedelta(days=settings.VA_MAX_AGE_DAYS + 1)
    analysis.save(update_fields=["completed_on"])


def items(user: User) -> list[tuple[str, str, date]]:
    start, end = default_window()
    return [(i.kind.value, i.code, i.date) for i in agenda_for(user=user, start=start, end=end)]


@pytest.fixture
def world(cast: Cast, make_referral: MakeReferral, location_a: Location) -> dict[str, Any]:
    """One of everything, in the region of the cast."""
    with_offer = make_referral(status=Referral.Status.OFFERED)
    offer(cast, with_offer, location_a, days=3)
    to_place = make_referral(status=Referral.Status.ACCEPTED)
    planned(cast, to_place, location_a, days=10)
    old_va = make_referral()
    expiring_va(old_va, 20)
    turning = make_referral(birth_date=in_days(30).replace(year=in_days(30).year - 18))
    asked = make_referral(status=Referral.Status.NEEDS_INFO)
    Referral.objects.filter(pk=asked.pk).update(info_requested_at=timezone.now())
    location_a.last_confirmed_at = timezone.now() - timedelta(days=settings.CAPACITY_STALE_DAYS - 2)
    location_a.save(update_fields=["last_confirmed_at"])
    return {
        "offer": with_offer,
        "planned": to_place,
        "va": old_va,
        "turning": turning,
        "asked": asked,
        "location": location_a,
    }


def test_the_coordinator_sees_the_deadlines_of_its_region(cast: Cast, world: dict) -> None:
    got = items(cast.coordinator)
    assert ("offer_deadline", world["offer"].code, in_days(3)) in got
    assert ("placement_start", world["planned"].code, in_days(10)) in got
    assert ("va_expires", world["va"].code, in_days(20)) in got
    assert ("turns_18", world["turning"].code, in_days(30)) in got
    assert ("capacity_confirm", "Groep A", in_days(2)) in got
    assert [d for _k, _c, d in got] == sorted(d for _k, _c, d in got)


def test_the_provider_sees_its_own_offers_starts_and_locations(
    cast: Cast, world: dict, make_referral: MakeReferral, location_b: Location
) -> None:
    other = make_referral(status=Referral.Status.OFFERED)
    offer(cast, other, location_b, days=4)
    got = items(cast.provider_a)
    kinds = {(k, c) for k, c, _d in got}
    assert ("offer_deadline", world["offer"].code) in kinds
    assert ("placement_start", world["planned"].code) in kinds
    assert ("capacity_confirm", "Groep A") in kinds
    assert ("offer_deadline", other.code) not in kinds
    assert not {k for k, _c in kinds} & {"turns_18", "va_expires", "question_open"}
    assert ("offer_deadline", other.code) in {(k, c) for k, c, _d in items(cast.provider_b)}


def test_the_referrer_sees_its_own_requests(cast: Cast, world: dict) -> None:
    got = {(k, c) for k, c, _d in items(cast.referrer)}
    assert ("va_expires", world["va"].code) in got
    assert ("placement_start", world["planned"].code) in got
    assert ("question_open", world["asked"].code) in got
    assert not {k for k, _c in got} & {"turns_18", "offer_deadline", "capacity_confirm"}
    # Another organisation's referrer, in another region: nothing.
    assert items(cast.referrer2) == []


def test_others_have_no_agenda(cast: Cast, world: dict) -> None:
    assert items(cast.analyst) == []
    assert items(cast.admin) == []
    for user in (cast.analyst, cast.admin):
        assert signed_in(user).get("/agenda/").status_code == 404
        assert signed_in(user).post("/agenda/koppeling/").status_code == 404
    assert not CalendarFeed.objects.exists()


def test_overdue_items_come_first_and_far_ones_are_left_out(
    cast: Cast, make_referral: MakeReferral, location_a: Location
) -> None:
    location_a.last_confirmed_at = None
    location_a.save(update_fields=["last_confirmed_at"])
    far = make_referral(status=Referral.Status.OFFERED)
    offer(cast, far, location_a, days=7 * 8 + 1)
    expired = make_referral()
    expiring_va(expired, -5)
    got = agenda_for(user=cast.coordinator, start=timezone.localdate(), end=in_days(55))
    shown = {(i.kind.value, i.code): i for i in got}
    assert ("offer_deadline", far.code) not in shown
    assert shown[("va_expires", expired.code)].overdue
    assert shown[("va_expires", expired.code)].date == timezone.localdate()
    assert shown[("capacity_confirm", "Groep A")].overdue


def test_a_placed_youths_va_no_longer_expires(cast: Cast, make_referral: MakeReferral) -> None:
    placed = make_referral(status=Referral.Status.PLACED)
    expiring_va(placed, 10)
    assert ("va_expires", placed.code) not in {(k, c) for k, c, _d in items(cast.coordinator)}


def test_by_week_groups_from_monday(cast: Cast, world: dict) -> None:
    start, end = default_window()
    weeks = by_week(agenda_for(user=cast.coordinator, start=start, end=end))
    assert all(week.monday.weekday() == 0 for week in weeks)
    assert all(
        week.monday <= item.date < week.monday + timedelta(days=7)
        for week in weeks
        for item in week.items
    )


def test_the_page_groups_by_week_without_the_birth_date(cast: Cast, world: dict) -> None:
    response = signed_in(cast.coordinator).get("/agenda/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="agenda-week"' in html
    assert world["offer"].code in html
    assert "Reactietermijn aanbod" in html
    assert "Wordt 18" in html
    for canary in CANARY_STRINGS:
        assert canary not in html
    birthday = in_days(30)
    from config.dates import day_short

    row = re.search(r'data-kind="turns_18">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    assert day_short(birthday) not in row.group(1)


def test_the_empty_agenda_says_so(cast: Cast) -> None:
    html = signed_in(cast.referrer).get("/agenda/").content.decode()
    assert 'data-testid="agenda-empty"' in html


@pytest.mark.parametrize("who", ["coordinator", "referrer", "provider_a"])
def test_the_menu_has_the_agenda(cast: Cast, who: str) -> None:
    html = signed_in(cast.all_users()[who]).get("/").content.decode()
    assert 'href="/agenda/"' in html


def test_the_analyst_menu_has_no_agenda(cast: Cast) -> None:
    assert 'href="/agenda/"' not in signed_in(cast.analyst).get("/").content.decode()


def test_the_page_takes_a_fixed_number_of_queries(
    cast: Cast,
    make_referral: MakeReferral,
    location_a: Location,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(cast.coordinator)

    def grow() -> None:
        for days in (3, 4, 5):
            referral = make_referral(status=Referral.Status.OFFERED)
            location = LocationFactory(
                provider=cast.provider_a_org, regions=[cast.region], last_confirmed_at=None
            )
            offer(cast, referral, location, days=days)
            expiring_va(make_referral(), days + 10)
            make_referral(birth_date=in_days(days + 20).replace(year=in_days(days).year - 18))

    grow()
    with django_assert_max_num_queries(20) as few:
        assert client.get("/agenda/").status_code == 200
    grow()
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/agenda/").status_code == 200


# --- the feed --------------------------------------------------------------------------------


def make_link(user: User) -> str:
    response = signed_in(user).post("/agenda/koppeling/")
    assert response.status_code == 200
    match = re.search(
        r"(http://testserver/agenda/feed/[A-Za-z0-9_-]+\.ics)", response.content.decode()
    )
    assert match is not None
    return match.group(1).removeprefix("http://testserver")


def test_the_feed_holds_codes_and_never_identities(cast: Cast, world: dict) -> None:
    link = make_link(cast.coordinator)
    response = Client().get(link)  # no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store, private"
    body = response.content.decode()
    for canary in [*CANARY_STRINGS, "20120314", CANARY["birth_date"].isoformat()]:
        assert canary not in body
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    summaries = {str(e["SUMMARY"]) for e in events}
    assert f"Reactietermijn aanbod {world['offer'].code}" in summaries
    assert f"Geplande start {world['planned'].code}" in summaries
    assert f"VA verloopt {world['va'].code}" in summaries
    # A youth's 18th birthday is its birth date: never in the feed.
    assert world["turning"].code not in body
    assert "Wordt 18" not in body
    for event in events:
        assert event["UID"] and event["DTSTAMP"] and event["URL"]
        assert str(event["URL"]).startswith("http://testserver/")
    deadline = next(e for e in events if "Reactietermijn" in str(e["SUMMARY"]))
    assert isinstance(deadline.decoded("DTSTART"), datetime)  # timed
    start = next(e for e in events if "Geplande start" in str(e["SUMMARY"]))
    assert not isinstance(start.decoded("DTSTART"), datetime)  # all day
    # Only the hash is kept.
    secret = link.removeprefix("/agenda/feed/").removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=secret).exists()
    assert AuditEntry.objects.filter(action="calendar_feed.create", user=cast.coordinator).exists()


def test_the_link_is_shown_once(cast: Cast) -> None:
    link = make_link(cast.provider_a)
    html = signed_in(cast.provider_a).get("/agenda/").content.decode()
    assert link not in html
    assert 'data-testid="feed-active"' in html


def test_unknown_and_revoked_links_are_404(cast: Cast, world: dict) -> None:
    assert Client().get("/agenda/feed/onbekend.ics").status_code == 404
    link = make_link(cast.referrer)
    client = signed_in(cast.referrer)
    # GET asks to confirm and changes nothing.
    page = client.get("/agenda/koppeling/intrekken/")
    assert page.status_code == 200
    assert "Ja, intrekken" in page.content.decode()
    assert Client().get(link).status_code == 200
    assert client.post("/agenda/koppeling/intrekken/").status_code == 302
    assert Client().get(link).status_code == 404
    assert AuditEntry.objects.filter(action="calendar_feed.revoke", user=cast.referrer).exists()


def test_a_new_link_replaces_the_old(cast: Cast) -> None:
    first = make_link(cast.referrer)
    second = make_link(cast.referrer)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert CalendarFeed.objects.usable().filter(user=cast.referrer).count() == 1


def test_an_inactive_users_link_is_404(cast: Cast) -> None:
    link = make_link(cast.coordinator)
    User.objects.filter(pk=cast.coordinator.pk).update(is_active=False)
    assert Client().get(link).status_code == 404


def test_a_user_whose_role_has_no_agenda_gets_404(cast: Cast) -> None:
    link = make_link(cast.coordinator)
    User.objects.filter(pk=cast.coordinator.pk).update(role="analyst")
    assert Client().get(link).status_code == 404


def test_feed_pages_refuse_other_methods(cast: Cast) -> None:
    client = signed_in(cast.referrer)
    assert client.get("/agenda/koppeling/").status_code == 405
    assert Client().post("/agenda/feed/x.ics").status_code in (403, 405)
