"""Two-factor sign-in: who needs it, the middleware that enforces it, and sign-in lock-out.

With `settings.REQUIRE_2FA` on, a password alone opens no usable session for a user who
can see identities: until a TOTP or recovery code is entered, only the two-factor pages and
sign-out answer, and the API treats the session as absent (401). A user who linked an
authenticator app of their own accord is asked for its code in the same way, whatever
`REQUIRE_2FA` says: enrolling must change something.
"""

import base64
import enum
import hashlib
import io
import logging
import math
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from accounts.models import EnrolmentCode, Role, User
from accounts.services import audit_record

logger = logging.getLogger("accounts.security")

# Pages an authenticated but not yet verified user may reach (by URL name).
UNVERIFIED_ALLOWED = frozenset({"login", "logout", "two-factor", "two-factor-enrol", "healthz"})


def two_factor_required(user: Any) -> bool:
    """Everyone who can see identities needs a second factor; analysts only see statistics.

    A user without a role (e.g. a superuser made with createsuperuser) is treated as one who
    can see identities: the safe default.
    """
    if not settings.REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.role != Role.ANALYST or user.is_superuser or user.is_staff)


# Session key: whether the signed-in user had a confirmed authenticator app at sign-in, so a
# request needs no query to know it (set by `remember_enrolment` on every sign-in).
ENROLLED_SESSION_KEY = "_rop_otp_enrolled"


