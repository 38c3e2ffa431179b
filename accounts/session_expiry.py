"""The end of an idle session: warned before, and what was typed kept after.

A session ends `SESSION_COOKIE_AGE` seconds after its last renewal (SessionRenewalMiddleware).
Every page tells its script when that is; five minutes before, the script asks the server
(without renewing) whether another tab kept the session alive, and otherwise offers to stay
signed in. A form sent after the end would land on the sign-in page and lose its text;
instead `ExpiredFormMiddleware` keeps the sent fields in the new, anonymous session, and once
the same person has signed in again the form's page is shown with those fields filled in.

Whose text it is: the session is gone, so the browser carries a signed cookie with the
account's id (`rop_account`, HttpOnly). The text is restored only to that account; anyone
else signing in on the browser gets nothing and the text is dropped. Passwords, the CSRF token
and files are never kept. The CSRF check runs before the middleware, so another site cannot
plant text in someone's form.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.middleware import SessionRenewalMiddleware

ACCOUNT_COOKIE = "rop_account"
ACCOUNT_COOKIE_SALT = "accounts.session_expiry"
ACCOUNT_COOKIE_MAX_AGE = 7 * 24 * 3600
STASH_KEY = "_expired_form"
STASH_MAX_BYTES = 64 * 1024  # the longest referral step is a few kB
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken", "password", "password1", "password2", "code"})
WARN_SECONDS = 300


def seconds_left(request: HttpRequest, *, renewing: bool = True) -> int:
    """Seconds until the session ends if nothing else happens (0 without a signed-in user).

    `renewing`: this request renews a session whose last renewal is a minute old (a page).
    """
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return 0
    age = settings.SESSION_COOKIE_AGE
    since = int(time.time()) - int(session.get(SessionRenewalMiddleware.KEY, 0))
    if renewing and since >= settings.SESSION_RENEW_SECONDS:
        return age
    return max(age - since, 0)


def _account_of_browser(request: HttpRequest) -> int | None:
    try:
        value = request.get_signed_cookie(
            ACCOUNT_COOKIE, salt=ACCOUNT_COOKIE_SALT, max_age=ACCOUNT_COOKIE_MAX_AGE
        )
        return int(value or "")
    except (KeyError, signing.BadSignature, ValueError):
        return None


def _sent_fields(request: HttpRequest) -> list[tuple[str, list[str]]] | None:
    fields = [
        (name, request.POST.getlist(name))
        for name in request.POST
        if name not in SKIPPED_FIELDS and "password" not in name
    ]
    if sum(len(n) + sum(len(v) for v in vs) for n, vs in fields) > STASH_MAX_BYTES:
        return None
    return fields


class ExpiredFormMiddleware:
    """Keeps a form sent after the session ended, and hands it back after signing in again.

    Sits after the CSRF and authentication middleware and before LoginRequiredMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _account_of_browser(request) != user.pk:
            response.set_signed_cookie(
                ACCOUNT_COOKIE,
                str(user.pk),
                salt=ACCOUNT_COOKIE_SALT,
                max_age=ACCOUNT_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        if request.user.is_authenticated:
            if request.method == "GET" and STASH_KEY in request.session:
                self._restore(request)
            return None
        if request.method != "POST" or not getattr(view_func, "login_required", True):
            return None  # a page anyone may post to (sign-in) answers itself
        account = _account_of_browser(request)
        fields = _sent_fields(request)
        if account is None or not fields:
            return None  # nobody signed in here before: LoginRequiredMiddleware redirects
        request.session[STASH_KEY] = {
            "path": request.path,
            "account": account,
            "fields": fields,
            "at": int(time.time()),
        }
        messages.warning(
            request,
            _(
                "Uw sessie was verlopen, daarom is het formulier niet opgeslagen. Meld u "
                "opnieuw aan: wat u had ingevuld staat daarna weer voor u klaar."
            ),
        )
        response = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response

    @staticmethod
    def _restore(request: HttpRequest) -> None:
        stash = request.session[STASH_KEY]
        stale = int(time.time()) - int(stash.get("at", 0)) > 2 * settings.SESSION_COOKIE_AGE
        if stash.get("account") != request.user.pk or stale:
            del request.session[STASH_KEY]  # someone else's text, or old: never shown
            return
        if stash.get("path") != request.path:
            return  # kept until the form's own page is opened
        del request.session[STASH_KEY]
        request.restored_form = stash["fields"]  # type: ignore[attr-defined]
        messages.info(
            request,
            _(
                "Wat u had ingevuld voordat uw sessie verliep is teruggezet. Controleer het en "
                "sla het op."
            ),
        )


def session_context(request: HttpRequest) -> dict[str, object]:
    """The page's session end (for its script) and a form to fill in again, if any."""
    return {
        "session_seconds_left": seconds_left(request),
        "restored_form": getattr(request, "restored_form", None),
    }


@login_not_required  # an ended session answers 0, not a redirect
@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session still runs; this request does not renew it."""
    request.session_renewal_skipped = True  # type: ignore[attr-defined]
    return JsonResponse({"seconds_left": seconds_left(request, renewing=False)})


@never_cache
@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """'Ingelogd blijven': renews the session now."""
    request.session[SessionRenewalMiddleware.KEY] = int(time.time())
    return JsonResponse({"seconds_left": settings.SESSION_COOKIE_AGE})
