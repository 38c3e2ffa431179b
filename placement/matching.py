"""Candidate selection: hard conditions exclude a location, a score ranks the rest.

Pure functions over plain data (`Need`, `LocationFacts`), so that every condition and
every part of the score can be tested on its own; `placement.selectors` feeds them from
the database in a fixed number of queries.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial

from django.utils.translation import get_language, gettext

from config.codes import CareForm, Expertise, Intensity, RiskFlag

INTENSITY_ORDER = [band.value for band in Intensity]
# A location may lie this many bands (half an hour of pedagogical staff per day each) below
# the needed intensity and still fit, scoring lower; further below it is excluded. A higher
# band fits (more staff than needed), scoring lower per band. Without a band on either side
# nothing is excluded. `placement.selectors.CANDIDATES_SQL` filters the same rule.
INTENSITY_BELOW_TOLERATED = 1


def intensity_gap(need: str, have: str) -> int | None:
    """Bands the location lies below (> 0) or above (< 0) the need; None without both."""
    if need not in INTENSITY_ORDER or have not in INTENSITY_ORDER:
        return None
    return INTENSITY_ORDER.index(need) - INTENSITY_ORDER.index(have)


@cache
def _translated(message: str, language: str | None) -> str:
    return gettext(message)


def _(message: str) -> str:
    """`gettext`, remembered per language: scoring translates a few sentences per location."""
    return _translated(message, get_language())


def _in(language: str | None) -> Callable[[str], str]:
    """`_` for one language, asked once: `get_language` costs as much as the translation."""
    return partial(_translated, language=language)


@dataclass(frozen=True)
class Need:
    """What the youth needs, from the explanatory analysis and the referral (no identity)."""

    care_forms: Sequence[str]  # in order of preference
    expertise: Sequence[str]
    risk_flags: Sequence[str]
    intensity: str  # "" when none
    secured: bool
    age: int  # at the requested start
    gender: str  # f / m / x
    home_latitude: float
    home_longitude: float
    attends_school: bool
    excluded_providers: frozenset[int] = frozenset()  # refused or let expire for this referral


@dataclass(frozen=True)
class LocationFacts:
    id: int
    provider_id: int
    care_form: str
    expertise: Sequence[str]
    contra_indications: Sequence[str]
    age_min: int
    age_max: int
    gender: str  # any / girls / boys
    secured: bool
    intensity: str
    school_on_site: bool
    latitude: float
    longitude: float
    free_places: int
    last_confirmed_at: datetime | None
    acceptance_rate: float | None  # provider, similar requests, last 12 months


@dataclass
class Assessment:
    location_id: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    excluded_because: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return not self.excluded_because


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good enough between Dutch municipalities."""
    radius = 6371.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = math.radians(lat2 - lat1)
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


@cache
def _names(choices: type[CareForm | Expertise | RiskFlag], language: str | None) -> dict[str, str]:
    return {code: str(label) for code, label in choices.choices}


def _labels(
    codes: Iterable[str],
    choices: type[CareForm | Expertise | RiskFlag],
    language: str | None = None,
) -> str:
    names = _names(choices, language or get_language())
    return ", ".join(names.get(code, code) for code in codes)


def exclusions(need: Need, location: LocationFacts) -> list[str]:
    """Every hard condition the location fails, as a Dutch sentence."""
    reasons: list[str] = []
    if location.care_form not in need.care_forms:
        reasons.append(
            _("Zorgvorm %(form)s is niet gevraagd.")
            % {"form": _labels([location.care_form], CareForm)}
        )
    if not location.age_min <= need.age <= location.age_max:
        reasons.append(
            _("Leeftijd %(age)d valt buiten %(min)d–%(max)d jaar.")
            % {"age": need.age, "min": location.age_min, "max": location.age_max}
        )
    if (location.gender == "girls" and need.gender != "f") or (
        location.gender == "boys" and need.gender != "m"
    ):
        reasons.append(
            _("De locatie is alleen voor meisjes.")
            if location.gender == "girls"
            else _("De locatie is alleen voor jongens.")
        )
    if need.secured and not location.secured:
        reasons.append(_("Gesloten plaatsing nodig; de locatie is niet gesloten."))
    if location.secured and not need.secured:
        reasons.append(_("De locatie is gesloten; er is geen gesloten plaatsing nodig."))
    missing = [code for code in need.expertise if code not in location.expertise]
    if missing:
        reasons.append(
            _("Expertise ontbreekt: %(codes)s.") % {"codes": _labels(missing, Expertise)}
        )
    contra = [code for code in need.risk_flags if code in location.contra_indications]
    if contra:
        reasons.append(
            _("Contra-indicatie van de locatie: %(codes)s.") % {"codes": _labels(contra, RiskFlag)}
        )
    gap = intensity_gap(need.intensity, location.intensity)
    if gap is not None and gap > INTENSITY_BELOW_TOLERATED:
        reasons.append(
            _("Intensiteit te laag: nodig %(need)s, locatie %(have)s (meer dan één klasse lager).")
            % {"need": need.intensity, "have": location.intensity}
        )
    if location.provider_id in need.excluded_providers:
        reasons.append(_("Deze aanbieder heeft dit verzoek al geweigerd of niet beantwoord."))
    if location.free_places < 1:
        reasons.append(_("Geen vrije plek."))
    return reasons


