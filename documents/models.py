"""Documents attached to a referral: the file in the "documents" storage, the facts here."""

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def documents_storage() -> Storage:
    """The named storage of STORAGES["documents"] (a callable, so that a settings change
    needs no migration and tests can point it elsewhere)."""
    return storages["documents"]


def stored_name(instance: Any, filename: str) -> str:
    """A random name: the original name never reaches the storage (nor its path or logs)."""
    return uuid.uuid4().hex


class Document(models.Model):
    class Kind(models.TextChoices):
        VA = "va", _("Verklarende Analyse")
        PERSPECTIVE_PLAN = "perspective_plan", _("Perspectiefplan")
        SAFETY_PLAN = "safety_plan", _("Veiligheidsplan")
        COURT_AUTHORISATION = "court_authorisation", _("Rechterlijke machtiging")
        SCHOOL_REPORT = "school_report", _("Schoolrapport")
        OTHER = "other", _("Overig")

    class ScanStatus(models.TextChoices):
        CLEAN = "clean", _("gescand, schoon")
        SKIPPED = "skipped", _("niet gescand")
        INFECTED = "infected", _("besmet")

    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("verzoek"),
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    original_name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveBigIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Empty once removed: the file is deleted from the storage, the row stays for the trail.
    file = models.FileField(
        _("bestand"), storage=documents_storage, upload_to=stored_name, max_length=100, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("toegevoegd door"),
    )
    uploaded_at = models.DateTimeField(_("toegevoegd"), default=timezone.now)
    # Set by a coordinator only: the provider may see it before accepting the offer.
    shareable_anonymised = models.BooleanField(_("deelbaar, geanonimiseerd"), default=False)
    removed_at = models.DateTimeField(_("verwijderd"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
    )
    scan_status = models.CharField(
        _("virusscan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.SKIPPED
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
                name="document_removed_has_remover",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            # An infected file is refused, never stored.
            models.CheckConstraint(
                condition=~Q(scan_status="infected"), name="document_never_infected"
            ),
        ]
        indexes = [
            models.Index(
                fields=["referral", "uploaded_at"],
                condition=Q(removed_at__isnull=True),
                name="document_present",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "")


PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", ODT: ".odt"}
