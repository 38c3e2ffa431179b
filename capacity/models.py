"""Provider locations and their places; the database itself keeps the counts consistent."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Region
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
    last_confirmed_at = models.DateTimeField(_("laatst bevestigd"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

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
            models.CheckConstraint(
                condition=Q(
                    total_places=F("free_places") + F("held_places") + F("occupied_places")
                ),
                name="location_counts_add_up",
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

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"
