"""The one date vocabulary: `day`, `day_short`, `moment`, `clock`, `ago`, `time_left`,
`duration` — Dutch month names, Europe/Amsterdam time, singular and plural."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from accounts.models import Notification
from config import dates
from tests.conftest import Cast

NOW = datetime(2026, 12, 8, 13, 47, tzinfo=UTC)  # 14:47 in Amsterdam (CET, UTC+1)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_day_moment_and_clock_in_dutch_and_amsterdam_time() -> None:
    assert dates.day(date(2026, 12, 8)) == "8 december 2026"
    assert dates.day(NOW) == "8 december 2026"
    assert dates.moment(NOW) == "8 december 2026, 14:47"
    assert dates.clock(NOW) == "14:47"
    assert dates.day(date(2026, 3, 1)) == "1 maart 2026"
    assert dates.moment(date(2026, 12, 8)) == "8 december 2026"


def test_midnight_utc_is_already_the_next_day_in_amsterdam() -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Amsterdam
    assert dates.day(late) == "1 januari 2027"
    assert dates.moment(late) == "1 januari 2027, 00:30"
    summer = datetime(2026, 6, 30, 22, 15, tzinfo=UTC)  # CEST, UTC+2
    assert dates.moment(summer) == "1 juli 2026, 00:15"


def test_the_clock_follows_the_dst_change() -> None:
    # Summer time ends on 25 October 2026 at 03:00 CEST (01:00 UTC): 02:30 happens twice.
    assert dates.clock(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "02:30"
    assert dates.clock(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "02:30"
    assert dates.clock(datetime(2026, 10, 25, 2, 30, tzinfo=UTC)) == "03:30"
    # It starts on 29 March 2026 at 02:00 CET: 01:30 UTC is 03:30.
    assert dates.clock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == "01:30"
    assert dates.clock(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == "03:30"


@pytest.mark.usefixtures("now")
def test_day_short_adds_the_year_only_for_another_year() -> None:
    assert dates.day_short(date(2026, 12, 8)) == "8 dec."
    assert dates.day_short(date(2025, 12, 8)) == "8 dec. 2025"
    assert dates.day_short(date(2026, 5, 8)) == "8 mei"  # no abbreviation, no dot
    assert dates.day_short(date(2026, 3, 8)) == "8 mrt."
    # 31 December 23:30 UTC is 1 January in Amsterdam: another year.
    assert dates.day_short(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "1 jan."


@pytest.mark.usefixtures("now")
def test_ago_counts_calendar_days_in_amsterdam_singular_and_plural() -> None:
    assert dates.ago(NOW) == "vandaag"
    assert dates.ago(NOW - timedelta(days=1)) == "gisteren"
    assert dates.ago(NOW - timedelta(days=3)) == "3 dagen geleden"
    assert dates.ago(NOW + timedelta(days=1)) == "morgen"
    assert dates.ago(NOW + timedelta(days=2)) == "over 2 dagen"
    assert dates.ago(date(2026, 12, 6)) == "2 dagen geleden"
    # 23:30 UTC on 7 December is 00:30 on the 8th in Amsterdam: today, not yesterday.
    assert dates.ago(datetime(2026, 12, 7, 23, 30, tzinfo=UTC)) == "vandaag"
    assert dates.ago(datetime(2026, 12, 7, 22, 30, tzinfo=UTC)) == "gisteren"


@pytest.mark.usefixtures("now")
def test_time_left_and_duration_singular_and_plural() -> None:
    assert dates.time_left(NOW + timedelta(days=1, hours=2)) == "nog 1 dag"
    assert dates.time_left(NOW + timedelta(days=3, hours=2)) == "nog 3 dagen"
    assert dates.time_left(NOW + timedelta(hours=5)) == "nog 5 uur"
    assert dates.time_left(NOW - timedelta(minutes=1)) == "verlopen"
    assert dates.duration(NOW, NOW + timedelta(days=1)) == "1 dag"
    assert dates.duration(NOW, NOW + timedelta(days=2, hours=3)) == "2 dagen"
    assert dates.duration(NOW, NOW + timedelta(hours=5)) == "5 uur"
    assert dates.duration(NOW, NOW + timedelta(seconds=61)) == "1 minuut"
    assert dates.duration(NOW, NOW + timedelta(minutes=12)) == "12 minuten"


@pytest.mark.usefixtures("now")
def test_the_filters_need_no_load_and_the_old_placement_name_still_works() -> None:
    source = "{{ d|day }}|{{ d|day_short }}|{{ m|moment }}|{{ m|clock }}|{{ m|ago }}|{{ n|day }}"
    assert render(source, d=date(2026, 12, 8), m=NOW, n=None) == (
        "8 december 2026|8 dec.|8 december 2026, 14:47|14:47|vandaag|"
    )
    assert render("{% load dates %}{{ d|day }}", d=date(2026, 12, 8)) == "8 december 2026"
    left = NOW + timedelta(days=2, hours=1)
    assert render("{% load placement %}{{ d|time_left }}", d=left) == "nog 2 dagen"
    assert render("{{ d|default_if_none:'—' }}{{ n|day|default:'—' }}", d=None, n=None) == "——"


def test_the_notifications_page_shows_the_dutch_date(client: Client, cast: Cast) -> None:
    Notification.objects.create(
        recipient=cast.coordinator, kind="test", message="Hallo", created_at=NOW
    )
    client.force_login(cast.coordinator)
    response = client.get("/meldingen/")
    assert response.status_code == 200
    assert "8 december 2026, 14:47" in response.content.decode()
