"""Browser pages of sign-in security: password step, second factor, enrolment, API keys."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import twofactor
from accounts.models import ApiToken, User
from accounts.tokens import (
    api_token_create,
    api_token_for_owner,
    api_token_revoke,
    max_tokens_per_user,
)

WRONG_CODE = gettext_lazy("Deze code klopt niet of is verlopen. Probeer het opnieuw.")
THROTTLED = gettext_lazy("Te veel onjuiste codes achter elkaar. Wacht even en probeer opnieuw.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        error_messages={"required": gettext_lazy("Vul de code in.")},
    )


WRONG_ENROLMENT_CODE = gettext_lazy(
    "Deze koppelcode klopt niet, is al gebruikt of is verlopen. Vraag de beheerder van uw "
    "organisatie zo nodig om een nieuwe koppelcode."
)
ENROLMENT_THROTTLED = gettext_lazy(
    "Te veel onjuiste koppelcodes. Deze koppelcode werkt niet meer: vraag de beheerder van uw "
    "organisatie om een nieuwe koppelcode."
)
WRONG_PASSWORD = gettext_lazy("Dit wachtwoord klopt niet.")


class EnrolmentGrantForm(forms.Form):
    """The enrolment code from the beheerder, or (voluntary enrolment) the password again."""

    secret = forms.CharField(
        label=gettext_lazy("Koppelcode"),
        max_length=128,
        strip=False,
        error_messages={"required": gettext_lazy("Vul de koppelcode in.")},
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Naam"),
        max_length=100,
        help_text=gettext_lazy("Bijvoorbeeld het systeem dat de sleutel gebruikt."),
        error_messages={"required": gettext_lazy("Geef de sleutel een naam.")},
    )


class SignInView(auth_views.LoginView):
    """The password step; a user who needs a second factor continues to the code step."""

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if twofactor.needs_second_factor(self.request.user, self.request.session):
            return twofactor.two_factor_url(url)
        return url


def is_verified_or_free(request: HttpRequest, user: User) -> bool:
    """The session passed its second factor, or needs none."""
    return not twofactor.needs_second_factor(user, request.session)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The code step: a code from the authenticator app, or one recovery code."""
    user = _user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not twofactor.needs_second_factor(user, request.session):
        return twofactor.redirect_next(request, next_url)
    if twofactor.confirmed_totp_device(user) is None:
        return redirect(twofactor.url_with_next("two-factor-enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.code_throttled(user) and form.cleaned_data["code"].strip().isdigit():
            form.add_error("code", THROTTLED)
        else:
            device = twofactor.verify_code(user=user, code=form.cleaned_data["code"])
            if device is not None:
                twofactor.session_verify(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        twofactor.recovery_codes_message(twofactor.recovery_codes_left(user)),
                    )
                return twofactor.redirect_next(request, next_url)
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


def _enrolment_grant(request: HttpRequest, user: User, next_url: str) -> HttpResponse | None:
    """The step before a secret is shown: an enrolment code, or the password for voluntary
    enrolment with REQUIRE_2FA off. None when this session passed it."""
    if twofactor.enrolment_granted(request, user):
        return None
    mode = "code" if twofactor.enrolment_needs_code(user) else "password"
    form = EnrolmentGrantForm(request.POST if "secret" in request.POST else None)
    if mode == "password":
        form.fields["secret"].label = gettext_lazy("Wachtwoord")
        form.fields["secret"].error_messages["required"] = gettext_lazy("Vul uw wachtwoord in.")
    if form.is_bound and form.is_valid():
        secret = form.cleaned_data["secret"]
        if mode == "code":
            outcome = twofactor.enrolment_code_use(user=user, code=secret)
            if outcome is twofactor.EnrolmentOutcome.OK:
                twofactor.enrolment_grant(request, user)
                return redirect(twofactor.url_with_next("two-factor-enrol", next_url))
            form.add_error(
                "secret",
                ENROLMENT_THROTTLED
                if outcome is twofactor.EnrolmentOutcome.THROTTLED
                else WRONG_ENROLMENT_CODE,
            )
        # Through authenticate(): the sign-in lock-out counts and refuses wrong passwords.
        elif authenticate(request, username=user.get_username(), password=secret) == user:
            twofactor.enrolment_grant(request, user)
            return redirect(twofactor.url_with_next("two-factor-enrol", next_url))
        else:
            form.add_error("secret", WRONG_PASSWORD)
    context = {"form": form, "next": next_url, "mode": mode}
    return render(request, "accounts/two_factor_enrol_grant.html", context)


@never_cache
@sensitive_post_parameters("code", "secret")
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app (first time, or replacing a lost one), confirm it, receive
    recovery codes. Only after an enrolment code from the beheerder (or, for voluntary
    enrolment with REQUIRE_2FA off, the password again): a password alone never enrols."""
    user = _user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if twofactor.confirmed_totp_device(user) is not None and is_verified_or_free(request, user):
        # A signed-in user with a working app has nothing to enrol here.
        return twofactor.redirect_next(request, next_url)
    refused = _enrolment_grant(request, user, next_url)
    if refused is not None:
        return refused
    device = twofactor.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", THROTTLED)
        elif twofactor.totp_device_confirm(
            user=user, device=device, code=form.cleaned_data["code"]
        ):
            device.refresh_from_db()
            request.session.pop(twofactor.ENROL_GRANT_SESSION_KEY, None)
            twofactor.session_verify(request, device)
            codes = twofactor.recovery_codes_create(user=user)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": twofactor.next_url_or_home(request, next_url)},
            )
        else:
            form.add_error("code", WRONG_CODE)
    context: dict[str, Any] = {
        "form": form,
        "next": next_url,
        "qr_code": twofactor.qr_code_svg(device.config_url),
        "manual_key": twofactor.manual_key(device),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
@require_POST
@login_required
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    """A verified user replaces the recovery codes (e.g. when few are left)."""
    user = _user(request)
    if twofactor.confirmed_totp_device(user) is None:
        return redirect("api-keys")
    codes = twofactor.recovery_codes_create(user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """Mijn API-sleutels: the user's own keys; a new key is shown once, on this answer."""
    user = _user(request)
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    new_token: ApiToken | None = None
    if request.method == "POST" and form.is_valid():
        new_token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user)
    context = {
        "form": form,
        "tokens": tokens,
        "new_key": new_key,
        "new_token": new_token,
        "has_authenticator": twofactor.confirmed_totp_device(user) is not None,
        "recovery_codes_left": twofactor.recovery_codes_left(user),
        "api_token_days": settings.API_TOKEN_DAYS,
        "max_tokens": max_tokens_per_user(),
    }
    return render(request, "accounts/api_keys.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def api_key_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own keys: GET asks to confirm (no JavaScript), POST does it."""
    user = _user(request)
    if request.method == "GET":
        token = api_token_for_owner(user=user, token_id=token_id)
        if token.revoked_at is not None:
            return redirect("api-keys")
        return render(request, "accounts/api_key_revoke.html", {"token": token})
    token = api_token_revoke(user=user, token_id=token_id)
    messages.success(request, _("De API-sleutel ‘%(name)s’ is ingetrokken.") % {"name": token.name})
    return redirect("api-keys")