def has_authenticator(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def code_required(user: Any, session: SessionBase | None = None) -> bool:
    """Whether signing in as `user` takes a code: when the policy requires it, or when the
    user linked an authenticator app (also with REQUIRE_2FA off). With a session, its
    remembered answer saves the query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if two_factor_required(user):
        return True
    if session is not None:
        enrolled = session.get(ENROLLED_SESSION_KEY)
        if enrolled is None:  # a session from before this key existed
            enrolled = session[ENROLLED_SESSION_KEY] = has_authenticator(user)
        return bool(enrolled)
    return has_authenticator(user)


def remember_enrolment(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: note in the new session whether the user has an app."""
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        session[ENROLLED_SESSION_KEY] = has_authenticator(user)


def is_verified(user: Any) -> bool:
    """True when this session's user passed the second factor (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def needs_second_factor(user: Any, session: SessionBase | None = None) -> bool:
    """A signed-in user who must still enter a code in this session."""
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return False
    return code_required(user, session)


def url_with_next(name: str, next_url: str = "") -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def two_factor_url(next_url: str = "") -> str:
    return url_with_next("two-factor", next_url)


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, for sign-ins over HTTP.

    authenticate() without a request (the test client's login(), a management shell) has
    no address to count by; it goes on to the password check instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the cool-off time, any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address or settings.AXES_COOLOFF_TIME is None:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT


class SignInLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per address across all
    usernames (password spraying), next to its username+address lock.

    Axes applies one failure limit to every lock-out parameter, so `ip_address` among its
    AXES_LOCKOUT_PARAMETERS would lock an office behind one proxy after AXES_FAILURE_LIMIT
    typos; and a success would reset the address count. Here an address over
    AXES_ADDRESS_FAILURE_LIMIT counts as locked for every username it tries, while the
    account itself stays open from any other address; successes reset only their own pair.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_locked(request):
            return max(failures, get_failure_limit(request, credentials))
        return failures


class TwoFactorRequiredMiddleware:
    """Between authentication and the view: an unverified session reaches only 2FA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if not needs_second_factor(request.user, getattr(request, "session", None)):
            return None
        if request.path_info.startswith("/api/"):
            # The API sees no session at all: 401, unless the caller sends an API token.
            request.user = AnonymousUser()
            return None
        match = request.resolver_match
        if match is not None and match.view_name in UNVERIFIED_ALLOWED:
            return None
        return redirect(two_factor_url(request.get_full_path()))


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF session authentication that ignores a session without its second factor."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and needs_second_factor(result[0], request._request.session):
            return None
        return result


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The not yet confirmed device of an enrolment; the same key across page reloads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator-app"), confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32 (what authenticator apps accept), in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(data: str) -> str:
    """The QR code as inline SVG: made here, so the secret never leaves the server."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    # Drop the XML declaration: the SVG is embedded in HTML.
    return svg[svg.index("<svg") :]


def verify_code(*, user: User, code: str) -> Device | None:
    """Check a code against the user's authenticator app, then against its recovery codes.

    django-otp throttles each device after wrong codes (doubling waits), and a recovery
    code is deleted when used, so it works once.
    """
    code = "".join(code.split()).lower()
    if not code:
        return None
    # Six digits go to the app, anything else to the recovery codes: a recovery code must
    # not count as a wrong app code (and so throttle the app).
    devices: list[Device]
    if code.isdigit():
        totp = confirmed_totp_device(user)
        devices = [totp] if totp is not None else []
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


def code_throttled(user: User) -> bool:
    device = confirmed_totp_device(user)
    return device is not None and not device.verify_is_allowed()[0]


def recovery_codes_create(*, user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set; returns them to show once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=_("Herstelcodes"), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    logger.info("recovery codes renewed for user %s", user.pk)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with the first code the app shows."""
    code = "".join(code.split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one authenticator per user: an older confirmed one would be a second way in.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    logger.info("authenticator app enrolled for user %s", user.pk)
    return True


def session_verify(request: HttpRequest, device: Device) -> None:
    """Mark this session as verified with `device`; a new session key for the new trust."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(cooloff.total_seconds() / 60)) if cooloff else 0


def lockout_message(*, address: bool = False) -> str:
    minutes = cooloff_minutes()
    if address:
        return ngettext(
            "Te veel mislukte aanmeldpogingen vanaf dit adres. Aanmelden is vanaf dit adres "
            "%(minutes)d minuut geblokkeerd. Probeer het daarna opnieuw, of neem contact op "
            "met de beheerder van uw organisatie.",
            "Te veel mislukte aanmeldpogingen vanaf dit adres. Aanmelden is vanaf dit adres "
            "%(minutes)d minuten geblokkeerd. Probeer het daarna opnieuw, of neem contact op "
            "met de beheerder van uw organisatie.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Te veel mislukte aanmeldpogingen. Aanmelden met deze gebruikersnaam is vanaf dit "
        "adres %(minutes)d minuut geblokkeerd. Probeer het daarna opnieuw, of neem contact "
        "op met de beheerder van uw organisatie.",
        "Te veel mislukte aanmeldpogingen. Aanmelden met deze gebruikersnaam is vanaf dit "
        "adres %(minutes)d minuten geblokkeerd. Probeer het daarna opnieuw, of neem contact "
        "op met de beheerder van uw organisatie.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lock-out answer: the sign-in page with a message, or 429 for the API."""
    username = (credentials or {}).get("username", "")
    logger.warning(
        "sign-in locked out for username %r from %s", username, request.META.get("REMOTE_ADDR", "")
    )
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    message = lockout_message(address=address_locked(request))
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        form = AuthenticationForm(request, initial={"username": username})
        response = render(
            request,
            "registration/login.html",
            {"form": form, "locked_out": True, "lockout_message": message},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response


def recovery_codes_message(left: int) -> str:
    return ngettext(
        "U heeft een herstelcode gebruikt. U heeft nog %(count)d herstelcode over.",
        "U heeft een herstelcode gebruikt. U heeft nog %(count)d herstelcodes over.",
        left,
    ) % {"count": left}


def next_url_or_home(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


def redirect_next(request: HttpRequest, candidate: str | None) -> HttpResponse:
    return redirect(next_url_or_home(request, candidate))


# --- Enrolment codes: linking an app (first time or after a lost device) needs one. ---

# Session key: the pk of the user whose enrolment code (or, for voluntary enrolment with
# REQUIRE_2FA off, re-entered password) this session gave; only then is a secret shown.
ENROL_GRANT_SESSION_KEY = "_rop_enrol_granted"
# No 0/O, 1/I/L: the code is read off a screen or a mail and typed in.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12  # 31**12: about 59 bits
ENROLMENT_CODE_MAX_ATTEMPTS = 5


class EnrolmentOutcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # wrong, expired or used: the same answer, to reveal nothing
    THROTTLED = "throttled"


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_enrolment_code(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def enrolment_code_hours() -> int:
    return max(1, int(getattr(settings, "ENROLMENT_CODE_HOURS", 72)))


@transaction.atomic
def enrolment_code_create(*, user: User, created_by: User | None) -> tuple[EnrolmentCode, str]:
    """A new one-time enrolment code for `user` (audited); returns it with the code, which is
    never shown again. Older unused codes of the user stop working. Using the code replaces
    the user's authenticator app and recovery codes: this is also the reset of a lost device.
    """
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    raw = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _i in range(ENROLMENT_CODE_LENGTH))
    code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    enrolment = EnrolmentCode.objects.create(
        user=user,
        created_by=created_by,
        code_hash=hash_enrolment_code(code),
        expires_at=timezone.now() + timedelta(hours=enrolment_code_hours()),
    )
    audit_record(
        user=created_by,
        action="2fa.enrol_code.create",
        object_type="user",
        object_id=user.pk,
        system="" if created_by else "beheercommando",
    )
    logger.info("enrolment code %s created for user %s", enrolment.pk, user.pk)
    return enrolment, code


def enrolment_code_mail(*, user: User, code: str) -> bool:
    """Send the code to the user's own address; False when the user has none."""
    if not user.email:
        return False
    send_mail(
        _("Koppelcode voor tweestapsverificatie"),
        _(
            "Beste %(name)s,\n\nMet deze koppelcode koppelt u een authenticator-app aan uw "
            "account bij Regie op Plaatsing: %(code)s\n\nMeld u aan met uw gebruikersnaam en "
            "wachtwoord en vul de code in wanneer daarom gevraagd wordt. De code werkt één keer "
            "en verloopt over %(hours)d uur. Heeft u hier niet om gevraagd? Neem dan contact op "
            "met de beheerder van uw organisatie."
        )
        % {
            "name": user.get_full_name() or user.username,
            "code": code,
            "hours": enrolment_code_hours(),
        },
        None,
        [user.email],
    )
    return True


def enrolment_code_use(*, user: User, code: str) -> EnrolmentOutcome:
    """Check `code` against the user's live enrolment code. On success the code is used up
    and the user's authenticator apps and recovery codes are deleted (a reset); every
    outcome is audited. After ENROLMENT_CODE_MAX_ATTEMPTS wrong tries the code is void."""
    now = timezone.now()
    with transaction.atomic():
        live = (
            EnrolmentCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if live is not None and live.failed_attempts >= ENROLMENT_CODE_MAX_ATTEMPTS:
            outcome = EnrolmentOutcome.THROTTLED
        elif live is not None and secrets.compare_digest(live.code_hash, hash_enrolment_code(code)):
            live.used_at = now
            live.save(update_fields=["used_at"])
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            audit_record(
                user=user, action="2fa.enrol", object_type="enrolment_code", object_id=live.pk
            )
            logger.info("enrolment code %s used by user %s", live.pk, user.pk)
            return EnrolmentOutcome.OK
        else:
            outcome = EnrolmentOutcome.WRONG
            if live is not None:
                EnrolmentCode.objects.filter(pk=live.pk).update(
                    failed_attempts=F("failed_attempts") + 1
                )
                if live.failed_attempts + 1 >= ENROLMENT_CODE_MAX_ATTEMPTS:
                    outcome = EnrolmentOutcome.THROTTLED
    audit_record(
        user=user,
        action="2fa.enrol",
        object_type="enrolment_code",
        object_id=live.pk if live is not None else "",
        allowed=False,
    )
    logger.warning("enrolment code refused for user %s (%s)", user.pk, outcome.value)
    return outcome


def enrolment_granted(request: HttpRequest, user: User) -> bool:
    return request.session.get(ENROL_GRANT_SESSION_KEY) == user.pk


def enrolment_grant(request: HttpRequest, user: User) -> None:
    request.session[ENROL_GRANT_SESSION_KEY] = user.pk


def enrolment_needs_code(user: User) -> bool:
    """An admin's enrolment code is needed when the policy requires a second factor, or to
    replace a linked app; voluntary first enrolment with REQUIRE_2FA off takes the password."""
    return two_factor_required(user) or confirmed_totp_device(user) is not None


@transaction.atomic
def devices_reset(*, user: User, by: User | None) -> int:
    """Delete the user's authenticator apps and recovery codes (audited); the user then needs
    a new enrolment code to link an app again (with 2FA required)."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    audit_record(user=by, action="2fa.reset", object_type="user", object_id=user.pk)
    logger.info("two-factor devices of user %s reset by %s", user.pk, getattr(by, "pk", None))
    return deleted