def assess(
    need: Need,
    location: LocationFacts,
    *,
    weights: Mapping[str, int],
    now: datetime,
    distance_zero_km: float,
    school_reach_km: float,
    stale_days: int,
) -> Assessment:
    """Exclude the location, or score it 0–100 with a readable reason for each part."""
    result = Assessment(location_id=location.id, excluded_because=exclusions(need, location))
    if not result.fits:
        return result
    language = get_language()
    _ = _in(language)
    parts: list[tuple[float, str]] = []

    rank = list(need.care_forms).index(location.care_form)
    share = 1.0 - rank / max(len(need.care_forms), 1)
    parts.append(
        (
            weights["care_form"] * share,
            _("Zorgvorm: %(rank)de keuze (%(form)s)")
            % {"rank": rank + 1, "form": _labels([location.care_form], CareForm, language)},
        )
    )

    km = distance_km(need.home_latitude, need.home_longitude, location.latitude, location.longitude)
    share = max(0.0, 1.0 - km / distance_zero_km)
    parts.append(
        (weights["distance"] * share, _("Afstand tot woongemeente: %(km)d km") % {"km": round(km)})
    )

    if need.attends_school:
        if km <= school_reach_km:
            share, text = 1.0, _("Huidige school blijft bereikbaar (≤ %(km)d km)")
        elif location.school_on_site:
            share, text = 0.5, _("Huidige school te ver (> %(km)d km); wel school op locatie")
        else:
            share, text = 0.0, _("Huidige school te ver (> %(km)d km)")
        text = text % {"km": round(school_reach_km)}
    elif location.school_on_site:
        share, text = 1.0, _("Gaat niet naar school; school op locatie")
    else:
        share, text = 0.0, _("Gaat niet naar school; geen school op locatie")
    parts.append((weights["school"] * share, text))

    if not need.intensity:
        share, text = 0.5, _("Geen intensiteit gevraagd")
    elif not location.intensity:
        share, text = 0.25, _("Intensiteit %(need)s gevraagd; locatie zonder intensiteitsklasse")
    else:
        gap = intensity_gap(need.intensity, location.intensity) or 0
        if gap > 0:  # at most INTENSITY_BELOW_TOLERATED below, else excluded above
            share = 0.5
            text = _("Intensiteit %(need)s gevraagd, locatie %(have)s: één klasse lager")
        elif gap < 0:
            share = max(0.0, 1.0 + gap / 4)
            text = _("Intensiteit %(need)s gevraagd, locatie %(have)s: hoger dan nodig")
        else:
            share, text = 1.0, _("Intensiteit %(need)s past precies")
    parts.append(
        (weights["intensity"] * share, text % {"need": need.intensity, "have": location.intensity})
    )

    if location.last_confirmed_at is None:
        share, text = 0.0, _("Vrije plekken nooit bevestigd")
    else:
        age_days = max(0.0, (now - location.last_confirmed_at).total_seconds() / 86400)
        share = max(0.0, 1.0 - age_days / (2 * stale_days))
        text = (
            _("Vrije plekken %(days)d dagen geleden bevestigd (verouderd)")
            if age_days > stale_days
            else _("Vrije plekken %(days)d dagen geleden bevestigd")
        )
        text = text % {"days": int(age_days)}
    parts.append((weights["freshness"] * share, text))

    if location.acceptance_rate is None:
        share, text = 0.5, _("Nog geen voorstellen van deze soort in 12 maanden")
    else:
        share = location.acceptance_rate
        text = _("Aanbieder accepteerde %(pct)d%% van vergelijkbare voorstellen (12 maanden)") % {
            "pct": round(location.acceptance_rate * 100)
        }
    parts.append((weights["acceptance"] * share, text))

    result.score = max(0, min(100, round(sum(points for points, _text in parts))))
    result.reasons = [f"{text} (+{round(points)})" for points, text in parts]
    return result


def rank(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Fitting locations, best first; ties broken by id so the order is stable."""
    return sorted((a for a in assessments if a.fits), key=lambda a: (-a.score, a.location_id))
