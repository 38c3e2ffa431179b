"""`?sort=` on the provider's inbox and the placements list (whitelisted columns only)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from capacity.models import Location
from placement import services
from placement.templatetags.placement import board_items
from placement.views import BoardCard
from referrals.models import Referral
from tests.conftest import Cast, local_midday_days_ago

pytestmark = pytest.mark.django_db


def test_inbox_sorts_by_code_both_ways(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    codes = []
    for _ in range(3):
        referral = make_referral()
        services.offer_send(referral=referral, location=location_a, by=cast.coordinator)
        codes.append(referral.code)
    client = Client()
    client.force_login(cast.provider_a)
    html = client.get("/placement/voorstellen/?sort=code").content.decode()
    assert sorted(codes, key=html.index) == sorted(codes)
    assert 'aria-sort="ascending"' in html
    html = client.get("/placement/voorstellen/?sort=-code&toon=alle").content.decode()
    assert sorted(codes, key=html.index) == sorted(codes, reverse=True)
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize("sort", ["-start", "location", "end", "status", "code", "pk", "--x"])
def test_placements_accept_any_sort_and_fall_back(cast: Cast, sort: str) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    assert client.get(f"/placement/plaatsingen/?sort={sort}").status_code == 200


def test_waiting_list_sorts_longest_wait_first_and_by_code(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referrals = []
    for days in (3, 30, 10):
        referral = make_referral()
        services.referral_wait(
            referral=referral, interim_support="Thuisbegeleiding.", by=cast.coordinator
        )
        Referral.objects.filter(pk=referral.pk).update(
            status_changed_at=timezone.now() - timedelta(days=days)
        )
        referrals.append(referral)
    client = Client()
    client.force_login(cast.coordinator)
    html = client.get("/placement/wachtlijst/").content.decode()
    by_wait = [referrals[1].code, referrals[2].code, referrals[0].code]
    assert sorted(by_wait, key=html.index) == by_wait
    assert 'aria-sort="descending"' in html
    html = client.get("/placement/wachtlijst/?sort=waited").content.decode()
    assert sorted(by_wait, key=html.index) == by_wait[::-1]
    html = client.get("/placement/wachtlijst/?sort=-code").content.decode()
    codes = sorted((r.code for r in referrals), reverse=True)
    assert sorted(codes, key=html.index) == codes


def test_board_shows_the_oldest_cards_of_each_column_and_counts_the_rest(
    cast: Cast, make_referral: Callable[..., Referral], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("placement.views.BOARD_CARDS_PER_COLUMN", 2)
    waiting = []
    for days in (5, 40, 20):
        referral = make_referral(status=Referral.Status.WAITING)
        Referral.objects.filter(pk=referral.pk).update(
            status_changed_at=local_midday_days_ago(days)
        )
        waiting.append(referral)
    matching = make_referral(status=Referral.Status.MATCHING)
    client = Client()
    client.force_login(cast.coordinator)
    html = client.get("/placement/bord/").content.decode()
    oldest, older, newest = waiting[1].code, waiting[2].code, waiting[0].code
    assert oldest in html and older in html and newest not in html
    assert html.index(oldest) < html.index(older)
    assert matching.code in html
    assert f"{Referral.Status.WAITING.label} (3)" in html
    assert "De oudste 2 van 3" in html and "?status=waiting" in html
    # each card links to where its work is done and says how long it has been in its column
    assert (
        f'href="/placement/verzoeken/{waiting[1].pk}/matching/">{oldest}</a> '
        '<span class="rop-card__days">— 40 dagen</span>'
    ) in html
    submitted = make_referral(status=Referral.Status.SUBMITTED)
    Referral.objects.filter(pk=submitted.pk).update(status_changed_at=local_midday_days_ago(1))
    html = client.get("/placement/bord/").content.decode()
    assert (
        f'href="/referrals/{submitted.pk}/">{submitted.code}</a> '
        '<span class="rop-card__days">— 1 dag</span>'
    ) in html


def test_the_board_takes_the_same_queries_for_few_and_many_referrals(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(cast.coordinator)
    make_referral(status=Referral.Status.WAITING)
    client.get("/placement/bord/")  # session and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get("/placement/bord/")
    for status in (Referral.Status.WAITING, Referral.Status.MATCHING, Referral.Status.SUBMITTED):
        for _ in range(3):
            make_referral(status=status)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/placement/bord/").content.decode()
    assert f"{Referral.Status.WAITING.label} (4)" in html
    assert len(many.captured_queries) == len(few.captured_queries)
    board_queries = [q for q in many.captured_queries if "referrals_referral" in q["sql"]]
    assert len(board_queries) == 1  # cards and column counts together


def test_board_items_escape_every_value_of_a_card() -> None:
    card = BoardCard(code="<script>x</script>", href='/r/1/"onclick="x', days="3 dagen & meer")
    assert board_items([card]) == (
        '<li class="rop-card"><a class="utrecht-link" href="/r/1/&quot;onclick=&quot;x">'
        '&lt;script&gt;x&lt;/script&gt;</a> <span class="rop-card__days">— 3 dagen &amp; meer'
        "</span></li>"
    )
    detailed = BoardCard(
        code="A",
        href="/r/2/",
        days="1 dag",
        facts="<b>15</b>",
        deadline="<i>vóór</i>",
        flags=("<u>18+</u>", "<s>druk</s>"),
        warnings=("<s>druk</s>",),
    )
    html = board_items([detailed])
    for raw in ("<b>", "<i>", "<u>", "<s>"):
        assert raw not in html
    assert '<span class="rop-flag rop-flag--warning">&lt;s&gt;druk&lt;/s&gt;</span>' in html
    assert '<span class="rop-flag">&lt;u&gt;18+&lt;/u&gt;</span>' in html
    assert board_items([]) == ""
