"""Admin of organisations, users, regions; the audit trail is read-only."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ApiToken,
    AuditEntry,
    Municipality,
    Notification,
    Organisation,
    Region,
    User,
)
from accounts.twofactor import enrolment_code_create, enrolment_code_hours, enrolment_code_mail
from config.validators import no_control_characters


class _SingleLineFieldsMixin:
    """Names are one line: no control characters (config.validators says the rule)."""

    single_line_fields: tuple[str, ...] = ()
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.single_line_fields:
            if name in self.fields:
                self.fields[name].validators.append(no_control_characters)


class OrganisationAdminForm(_SingleLineFieldsMixin, forms.ModelForm[Organisation]):
    single_line_fields = ("name",)


class UserAdminForm(_SingleLineFieldsMixin, UserChangeForm[User]):
    single_line_fields = ("first_name", "last_name", "email")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "supra_region"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind", "regions"]
    search_fields = ["name"]
    filter_horizontal = ["regions"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Lidmaatschap"), {"fields": ("organisation", "role")}),
    )
    actions = ["create_enrolment_code"]

    @admin.action(description=_("Koppelcode voor tweestapsverificatie aanmaken"))
    def create_enrolment_code(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        """A one-time enrolment code per selected user (also the reset of a lost device):
        mailed to the user's own address, or shown once on the answer page."""
        by = request.user if isinstance(request.user, User) else None
        shown: list[tuple[User, str]] = []
        mailed: list[User] = []
        for user in queryset.order_by("username"):
            _enrolment, code = enrolment_code_create(user=user, created_by=by)
            if enrolment_code_mail(user=user, code=code):
                mailed.append(user)
            else:
                shown.append((user, code))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Koppelcodes voor tweestapsverificatie"),
            "opts": self.model._meta,
            "shown": shown,
            "mailed": mailed,
            "hours": enrolment_code_hours(),
        }
        # The admin's views answer with no-store, so the codes stay out of any cache.
        return TemplateResponse(request, "admin/accounts/enrolment_codes.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "username", "role", "organisation", "action", "referral_id", "outcome"]
    list_filter = ["outcome", "role", "action"]
    search_fields = ["=referral_id", "username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Read-only, except revoking: e.g. a key that leaked, or of someone who left."""

    list_display = ["name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Geselecteerde API-sleutels intrekken"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class MailFailedFilter(admin.SimpleListFilter):
    title = _("mislukt")
    parameter_name = "mislukt"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("ja", _("ja: e-mail opgegeven")), ("nee", _("nee"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "ja":
            return queryset.filter(mail_failed_at__isnull=False)
        if self.value() == "nee":
            return queryset.filter(mail_failed_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: which e-mails were given up ("mislukt") and why."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "emailed_at",
        "mail_attempts",
        "mail_failed_at",
    ]
    list_filter = [MailFailedFilter, "kind"]
    search_fields = ["recipient__username", "kind"]
    readonly_fields = [
        "recipient",
        "kind",
        "message",
        "link",
        "created_at",
        "read_at",
        "emailed_at",
        "mail_attempts",
        "mail_error",
        "mail_failed_at",
    ]
    exclude = ["dedupe_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
