"""The end of an idle session: the page knows when, and a form sent after it is kept.

A form sent once the session had ended used to land on the sign-in page, its text lost.
"""

import json
import re
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.middleware import SessionRenewalMiddleware
from accounts.session_expiry import STASH_KEY
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

NEW = "/referrals/new/"
TYPED = {"given_name": "Zoë", "family_name": "Quirijnsdochter", "bsn": "111222333"}


def sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content


def end_session(client: Client) -> None:
    """What 30 idle minutes do: the server forgets the session; the browser keeps its cookies."""
    Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()


def restored(html: str) -> list[list[object]] | None:
    blob = r'<script id="rop-restored-form" type="application/json">(.*?)</script>'
    match = re.search(blob, html)
    return json.loads(match.group(1)) if match else None


def test_a_form_sent_after_the_session_ended_is_filled_in_again_after_signing_in(
    cast: Cast,
) -> None:
    client = Client()
    sign_in(client, "referrer")
    assert client.get(NEW).status_code == 200
    end_session(client)

    response = client.post(NEW, TYPED)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=/referrals/new/")
    assert Referral.objects.count() == 0
    login_page = client.get(response["Location"])
    assert "Uw sessie was verlopen" in login_page.content.decode()

    sign_in(client, "referrer")
    html = client.get(NEW).content.decode()
    assert dict((k, v) for k, v in restored(html) or []) == {k: [v] for k, v in TYPED.items()}
    assert "is teruggezet" in html
    assert restored(client.get(NEW).content.decode()) is None  # handed back once


def test_someone_else_signing_in_on_the_browser_gets_nothing(cast: Cast) -> None:
    client = Client()
    sign_in(client, "referrer")
    end_session(client)
    client.post(NEW, TYPED)

    sign_in(client, "referrer_colleague")
    html = client.get(NEW).content.decode()
    assert restored(html) is None
    assert "Quirijnsdochter" not in html
    assert STASH_KEY not in client.session


def test_without_an_earlier_sign_in_nothing_is_kept(cast: Cast) -> None:
    client = Client()
    response = client.post(NEW, TYPED)
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_a_forged_cross_site_post_keeps_nothing(cast: Cast) -> None:
    client = Client()
    sign_in(client, "referrer")
    end_session(client)
    client.handler.enforce_csrf_checks = True
    response = client.post(NEW, TYPED)  # no CSRF token: what another site can send
    assert response.status_code == 403
    assert not any(STASH_KEY in s.get_decoded() for s in Session.objects.all())


def test_passwords_and_the_csrf_token_are_never_kept(cast: Cast) -> None:
    client = Client()
    sign_in(client, "referrer")
    end_session(client)
    client.post(NEW, {**TYPED, "password": "geheim", "csrfmiddlewaretoken": "x"})
    stash = client.session[STASH_KEY]
    names = {name for name, _ in stash["fields"]}
    assert names == set(TYPED)


def test_the_page_says_when_the_session_ends_and_asking_does_not_renew_it(cast: Cast) -> None:
    client = Client()
    sign_in(client, "referrer")
    html = client.get(NEW).content.decode()
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in html

    session = client.session
    session[SessionRenewalMiddleware.KEY] = int(time.time()) - 1500
    session.save()
    left = client.get("/sessie/").json()["seconds_left"]
    assert settings.SESSION_COOKIE_AGE - 1500 - 2 <= left <= settings.SESSION_COOKIE_AGE - 1500
    assert client.session[SessionRenewalMiddleware.KEY] <= int(time.time()) - 1500  # not renewed

    assert client.post("/sessie/verlengen/").json()["seconds_left"] == settings.SESSION_COOKIE_AGE
    assert client.get("/sessie/").json()["seconds_left"] >= settings.SESSION_COOKIE_AGE - 2

    end_session(client)
    assert client.get("/sessie/").json() == {"seconds_left": 0}
