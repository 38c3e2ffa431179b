"""Demo locations: fictional providers' groups and homes across Utrecht–Flevoland.

Created through `capacity.services.location_create` at the start of the demo history, empty:
every place that is occupied later is taken by a placement of the history. Idempotent: a
location that exists (provider and name) is left as it is, so a demo user's changes survive
a re-seed.

The profiles follow the seeds: three groups find (almost) no fitting place. Forensic youths
fit only the boys' group in Rhenen; orthopsychiatry (parenting problems with psychiatry, with
self-harm and aggression) only the young children's group of Rivierzicht; long-term
unconditional living (aggression, absconding) only the six places of Heuvelrug. The other
groups with mental-health expertise name self-harm or aggression as a contra-indication.
"""

from datetime import datetime

from django.utils import timezone

from accounts.models import Municipality, Organisation, Region, User
from capacity.models import ContractedCapacity, Location, LocationBand
from capacity.services import location_create
from config.codes import CareForm, Expertise, RiskFlag

E = Expertise
R = RiskFlag

# provider, name, municipality, care form, expertise, ages, gender, intensity,
# school on site, contra-indications, total places
LOCATIONS: list[
    tuple[str, str, str, str, list[str], tuple[int, int], str, str, bool, list[str], int]
] = [
    (
        "Stichting De Linde Jeugdzorg",
        "De Linde Kamp",
        "GM0307",
        CareForm.TREATMENT_GROUP,
        [E.YOUTH_PARENTING, E.MENTAL_HEALTH],
        (12, 17),
        "any",
        "P",
        False,
        [R.FIRE_SETTING, R.SELF_HARM],
        8,
    ),
    (
        "Stichting De Linde Jeugdzorg",
        "De Linde Soest",
        "GM0342",
        CareForm.SMALL_SCALE_HOME,
        [E.YOUTH_PARENTING],
        (12, 18),
        "any",
        "M",
        False,
        [R.SEXUALLY_HARMFUL_BEHAVIOUR, R.AGGRESSION],
        6,
    ),
    (
        "Stichting De Linde Jeugdzorg",
        "Gezinshuis Leusden",
        "GM0327",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING],
        (4, 17),
        "any",
        "",
        False,
        [R.AGGRESSION, R.FIRE_SETTING],
        4,
    ),
    (
        "Stichting De Linde Jeugdzorg",
        "Kamertraining Amersfoort",
        "GM0307",
        CareForm.SUPPORTED_LIVING,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (16, 21),
        "any",
        "K",
        False,
        [R.FIRE_SETTING],
        8,
    ),
    (
        "Horizonhuis Jeugd & Gezin",
        "Horizon Utrecht-Oost",
        "GM0344",
        CareForm.TREATMENT_GROUP,
        [E.MENTAL_HEALTH, E.YOUTH_PARENTING],
        (12, 17),
        "any",
        "R",
        False,
        [R.AGGRESSION],
        8,
    ),
    (
        "Horizonhuis Jeugd & Gezin",
        "Horizon Meidenhuis",
        "GM0344",
        CareForm.SMALL_SCALE_HOME,
        [E.YOUTH_PARENTING, E.MENTAL_HEALTH],
        (14, 18),
        "girls",
        "N",
        False,
        [R.SEXUALLY_HARMFUL_BEHAVIOUR, R.AGGRESSION],
        6,
    ),
    (
        "Horizonhuis Jeugd & Gezin",
        "Horizon Logeerhuis",
        "GM0355",
        CareForm.RESPITE,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (6, 16),
        "any",
        "",
        False,
        [R.AGGRESSION],
        5,
    ),
    (
        "Horizonhuis Jeugd & Gezin",
        "Horizon Begeleid Wonen",
        "GM0344",
        CareForm.SUPPORTED_LIVING,
        [E.YOUTH_PARENTING, E.MENTAL_HEALTH],
        (16, 22),
        "any",
        "L",
        False,
        [],
        8,
    ),
    (
        "Kompas Verblijf",
        "Kompas Lelystad",
        "GM0995",
        CareForm.SECURED,
        [E.YOUTH_PARENTING, E.FORENSIC, E.ADDICTION],
        (12, 18),
        "any",
        "W",
        True,
        [],
        8,
    ),
    (
        "Kompas Verblijf",
        "Kompas Besloten Jongens",
        "GM0995",
        CareForm.SECURED,
        [E.FORENSIC, E.YOUTH_PARENTING],
        (14, 18),
        "boys",
        "Z",
        True,
        [],
        8,
    ),
    (
        "Kompas Verblijf",
        "Kompas Dronten",
        "GM0303",
        CareForm.TREATMENT_GROUP,
        [E.YOUTH_PARENTING, E.ADDICTION],
        (13, 18),
        "any",
        "Q",
        False,
        [R.FIRE_SETTING],
        8,
    ),
    (
        "Kompas Verblijf",
        "Kompas Urk Gezinshuis",
        "GM0184",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING],
        (0, 12),
        "any",
        "",
        False,
        [R.AGGRESSION, R.SUBSTANCE_USE],
        4,
    ),
    (
        "De Waterlelie Jeugdhulp",
        "Waterlelie Almere Haven",
        "GM0034",
        CareForm.SMALL_SCALE_HOME,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (10, 18),
        "any",
        "O",
        False,
        [R.FIRE_SETTING, R.AGGRESSION],
        6,
    ),
    (
        "De Waterlelie Jeugdhulp",
        "Waterlelie Pleegzorg",
        "GM0034",
        CareForm.FOSTER_CARE,
        [E.YOUTH_PARENTING],
        (0, 18),
        "any",
        "",
        False,
        [R.AGGRESSION, R.SEXUALLY_HARMFUL_BEHAVIOUR, R.FIRE_SETTING],
        10,
    ),
    (
        "De Waterlelie Jeugdhulp",
        "Waterlelie LVB-groep",
        "GM0050",
        CareForm.TREATMENT_GROUP,
        [E.INTELLECTUAL_DISABILITY, E.YOUTH_PARENTING],
        (12, 18),
        "any",
        "S",
        False,
        [],
        8,
    ),
    (
        "De Waterlelie Jeugdhulp",
        "Waterlelie Noordoostpolder",
        "GM0171",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (4, 17),
        "any",
        "",
        False,
        [R.SEXUALLY_HARMFUL_BEHAVIOUR],
        4,
    ),
    (
        "Stichting Heuvelrug Wonen",
        "Heuvelrug Driemilieu",
        "GM1581",
        CareForm.THREE_MILIEU,
        [E.YOUTH_PARENTING, E.MENTAL_HEALTH, E.INTELLECTUAL_DISABILITY],
        (8, 17),
        "any",
        "U",
        True,
        [R.AGGRESSION],
        10,
    ),
    (
        "Stichting Heuvelrug Wonen",
        "Heuvelrug Onvoorwaardelijk Wonen",
        "GM1581",
        CareForm.SMALL_SCALE_HOME,
        [E.YOUTH_PARENTING, E.MENTAL_HEALTH],
        (12, 21),
        "any",
        "T",
        False,
        [],
        6,
    ),
    (
        "Stichting Heuvelrug Wonen",
        "Heuvelrug Rhenen",
        "GM0340",
        CareForm.TREATMENT_GROUP,
        [E.YOUTH_PARENTING, E.FORENSIC],
        (14, 18),
        "boys",
        "T",
        True,
        [R.SEXUALLY_HARMFUL_BEHAVIOUR],
        6,
    ),
    (
        "Stichting Heuvelrug Wonen",
        "Heuvelrug Wijk bij Duurstede",
        "GM0352",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING],
        (4, 18),
        "any",
        "",
        False,
        [R.FIRE_SETTING],
        5,
    ),
    (
        "Rivierzicht Behandelcentrum",
        "Rivierzicht Kliniek",
        "GM0356",
        CareForm.CLINICAL_ADMISSION,
        [E.MENTAL_HEALTH, E.ADDICTION],
        (12, 18),
        "any",
        "Y",
        True,
        [R.FIRE_SETTING],
        6,
    ),
    (
        "Rivierzicht Behandelcentrum",
        "Rivierzicht Orthopsychiatrie",
        "GM0356",
        CareForm.TREATMENT_GROUP,
        [E.MENTAL_HEALTH, E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (8, 14),
        "any",
        "V",
        True,
        [],
        8,
    ),
    (
        "Rivierzicht Behandelcentrum",
        "Rivierzicht Houten",
        "GM0321",
        CareForm.SMALL_SCALE_HOME,
        [E.MENTAL_HEALTH, E.YOUTH_PARENTING],
        (15, 21),
        "any",
        "P",
        False,
        [R.SUBSTANCE_USE, R.AGGRESSION],
        6,
    ),
    (
        "Rivierzicht Behandelcentrum",
        "Rivierzicht Verslavingsgroep",
        "GM0353",
        CareForm.TREATMENT_GROUP,
        [E.ADDICTION, E.MENTAL_HEALTH, E.FORENSIC],
        (15, 18),
        "any",
        "S",
        False,
        [R.FIRE_SETTING, R.SEXUALLY_HARMFUL_BEHAVIOUR],
        8,
    ),
    (
        "Gezinshuizen Het Erf",
        "Het Erf Woerden",
        "GM0632",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING],
        (0, 18),
        "any",
        "",
        False,
        [R.FIRE_SETTING],
        4,
    ),
    (
        "Gezinshuizen Het Erf",
        "Het Erf Montfoort",
        "GM0335",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (4, 17),
        "any",
        "",
        False,
        [R.SEXUALLY_HARMFUL_BEHAVIOUR, R.AGGRESSION],
        4,
    ),
    (
        "Gezinshuizen Het Erf",
        "Het Erf Maarssen",
        "GM1904",
        CareForm.FAMILY_HOME,
        [E.YOUTH_PARENTING],
        (10, 18),
        "any",
        "",
        False,
        [R.SUBSTANCE_USE],
        5,
    ),
    (
        "Gezinshuizen Het Erf",
        "Het Erf Logeren Mijdrecht",
        "GM0736",
        CareForm.RESPITE,
        [E.YOUTH_PARENTING, E.INTELLECTUAL_DISABILITY],
        (4, 14),
        "any",
        "",
        False,
        [R.AGGRESSION],
        4,
    ),
    (
        "Gezinshuizen Het Erf",
        "Het Erf Kamertraining Vianen",
        "GM1961",
        CareForm.SUPPORTED_LIVING,
        [E.YOUTH_PARENTING],
        (16, 21),
        "any",
        "K",
        False,
        [R.CRIMINAL_EXPLOITATION],
        8,
    ),
]


