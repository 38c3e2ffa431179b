"""The code lists of CONTRACT.md, shared by every app. Labels are Dutch for the user."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareForm(models.TextChoices):
    """Care forms, lightest to heaviest (DOMAIN.md)."""

    RESPITE = "respite", _("logeren")
    FOSTER_CARE = "foster_care", _("pleegzorg")
    FAMILY_HOME = "family_home", _("gezinshuis")
    SMALL_SCALE_HOME = "small_scale_home", _("kleinschalige woonvoorziening")
    TREATMENT_GROUP = "treatment_group", _("behandelgroep")
    SUPPORTED_LIVING = "supported_living", _("kamertraining / begeleid wonen")
    THREE_MILIEU = "three_milieu", _("driemilieuvoorziening")
    SECURED = "secured", _("JeugdzorgPlus (gesloten)")
    CLINICAL_ADMISSION = "clinical_admission", _("klinische opname")


class Expertise(models.TextChoices):
    YOUTH_PARENTING = "youth_parenting", _("jeugd- en opvoedhulp")
    INTELLECTUAL_DISABILITY = "intellectual_disability", _("licht verstandelijke beperking")
    MENTAL_HEALTH = "mental_health", _("jeugd-GGZ")
    ADDICTION = "addiction", _("verslavingszorg")
    FORENSIC = "forensic", _("forensische zorg")


class RiskFlag(models.TextChoices):
    AGGRESSION = "aggression", _("agressie")
    FIRE_SETTING = "fire_setting", _("brandstichting")
    SEXUALLY_HARMFUL_BEHAVIOUR = (
        "sexually_harmful_behaviour",
        _("seksueel grensoverschrijdend gedrag"),
    )
    SUBSTANCE_USE = "substance_use", _("middelengebruik")
    ABSCONDING = "absconding", _("weglopen")
    SELF_HARM = "self_harm", _("zelfbeschadiging")
    CRIMINAL_EXPLOITATION = "criminal_exploitation", _("criminele uitbuiting")


class LegalStatus(models.TextChoices):
    VOLUNTARY = "voluntary", _("vrijwillig")
    SUPERVISION_WITH_AUTHORISATION = (
        "supervision_with_authorisation",
        _("ondertoezichtstelling met machtiging uithuisplaatsing"),
    )
    SECURED_AUTHORISATION = "secured_authorisation", _("machtiging gesloten jeugdhulp")
    EMERGENCY_SECURED_AUTHORISATION = (
        "emergency_secured_authorisation",
        _("spoedmachtiging gesloten jeugdhulp"),
    )


SECURED_LEGAL_STATUSES = frozenset(
    {LegalStatus.SECURED_AUTHORISATION, LegalStatus.EMERGENCY_SECURED_AUTHORISATION}
)


class RefusalReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("geen plek")
    CONTRA_INDICATION = "contra_indication", _("contra-indicatie")
    GROUP_COMPOSITION = "group_composition", _("groepssamenstelling")
    INSUFFICIENT_EXPERTISE = "insufficient_expertise", _("onvoldoende expertise")
    STAFFING = "staffing", _("personeelstekort")
    SAFETY_RISK = "safety_risk", _("veiligheidsrisico")
    AGE_OR_GENDER = "age_or_gender", _("leeftijd of gender")
    DISTANCE = "distance", _("afstand")
    OTHER = "other", _("anders")
    NO_RESPONSE = "no_response", _("geen reactie (verlopen)")


class Gender(models.TextChoices):
    FEMALE = "f", _("meisje / vrouw")
    MALE = "m", _("jongen / man")
    X = "x", _("anders / onbekend")


class Intensity(models.TextChoices):
    """G7 intensity bands: hours of pedagogical staff per youth per 24 h, K (4.5–5.0) to Z."""

    K = "K", "K (4,5–5,0 u)"
    L = "L", "L (5,0–5,5 u)"
    M = "M", "M (5,5–6,0 u)"
    N = "N", "N (6,0–6,5 u)"
    O = "O", "O (6,5–7,0 u)"  # noqa: E741
    P = "P", "P (7,0–7,5 u)"
    Q = "Q", "Q (7,5–8,0 u)"
    R = "R", "R (8,0–8,5 u)"
    S = "S", "S (8,5–9,0 u)"
    T = "T", "T (9,0–9,5 u)"
    U = "U", "U (9,5–10,0 u)"
    V = "V", "V (10,0–10,5 u)"
    W = "W", "W (10,5–11,0 u)"
    X = "X", "X (11,0–11,5 u)"
    Y = "Y", "Y (11,5–12,0 u)"
    Z = "Z", "Z (12,0–12,5 u)"


# --- care outside coordination (issue 21) -------------------------------------------------


class OutsideArrangement(models.TextChoices):
    """How care arranged outside the coordination point is organised."""

    REGULAR = "regular", _("regulier aanbod")
    MAATWERK = "maatwerk", _("maatwerkconstructie")
    ONE_TO_ONE = "one_to_one", _("één-op-éénbegeleiding")


# Arrangements whose cost per day must be known: the expensive constructions the region wants
# to see (DB constraint on placement.OutsidePlacement).
OUTSIDE_COST_REQUIRED = frozenset({OutsideArrangement.MAATWERK, OutsideArrangement.ONE_TO_ONE})


class OutsideReason(models.TextChoices):
    NO_FITTING_PLACE = "no_fitting_place", _("geen passende plek in het gecontracteerde aanbod")
    CRISIS = "crisis", _("crisis")
    COURT_DECISION = "court_decision", _("beslissing van de rechter")
    FAMILY_CHOICE = "family_choice", _("keuze van het gezin")
    OTHER = "other", _("anders")


# --- the expert table (experttafel) ------------------------------------------------------


class ExpertDiscipline(models.TextChoices):
    """Disciplines at an expert table (the regional expert team, RET, and its guests)."""

    YOUTH_PSYCHIATRY = "youth_psychiatry", _("jeugdpsychiatrie")
    ORTHOPEDAGOGY = "orthopedagogy", _("orthopedagogiek / gedragswetenschap")
    YOUTH_PROTECTION = "youth_protection", _("jeugdbescherming (GI)")
    MUNICIPALITY = "municipality", _("gemeente / lokaal team")
    PROVIDER = "provider", _("zorgaanbieder")
    EDUCATION = "education", _("onderwijs")
    ADDICTION_CARE = "addiction_care", _("verslavingszorg")
    MILD_INTELLECTUAL_DISABILITY = (
        "mild_intellectual_disability",
        _("licht verstandelijke beperking"),
    )
    OTHER = "other", _("anders")


class ExpertTableOutcome(models.TextChoices):
    NEED_CLARIFIED = "need_clarified", _("zorgbehoefte verhelderd: VA bijwerken")
    SPECIAL_ARRANGEMENT = "special_arrangement", _("bijzonder arrangement")
    BACK_TO_MATCHING = "back_to_matching", _("terug naar matching")


class Urgency(models.TextChoices):
    """How soon a request must be answered (issue 21): crisis may be placed first."""

    PLANNED = "planned", _("gepland")
    URGENT = "urgent", _("urgent")
    CRISIS = "crisis", _("crisis")


class PreviousSituation(models.TextChoices):
    """Where the youth comes from; `Referral.current_situation` keeps the explanation."""

    HOME = "home", _("thuis")
    FOSTER_CARE = "foster_care", _("pleegzorg")
    RESIDENTIAL = "residential", _("residentiële jeugdhulp")
    SECURED = "secured", _("gesloten jeugdhulp")
    OTHER = "other", _("anders")


class RequestKind(models.TextChoices):
    NEW = "new", _("nieuwe plaatsing")
    TRANSFER = "transfer", _("doorplaatsing")
    READMISSION = "readmission", _("heraanmelding")
