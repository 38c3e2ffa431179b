"""The KPI catalogue (issue 23 point 6): every steering figure with its definition, formula,
source, period rule, unit and direction; one source of truth for the dashboard, the
catalogue page (/analyses/kengetallen/), the CSV and the API.

The figures themselves are built by `analyses.builders.build_kpis` (and `occupancy` from
the occupancy report) and read, suppressed, by `analyses.selectors.kpis`. A region may set
a target per KPI and year (`analyses.models.KpiTarget`, kept by `analyses.target_services`);
`targets_for` reads the one that applies, `target_met` compares.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERCENT, DAYS, RATIO, COUNT = "percent", "days", "ratio", "count"
HIGHER, LOWER = "higher", "lower"

UNIT_LABELS = {
    PERCENT: _("procent"),
    DAYS: _("dagen"),
    RATIO: _("verhouding"),
    COUNT: _("aantal"),
}
DIRECTION_LABELS = {
    HIGHER: _("hoger is beter"),
    LOWER: _("lager is beter"),
}

# The period rules (how the chosen period applies), shared by several KPIs.
BY_SUBMISSION = _(
    "Verzoeken ingediend in de gekozen periode (datum van de eerste indiening); 'alle "
    "perioden' telt alles."
)
BY_END = _("Plaatsingen beëindigd in de gekozen periode (einddatum).")
TODAY = _("De stand van vandaag; alleen getoond bij een periode waar vandaag in valt.")
LAST_MONTH = _(
    "Het einde van de laatste maand van de gekozen periode; bij 'alle perioden' de laatste "
    "maand waarover bezetting bekend is."
)
REFERRAL_SOURCE = _("verzoeken (referrals_referral) en hun statuswijzigingen (referralevent)")


@dataclass(frozen=True)
class Kpi:
    """One KPI of the catalogue. `numerator` and `denominator` say in words what is counted
    (for a median: what is measured and over which cases)."""

    code: str
    name: Promise
    definition: Promise
    numerator: Promise
    denominator: Promise
    source: Promise
    period: Promise
    unit: str
    direction: str
    # True for figures over places or locations, not youths: exact for everyone.
    exact: bool = False

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS[self.unit])

    @property
    def direction_label(self) -> str:
        return str(DIRECTION_LABELS[self.direction])

    @property
    def formula(self) -> str:
        if self.unit == DAYS:
            return str(_("mediaan van %(what)s, over %(over)s")) % {
                "what": self.numerator,
                "over": self.denominator,
            }
        if self.unit == COUNT:
            return str(self.numerator)
        formula = f"{self.numerator} / {self.denominator}"
        return f"{formula} × 100" if self.unit == PERCENT else formula

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": str(self.name),
            "definition": str(self.definition),
            "formula": self.formula,
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "source": str(self.source),
            "period": str(self.period),
            "unit": self.unit,
            "unit_label": self.unit_label,
            "direction": self.direction,
            "direction_label": self.direction_label,
        }


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        code="days_to_placement",
        name=_("Mediane dagen van indiening tot plaatsing"),
        definition=_(
            "Hoe lang een jongere wacht: de helft van de geplaatste verzoeken was binnen "
            "zoveel dagen na indiening geplaatst."
        ),
        numerator=_("de dagen van indiening tot de dag van plaatsing"),
        denominator=_("de geplaatste verzoeken"),
        source=_("verzoeken en statuswijzigingen (indiening, plaatsing) en plaatsingen"),
        period=BY_SUBMISSION,
        unit=DAYS,
        direction=LOWER,
    ),
    Kpi(
        code="offers_per_placement",
        name=_("Voorstellen per plaatsing"),
        definition=_(
            "Hoeveel voorstellen aan aanbieders nodig waren voor één plaatsing: minder "
            "betekent beter passend voorstellen."
        ),
        numerator=_("voorstellen aan geplaatste verzoeken"),
        denominator=_("geplaatste verzoeken"),
        source=_("voorstellen (placement_offer) en plaatsingen"),
        period=BY_SUBMISSION,
        unit=RATIO,
        direction=LOWER,
    ),
    Kpi(
        code="waiting_resolved_at_home",
        name=_("Wachtende verzoeken opgelost met hulp thuis (%)"),
        definition=_(
            "Van de verzoeken die op de wachtlijst stonden en zijn afgesloten: het deel dat "
            "is afgesloten omdat hulp thuis volstond."
        ),
        numerator=_("afgesloten met uitkomst 'opgelost met hulp thuis'"),
        denominator=_("afgesloten verzoeken die ooit wachtten"),
        source=REFERRAL_SOURCE,
        period=BY_SUBMISSION,
        unit=PERCENT,
        direction=HIGHER,
    ),
    Kpi(
        code="complete_va",
        name=_("Geplande en urgente verzoeken met volledige VA bij indiening (%)"),
        definition=_(
            "Van de geplande en urgente verzoeken (niet crisis): het deel waarbij bij "
            "indiening een afgeronde verklarende analyse lag met problemen, behoeften, "
            "verklarende factoren en een benodigde zorgvorm."
        ),
        numerator=_("verzoeken met een volledige VA vóór of bij indiening"),
        denominator=_("geplande en urgente verzoeken"),
        source=_("verzoeken en verklarende analyses (referrals_explanatoryanalysis)"),
        period=BY_SUBMISSION,
        unit=PERCENT,
        direction=HIGHER,
    ),
    Kpi(
        code="crisis_share",
        name=_("Crisisplaatsingen van alle verzoeken (%)"),
        definition=_("Het deel van de verzoeken dat als crisis is ingediend."),
        numerator=_("verzoeken met urgentie crisis"),
        denominator=_("alle verzoeken"),
        source=_("verzoeken (urgentie)"),
        period=BY_SUBMISSION,
        unit=PERCENT,
        direction=LOWER,
    ),
    Kpi(
        code="crisis_documents_in_time",
        name=_("Crisisplaatsingen met documenten op tijd (%)"),
        definition=_(
            "Bij een crisisplaatsing volgen de VA en de plannen binnen de termijn: het deel "
            "waarbij ze op of vóór de uiterste datum binnen waren."
        ),
        numerator=_("crisisverzoeken met documenten op tijd"),
        denominator=_("crisisverzoeken waarvan de documenten binnen zijn of te laat"),
        source=_("verzoeken (uiterste datum en datum documenten compleet)"),
        period=BY_SUBMISSION,
        unit=PERCENT,
        direction=HIGHER,
    ),
    Kpi(
        code="emergency_authorisation",
        name=_("Verzoeken onder een spoedmachtiging (%)"),
        definition=_(
            "Aanbestedings-KPI 'minder instroom, minder spoedmachtigingen': het deel van de "
            "verzoeken met als juridische status een spoedmachtiging gesloten jeugdhulp. "
            "Geteld naar de juridische status zoals die nu bij het verzoek staat."
        ),
        numerator=_("verzoeken met juridische status spoedmachtiging gesloten jeugdhulp"),
        denominator=_("alle verzoeken"),
        source=_("verzoeken (juridische status)"),
        period=BY_SUBMISSION,
        unit=PERCENT,
        direction=LOWER,
    ),
    Kpi(
        code="waiting_17_plus",
        name=_("Jongeren van 17+ die nu wachten"),
        definition=_(
            "Jongeren van 17 jaar of ouder van wie het verzoek nu nog openstaat: zonder "
            "uitstroom dreigt de overgang naar 18+ zonder plek."
        ),
        numerator=_("openstaande verzoeken van jongeren van 17 of ouder (leeftijd vandaag)"),
        denominator=_("(geen: een aantal)"),
        source=_("verzoeken, hun status en de geboortedatum van de jongere"),
        period=BY_SUBMISSION,
        unit=COUNT,
        direction=LOWER,
    ),
    Kpi(
        code="stale_capacity",
        name=_("Capaciteitscijfers ouder dan 7 dagen (%)"),
        definition=_(
            "Het deel van de actieve locaties waarvan de aanbieder de vrije plaatsen langer "
            "dan 7 dagen niet heeft bevestigd: hoe actueel het capaciteitsbeeld is."
        ),
        numerator=_("actieve locaties zonder bevestiging in de laatste 7 dagen"),
        denominator=_("actieve locaties"),
        source=_("locaties (capacity_location, laatst bevestigd)"),
        period=TODAY,
        unit=PERCENT,
        direction=LOWER,
        exact=True,
    ),
    Kpi(
        code="occupancy",
        name=_("Bezettingsgraad, laatste maand (%)"),
        definition=_(
            "Het deel van de plaatsen dat bezet was. Tarieven dekken de kosten pas bij een "
            "bezetting van ongeveer 90%."
        ),
        numerator=_("bezette plaatsen"),
        denominator=_("alle plaatsen van actieve locaties"),
        source=_("locaties en de geschiedenis van hun plaatsen (capacity_capacityevent)"),
        period=LAST_MONTH,
        unit=PERCENT,
        direction=HIGHER,
    ),
    Kpi(
        code="outflow_lighter",
        name=_("Uitstroom naar lichtere zorg (%)"),
        definition=_(
            "Van de plaatsingen die in de periode eindigden: het deel dat uitstroomde naar "
            "huis, pleegzorg, lichtere residentiële zorg of begeleid of zelfstandig wonen. "
            "Een doorplaatsing, volwassenenzorg, 'anders' en een onbekende bestemming tellen "
            "als niet lichter. Aanbestedings-KPI 'meer uitstroom naar lichtere zorgvormen'."
        ),
        numerator=_("beëindigde plaatsingen met uitstroom naar lichtere zorg"),
        denominator=_("beëindigde plaatsingen"),
        source=_("plaatsingen (placement_placement: einddatum en uitstroom)"),
        period=BY_END,
        unit=PERCENT,
        direction=HIGHER,
    ),
    Kpi(
        code="stagnation_days",
        name=_("Stagnatie: mediane dagen klaar voor uitstroom zonder plek"),
        definition=_(
            "Van de plaatsingen die in de periode eindigden en een datum 'klaar voor "
            "uitstroom' hebben: de mediaan van het aantal dagen tussen die datum en het "
            "einde."
        ),
        numerator=_("de dagen van 'klaar voor uitstroom' tot het einde van de plaatsing"),
        denominator=_("beëindigde plaatsingen met een datum 'klaar voor uitstroom'"),
        source=_("plaatsingen (klaar voor uitstroom sinds, einddatum)"),
        period=BY_END,
        unit=DAYS,
        direction=LOWER,
    ),
)

BY_CODE: dict[str, Kpi] = {kpi.code: kpi for kpi in CATALOGUE}
CODES = tuple(BY_CODE)
CODE_CHOICES = [(kpi.code, kpi.name) for kpi in CATALOGUE]


def catalogue() -> list[dict[str, Any]]:
    """The catalogue as plain values (API, CSV)."""
    return [kpi.as_dict() for kpi in CATALOGUE]


def period_year(period: str) -> int:
    """The calendar year whose targets apply to a period code ('all': this year)."""
    return int(period[:4]) if period[:4].isdigit() else timezone.localdate().year


def targets_for(*, region: str, year: int) -> dict[str, Any]:
    """The target per KPI code that applies to a region code ('' = every region) in a
    year: the region's own, else the one set for every region. One query."""
    from analyses.models import KpiTarget

    qs = KpiTarget.objects.filter(year=year).select_related("region")
    if region:
        qs = qs.filter(region__code=region) | qs.filter(region__isnull=True)
    else:
        qs = qs.filter(region__isnull=True)
    chosen: dict[str, Any] = {}
    for target in qs:
        if target.code not in chosen or target.region_id is not None:
            chosen[target.code] = target
    return chosen


