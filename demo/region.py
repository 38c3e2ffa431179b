"""The demo region: the Utrecht–Flevoland cooperation, its organisations and users.

Idempotent: every object is looked up by its natural key and updated in place.
"""

from accounts.models import Municipality, Organisation, Region, Role, User

DEMO_PASSWORD = "rop-demo-2026"  # noqa: S105 - documented demo password (CONTRACT.md)
SUPRA_REGION = "Bovenregionale Samenwerking Jeugd Utrecht–Flevoland"

# The six youth-care regions of Utrecht–Flevoland. The region codes are the project's own
# short codes; municipalities carry their real CBS codes and approximate coordinates.
REGIONS: dict[str, tuple[str, list[tuple[str, str, float, float]]]] = {
    "JR-EEM": (
        "Eemland",
        [
            ("GM0307", "Amersfoort", 52.156, 5.387),
            ("GM0308", "Baarn", 52.211, 5.288),
            ("GM0313", "Bunschoten", 52.243, 5.375),
            ("GM0327", "Leusden", 52.132, 5.429),
            ("GM0342", "Soest", 52.174, 5.291),
            ("GM0351", "Woudenberg", 52.080, 5.417),
        ],
    ),
    "JR-UST": ("Utrecht Stad", [("GM0344", "Utrecht", 52.090, 5.121)]),
    "JR-UWE": (
        "Utrecht West",
        [
            ("GM0736", "De Ronde Venen", 52.207, 4.862),
            ("GM0335", "Montfoort", 52.046, 4.952),
            ("GM0589", "Oudewater", 52.025, 4.868),
            ("GM1904", "Stichtse Vecht", 52.136, 5.040),
            ("GM0632", "Woerden", 52.085, 4.883),
        ],
    ),
    "JR-LEK": (
        "Lekstroom",
        [
            ("GM0321", "Houten", 52.028, 5.168),
            ("GM0353", "IJsselstein", 52.020, 5.043),
            ("GM0331", "Lopik", 51.972, 4.945),
            ("GM0356", "Nieuwegein", 52.029, 5.080),
            ("GM1961", "Vijfheerenlanden", 51.940, 5.060),
        ],
    ),
    "JR-ZOU": (
        "Zuidoost Utrecht",
        [
            ("GM0312", "Bunnik", 52.067, 5.198),
            ("GM0310", "De Bilt", 52.110, 5.180),
            ("GM0340", "Rhenen", 51.959, 5.568),
            ("GM1581", "Utrechtse Heuvelrug", 52.033, 5.342),
            ("GM0352", "Wijk bij Duurstede", 51.975, 5.341),
            ("GM0355", "Zeist", 52.090, 5.233),
        ],
    ),
    "JR-FLE": (
        "Flevoland",
        [
            ("GM0034", "Almere", 52.350, 5.264),
            ("GM0303", "Dronten", 52.525, 5.718),
            ("GM0995", "Lelystad", 52.518, 5.471),
            ("GM0171", "Noordoostpolder", 52.710, 5.750),
            ("GM0184", "Urk", 52.662, 5.601),
            ("GM0050", "Zeewolde", 52.330, 5.541),
        ],
    ),
}

COORDINATION_POINT = "Coördinatiepunt Wonen en Verblijf Utrecht–Flevoland"
REFERRER_ORGS = [
    ("Sociaal Wijkteam Amersfoort-Noord (demo)", "GM0307", ["JR-EEM"]),
    ("Jeugdbescherming Midden-Nederland (demo GI)", "GM0344", ["JR-UST", "JR-ZOU", "JR-LEK"]),
]
REGION_OFFICE = "Regiobureau Jeugd Utrecht–Flevoland (demo)"

# Fictional providers only: never names of real organisations.
PROVIDERS = [
    ("Stichting De Linde Jeugdzorg", "GM0307"),
    ("Horizonhuis Jeugd & Gezin", "GM0344"),
    ("Kompas Verblijf", "GM0995"),
    ("De Waterlelie Jeugdhulp", "GM0034"),
    ("Stichting Heuvelrug Wonen", "GM1581"),
    ("Rivierzicht Behandelcentrum", "GM0356"),
    ("Gezinshuizen Het Erf", "GM0632"),
]

USERS = [
    ("coordinator", "Carla", "de Coördinator", Role.COORDINATOR, COORDINATION_POINT),
    ("referrer", "Rob", "Verwijzer", Role.REFERRER, REFERRER_ORGS[0][0]),
    ("referrer2", "Rana", "Tweede", Role.REFERRER, REFERRER_ORGS[1][0]),
    ("provider_a", "Anna", "Aanbieder", Role.PROVIDER, PROVIDERS[0][0]),
    ("provider_b", "Bram", "Aanbieder", Role.PROVIDER, PROVIDERS[1][0]),
    ("analyst", "Ali", "Analist", Role.ANALYST, REGION_OFFICE),
    ("admin", "Ada", "Beheerder", Role.ADMIN, COORDINATION_POINT),
    ("privacy", "Pim", "Privacyfunctionaris", Role.PRIVACY_OFFICER, COORDINATION_POINT),
]
# Staff of the providers without a demo user, so that every provider answers its own offers
# and confirms its own figures in the demo history. They cannot sign in (no password).
PROVIDER_STAFF = [
    (f"staff_{index}", "Medewerker", name, Role.PROVIDER, name)
    for index, (name, _municipality) in enumerate(PROVIDERS[2:], start=3)
]


def seed_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, (name, municipalities) in REGIONS.items():
        region, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "supra_region": SUPRA_REGION}
        )
        regions[code] = region
        for cbs, municipality_name, lat, lon in municipalities:
            Municipality.objects.update_or_create(
                code=cbs,
                defaults={
                    "name": municipality_name,
                    "region": region,
                    "latitude": lat,
                    "longitude": lon,
                },
            )
    return regions


def _organisation(
    name: str, kind: str, municipality_code: str, regions: list[Region]
) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "municipality": Municipality.objects.get(code=municipality_code),
        },
    )
    organisation.regions.set(regions)
    return organisation


def seed_organisations(regions: dict[str, Region]) -> dict[str, Organisation]:
    every_region = list(regions.values())
    organisations = {
        COORDINATION_POINT: _organisation(
            COORDINATION_POINT, Organisation.Kind.COORDINATION_POINT, "GM0307", every_region
        ),
        REGION_OFFICE: _organisation(
            REGION_OFFICE, Organisation.Kind.REGION_OFFICE, "GM0344", every_region
        ),
    }
    for name, municipality, region_codes in REFERRER_ORGS:
        organisations[name] = _organisation(
            name,
            Organisation.Kind.REFERRER,
            municipality,
            [regions[code] for code in region_codes],
        )
    for name, municipality in PROVIDERS:
        organisations[name] = _organisation(
            name, Organisation.Kind.PROVIDER, municipality, every_region
        )
    return organisations


def seed_users(organisations: dict[str, Organisation]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, first, last, role, organisation_name in USERS + PROVIDER_STAFF:
        user, created = User.objects.get_or_create(username=username)
        user.first_name = first
        user.last_name = last
        user.role = role
        user.email = f"{username}@demo.regie-op-plaatsing.example"
        user.organisation = organisations[organisation_name]
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if (username, first, last, role, organisation_name) in PROVIDER_STAFF:
            if created:
                user.set_unusable_password()
        elif created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    return users
