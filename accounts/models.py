"""Who works in the system, for which organisation and region, and who touched what."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A jeugdregio: municipalities that buy residential care together."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    supra_region = models.CharField(_("bovenregionale samenwerking"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A gemeente, by CBS code (GM0307 Amersfoort), with approximate coordinates."""

    code = models.CharField(_("CBS-code"), max_length=6, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("regio")
    )
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^GM[0-9]{4}$"), name="municipality_code_cbs"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        REFERRER = "referrer", _("verwijzende organisatie")
        PROVIDER = "provider", _("zorgaanbieder")
        COORDINATION_POINT = "coordination_point", _("coördinatiepunt")
        REGION_OFFICE = "region_office", _("regio-organisatie")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    regions = models.ManyToManyField(
        Region, related_name="organisations", verbose_name=_("regio's"), blank=True
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("vestigingsgemeente"),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REFERRER = "referrer", _("verwijzer")
    COORDINATOR = "coordinator", _("plaatsingscoördinator")
    PROVIDER = "provider", _("aanbieder")
    ANALYST = "analyst", _("regio-analist")
    ADMIN = "admin", _("beheerder")
    # Reads the access trail of a referral and exports it for the youth's guardian (AVG art. 15);
    # never the youth's data itself.
    PRIVACY_OFFICER = "privacy_officer", _("privacyfunctionaris")


class User(AbstractUser):
    """A person with one role in one organisation (the membership)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    # The handover (issue 20): the provider sees the referrer's phone after acceptance.
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)

    class Digest(models.TextChoices):
        NONE = "none", _("geen overzicht")
        DAILY = "daily", _("dagelijks overzicht")

    # A daily e-mail with the counts of the notifications not e-mailed one by one (issue 20).
    digest = models.CharField(
        _("overzicht per e-mail"), max_length=10, choices=Digest.choices, default=Digest.NONE
    )

    objects: ClassVar[UserManager["User"]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(role__in=[r.value for r in Role]),
                name="user_role_known",
            ),
        ]

    @property
    def is_referrer(self) -> bool:
        return self.role == Role.REFERRER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

    @property
    def is_analyst(self) -> bool:
        return self.role == Role.ANALYST

    @property
    def is_privacy_officer(self) -> bool:
        return self.role == Role.PRIVACY_OFFICER

    @property
    def is_functional_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One access to identifying youth data (NEN 7513): the fact, never the content.

    Append-only: Python refuses updates and deletes, and on PostgreSQL a trigger refuses
    them for any database user (see the migration).
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("toegestaan")
        REFUSED = "refused", _("geweigerd")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # PROTECT: a user who touched youth data is deactivated, never deleted.
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("gebruiker")
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    role = models.CharField(_("rol"), max_length=20, blank=True)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    action = models.CharField(_("handeling"), max_length=60)
    referral_id = models.BigIntegerField(_("verzoek"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("soort gegeven"), max_length=60, blank=True)
    object_id = models.CharField(_("gegeven"), max_length=60, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices)
    # The hash chain (issue 24): each entry carries the hash of the entry before it (in id
    # order) and its own, the SHA-256 of that previous hash and its canonical fields (see
    # `chain_hash`). A removed or changed entry breaks the chain: `manage.py verify_audit_chain`.
    prev_hash = models.CharField(_("hash vorige regel"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("auditregel")
        verbose_name_plural = _("audittrail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} ({self.outcome})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")

    def chain_hash(self) -> str:
        """SHA-256 (hex) of `prev_hash` and this entry's fields in a canonical form: every
        field but the id and the hashes, the moment in UTC with microseconds."""
        return audit_chain_hash(
            self.prev_hash,
            at=self.at,
            user_id=self.user_id,
            username=self.username,
            role=self.role,
            organisation=self.organisation,
            action=self.action,
            referral_id=self.referral_id,
            object_type=self.object_type,
            object_id=self.object_id,
            outcome=self.outcome,
        )


def audit_chain_hash(prev_hash: str, *, at: datetime, **fields: object) -> str:
    """The hash of one audit entry; shared by the model, its data migration and the check."""
    canonical = json.dumps(
        {"prev_hash": prev_hash, "at": at.astimezone(UTC).isoformat(), **fields},
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class Notification(models.Model):
    """An in-app message (and its email) for one user. Never carries identifying youth data:
    a short fact and a link to the page where the user's own permissions apply."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("ontvanger")
    )
    kind = models.CharField(_("soort"), max_length=60)
    message = models.CharField(_("bericht"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("sleutel"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gemaild"), null=True, blank=True)
    # Failed e-mail attempts: the mail is given up (mail_failed_at) after
    # settings.NOTIFICATION_MAIL_MAX_ATTEMPTS, with the reason of the last attempt.
    mail_attempts = models.PositiveSmallIntegerField(_("mislukte mailpogingen"), default=0)
    mail_error = models.CharField(_("reden mislukte mail"), max_length=300, blank=True)
    mail_failed_at = models.DateTimeField(_("mail opgegeven"), null=True, blank=True)
    # The recipient's NotificationPreference for the kind, when it was stored: shown on the
    # notifications page, and e-mailed at once (else only in the daily digest, if chosen).
    show_in_app = models.BooleanField(_("in de app"), default=True)
    send_email = models.BooleanField(_("direct mailen"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            # Sending the same event twice must not notify twice.
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification; without a row: in the app and by e-mail."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("gebruiker"),
    )
    kind = models.CharField(_("soort"), max_length=60)
    in_app = models.BooleanField(_("in de app"), default=True)
    email = models.BooleanField(_("direct per e-mail"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class NotificationDigest(models.Model):
    """The daily digest e-mailed to one user for one day: recorded, so it is sent once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("gebruiker")
    )
    day = models.DateField(_("dag"))
    sent_at = models.DateTimeField(_("verstuurd"), default=timezone.now)
    notification_count = models.PositiveIntegerField(_("aantal meldingen"), default=0)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("dagoverzicht meldingen")
        verbose_name_plural = _("dagoverzichten meldingen")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notification_digest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class JobRun(models.Model):
    """One run of a background job: visible to coordinators (last run, duration, outcome)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("bezig")
        OK = "ok", _("geslaagd")
        FAILED = "failed", _("mislukt")

    name = models.CharField(_("taak"), max_length=100, db_index=True)
    started_at = models.DateTimeField(_("gestart"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duur (ms)"), null=True, blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    detail = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("taakuitvoering")
        verbose_name_plural = _("taakuitvoeringen")

    def __str__(self) -> str:
        return f"{self.name} {self.outcome}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A named key for a system that uses the API on a user's behalf.

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is made.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("naam"), max_length=100)
    key_hash = models.CharField(_("sleutel (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt"))
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class EnrolmentCode(models.Model):
    """A one-time code that lets a user link an authenticator app (first time, or after a lost
    device): handed out by the administrator, so a password alone never enrols.

    Only the SHA-256 of the code is stored; the code itself is shown (or mailed) once.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("gebruiker")
    )
    code_hash = models.CharField(_("code (SHA-256)"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt"))
    used_at = models.DateTimeField(_("gebruikt"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("onjuiste pogingen"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("koppelcode tweestapsverificatie")
        verbose_name_plural = _("koppelcodes tweestapsverificatie")

    def __str__(self) -> str:
        return f"{self.user_id} ({self.created_at:%Y-%m-%d})"
