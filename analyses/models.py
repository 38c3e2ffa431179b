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
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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

    care_form = models.CharField(max_length=30, blank=True)
    expertise = models.CharField(max_length=200, blank=True)  # codes joined with "+"
    age_band = models.CharField(max_length=10)
    secured = models.BooleanField()
    referrals = models.PositiveIntegerField()
    placed_first_choice = models.PositiveIntegerField()
    placed_other = models.PositiveIntegerField()
    waiting_now = models.PositiveIntegerField()
    median_days_waiting = models.FloatField(null=True)  # over the referrals waiting now
    resolved_at_home = models.PositiveIntegerField()
    refusals = models.PositiveIntegerField()
    hard_to_place = models.PositiveIntegerField()
    top_refusal_reasons = models.CharField(max_length=200, blank=True)  # codes, most first

    class Meta:
        ordering = ["period", "region", "-referrals"]
        indexes = [models.Index(fields=["period", "region"], name="unmet_need_scope")]


class NeedMatrixRow(ReportRow):
    """Placements by needed (first-choice) care form × delivered care form."""

    needed = models.CharField(max_length=30, blank=True)
    delivered = models.CharField(max_length=30)
    placements = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region", "needed", "delivered"]
        indexes = [models.Index(fields=["period", "region"], name="need_matrix_scope")]


class RefusalRow(ReportRow):
    """Refusals (incl. expiries as `no_response`) by provider × care form × reason."""

    provider = models.CharField(max_length=200)
    care_form = models.CharField(max_length=30)
    reason = models.CharField(max_length=30)
    refusals = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region", "provider", "care_form", "reason"]
        indexes = [models.Index(fields=["period", "region"], name="refusal_scope")]


class ProviderResponseRow(ReportRow):
    """Answers per provider (per care form of the location offered, and '' for all of them):
    acceptance, no response, median response time."""

    provider = models.CharField(max_length=200)
    care_form = models.CharField(max_length=30, blank=True, default="")  # '' = every one
    offers = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()
    refused = models.PositiveIntegerField()  # refused + expired
    no_response = models.PositiveIntegerField()
    median_response_hours = models.FloatField(null=True)

    class Meta:
        ordering = ["period", "region", "provider"]
        indexes = [models.Index(fields=["period", "region"], name="provider_response_scope")]


class ReplacementRow(ReportRow):
    """Placements started in the period, and how many ended in re-placement within 6/12 months."""

    provider = models.CharField(max_length=200)
    care_form = models.CharField(max_length=30)
    started = models.PositiveIntegerField()
    replaced_6m = models.PositiveIntegerField()
    replaced_12m = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region", "provider", "care_form"]
        indexes = [models.Index(fields=["period", "region"], name="replacement_scope")]


class ChainRow(ReportRow):
    """Youths by the number of placements in their chain (moves = placements − 1), per care
    form of the chain's first placement ('' = every care form)."""

    care_form = models.CharField(max_length=30, blank=True, default="")
    placements_in_chain = models.PositiveIntegerField()
    youths = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region", "placements_in_chain"]
        indexes = [models.Index(fields=["period", "region"], name="chain_scope")]


class KpiRow(ReportRow):
    """One steering figure: value = numerator / denominator (or a median, then numerator=n),
    per first-choice care form ('' = every care form)."""

    care_form = models.CharField(max_length=30, blank=True, default="")
    code = models.CharField(max_length=40)
    numerator = models.FloatField(null=True)
    denominator = models.PositiveIntegerField(null=True)
    value = models.FloatField(null=True)

    class Meta:
        ordering = ["period", "region", "code"]
        indexes = [models.Index(fields=["period", "region"], name="kpi_scope")]


class OccupancyRow(ReportRow):
    """Occupied and total places per care form at the end of a month (capacity history), per
    region contracting the location ('' = every region)."""

    care_form = models.CharField(max_length=30)
    occupied = models.PositiveIntegerField()
    total = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "care_form"]
        indexes = [models.Index(fields=["period", "region"], name="occupancy_scope")]


REPORT_MODELS: dict[str, type[ReportRow]] = {
    "unmet_need": UnmetNeedRow,
    "need_matrix": NeedMatrixRow,
    "refusals": RefusalRow,
    "provider_responses": ProviderResponseRow,
    "replacements": ReplacementRow,
    "chains": ChainRow,
    "kpis": KpiRow,
    "occupancy": OccupancyRow,
}
