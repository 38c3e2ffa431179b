"""Report tables (derived data, rebuilt as a whole by `analyses.services.reports_rebuild`) and
the log of rebuild runs.

Every report row carries its dimensions, its measures and `built_at`. Dimensions use two
conventions so that the pages never have to add up medians: `period` is `all`, a quarter
(`2026-Q1`) or a month (`2026-03`); `region` is a region code, or `""` for every region.
Nothing here points at a referral or a youth: the rows are aggregates only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    """One rebuild of every report: its state while it runs and its outcome afterwards."""

    class State(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        OK = "ok", _("gereed")
        FAILED = "failed", _("mislukt")

    state = models.CharField(_("status"), max_length=10, choices=State.choices)
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    created_at = models.DateTimeField(_("aangevraagd"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duur (ms)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rijen"), default=0)
    # {"unmet_need": 120, …}: rows per report of this run.
    detail = models.JSONField(_("rijen per rapport"), default=dict, blank=True)
    error = models.CharField(_("fout"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rapportbouw")
        verbose_name_plural = _("rapportbouwen")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def is_busy(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class ReportRow(models.Model):
    # Indexed together per report (Meta.indexes, "…_scope"): every page reads one period and
    # region; one index instead of four keeps the rebuild's bulk inserts cheap.
    period = models.CharField(_("periode"), max_length=10)
    region = models.CharField(_("regio"), max_length=10, blank=True)
    built_at = models.DateTimeField(_("gebouwd"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.period} {self.region or '*'}"


class UnmetNeedRow(ReportRow):
    """Referrals per need profile (first-choice care form × expertise × age band × secured)."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True)
    expertise = models.CharField(
        _("expertise"), max_length=200, blank=True
    )  # codes joined with "+"
    age_band = models.CharField(_("leeftijdsgroep"), max_length=10)
    secured = models.BooleanField(_("gesloten"))
    referrals = models.PositiveIntegerField(_("verzoeken"))
    placed_first_choice = models.PositiveIntegerField(_("geplaatst bij eerste keus"))
    placed_other = models.PositiveIntegerField(_("elders geplaatst"))
    waiting_now = models.PositiveIntegerField(_("nu wachtend"))
    median_days_waiting = models.FloatField(
        _("mediaan dagen wachtend"), null=True
    )  # over the referrals waiting now
    resolved_at_home = models.PositiveIntegerField(_("thuis opgelost"))
    refusals = models.PositiveIntegerField(_("weigeringen"))
    hard_to_place = models.PositiveIntegerField(_("moeilijk plaatsbaar"))
    # Closed as placed outside coordination (issue 21): need the contracted offer did not meet.
    placed_outside = models.PositiveIntegerField(_("buiten de coördinatie geplaatst"), default=0)
    top_refusal_reasons = models.CharField(
        _("meest genoemde weigerredenen"), max_length=200, blank=True
    )  # codes, most first

    class Meta:
        ordering = ["period", "region", "-referrals"]
        indexes = [models.Index(fields=["period", "region"], name="unmet_need_scope")]
        verbose_name = _("onvervulde vraag (rij)")
        verbose_name_plural = _("onvervulde vraag (rijen)")


class NeedMatrixRow(ReportRow):
    """Placements by needed (first-choice) care form × delivered care form."""

    needed = models.CharField(_("nodig"), max_length=30, blank=True)
    delivered = models.CharField(_("geleverd"), max_length=30)
    placements = models.PositiveIntegerField(_("plaatsingen"))

    class Meta:
        ordering = ["period", "region", "needed", "delivered"]
        indexes = [models.Index(fields=["period", "region"], name="need_matrix_scope")]
        verbose_name = _("vraag en aanbod (rij)")
        verbose_name_plural = _("vraag en aanbod (rijen)")


class RefusalRow(ReportRow):
    """Refusals (incl. expiries as `no_response`) by provider × care form × reason."""

    provider = models.CharField(_("aanbieder"), max_length=200)
    care_form = models.CharField(_("zorgvorm"), max_length=30)
    reason = models.CharField(_("reden"), max_length=30)
    refusals = models.PositiveIntegerField(_("weigeringen"))

    class Meta:
        ordering = ["period", "region", "provider", "care_form", "reason"]
        indexes = [models.Index(fields=["period", "region"], name="refusal_scope")]
        verbose_name = _("weigering (rij)")
        verbose_name_plural = _("weigeringen (rijen)")


class ProviderResponseRow(ReportRow):
    """Answers per provider (per care form of the location offered, and '' for all of them):
    acceptance, no response, median response time."""

    provider = models.CharField(_("aanbieder"), max_length=200)
    care_form = models.CharField(
        _("zorgvorm"), max_length=30, blank=True, default=""
    )  # '' = every one
    offers = models.PositiveIntegerField(_("voorstellen"))
    accepted = models.PositiveIntegerField(_("geaccepteerd"))
    refused = models.PositiveIntegerField(_("geweigerd"))  # refused + expired
    no_response = models.PositiveIntegerField(_("geen reactie"))
    median_response_hours = models.FloatField(_("mediaan reactietijd (uren)"), null=True)

    class Meta:
        ordering = ["period", "region", "provider"]
        indexes = [models.Index(fields=["period", "region"], name="provider_response_scope")]
        verbose_name = _("reactie aanbieder (rij)")
        verbose_name_plural = _("reacties aanbieders (rijen)")