def target_met(code: str, value: Any, target: float | None) -> bool | None:
    """Whether a shown figure meets its target (higher or lower is better); None when
    there is no target or no figure (suppressed, none yet)."""
    kpi = BY_CODE.get(code)
    if kpi is None or target is None or isinstance(value, bool):
        return None
    if not isinstance(value, int | float):
        return None
    return value >= target if kpi.direction == HIGHER else value <= target


# --- who keeps targets (reads; the writes are in analyses.target_services) -----------------


def may_keep_targets(user: Any) -> bool:
    """The functional administrator (every region) and coordinators (their regions)."""
    from accounts.models import Role

    return getattr(user, "role", None) in (Role.ADMIN, Role.COORDINATOR)


def target_regions(*, user: Any) -> Any:
    """The regions whose targets the user keeps: every one for the administrator, its own
    for a coordinator, none for anyone else."""
    from accounts.models import Region, Role
    from accounts.selectors import regions_for_user

    if getattr(user, "role", None) == Role.ADMIN:
        return Region.objects.order_by("name", "code")
    if getattr(user, "role", None) == Role.COORDINATOR:
        return regions_for_user(user=user).order_by("name", "code")
    return Region.objects.none()


def targets_for_user(*, user: Any) -> Any:
    """The targets the user keeps (the administrator: all, those for every region too)."""
    from accounts.models import Role
    from analyses.models import KpiTarget

    qs = KpiTarget.objects.select_related("region", "updated_by")
    if getattr(user, "role", None) == Role.ADMIN:
        return qs.order_by("-year", "region__name", "code", "pk")
    if getattr(user, "role", None) == Role.COORDINATOR:
        return qs.filter(region__in=target_regions(user=user)).order_by(
            "-year", "region__name", "code", "pk"
        )
    return qs.none()
