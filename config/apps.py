"""Dutch names for the third-party apps the admin shows. Neither django-axes nor django-otp
ships a Dutch translation, so these subclasses of their AppConfigs (listed in INSTALLED_APPS
in their place) set the app's `verbose_name` and, in `ready()`, the Dutch names of their
models and fields.

Why `_meta` in `ready()` and not proxy models or admin re-registration: a proxy model needs an
app of its own with migrations and shows up twice in permissions; re-registering only renames
the admin page, not the model. Setting `verbose_name` on `_meta` and on the fields leaves
what migrations compare untouched (`Options.original_attrs` and the fields' `_verbose_name`),
so no migration appears in site-packages and `makemigrations --check` stays clean."""

from typing import Any

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as BaseStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as BaseTotpConfig


def relabel(model: Any, singular: Any, plural: Any, fields: dict[str, Any]) -> None:
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural
    for name, label in fields.items():
        model._meta.get_field(name).verbose_name = label


# The section titles of their admin pages (plain English strings in django-otp).
FIELDSET_TITLES = {
    "Identity": _("Identiteit"),
    "Timestamps": _("Tijdstippen"),
    "Configuration": _("Instellingen"),
    "State": _("Toestand"),
    "Throttling": _("Vertraging na mislukte pogingen"),
    "Form Data": _("Formuliergegevens"),
    "Meta Data": _("Metagegevens"),
}


def dutch_admin(model: Any) -> Any:
    """Re-register the package's ModelAdmin of `model` as a subclass whose section titles are
    Dutch; returns the package's class (to name its columns and actions) or None."""
    from django.contrib import admin

    if not admin.site.is_registered(model):
        return None
    base = type(admin.site.get_model_admin(model))

    class DutchAdmin(base):  # type: ignore[valid-type,misc]
        def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
            return [
                (FIELDSET_TITLES.get(str(title), title) if title else title, options)
                for title, options in super().get_fieldsets(request, obj)
            ]

    DutchAdmin.__name__ = DutchAdmin.__qualname__ = base.__name__
    admin.site.unregister(model)
    admin.site.register(model, DutchAdmin)
    return base


def reset_only_admin(model: Any) -> None:
    """Replace django-otp's ModelAdmin of a device model by a read-only one that shows no key,
    QR code or recovery code (django-otp's showed them all, so a beheerder could copy anyone's
    second factor): user, name, confirmed, dates; the only action is a reset (audited)."""
    from django.contrib import admin

    from accounts.twofactor import devices_reset

    class DeviceResetAdmin(admin.ModelAdmin):
        list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
        list_filter = ["confirmed"]
        search_fields = ["user__username", "user__email"]
        fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
        readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
        actions = ["reset"]

        def has_add_permission(self, request: Any) -> bool:
            return False

        def has_change_permission(self, request: Any, obj: Any = None) -> bool:
            return False

        def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
            # Django's delete confirmation lists related rows: the recovery codes themselves.
            return False

        def has_reset_permission(self, request: Any) -> bool:
            meta = self.model._meta
            return bool(request.user.has_perm(f"{meta.app_label}.delete_{meta.model_name}"))

        @admin.action(
            description=_(
                "Tweestapsverificatie van deze gebruikers herstellen (app en "
                "herstelcodes verwijderen; daarna is een nieuwe koppelcode nodig)"
            ),
            permissions=["reset"],
        )
        def reset(self, request: Any, queryset: Any) -> None:
            from accounts.models import User

            by = request.user if isinstance(request.user, User) else None
            users = User.objects.filter(pk__in=queryset.values("user_id"))
            for user in users:
                devices_reset(user=user, by=by)
            self.message_user(
                request,
                _("Tweestapsverificatie hersteld voor %(count)d gebruiker(s).")
                % {"count": len(users)},
            )

    DeviceResetAdmin.__name__ = DeviceResetAdmin.__qualname__ = f"{model.__name__}ResetAdmin"
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceResetAdmin)


DEVICE_FIELDS = {
    "user": _("gebruiker"),
    "name": _("naam"),
    "confirmed": _("bevestigd"),
    "throttling_failure_timestamp": _("laatste mislukte poging"),
    "throttling_failure_count": _("aantal mislukte pogingen"),
    "created_at": _("aangemaakt"),
    "last_used_at": _("laatst gebruikt"),
}

ACCESS_FIELDS = {
    "user_agent": _("browser (user-agent)"),
    "ip_address": _("IP-adres"),
    "username": _("gebruikersnaam"),
    "http_accept": _("HTTP Accept-header"),
    "path_info": _("pad"),
    "attempt_time": _("tijdstip"),
}


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Inlogbeveiliging")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog

        relabel(
            AccessAttempt,
            _("inlogpoging"),
            _("inlogpogingen"),
            {
                **ACCESS_FIELDS,
                "get_data": _("GET-gegevens"),
                "post_data": _("POST-gegevens"),
                "failures_since_start": _("mislukte inlogpogingen"),
            },
        )
        relabel(
            AccessFailureLog,
            _("mislukte inlogpoging"),
            _("mislukte inlogpogingen"),
            {**ACCESS_FIELDS, "locked_out": _("geblokkeerd")},
        )
        relabel(
            AccessLog,
            _("inlogregel"),
            _("inloglogboek"),
            {
                **ACCESS_FIELDS,
                "logout_time": _("uitgelogd"),
                "session_hash": _("sessiesleutel (SHA-256)"),
            },
        )
        relabel(
            AccessAttemptExpiration,
            _("verloop van inlogpoging"),
            _("verloop van inlogpogingen"),
            {"access_attempt": _("inlogpoging"), "expires_at": _("verloopt")},
        )
        attempts = dutch_admin(AccessAttempt)
        if attempts is not None:
            from axes.admin import IsLockedOutFilter

            IsLockedOutFilter.title = _("geblokkeerd")
            attempts.cleanup_expired_attempts.short_description = _(
                "Verlopen inlogpogingen opruimen"
            )
            attempts.expiration.short_description = _("verloopt")
            attempts.status.short_description = _("status")
        dutch_admin(AccessLog)
        dutch_admin(AccessFailureLog)


class OtpTotpConfig(BaseTotpConfig):
    verbose_name = _("Tweestapsverificatie: authenticator-apps")

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        relabel(
            TOTPDevice,
            _("authenticator-app"),
            _("authenticator-apps"),
            {
                **DEVICE_FIELDS,
                "key": _("sleutel"),
                "step": _("stapgrootte (seconden)"),
                "t0": _("starttijd (t0)"),
                "digits": _("aantal cijfers"),
                "tolerance": _("tolerantie"),
                "drift": _("afwijking"),
                "last_t": _("laatst gebruikte stap"),
            },
        )
        reset_only_admin(TOTPDevice)


class OtpStaticConfig(BaseStaticConfig):
    verbose_name = _("Tweestapsverificatie: herstelcodes")

    def ready(self) -> None:
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        relabel(StaticDevice, _("herstelcodeset"), _("herstelcodesets"), DEVICE_FIELDS)
        reset_only_admin(StaticDevice)
        relabel(
            StaticToken,
            _("herstelcode"),
            _("herstelcodes"),
            {"device": _("set"), "token": _("code")},
        )


class OtpConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("Tweestapsverificatie")
