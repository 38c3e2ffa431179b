"""Provider locations and their places; the database itself keeps the counts consistent."""

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Region, User
from config.codes import CareForm, Intensity


class Location(models.Model):
    """A place with beds run by a provider: a group, a family home, a small-scale home."""

    class GenderServed(models.TextChoices):
        ANY = "any", _("iedereen")
        GIRLS = "girls", _("meisjes")
        BOYS = "boys", _("jongens")

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="locations",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("aanbieder"),
    )
    name = models.CharField(_("naam"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="locations", verbose_name=_("gemeente")
    )
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))
    care_form = models.CharField(_("zorgvorm"), max_length=30, choices=CareForm.choices)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimumleeftijd"))
    age_max = models.PositiveSmallIntegerField(_("maximumleeftijd"))
    gender = models.CharField(
        _("doelgroep"), max_length=5, choices=GenderServed.choices, default=GenderServed.ANY
    )
    secured = models.BooleanField(_("gesloten"), default=False)
    intensity = models.CharField(
        _("intensiteit"), max_length=1, choices=Intensity.choices, blank=True
    )
    school_on_site = models.BooleanField(_("school op locatie"), default=False)
    contra_indications = models.JSONField(_("contra-indicaties"), default=list, blank=True)
    regions = models.ManyToManyField(
        Region, related_name="contracted_locations", verbose_name=_("gecontracteerd door")
    )
    total_places = models.PositiveIntegerField(_("plaatsen totaal"))
    free_places = models.IntegerField(_("vrije plaatsen"))
    held_places = models.IntegerField(_("gereserveerde plaatsen"), default=0)
    occupied_places = models.IntegerField(_("bezette plaatsen"), default=0)
    # Free places without staff: still "vrij", but "vrij maar niet inzetbaar" (never offered).
    unstaffed_places = models.IntegerField(_("vrij maar niet inzetbaar"), default=0)
    unstaffed_reason = models.CharField(
        _("reden niet inzetbaar"), max_length=500, blank=True, default=""
    )
    last_confirmed_at = models.DateTimeField(_("laatst bevestigd"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)

    class Meta:
        ordering = ["provider__name", "name"]
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="location_name_per_provider"),
            models.CheckConstraint(condition=Q(free_places__gte=0), name="location_free_gte_0"),
            models.CheckConstraint(condition=Q(held_places__gte=0), name="location_held_gte_0"),
            models.CheckConstraint(
                condition=Q(occupied_places__gte=0), name="location_occupied_gte_0"
            ),
            # Occupied places are the active placements, held ones the accepted offers; free
            # places are what the provider offers. What is left is "niet beschikbaar".
            models.CheckConstraint(
                condition=Q(
                    total_places__gte=F("free_places") + F("held_places") + F("occupied_places")
                ),
                name="location_counts_within_total",
            ),
            models.CheckConstraint(
                condition=Q(unstaffed_places__gte=0, unstaffed_places__lte=F("free_places")),
                name="location_unstaffed_within_free",
            ),
            models.CheckConstraint(
                condition=Q(age_min__lte=F("age_max")), name="location_age_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(secured=True, care_form=CareForm.SECURED)
                | (Q(secured=False) & ~Q(care_form=CareForm.SECURED)),
                name="location_secured_needs_secured_care_form",
            ),
        ]
        indexes = [
            # The overview filters on these; the stale-figure job scans last_confirmed_at.
            models.Index(fields=["care_form", "is_active"], name="location_care_form_active"),
            models.Index(fields=["last_confirmed_at"], name="location_last_confirmed"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    @property
    def unavailable_places(self) -> int:
        """Places neither free, held nor occupied: the provider does not offer them now."""
        return self.total_places - self.free_places - self.held_places - self.occupied_places

    @property
    def offerable_places(self) -> int:
        """Free places that can be offered: free and staffed."""
        return self.free_places - self.unstaffed_places

    @property
    def max_free_places(self) -> int:
        """The most free places the provider may state: the places not held or occupied."""
        return self.total_places - self.held_places - self.occupied_places


class CapacityEventQuerySet(models.QuerySet["CapacityEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Capacity events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Capacity events cannot be deleted.")


class CapacityEvent(models.Model):
    """One change of a location's counts: who, when, before, after and why.

    Append-only (Python refuses updates and deletes; on PostgreSQL a trigger too), so the
    occupancy of any period can be rebuilt from it. Written only by capacity/services.py.
    """

    class Reason(models.TextChoices):
        ADMISSION = "admission", _("opname buiten coördinatie")
        DEPARTURE = "departure", _("vertrek")
        CORRECTION = "correction", _("correctie")
        HOLD = "hold", _("plaats gereserveerd")
        RELEASE = "release", _("reservering vrijgegeven")
        PLACEMENT_START = "placement_start", _("start plaatsing")
        PLACEMENT_END = "placement_end", _("einde plaatsing")
        UNSTAFFED = "unstaffed", _("vrij maar niet inzetbaar")
        PLANNED_CHANGE = "planned_change", _("aangekondigde wijziging")

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="events", verbose_name=_("locatie")
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    total_before = models.IntegerField(_("totaal voor"))
    free_before = models.IntegerField(_("vrij voor"))
    held_before = models.IntegerField(_("gereserveerd voor"))
    occupied_before = models.IntegerField(_("bezet voor"))
    total_after = models.IntegerField(_("totaal na"))
    free_after = models.IntegerField(_("vrij na"))
    held_after = models.IntegerField(_("gereserveerd na"))
    occupied_after = models.IntegerField(_("bezet na"))
    unstaffed_before = models.IntegerField(_("niet inzetbaar voor"), default=0)
    unstaffed_after = models.IntegerField(_("niet inzetbaar na"), default=0)

    objects = CapacityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("capaciteitswijziging")
        verbose_name_plural = _("capaciteitshistorie")
        indexes = [models.Index(fields=["location", "at"], name="capacityevent_location_at")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.reason}: {self.free_before}→{self.free_after} vrij"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Capacity events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Capacity events cannot be deleted.")


class CapacityChange(models.Model):
    """An announced change of a location's size, or its closure, from a date on.

    Pending until the daily job applies it on `effective_on` (or it is cancelled before). A
    reduction below the places then occupied and held applies as far as it can: the total
    goes down to those places, `partial_since` is set and the job completes it on a later
    day, once enough places are empty. Rows are kept (history); only services write them.
    """

    class Kind(models.TextChoices):
        RESIZE = "resize", _("wijziging aantal plaatsen")
        CLOSURE = "closure", _("sluiting")

    class ReasonCode(models.TextChoices):
        GROUP_CLOSURE = "group_closure", _("sluiting van de groep")
        STAFFING = "staffing", _("personeel")
        REFURBISHMENT = "refurbishment", _("verbouwing")
        NEW_GROUP = "new_group", _("nieuwe groep")
        OTHER = "other", _("anders")

    class State(models.TextChoices):
        PENDING = "pending", _("aangekondigd")
        PARTIAL = "partial", _("deels doorgevoerd")
        APPLIED = "applied", _("doorgevoerd")
        CANCELLED = "cancelled", _("ingetrokken")

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="changes", verbose_name=_("locatie")
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    new_total = models.PositiveIntegerField(_("nieuw aantal plaatsen"), null=True, blank=True)
    effective_on = models.DateField(_("gaat in op"))
    reason = models.CharField(_("reden"), max_length=20, choices=ReasonCode.choices)
    note = models.CharField(_("toelichting"), max_length=1000, blank=True, default="")
    announced_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangekondigd door")
    )
    announced_at = models.DateTimeField(_("aangekondigd op"), default=timezone.now)
    partial_since = models.DateTimeField(_("deels doorgevoerd sinds"), null=True, blank=True)
    applied_at = models.DateTimeField(_("doorgevoerd op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingetrokken door"),
    )

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("aangekondigde capaciteitswijziging")
        verbose_name_plural = _("aangekondigde capaciteitswijzigingen")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "effective_on"],
                condition=Q(applied_at__isnull=True, cancelled_at__isnull=True),
                name="capacitychange_one_pending_per_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="closure", new_total__isnull=True)
                | Q(kind="resize", new_total__isnull=False),
                name="capacitychange_total_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="capacitychange_other_has_note"
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="capacitychange_applied_or_cancelled",
            ),
        ]
        indexes = [
            models.Index(
                fields=["effective_on"],
                condition=Q(applied_at__isnull=True, cancelled_at__isnull=True),
                name="capacitychange_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.kind} {self.effective_on}"

    @property
    def state(self) -> str:
        if self.cancelled_at is not None:
            return self.State.CANCELLED
        if self.applied_at is not None:
            return self.State.APPLIED
        if self.partial_since is not None:
            return self.State.PARTIAL
        return self.State.PENDING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_open(self) -> bool:
        """Not yet (fully) applied and not cancelled."""
        return self.applied_at is None and self.cancelled_at is None

    @property
    def target_total(self) -> int:
        return 0 if self.kind == self.Kind.CLOSURE else int(self.new_total or 0)


class IntensityTariff(models.Model):
    """The region's tariff per intensity band and year (G7 intensity model): per youth per
    24 h, for the hours of pedagogical staff of the band. Kept by the administrator."""

    year = models.PositiveSmallIntegerField(_("jaar"))
    band = models.CharField(_("intensiteitsklasse"), max_length=1, choices=Intensity.choices)
    hours_min = models.DecimalField(_("uren vanaf"), max_digits=4, decimal_places=1)
    hours_max = models.DecimalField(_("uren tot"), max_digits=4, decimal_places=1)
    tariff_per_day = models.DecimalField(_("tarief per dag (€)"), max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["-year", "band"]
        verbose_name = _("tarief per intensiteitsklasse")
        verbose_name_plural = _("tarieven per intensiteitsklasse")
        constraints = [
            models.UniqueConstraint(fields=["year", "band"], name="intensitytariff_year_band"),
            models.CheckConstraint(
                condition=Q(tariff_per_day__gte=0), name="intensitytariff_tariff_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(hours_min__gte=0, hours_min__lte=F("hours_max")),
                name="intensitytariff_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.band}: € {self.tariff_per_day}"


class LocationBand(models.Model):
    """A location's intensity band for one year (set each year). The current year's row is
    the source of `Location.intensity`, which the services keep in step."""

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="bands", verbose_name=_("locatie")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    band = models.CharField(_("intensiteitsklasse"), max_length=1, choices=Intensity.choices)

    class Meta:
        ordering = ["location_id", "-year"]
        verbose_name = _("intensiteitsklasse van een locatie")
        verbose_name_plural = _("intensiteitsklassen van locaties")
        constraints = [
            models.UniqueConstraint(fields=["location", "year"], name="locationband_location_year")
        ]
        indexes = [models.Index(fields=["year", "band"], name="locationband_year_band")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.year}: {self.band}"


class ContractedCapacity(models.Model):
    """The places a provider is contracted for, per care form and year."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contracted_capacity",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("aanbieder"),
    )
    care_form = models.CharField(_("zorgvorm"), max_length=30, choices=CareForm.choices)
    year = models.PositiveSmallIntegerField(_("jaar"))
    places = models.PositiveIntegerField(_("gecontracteerde plaatsen"))
    updated_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)

    class Meta:
        ordering = ["-year", "provider__name", "care_form"]
        verbose_name = _("gecontracteerde capaciteit")
        verbose_name_plural = _("gecontracteerde capaciteit")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "care_form", "year"], name="contractedcapacity_unique"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=0), name="contractedcapacity_places_gte_0"
            ),
        ]
        indexes = [models.Index(fields=["year", "provider"], name="contractedcap_year_provider")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.care_form} {self.year}: {self.places}"
