"""Offers (the anonymised request put before one provider) and placements."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.codes import CareForm, RefusalReason


class Offer(models.Model):
    """The referral, anonymised, before one provider's location. At most one open at a time."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("geaccepteerd")
        REFUSED = "refused", _("geweigerd")
        EXPIRED = "expired", _("verlopen")
        WITHDRAWN = "withdrawn", _("ingetrokken")
        # Accepted, then fallen through before the youth moved in: the held place is released.
        CANCELLED = "cancelled", _("acceptatie geannuleerd")

    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("verzoek"),
    )
    location = models.ForeignKey(
        "capacity.Location",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("locatie"),
    )
    # The provider is the location's; kept on the offer so that scoping and the
    # acceptance-rate aggregates need no join.
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("aanbieder"),
    )
    # The location's care form when the offer was made: the acceptance rate for similar
    # requests counts it from one index, without visiting the location of every offer.
    care_form = models.CharField(_("zorgvorm"), max_length=30, choices=CareForm.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verstuurd door"),
    )
    sent_at = models.DateTimeField(_("verstuurd"), default=timezone.now)
    deadline = models.DateTimeField(_("uiterste reactiedatum"))
    reminder_sent_at = models.DateTimeField(_("herinnering verstuurd"), null=True, blank=True)
    was_proposal = models.BooleanField(_("was het voorstel"), default=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    choice_reason = models.CharField(
        _("reden voor andere keuze dan het voorstel"), max_length=500, blank=True
    )
    answered_at = models.DateTimeField(_("beantwoord"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    refusal_reason = models.CharField(
        _("reden van weigering"), max_length=30, choices=RefusalReason.choices, blank=True
    )
    refusal_explanation = models.TextField(_("toelichting"), blank=True)
    withdraw_reason = models.CharField(_("reden van intrekken"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("acceptatie geannuleerd op"), null=True, blank=True)
    cancel_reason = models.CharField(_("reden van annuleren"), max_length=500, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="open"),
                name="offer_one_open_per_referral",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["refused", "expired"]) | ~Q(refusal_reason=""),
                name="offer_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="expired") | Q(refusal_reason="no_response"),
                name="offer_expired_is_no_response",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="offer_cancelled_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "deadline"], name="offer_inbox"),
            models.Index(
                fields=["deadline"], condition=Q(status="open"), name="offer_open_deadline"
            ),
            # answers of the last days (the coordinator's start page)
            models.Index(
                fields=["answered_at"],
                condition=Q(answered_at__isnull=False),
                name="offer_answered",
            ),
            # acceptance rate per provider and care form over a period, from the index alone
            models.Index(
                fields=["provider", "care_form", "sent_at", "status"], name="offer_acceptance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.location_id} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.care_form and self.location_id is not None:
            self.care_form = self.location.care_form
        super().save(*args, **kwargs)

    @property
    def response_time(self) -> object:
        return self.answered_at - self.sent_at if self.answered_at else None


class Placement(models.Model):
    """The youth actually living at a location, from an accepted offer, with its school plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("gepland")
        ACTIVE = "active", _("actief")
        ENDED = "ended", _("beëindigd")
        CANCELLED = "cancelled", _("geannuleerd")

    class EndReason(models.TextChoices):
        PLANNED_OUTFLOW = "planned_outflow", _("geplande uitstroom")
        RETURNED_HOME = "returned_home", _("terug naar huis")
        REPLACEMENT = "replacement", _("doorplaatsing")
        TURNED_18 = "turned_18", _("18 jaar geworden")
        OTHER = "other", _("anders")

    class Outflow(models.TextChoices):
        HOME = "home", _("naar huis")
        FOSTER_CARE = "foster_care", _("pleegzorg")
        LIGHTER_CARE = "lighter_care", _("lichtere zorg")
        INDEPENDENT_LIVING = "independent_living", _("zelfstandig wonen")

    class TransportFunding(models.TextChoices):
        MUNICIPALITY = "municipality", _("gemeente (leerlingenvervoer)")
        PROVIDER = "provider", _("zorgaanbieder")
        PARENTS = "parents", _("ouders")
        SCHOOL = "school", _("school")
        NOT_NEEDED = "not_needed", _("geen vervoer nodig")

    # One live placement per referral (constraint below): a cancelled planned placement
    # sends the referral back to matching, and the next one is a new row.
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("verzoek"),
    )
    offer = models.OneToOneField(
        Offer, on_delete=models.PROTECT, related_name="placement", verbose_name=_("voorstel")
    )
    location = models.ForeignKey(
        "capacity.Location",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("locatie"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("aanbieder"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("startdatum"))
    school_name = models.CharField(_("school tijdens de plaatsing"), max_length=200, blank=True)
    school_handover = models.TextField(_("overdracht naar de school"), blank=True)
    school_transport = models.CharField(_("schoolvervoer"), max_length=300, blank=True)
    transport_funding = models.CharField(
        _("wie betaalt het vervoer"), max_length=20, choices=TransportFunding.choices, blank=True
    )
    intake_contact = models.CharField(_("contactpersoon intake"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    started_at = models.DateTimeField(_("plek bezet sinds"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    end_reason = models.CharField(
        _("reden van beëindiging"), max_length=20, choices=EndReason.choices, blank=True
    )
    outflow = models.CharField(
        _("uitstroom naar"), max_length=20, choices=Outflow.choices, blank=True
    )
    end_note = models.TextField(_("toelichting"), blank=True)
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    cancel_reason = models.CharField(_("reden van annuleren"), max_length=500, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beëindigd door"),
    )
    # A re-placement opens a new referral for the same youth: the chain of moves.
    next_referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="previous_placement",
        verbose_name=_("vervolgverzoek"),
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("plaatsing")
        verbose_name_plural = _("plaatsingen")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=~Q(status="cancelled"),
                name="placement_one_live_per_referral",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="placement_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="placement_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="placement_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(end_reason="replacement") | Q(next_referral__isnull=False),
                name="placement_replacement_links_next_referral",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status"], name="placement_provider_status"),
            # the placements list, newest first: one page walked from the index
            models.Index(fields=["-start_date", "-id"], name="placement_start"),
            models.Index(
                fields=["provider", "-start_date", "-id"], name="placement_provider_start"
            ),
            models.Index(
                fields=["start_date"], condition=Q(status="planned"), name="placement_planned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} @ {self.location_id} ({self.status})"
