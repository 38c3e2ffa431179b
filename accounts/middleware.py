"""Anonymous users reach nothing but sign-in, /healthz and static files; sessions are renewed
by use."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required default, except for the API, which answers 401 itself."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionRenewalMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) renewed by use, at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) wrote it to Redis and
    sent a new cookie with every page; now a request marks its session modified only when the
    last renewal is `SESSION_RENEW_SECONDS` old, so a session ends between 29 and 30 minutes
    after its last request. Requests without a session cookie (the API) never load one; sessions
    without a signed-in user are not kept alive.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or SESSION_KEY not in session:
            return response  # no session cookie, or no signed-in user (any more)
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response
