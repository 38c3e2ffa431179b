"""Youth identity (restricted), the pseudonymous referral, its explanatory analysis and history.

The identity lives in its own table so that every read of it can go through one audited
selector (`referrals.selectors.youth_identity_for`); the referral itself carries only a
pseudonymous code and the professional content that is later shown, anonymised, to providers.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Region
from config.codes import (
    ExpertDiscipline,
    ExpertTableOutcome,
    Gender,
    Intensity,
    LegalStatus,
    PreviousSituation,
    RequestKind,
    Urgency,
)


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class YouthIdentity(models.Model):
    """Who the youth is. Restricted: read it only through `youth_identity_for` (audited).

    One identity row per referral (a re-placement copies it), so that editing a draft never
    changes what another referral says about the youth.
    """

    given_name = models.CharField(_("voornaam"), max_length=100, blank=True)
    family_name = models.CharField(_("achternaam"), max_length=100, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("woongemeente"),
    )
    # [{"name": "…", "relation": "…"}, …]
    guardians = models.JSONField(_("gezaghebbenden / ouders"), default=list, blank=True)
    # Set to the BSN while the referral is open (submitted … placed) and cleared when it
    # closes. The unique constraint below makes "one youth, one open referral" hold in the
    # database even for two submits at the same moment; a referral-level constraint is not
    # possible because the BSN must stay out of the pseudonymous referral table.
    open_bsn = models.CharField(
        _("BSN (open)"), max_length=9, blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = _("identiteit jongere")
        verbose_name_plural = _("identiteiten jongeren")
        constraints = [
            models.UniqueConstraint(
                fields=["open_bsn"],
                condition=~Q(open_bsn=""),
                name="youth_one_open_referral_per_bsn",
            ),
            models.CheckConstraint(
                condition=Q(bsn="") | Q(bsn__regex=r"^[0-9]{9}$"), name="youth_bsn_nine_digits"
            ),
            models.CheckConstraint(
                condition=Q(gender="") | Q(gender__in=[g.value for g in Gender]),
                name="youth_gender_known",
            ),
            models.CheckConstraint(
                condition=Q(open_bsn="") | Q(open_bsn=models.F("bsn")),
                name="youth_open_bsn_is_bsn",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('jongere')} #{self.pk}"

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day) if self.birth_date else None


REFERRAL_STATUSES = [
    "draft",
    "submitted",
    "needs_info",
    "matching",
    "offered",
    "waiting",
    "accepted",
    "placed",
    "closed",
]


class Referral(models.Model):
    """A placement request for one youth: pseudonymous, with its plans and its status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")
        NEEDS_INFO = "needs_info", _("vraag aan verwijzer")
        MATCHING = "matching", _("matching")
        OFFERED = "offered", _("voorgesteld aan aanbieder")
        WAITING = "waiting", _("wacht op passende plek")
        ACCEPTED = "accepted", _("geaccepteerd")
        PLACED = "placed", _("geplaatst")
        CLOSED = "closed", _("afgesloten")

    class CloseOutcome(models.TextChoices):
        RESOLVED_AT_HOME = "resolved_at_home", _("opgelost met hulp thuis")
        WITHDRAWN = "withdrawn", _("ingetrokken")
        PLACED_OUTSIDE_COORDINATION = (
            "placed_outside_coordination",
            _("geplaatst buiten het coördinatiepunt om"),
        )

    OPEN_STATUSES = frozenset(
        {
            Status.SUBMITTED,
            Status.NEEDS_INFO,
            Status.MATCHING,
            Status.OFFERED,
            Status.WAITING,
            Status.ACCEPTED,
            Status.PLACED,
        }
    )

    code = models.CharField(_("code"), max_length=20, unique=True)
    youth = models.OneToOneField(
        YouthIdentity, on_delete=models.PROTECT, related_name="referral", verbose_name=_("jongere")
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("verwijzer"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("verwijzende organisatie"),
    )
    # The region of the youth's home municipality, kept with the referral (by the services): the
    # coordinators' scope and lists start from an index on it instead of every youth of the
    # region. Past draft it is always there (constraint).
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("regio"),
        db_index=False,  # `referral_region_id` below serves every lookup by region
    )
    legal_status = models.CharField(
        _("juridische status"), max_length=40, choices=LegalStatus.choices, blank=True
    )
    current_situation = models.TextField(_("huidige situatie"), blank=True)
    # Coded origin (issue 21); `current_situation` above stays as its explanation.
    previous_situation = models.CharField(
        _("vorige situatie"), max_length=20, choices=PreviousSituation.choices, blank=True
    )
    request_kind = models.CharField(
        _("soort verzoek"), max_length=20, choices=RequestKind.choices, default=RequestKind.NEW
    )
    # Woonplaatsbeginsel: the municipality responsible for the youth's care, separate from the
    # address (default on submit: the youth's home municipality).
    responsible_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verantwoordelijke gemeente (woonplaatsbeginsel)"),
    )
    urgency = models.CharField(
        _("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.PLANNED
    )
    # Crisis: placed first, the documents (VA, perspective and safety plan) follow by
    # `documents_due_on` (submission + CRISIS_DOCUMENTS_WORKING_DAYS working days).
    crisis_reason = models.TextField(_("reden crisisplaatsing"), blank=True)
    crisis_location = models.ForeignKey(
        "capacity.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("crisisplek (uit het register)"),
    )
    crisis_placed_where = models.CharField(
        _("crisisplek (andere plek)"), max_length=200, blank=True
    )
    documents_due_on = models.DateField(_("documenten uiterlijk"), null=True, blank=True)
    documents_completed_on = models.DateField(_("documenten compleet"), null=True, blank=True)
    previous_placements = models.PositiveSmallIntegerField(_("eerdere plaatsingen"), default=0)
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    school_level = models.CharField(_("schoolniveau"), max_length=100, blank=True)
    school_attending = models.BooleanField(_("gaat naar school"), null=True, blank=True)
    requested_start = models.DateField(_("gewenste startdatum"), null=True, blank=True)
    perspective_plan = models.TextField(_("perspectiefplan"), blank=True)
    # The horizon the perspective plan gives (months): a placement's planned end defaults to
    # its start plus the horizon and may then not be cleared (issue 22.5).
    perspective_horizon_months = models.PositiveSmallIntegerField(
        _("termijn van het perspectiefplan (maanden)"), null=True, blank=True
    )
    safety_plan = models.TextField(_("veiligheidsplan"), blank=True)
    care_question = models.TextField(_("zorgvraag"), blank=True)
    youth_perspective = models.TextField(_("perspectief van de jongere"), blank=True)
    parents_perspective = models.TextField(_("perspectief van de ouders"), blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status gewijzigd"), default=timezone.now)
    # The latest submission: the intake list waits from here.
    submitted_at = models.DateTimeField(_("ingediend"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten"), null=True, blank=True)

    info_question = models.TextField(_("vraag van de coördinator"), blank=True)
    info_requested_at = models.DateTimeField(_("vraag gesteld"), null=True, blank=True)
    info_answer = models.TextField(_("antwoord van de verwijzer"), blank=True)
    expert_table = models.BooleanField(_("experttafel"), default=False)
    expert_table_note = models.TextField(_("toelichting experttafel"), blank=True)
    close_outcome = models.CharField(
        _("reden van afsluiten"), max_length=30, choices=CloseOutcome.choices, blank=True
    )
    interim_support = models.TextField(_("hulp in de tussentijd"), blank=True)
    ambulant_support = models.BooleanField(_("ambulante hulp thuis"), default=False)

    # The latest version of the explanatory analysis (None until one is written).
    current_analysis = models.OneToOneField(
        "ExplanatoryAnalysis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verklarende analyse"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plaatsingsverzoek")
        verbose_name_plural = _("plaatsingsverzoeken")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=REFERRAL_STATUSES), name="referral_status_known"
            ),
            models.CheckConstraint(
                condition=Q(legal_status="") | Q(legal_status__in=[s.value for s in LegalStatus]),
                name="referral_legal_status_known",
            ),
            models.CheckConstraint(
                condition=Q(close_outcome="") | Q(status="closed"),
                name="referral_outcome_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^ROP-[0-9]{4}-[0-9]{5,}$"), name="referral_code_format"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(region__isnull=False),
                name="referral_region_past_draft",
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=[u.value for u in Urgency]), name="referral_urgency_known"
            ),
            models.CheckConstraint(
                condition=Q(previous_situation="")
                | Q(previous_situation__in=[p.value for p in PreviousSituation]),
                name="referral_previous_situation_known",
            ),
            models.CheckConstraint(
                condition=Q(request_kind__in=[k.value for k in RequestKind]),
                name="referral_request_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(perspective_horizon_months__isnull=True)
                | Q(perspective_horizon_months__gte=1, perspective_horizon_months__lte=36),
                name="referral_perspective_horizon_range",
            ),
            # Documents that follow later exist only for a crisis placement.
            models.CheckConstraint(
                condition=Q(urgency="crisis")
                | Q(documents_due_on__isnull=True, documents_completed_on__isnull=True),
                name="referral_documents_due_only_crisis",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="referral_intake"),
            models.Index(fields=["region", "status", "status_changed_at"], name="referral_region"),
            # a region's referral ids from the index alone: joins from offers and placements
            models.Index(fields=["region", "id"], name="referral_region_id"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.NEEDS_INFO)

    @property
    def is_crisis(self) -> bool:
        return self.urgency == Urgency.CRISIS

    @property
    def documents_outstanding(self) -> bool:
        """A submitted crisis referral whose VA and plans have not followed yet (rule 1)."""
        return (
            self.urgency == Urgency.CRISIS
            and self.documents_due_on is not None
            and self.documents_completed_on is None
        )

    def documents_overdue(self, today: date | None = None) -> bool:
        return self.documents_outstanding and self.documents_due_on < (  # type: ignore[operator]
            today or timezone.localdate()
        )

    def youth_age(self, on: date | None = None) -> int | None:
        """The youth's age in years on `on` (default: the requested start, else today)."""
        return self.youth.age_on(on or self.requested_start or timezone.localdate())

    def waiting_days(self, today: date | None = None) -> int | None:
        if self.submitted_at is None:
            return None
        return ((today or timezone.localdate()) - timezone.localdate(self.submitted_at)).days


class ExplanatoryAnalysis(models.Model):
    """Verklarende Analyse: one per referral, a new version when revised after submission."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="analyses", verbose_name=_("verzoek")
    )
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    problems = models.TextField(_("problemen"), blank=True)
    explaining_factors = models.TextField(_("verklarende factoren"), blank=True)
    protective_factors = models.TextField(_("beschermende factoren"), blank=True)
    needs = models.TextField(_("behoeften"), blank=True)
    # Codes of config.codes as JSON lists (jsonb: `@>` and `?|` serve the matching SQL).
    needed_care_forms = models.JSONField(
        _("benodigde zorgvormen (voorkeursvolgorde)"), default=list, blank=True
    )
    needed_expertise = models.JSONField(_("benodigde expertise"), default=list, blank=True)
    risk_flags = models.JSONField(_("risico's"), default=list, blank=True)
    intensity = models.CharField(
        _("intensiteit"), max_length=1, choices=Intensity.choices, blank=True
    )
    secured_required = models.BooleanField(_("gesloten plaatsing nodig"), default=False)
    author_name = models.CharField(_("auteur"), max_length=200, blank=True)
    author_role = models.CharField(_("functie auteur"), max_length=200, blank=True)
    completed_on = models.DateField(_("datum afgerond"), null=True, blank=True)
    shared_with_family = models.BooleanField(_("besproken met het gezin"), default=False)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)

    class Meta:
        ordering = ["referral", "-version"]
        verbose_name = _("verklarende analyse")
        verbose_name_plural = _("verklarende analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "version"], name="analysis_one_per_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="analysis_version_positive"),
            models.CheckConstraint(
                condition=Q(intensity="") | Q(intensity__in=[i.value for i in Intensity]),
                name="analysis_intensity_known",
            ),
        ]

    def __str__(self) -> str:
        return f"VA v{self.version} ({self.referral_id})"

    @property
    def secured_needed(self) -> bool:
        return self.secured_required or "secured" in (self.needed_care_forms or [])


class ReferralEvent(models.Model):
    """One status change (or other step) of a referral: the timeline, and its timestamps."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("verzoek")
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    from_status = models.CharField(_("van"), max_length=20, blank=True)
    to_status = models.CharField(_("naar"), max_length=20)
    # A short fact ("vraag gesteld", "experttafel"), never identifying data.
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class InfoRequest(models.Model):
    """One question of the coordinator to the referrer, and the referrer's answer.

    Kept per question, so that a later question does not erase an earlier one and its answer
    (`Referral.info_question` / `info_answer` hold only the current pair, for the forms).
    """

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="info_requests",
        verbose_name=_("verzoek"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesteld door"),
    )
    asked_at = models.DateTimeField(_("vraag gesteld"), default=timezone.now)
    question = models.TextField(_("vraag van de coördinator"))
    answer = models.TextField(_("antwoord van de verwijzer"), blank=True)
    answered_at = models.DateTimeField(_("beantwoord"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("vraag aan de verwijzer")
        verbose_name_plural = _("vragen aan de verwijzer")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.asked_at:%Y-%m-%d}"


class ExpertTable(models.Model):
    """An expert table (experttafel) convened for a referral whose need stays unclear after
    the VA: who was there (discipline codes), the question, the advice and the outcome.

    Several per referral over time; `Referral.expert_table` stays true while one is open
    (no outcome yet), which the board and the lists keep reading."""

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="expert_tables",
        verbose_name=_("verzoek"),
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bijeengeroepen door"),
    )
    convened_on = models.DateField(_("datum experttafel"))
    # Codes of config.codes.ExpertDiscipline.
    disciplines = models.JSONField(_("aanwezige disciplines"), default=list)
    question = models.TextField(_("vraag aan de experttafel"))
    advice = models.TextField(_("advies"), blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=30, choices=ExpertTableOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("toelichting op de uitkomst"), blank=True)
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd"), default=timezone.now)

    class Meta:
        ordering = ["convened_on", "id"]
        verbose_name = _("experttafel")
        verbose_name_plural = _("experttafels")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in ExpertTableOutcome]),
                name="expert_table_outcome_known",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(decided_on__isnull=True))
                | (~Q(outcome="") & Q(decided_on__isnull=False) & ~Q(advice="")),
                name="expert_table_decided_with_date_and_advice",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("convened_on")),
                name="expert_table_decided_after_convened",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="special_arrangement") | ~Q(outcome_note=""),
                name="expert_table_special_arrangement_explained",
            ),
        ]
        indexes = [models.Index(fields=["referral", "convened_on"], name="expert_table_referral")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.convened_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def discipline_labels(self) -> list[str]:
        names = dict(ExpertDiscipline.choices)
        return [str(names.get(code, code)) for code in self.disciplines or []]


class ReferralCodeCounter(models.Model):
    """The last number handed out per year, for codes like ROP-2026-00042 (row-locked)."""

    year = models.PositiveSmallIntegerField(_("jaar"), primary_key=True)
    last_number = models.PositiveIntegerField(_("laatste nummer"), default=0)

    class Meta:
        verbose_name = _("codeteller")
        verbose_name_plural = _("codetellers")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
