"""Anonymous users reach nothing but sign-in, /healthz and static files; sessions are renewed
by use; every refused attempt on a referral's URL is in its audit trail."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

from accounts.models import User
from accounts.services import audit_record, refusals_tracked


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
        if getattr(request, "session_renewal_skipped", False):
            return response  # the page script asking how long the session still runs
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


class RefusalAuditMiddleware:
    """A 403 or 404 on a URL of one referral is audited as a refused attempt on it.

    The selectors audit a refusal of scope themselves (`referral_for_user`); a role check
    before them (a page or endpoint that is not for the caller's role) refused without a
    trace, so an analyst's or a provider's attempt was missing from the referral's trail.
    This catches every refusal centrally, once: when the view already audited a refusal of
    that referral, nothing more is written. Placed after authentication; the API's token
    user is known here too, since DRF sets it on the request.
    """

    # URL keyword arguments that hold a referral's id; `pk` only in URLs of referrals.
    REFERRAL_KWARG = "referral_id"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with refusals_tracked() as recorded:
            response = self.get_response(request)
            if response.status_code in (403, 404):
                referral_id = self.referral_id(request)
                user = getattr(request, "user", None)
                if (
                    referral_id is not None
                    and referral_id not in recorded
                    and isinstance(user, User)
                    and user.is_authenticated
                ):
                    safe = request.method in ("GET", "HEAD", "OPTIONS")
                    audit_record(
                        user=user,
                        action="referral.read" if safe else "referral.update",
                        referral_id=referral_id,
                        allowed=False,
                    )
        return response

    @classmethod
    def referral_id(cls, request: HttpRequest) -> int | None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        raw = match.kwargs.get(cls.REFERRAL_KWARG)
        if raw is None and "pk" in match.kwargs:
            name = match.view_name or ""
            if name.startswith("referrals:") or name.startswith("api-referral"):
                raw = match.kwargs["pk"]
        if raw is None:
            return None
        try:
            # Out of bigint's range too: audit_record keeps such a probe under object_id.
            return int(str(raw))
        except ValueError:
            return None
