"""Offers (the anonymised request put before one provider) and placements."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.codes import (
    OUTSIDE_COST_REQUIRED,
    CareForm,
    OutsideArrangement,
    OutsideReason,
    RefusalReason,
)


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
    # Codes of the referral's needed expertise and risk flags (its VA) that made the provider
    # refuse (issue 23): the report counts refusals per concern × reason.
    refusal_concerns = models.JSONField(_("aanleiding van de weigering"), default=list, blank=True)
    withdraw_reason = models.CharField(_("reden van intrekken"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("acceptatie geannuleerd op"), null=True, blank=True)
    cancel_reason = models.CharField(_("reden van annuleren"), max_length=500, blank=True)
    # The handover (issue 20): after acceptance the provider proposes an intake date.
    intake_proposed_on = models.DateField(_("voorgestelde intakedatum"), null=True, blank=True)
    intake_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intakedatum voorgesteld door"),
    )
    intake_proposed_at = models.DateTimeField(
        _("intakedatum voorgesteld op"), null=True, blank=True
    )
    intake_note = models.TextField(_("toelichting bij de intake"), blank=True)

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
        """Where the youth goes after the placement (issue 21.5)."""

        HOME = "home", _("naar huis")
        FOSTER_CARE = "foster_care", _("pleegzorg")
        LIGHTER_RESIDENTIAL = "lighter_residential", _("lichtere residentiële zorg")
        SUPPORTED_LIVING = "supported_living", _("begeleid of zelfstandig wonen")
        ADULT_CARE = "adult_care", _("volwassenenzorg (18+)")
        OTHER = "other", _("anders")

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
    # Stagnation: the youth was ready to leave from this day, but no outflow place was there.
    ready_to_leave_since = models.DateField(_("klaar voor uitstroom sinds"), null=True, blank=True)
    # The expected end, from the perspective plan: the basis of the expected vacancies.
    planned_end = models.DateField(_("verwachte einddatum"), null=True, blank=True)
    adult_plan_on = models.DateField(_("18+-plan aanwezig sinds"), null=True, blank=True)
    # When the coordinators were told the youth is 17½ without an 18+ plan (once).
    adult_plan_alerted_at = models.DateTimeField(_("gemeld: geen 18+-plan"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(ready_to_leave_since__isnull=True)
                | Q(end_date__isnull=True)
                | Q(ready_to_leave_since__lte=models.F("end_date")),
                name="placement_ready_before_end",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("start_date")),
                name="placement_planned_end_after_start",
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


class PlacementRisk(models.Model):
    """An active placement flagged at risk of breaking down, the support deployed and the
    outcome. At most one open per placement (constraint below)."""

    class Reason(models.TextChoices):
        BEHAVIOUR = "behaviour", _("gedrag")
        SAFETY = "safety", _("veiligheid")
        MISMATCH = "mismatch", _("zorg past niet (meer)")
        FAMILY = "family", _("gezin of netwerk")
        SCHOOL = "school", _("school")
        OTHER = "other", _("anders")

    class Support(models.TextChoices):
        OUTREACH_TEAM = "outreach_team", _("outreachteam")
        MOBILE_TEAM = "mobile_team", _("mobiel team")
        CONSULTATION = "consultation", _("consultatie")
        EXTRA_STAFF = "extra_staff", _("extra personeel")
        OTHER = "other", _("anders")

    class Outcome(models.TextChoices):
        PREVENTED = "prevented", _("doorplaatsing voorkomen")
        REPLACEMENT = "replacement", _("doorplaatsing")

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="risks", verbose_name=_("plaatsing")
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeld door"),
    )
    flagged_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("toelichting"), blank=True)
    # The support deployed: several kinds at once (codes of Support), kept as one list; the
    # reports count placements, not support actions.
    support = models.JSONField(_("ingezette ondersteuning"), default=list, blank=True)
    support_note = models.TextField(_("toelichting op de ondersteuning"), blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgesloten door"),
    )

    class Meta:
        ordering = ["-flagged_at", "-id"]
        verbose_name = _("plaatsing in gevaar")
        verbose_name_plural = _("plaatsingen in gevaar")
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(closed_at__isnull=True),
                name="placementrisk_one_open_per_placement",
            ),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(outcome=""))
                | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="placementrisk_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} risk ({self.outcome or 'open'})"

    @property
    def support_labels(self) -> list[str]:
        return [str(self.Support(code).label) for code in self.support if code in self.Support]


class VacancyForecast(models.Model):
    """A place expected to come free: recorded each time a placement's planned end is set,
    so that the forecast can be checked afterwards (did the placement end near that day?)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="forecasts", verbose_name=_("plaatsing")
    )
    location = models.ForeignKey(
        "capacity.Location",
        on_delete=models.PROTECT,
        related_name="vacancy_forecasts",
        verbose_name=_("locatie"),
    )
    expected_on = models.DateField(_("verwacht vrij op"))
    made_at = models.DateTimeField(_("voorspeld op"), default=timezone.now)
    # A later planned end replaces this forecast: only the latest one per placement counts.
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("verwachte vrije plek")
        verbose_name_plural = _("verwachte vrije plekken")
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(superseded_at__isnull=True),
                name="vacancyforecast_one_current_per_placement",
            )
        ]
        indexes = [models.Index(fields=["location", "expected_on"], name="forecast_location")]

    def __str__(self) -> str:
        return f"{self.location_id} free on {self.expected_on}"


class OutsidePlacement(models.Model):
    """Care arranged outside the coordination point: what a referral closed as
    `placed_outside_coordination` became (issue 21). The unmet-need report counts it as need
    the contracted offer did not meet, with its cost per day. One per referral (its closure).

    The provider is one from the register (`provider`) or one outside the contract, by name
    (`provider_name`): exactly one of both (constraint). No identity of the youth here."""

    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.CASCADE,
        related_name="outside_placement",
        verbose_name=_("verzoek"),
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outside_placements",
        verbose_name=_("aanbieder (uit het register)"),
    )
    provider_name = models.CharField(_("aanbieder buiten het contract"), max_length=200, blank=True)
    contracted = models.BooleanField(_("gecontracteerd"), default=True)
    arrangement = models.CharField(
        _("arrangement"), max_length=20, choices=OutsideArrangement.choices
    )
    cost_per_day = models.DecimalField(
        _("kosten per dag (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("startdatum"))
    reason = models.CharField(_("reden"), max_length=20, choices=OutsideReason.choices)
    reason_note = models.CharField(_("toelichting op de reden"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd"), default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("zorg buiten de coördinatie")
        verbose_name_plural = _("zorg buiten de coördinatie")
        constraints = [
            models.CheckConstraint(
                condition=(Q(provider__isnull=False) & Q(provider_name=""))
                | (Q(provider__isnull=True) & ~Q(provider_name="")),
                name="outside_provider_register_xor_name",
            ),
            models.CheckConstraint(
                condition=Q(arrangement__in=[a.value for a in OutsideArrangement]),
                name="outside_arrangement_known",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in OutsideReason]),
                name="outside_reason_known",
            ),
            models.CheckConstraint(
                condition=Q(cost_per_day__isnull=True) | Q(cost_per_day__gte=0),
                name="outside_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(arrangement__in=sorted(OUTSIDE_COST_REQUIRED))
                | Q(cost_per_day__isnull=False),
                name="outside_cost_known_for_maatwerk",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_note=""),
                name="outside_other_reason_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.arrangement} ({self.start_date})"

    @property
    def provider_label(self) -> str:
        return self.provider.name if self.provider_id and self.provider else self.provider_name