class ReplacementRow(ReportRow):
    """Placements started in the period, and how many ended in re-placement within 6/12 months."""

    provider = models.CharField(_("aanbieder"), max_length=200)
    care_form = models.CharField(_("zorgvorm"), max_length=30)
    started = models.PositiveIntegerField(_("gestart"))
    replaced_6m = models.PositiveIntegerField(_("overgeplaatst binnen 6 maanden"))
    replaced_12m = models.PositiveIntegerField(_("overgeplaatst binnen 12 maanden"))
    # Issue 21: in the period, placements ended by re-placement and placements at risk whose
    # re-placement was prevented (PlacementRisk closed as `prevented`), side by side.
    replaced = models.PositiveIntegerField(_("doorgeplaatst in de periode"), default=0)
    prevented = models.PositiveIntegerField(_("doorplaatsing voorkomen"), default=0)

    class Meta:
        ordering = ["period", "region", "provider", "care_form"]
        indexes = [models.Index(fields=["period", "region"], name="replacement_scope")]
        verbose_name = _("overplaatsing (rij)")
        verbose_name_plural = _("overplaatsingen (rijen)")


class ChainRow(ReportRow):
    """Youths by the number of placements in their chain (moves = placements − 1), per care
    form of the chain's first placement ('' = every care form)."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True, default="")
    placements_in_chain = models.PositiveIntegerField(_("plaatsingen in de keten"))
    youths = models.PositiveIntegerField(_("jongeren"))

    class Meta:
        ordering = ["period", "region", "placements_in_chain"]
        indexes = [models.Index(fields=["period", "region"], name="chain_scope")]
        verbose_name = _("plaatsingsketen (rij)")
        verbose_name_plural = _("plaatsingsketens (rijen)")


class KpiRow(ReportRow):
    """One steering figure: value = numerator / denominator (or a median, then numerator=n),
    per first-choice care form ('' = every care form)."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True, default="")
    code = models.CharField(_("code"), max_length=40)
    numerator = models.FloatField(_("teller"), null=True)
    denominator = models.PositiveIntegerField(_("noemer"), null=True)
    value = models.FloatField(_("waarde"), null=True)

    class Meta:
        ordering = ["period", "region", "code"]
        indexes = [models.Index(fields=["period", "region"], name="kpi_scope")]
        verbose_name = _("kengetal (rij)")
        verbose_name_plural = _("kengetallen (rijen)")


class OccupancyRow(ReportRow):
    """Occupied and total places per care form at the end of a month (capacity history), per
    region contracting the location ('' = every region)."""

    care_form = models.CharField(_("zorgvorm"), max_length=30)
    occupied = models.PositiveIntegerField(_("bezet"))
    total = models.PositiveIntegerField(_("totaal"))

    class Meta:
        ordering = ["period", "care_form"]
        indexes = [models.Index(fields=["period", "region"], name="occupancy_scope")]
        verbose_name = _("bezetting (rij)")
        verbose_name_plural = _("bezetting (rijen)")


class OutsideCareRow(ReportRow):
    """Referrals closed as placed outside coordination (issue 21): need the contracted offer
    did not meet, per first-choice care form × contracted or not × arrangement, with the sum
    of their cost per day over those whose cost is known. Codes only: no provider, no text."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True)
    contracted = models.BooleanField(_("gecontracteerd"))
    arrangement = models.CharField(_("arrangement"), max_length=20)
    youths = models.PositiveIntegerField(_("jongeren"))
    with_cost = models.PositiveIntegerField(_("met bekende kosten per dag"))
    cost_per_day_sum = models.FloatField(_("som kosten per dag (€)"), null=True)

    class Meta:
        ordering = ["period", "region", "care_form", "-contracted", "arrangement"]
        indexes = [models.Index(fields=["period", "region"], name="outside_care_scope")]
        verbose_name = _("zorg buiten de coördinatie (rij)")
        verbose_name_plural = _("zorg buiten de coördinatie (rijen)")


class OriginRow(ReportRow):
    """Referrals by one coded origin dimension (issue 21): `dimension` is `urgency`,
    `previous_situation` or `request_kind`, `code` its value ('' = not recorded); per
    first-choice care form ('' = every care form)."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True, default="")
    dimension = models.CharField(_("kenmerk"), max_length=20)
    code = models.CharField(_("waarde"), max_length=20, blank=True)
    referrals = models.PositiveIntegerField(_("verzoeken"))
    placed = models.PositiveIntegerField(_("geplaatst"))
    placed_outside = models.PositiveIntegerField(_("buiten de coördinatie geplaatst"))
    waiting_now = models.PositiveIntegerField(_("nu wachtend"))
    median_days_to_placement = models.FloatField(_("mediaan dagen tot plaatsing"), null=True)

    class Meta:
        ordering = ["period", "region", "dimension", "code"]
        indexes = [models.Index(fields=["period", "region"], name="origin_scope")]
        verbose_name = _("herkomst (rij)")
        verbose_name_plural = _("herkomst (rijen)")