def seed_locations(*, regions: dict[str, Region], by: User, at: datetime) -> list[Location]:
    """Create the demo locations that do not exist yet, at `at`, with every place free."""
    every_region = list(regions.values())
    existing = {
        (loc.provider.name, loc.name): loc for loc in Location.objects.select_related("provider")
    }
    locations: list[Location] = []
    for (
        provider_name,
        name,
        municipality_code,
        care_form,
        expertise,
        (age_min, age_max),
        gender,
        intensity,
        school_on_site,
        contra,
        total,
    ) in LOCATIONS:
        location = existing.get((provider_name, name))
        if location is None:
            municipality = Municipality.objects.get(code=municipality_code)
            location = location_create(
                provider=Organisation.objects.get(name=provider_name),
                by=by,
                at=at,
                name=name,
                municipality=municipality,
                latitude=municipality.latitude,
                longitude=municipality.longitude,
                care_form=str(care_form),
                expertise=[str(code) for code in expertise],
                age_min=age_min,
                age_max=age_max,
                gender=gender,
                secured=care_form == CareForm.SECURED,
                intensity=intensity,
                school_on_site=school_on_site,
                contra_indications=[str(code) for code in contra],
                regions=every_region,
                total_places=total,
            )
        locations.append(location)
    return locations


def seed_bands_and_contracts(*, year: int | None = None) -> dict[str, int]:
    """Issue 22 (idempotent): each location's band for this year and last year is its
    current intensity; each provider is contracted, per care form, for this year and last
    year, for its places (one fewer last year), so that the page "Contract en bezetting"
    has figures. The tariffs come from the migration (G7 table)."""
    year = year or timezone.localdate().year
    bands = 0
    for location in Location.objects.exclude(intensity=""):
        for y in (year - 1, year):
            LocationBand.objects.update_or_create(
                location=location, year=y, defaults={"band": location.intensity}
            )
            bands += 1
    totals: dict[tuple[int, str], int] = {}
    for provider_id, care_form, places in Location.objects.values_list(
        "provider_id", "care_form", "total_places"
    ):
        totals[(provider_id, care_form)] = totals.get((provider_id, care_form), 0) + places
    for (provider_id, care_form), places in totals.items():
        for y, contracted in ((year - 1, max(0, places - 1)), (year, places)):
            ContractedCapacity.objects.update_or_create(
                provider_id=provider_id,
                care_form=care_form,
                year=y,
                defaults={"places": contracted},
            )
    return {"bands": bands, "contracts": 2 * len(totals)}
