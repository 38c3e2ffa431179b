"""The referral list: `?sort=` on whitelisted columns, `?status=` filter, paged intake; the
number of queries does not grow with the list."""

from typing import Any

import pytest
from django.test import Client

from referrals.models import Referral
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload

pytestmark = pytest.mark.django_db


def bsn(n: int) -> str:
    """The n-th valid BSN (eleven test) from 100000000 on: one open referral per youth."""
    found = 0
    for number in range(100_000_000, 200_000_000):
        digits = [int(c) for c in str(number)]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
        if (total - digits[8]) % 11 == 0:
            if found == n:
                return str(number)
            found += 1
    raise AssertionError


def youth(n: int) -> dict[str, Any]:
    return {**complete_payload()["youth"], "bsn": bsn(n)}


def codes_in(html: str, codes: list[str]) -> list[str]:
    return sorted(codes, key=html.index)


def test_referrer_sorts_by_code_both_ways(cast: Cast, make_referral: Any) -> None:
    codes = [make_referral().code for _ in range(3)]
    client = Client()
    client.force_login(cast.referrer)
    ascending = client.get("/referrals/?sort=code").content.decode()
    assert codes_in(ascending, codes) == sorted(codes)
    assert 'aria-sort="ascending"' in ascending
    descending = client.get("/referrals/?sort=-code").content.decode()
    assert codes_in(descending, codes) == sorted(codes, reverse=True)
    assert 'aria-sort="descending"' in descending


def test_unknown_sort_falls_back_to_the_default(cast: Cast, make_referral: Any) -> None:
    make_referral()
    client = Client()
    client.force_login(cast.referrer)
    assert client.get("/referrals/?sort=youth__bsn").status_code == 200
    assert client.get("/referrals/?sort=-").status_code == 200


def test_status_filter(cast: Cast, make_referral: Any) -> None:
    draft = make_referral(youth=youth(0))
    submitted = make_referral(submit=True, youth=youth(1))
    client = Client()
    client.force_login(cast.referrer)
    html = client.get(f"/referrals/?status={Referral.Status.SUBMITTED}").content.decode()
    assert submitted.code in html
    assert draft.code not in html
    # An unknown status is a Dutch error on the field and 400 (issue 20), no rows, no 500.
    response = client.get("/referrals/?status=nonsense")
    assert response.status_code == 400
    assert 'data-field="status"' in response.content.decode()
    assert draft.code not in response.content.decode()


def test_coordinator_intake_and_list_have_constant_queries(
    cast: Cast, make_referral: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    make_referral(submit=True, youth=youth(0))
    with django_assert_max_num_queries(14):
        assert client.get("/referrals/?sort=-start").status_code == 200
    for n in range(1, 6):
        make_referral(submit=True, youth=youth(n))
    with django_assert_max_num_queries(14):
        html = client.get("/referrals/?sort=-start").content.decode()
    assert "6 ingediende verzoeken wachten op intake" in html


def test_coordinator_list_holds_every_referral_in_progress_and_no_closed_one(
    cast: Cast, make_referral: Any
) -> None:
    statuses = [s for s in Referral.Status.values if s not in ("draft", "submitted")]
    made = {}
    for n, status in enumerate(statuses):
        referral = make_referral(submit=True, youth=youth(n))
        Referral.objects.filter(pk=referral.pk).update(status=status)
        made[status] = referral.code
    client = Client()
    client.force_login(cast.coordinator)
    html = client.get("/referrals/").content.decode()
    for status, code in made.items():
        assert (code in html) == (status != Referral.Status.CLOSED), status
    # and each in its own filter
    waiting = client.get("/referrals/?status=waiting").content.decode()
    assert made["waiting"] in waiting and made["placed"] not in waiting