REPORT_MODELS: dict[str, type[ReportRow]] = {
    "unmet_need": UnmetNeedRow,
    "need_matrix": NeedMatrixRow,
    "refusals": RefusalRow,
    "provider_responses": ProviderResponseRow,
    "replacements": ReplacementRow,
    "chains": ChainRow,
    "kpis": KpiRow,
    "occupancy": OccupancyRow,
    "outside_care": OutsideCareRow,
    "origin": OriginRow,
}


class RefusalConcernRow(ReportRow):
    """Refusals (issue 23) per needed expertise or risk flag of the VA that the provider
    named as its concern (`Offer.refusal_concerns`) × reason, by provider × care form. A
    refusal naming two concerns counts once for each."""

    provider = models.CharField(_("aanbieder"), max_length=200)
    care_form = models.CharField(_("zorgvorm"), max_length=30)
    concern = models.CharField(_("aanleiding"), max_length=40)
    reason = models.CharField(_("reden"), max_length=30)
    refusals = models.PositiveIntegerField(_("weigeringen"))

    class Meta:
        ordering = ["period", "region", "provider", "care_form", "concern", "reason"]
        indexes = [models.Index(fields=["period", "region"], name="refusal_concern_scope")]
        verbose_name = _("weigering per aanleiding (rij)")
        verbose_name_plural = _("weigeringen per aanleiding (rijen)")


REPORT_MODELS["refusal_concerns"] = RefusalConcernRow


class KpiTarget(models.Model):
    """A target a region sets for one KPI of the catalogue (analyses.catalogue) in a year;
    `region` empty = every region (the functional administrator's). Not a report row: kept
    by hand through analyses.target_services, never rebuilt."""

    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regio"),
    )
    code = models.CharField(_("kengetal"), max_length=40)
    year = models.PositiveSmallIntegerField(_("jaar"))
    target = models.FloatField(_("streefwaarde"))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        ordering = ["-year", "region__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code", "year"],
                condition=models.Q(region__isnull=False),
                name="kpi_target_region_code_year",
            ),
            models.UniqueConstraint(
                fields=["code", "year"],
                condition=models.Q(region__isnull=True),
                name="kpi_target_all_regions_code_year",
            ),
            models.CheckConstraint(
                condition=models.Q(target__gte=0), name="kpi_target_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="kpi_target_year_range"
            ),
        ]
        verbose_name = _("streefwaarde kengetal")
        verbose_name_plural = _("streefwaarden kengetallen")

    def __str__(self) -> str:
        return f"{self.code} {self.year} {self.region_id or '*'}: {self.target}"


class WaitingTimeRow(ReportRow):
    """Waiting times by step (issue 23.5): the referrals that passed a step in the period
    (by the moment the step ended) and the median and 90th percentile of its days, per
    first-choice care form and urgency ('' = every one). The steps and their moments:
    analyses.builders.build_waiting_times."""

    care_form = models.CharField(_("zorgvorm"), max_length=30, blank=True, default="")
    urgency = models.CharField(_("urgentie"), max_length=10, blank=True, default="")
    step = models.CharField(_("stap"), max_length=30)
    referrals = models.PositiveIntegerField(_("verzoeken"))
    median_days = models.FloatField(_("mediaan dagen"), null=True)
    p90_days = models.FloatField(_("90e percentiel dagen"), null=True)

    class Meta:
        ordering = ["period", "region", "care_form", "urgency", "step"]
        indexes = [models.Index(fields=["period", "region"], name="waiting_time_scope")]
        verbose_name = _("wachttijd per stap (rij)")
        verbose_name_plural = _("wachttijden per stap (rijen)")


REPORT_MODELS["waiting_times"] = WaitingTimeRow


class ForecastCheckRow(ReportRow):
    """Expected vacancies checked afterwards (issue 22.5): the current forecast of each
    placement (`placement.VacancyForecast`, the latest planned end) dated by the day it
    expected the place to come free, per care form of the location. Came true: the placement
    ended within ± FORECAST_TOLERANCE_DAYS of that day; earlier: before it; later: after it,
    or still running when the day plus the tolerance had passed; pending: neither yet."""

    care_form = models.CharField(_("zorgvorm"), max_length=30)
    forecasts = models.PositiveIntegerField(_("verwachte vrije plekken"))
    came_true = models.PositiveIntegerField(_("uitgekomen"))
    ended_earlier = models.PositiveIntegerField(_("eerder vrijgekomen"))
    ended_later = models.PositiveIntegerField(_("later of nog niet vrijgekomen"))
    pending = models.PositiveIntegerField(_("nog niet te beoordelen"))

    class Meta:
        ordering = ["period", "region", "care_form"]
        indexes = [models.Index(fields=["period", "region"], name="forecast_check_scope")]
        verbose_name = _("verwachte vrije plek, uitgekomen? (rij)")
        verbose_name_plural = _("verwachte vrije plekken, uitgekomen? (rijen)")


REPORT_MODELS["forecasts"] = ForecastCheckRow
