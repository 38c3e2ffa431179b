"""A synthetic national history for the benchmark: `python manage.py generate_national`.

The national shape of issue 10: 42 regions, 342 municipalities, 1,000 providers with 6,000
locations, and `referrals` referrals over ten years with their youth identity, explanatory
analysis, status history, ~4 offers each (refusals, expiries), ~0.8 placements each (ended,
active, re-placement chains) and the capacity history those placements caused.

Every referral is simulated as a timeline (submit, questions, offers one at a time, waiting,
acceptance, placement, end) and cut off at "now", so the open part of the data (open offers,
the waiting list, held and occupied places) follows from the history just as in production.
Nothing is real: names are "Jongere 123", BSNs are distinct 9-digit numbers (not 11-proof),
municipalities and regions are numbered fictions with coordinates inside the Netherlands.

Issues 21 and 22 are filled too, in the demo's proportions: urgency (crisis, urgent), origin
and kind of request, the perspective plan's horizon, outflow destinations and planned ends on
the rows (a random stream of their own, so the history is the same as without them); then,
set-based after the load, tariffs, location bands, contracted capacity, the forecasts of the
planned ends, care outside coordination, expert tables, placements at risk and announced
capacity changes.

Rows are written to temporary files and loaded with PostgreSQL COPY in batches, in foreign-key
order; every database constraint (counts add up, one open offer per referral, one open referral
per BSN, code formats) is checked by PostgreSQL while loading.
"""

import contextlib
import itertools
import json
import math
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Municipality, Organisation, Region, Role, User
from capacity.models import CapacityChange, CapacityEvent, Location
from placement.models import Offer, OutsidePlacement, Placement, PlacementRisk, VacancyForecast
from referrals.models import (
    ExpertTable,
    ExplanatoryAnalysis,
    Referral,
    ReferralCodeCounter,
    ReferralEvent,
    YouthIdentity,
)

DAY = 86400.0
YEARS = 10
REGIONS = 42
MUNICIPALITIES = 342
PROVIDERS = 1000
LOCATIONS_PER_PROVIDER = 6
COPY_BATCH = 200_000

CARE_FORMS = [  # (code, share of locations and of first choices, usual size)
    ("family_home", 25, 4),
    ("small_scale_home", 20, 6),
    ("treatment_group", 20, 8),
    ("foster_care", 10, 3),
    ("supported_living", 10, 8),
    ("respite", 6, 4),
    ("three_milieu", 4, 10),
    ("secured", 3, 10),
    ("clinical_admission", 2, 8),
]
EXPERTISE = ["intellectual_disability", "mental_health", "addiction", "forensic"]
RISK_FLAGS = [
    "aggression",
    "fire_setting",
    "sexually_harmful_behaviour",
    "substance_use",
    "absconding",
    "self_harm",
    "criminal_exploitation",
]
REFUSAL_REASONS = [  # (code, weight); no_response comes only from expiry
    ("no_capacity", 30),
    ("contra_indication", 15),
    ("group_composition", 20),
    ("insufficient_expertise", 10),
    ("staffing", 10),
    ("safety_risk", 6),
    ("age_or_gender", 4),
    ("distance", 3),
    ("other", 2),
]
END_REASONS = [("planned_outflow", 50), ("returned_home", 25), ("turned_18", 12), ("other", 13)]
CLOSE_OUTCOMES = [
    ("resolved_at_home", 50),
    ("withdrawn", 25),
    ("placed_outside_coordination", 25),
]
INTENSITIES = "KLMNOPQRSTUVWXYZ"
PREVIOUS_SITUATIONS = [  # issue 21, as the demo's origins
    ("home", 60),
    ("foster_care", 15),
    ("residential", 15),
    ("secured", 4),
    ("other", 6),
]
OUTFLOWS = [  # issue 21.5: where a planned outflow goes
    ("home", 30),
    ("foster_care", 15),
    ("lighter_residential", 25),
    ("supported_living", 20),
    ("other", 10),
]
TEXT = "Synthetische benchmarktekst zonder persoonsgegevens."


# --- COPY files ---------------------------------------------------------------------------


def _enc(value: Any) -> str:
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return str(value)
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime or kind is date:
        return str(value.isoformat())
    if kind is list or kind is dict:
        return _enc(json.dumps(value))
    if isinstance(value, str):  # a TextChoices member
        return _enc(str(value.value) if hasattr(value, "value") else str.__str__(value))
    if isinstance(value, datetime | date):
        return str(value.isoformat())
    raise TypeError(f"cannot encode {kind.__name__}")


def _constant(field_: models.Field[Any, Any], now: datetime) -> Any:
    """The value of a column the generator does not vary: its default, else blank/NULL."""
    if getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False):
        return now
    if field_.has_default():
        return field_.get_default()
    if field_.null:
        return None
    if isinstance(field_, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field_.model.__name__}.{field_.attname} needs a value")


class Table:
    """COPY text for one table: the varying columns per row, every other column constant."""

    def __init__(self, model: type[models.Model], columns: list[str], now: datetime) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__}: unknown columns {sorted(unknown)}")
        constants = [
            (f.column, _constant(f, now))
            for name, f in fields.items()
            if name not in columns and not f.primary_key
        ]
        self.model = model
        self.name = model._meta.db_table
        self.columns = [fields[c].column for c in columns] + [c for c, _v in constants]
        self.explicit_ids = "id" in columns
        self._suffix = "".join("\t" + _enc(v) for _c, v in constants) + "\n"
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.rows = 0

    def add(self, *values: Any) -> None:
        self._file.write("\t".join(map(_enc, values)) + self._suffix)
        self.rows += 1

    def batches(self) -> Iterable[str]:
        self._file.seek(0)
        while True:
            lines = list(itertools.islice(self._file, COPY_BATCH))
            if not lines:
                break
            yield "".join(lines)
        self._file.close()


def _copy(tables: list[Table], *, together: bool = False) -> None:
    """Load the tables in order. Each batch is one transaction, so that the deferred
    foreign-key checks of a batch run at its commit and never pile up; tables loaded
    `together` (they point at each other) share one transaction."""
    with (
        transaction.atomic(durable=True) if together else _nothing(),
        connection.cursor() as cursor,
    ):
        for table in tables:
            cols = ", ".join(f'"{c}"' for c in table.columns)
            for chunk in table.batches():
                sql = f'COPY "{table.name}" ({cols}) FROM STDIN'
                with transaction.atomic(), cursor.copy(sql) as copy:
                    copy.write(chunk)
            if table.explicit_ids:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 1))'
                )


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


# --- the simulation -----------------------------------------------------------------------


@dataclass
class World:
    """The fixed national landscape the referrals move through."""

    region_of_municipality: list[int] = field(default_factory=list)
    municipality_lat: list[float] = field(default_factory=list)
    municipality_lon: list[float] = field(default_factory=list)
    municipalities_of_region: dict[int, list[int]] = field(default_factory=dict)
    referrer_org_of_municipality: list[int] = field(default_factory=list)
    referrer_user_of_municipality: list[int] = field(default_factory=list)
    coordinator_of_region: list[int] = field(default_factory=list)
    provider_user: dict[int, int] = field(default_factory=dict)  # organisation id → user id
    location_provider: list[int] = field(default_factory=list)
    location_care_form: list[str] = field(default_factory=list)
    by_region_and_form: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    by_region: dict[int, list[int]] = field(default_factory=dict)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> Callable[[], str]:
    codes = [c for c, _w in pairs]
    cumulative = list(itertools.accumulate(w for _c, w in pairs))
    return lambda: rng.choices(codes, cum_weights=cumulative)[0]


class Generator:
    def __init__(
        self, *, referrals: int, seed: int, password: str | None, log: Callable[[str], None]
    ):
        self.target = referrals
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable
        self.password = password
        self.log = log
        self.now_dt = timezone.now().replace(microsecond=0)
        self.now = self.now_dt.timestamp()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.world = World()
        rng = self.rng
        self.care_form = _weighted(rng, [(c, w) for c, w, _s in CARE_FORMS])
        self.refusal_reason = _weighted(rng, REFUSAL_REASONS)
        self.end_reason = _weighted(rng, END_REASONS)
        self.close_outcome = _weighted(rng, CLOSE_OUTCOMES)
        self.size_of = {c: s for c, _w, s in CARE_FORMS}
        # Issues 21 and 22 draw from a stream of their own: the history itself is unchanged.
        extra = self.extra = random.Random(seed + 22)  # noqa: S311
        self.previous_situation = _weighted(extra, PREVIOUS_SITUATIONS)
        self.outflow = _weighted(extra, OUTFLOWS)
        self.horizon: int | None = None  # of the referral being written
        # location index → [(time, Δheld, Δoccupied, reason)]
        self.capacity_changes: dict[int, list[tuple[float, int, int, str]]] = defaultdict(list)
        self.code_numbers: dict[int, int] = defaultdict(int)
        self.next_bsn = 100_000_000
        self.referral_id = 0
        self.offer_id = 0
        self.placement_id = 0
        self.counts: dict[str, int] = defaultdict(int)

    # timestamps ---------------------------------------------------------------------------
    def ts(self, t: float) -> str:
        return datetime.fromtimestamp(t, UTC).isoformat()

    def day(self, t: float) -> date:
        return datetime.fromtimestamp(t, self.tz).date()

    def days(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high) * DAY

    # the landscape ------------------------------------------------------------------------
    def landscape(self) -> list[Table]:
        rng, w, now = self.rng, self.world, self.now_dt
        regions = Table(Region, ["id", "code", "name", "supra_region"], now)
        centres = []
        for r in range(REGIONS):
            lat = 51.35 + (r // 7) * 0.38 + rng.uniform(-0.1, 0.1)
            lon = 3.95 + (r % 7) * 0.45 + rng.uniform(-0.1, 0.1)
            centres.append((lat, lon))
            regions.add(
                r + 1, f"JR{r + 1:02d}", f"Jeugdregio {r + 1:02d}", f"Bovenregio {r // 4 + 1}"
            )
        municipalities = Table(
            Municipality, ["id", "code", "name", "region_id", "latitude", "longitude"], now
        )
        for m in range(MUNICIPALITIES):
            region = m % REGIONS
            lat = round(centres[region][0] + rng.gauss(0, 0.1), 5)
            lon = round(centres[region][1] + rng.gauss(0, 0.14), 5)
            municipalities.add(
                m + 1, f"GM{m + 1:04d}", f"Gemeente {m + 1:03d}", region + 1, lat, lon
            )
            w.region_of_municipality.append(region)
            w.municipality_lat.append(lat)
            w.municipality_lon.append(lon)
            w.municipalities_of_region.setdefault(region, []).append(m)

        orgs = Table(Organisation, ["id", "name", "kind", "municipality_id", "email"], now)
        org_regions = Table(Organisation.regions.through, ["organisation_id", "region_id"], now)
        users = Table(
            User,
            ["id", "username", "password", "organisation_id", "role", "date_joined", "is_active"],
            now,
        )
        password = make_password(self.password)  # None: an unusable password
        org_id = user_id = 0

        def org(name: str, kind: str, municipality: int, regions_: Iterable[int]) -> int:
            nonlocal org_id
            org_id += 1
            orgs.add(org_id, name, kind, municipality + 1, "")
            for region in regions_:
                org_regions.add(org_id, region + 1)
            return org_id

        def user(username: str, organisation: int, role: str) -> int:
            nonlocal user_id
            user_id += 1
            users.add(user_id, username, password, organisation, role, now, True)
            return user_id

        for r in range(REGIONS):
            home = w.municipalities_of_region[r][0]
            cp = org(f"Coördinatiepunt JR{r + 1:02d}", "coordination_point", home, [r])
            w.coordinator_of_region.append(user(f"coord_jr{r + 1:02d}", cp, Role.COORDINATOR))
            office = org(f"Regiobureau JR{r + 1:02d}", "region_office", home, [r])
            user(f"analist_jr{r + 1:02d}", office, Role.ANALYST)
        for m in range(MUNICIPALITIES):
            team = org(f"Lokaal team {m + 1:03d}", "referrer", m, [w.region_of_municipality[m]])
            w.referrer_org_of_municipality.append(team)
            w.referrer_user_of_municipality.append(
                user(f"verwijzer_{m + 1:03d}", team, Role.REFERRER)
            )

        locations: list[
            dict[str, Any]
        ] = []  # rows are written after the simulation, when the counts are known
        location_regions = Table(Location.regions.through, ["location_id", "region_id"], now)
        for p in range(PROVIDERS):
            home = p % REGIONS
            contracted = {home} | {
                (home + rng.choice([-1, 1, 7, -7])) % REGIONS
                for _ in range(rng.choice([0, 1, 1, 2]))
            }
            municipality = rng.choice(w.municipalities_of_region[home])
            provider = org(
                f"Zorgaanbieder {p + 1:04d}", "provider", municipality, sorted(contracted)
            )
            w.provider_user[provider] = user(f"aanbieder_{p + 1:04d}", provider, Role.PROVIDER)
            for _n in range(LOCATIONS_PER_PROVIDER):
                index = len(locations)
                care_form = self.care_form()
                town = rng.choice(w.municipalities_of_region[home])
                age_min = rng.choice([0, 4, 6, 8, 10, 12, 12, 12, 14, 16])
                age_max = min(age_min + rng.choice([6, 8, 10, 12]), 23)
                locations.append(
                    {
                        "provider": provider,
                        "name": f"Locatie {index + 1:04d}",
                        "municipality": town,
                        "care_form": care_form,
                        "expertise": [
                            "youth_parenting",
                            *rng.sample(EXPERTISE, rng.choice([0, 1, 1, 2])),
                        ],
                        "ages": (age_min, max(age_max, 17) if age_min < 12 else age_max),
                        "gender": rng.choices(["any", "girls", "boys"], [85, 8, 7])[0],
                        "intensity": ""
                        if care_form in ("foster_care", "family_home")
                        else rng.choice(INTENSITIES),
                        "school": rng.random() < 0.2,
                        "contra": rng.sample(RISK_FLAGS, rng.choice([0, 1, 1, 2])),
                    }
                )
                w.location_provider.append(provider)
                w.location_care_form.append(care_form)
                for region in sorted(contracted):
                    location_regions.add(index + 1, region + 1)
                    w.by_region_and_form.setdefault((region, care_form), []).append(index)
                    w.by_region.setdefault(region, []).append(index)
        self.location_specs = locations
        self.counts.update(
            regions=regions.rows,
            municipalities=municipalities.rows,
            organisations=orgs.rows,
            users=users.rows,
            locations=len(locations),
        )
        self.landscape_tables = [regions, municipalities, orgs, org_regions, users]
        self.location_regions = location_regions
        return self.landscape_tables

    # referrals ----------------------------------------------------------------------------
    def simulate(self) -> None:
        now = self.now_dt
        self.t_youth = Table(
            YouthIdentity,
            [
                "id",
                "given_name",
                "family_name",
                "bsn",
                "birth_date",
                "gender",
                "postcode",
                "municipality_id",
                "open_bsn",
            ],
            now,
        )
        self.t_referral = Table(
            Referral,
            [
                "id",
                "code",
                "youth_id",
                "referrer_id",
                "organisation_id",
                "region_id",
                "legal_status",
                "current_situation",
                "previous_placements",
                "school_level",
                "school_attending",
                "requested_start",
                "perspective_plan",
                "safety_plan",
                "care_question",
                "status",
                "created_at",
                "updated_at",
                "status_changed_at",
                "submitted_at",
                "closed_at",
                "info_question",
                "info_requested_at",
                "info_answer",
                "close_outcome",
                "interim_support",
                "current_analysis_id",
                "urgency",
                "previous_situation",
                "request_kind",
                "perspective_horizon_months",
                "documents_due_on",
                "crisis_reason",
                "documents_completed_on",
            ],
            now,
        )
        self.t_analysis = Table(
            ExplanatoryAnalysis,
            [
                "id",
                "referral_id",
                "problems",
                "explaining_factors",
                "protective_factors",
                "needs",
                "needed_care_forms",
                "needed_expertise",
                "risk_flags",
                "intensity",
                "secured_required",
                "author_name",
                "author_role",
                "completed_on",
                "shared_with_family",
                "created_at",
            ],
            now,
        )
        self.t_event = Table(
            ReferralEvent, ["referral_id", "at", "by_id", "from_status", "to_status"], now
        )
        self.t_offer = Table(
            Offer,
            [
                "id",
                "referral_id",
                "location_id",
                "provider_id",
                "care_form",
                "status",
                "sent_by_id",
                "sent_at",
                "deadline",
                "was_proposal",
                "score",
                "choice_reason",
                "answered_at",
                "answered_by_id",
                "refusal_reason",
                "refusal_explanation",
            ],
            now,
        )
        self.t_placement = Table(
            Placement,
            [
                "id",
                "referral_id",
                "offer_id",
                "location_id",
                "provider_id",
                "status",
                "start_date",
                "school_name",
                "transport_funding",
                "created_by_id",
                "created_at",
                "started_at",
                "end_date",
                "end_reason",
                "outflow",
                "ended_by_id",
                "next_referral_id",
                "planned_end",
            ],
            now,
        )
        rng = self.rng
        start = self.now - YEARS * 365.25 * DAY
        while self.referral_id < self.target:
            length = 1
            while rng.random() < 0.17 and length < 5:  # re-placements: a youth's chain
                length += 1
            length = min(length, self.target - self.referral_id)
            self.journey(rng.uniform(start, self.now), length)

    def journey(self, t0: float, length: int) -> None:
        rng, w = self.rng, self.world
        m = rng.randrange(MUNICIPALITIES)
        age = rng.choices([6, 9, 12, 13, 14, 15, 16, 17], [4, 6, 10, 14, 18, 20, 18, 10])[0]
        birth = self.day(t0 - age * 365.25 * DAY - rng.uniform(0, 364) * DAY)
        youth = {
            "bsn": f"{self.next_bsn:09d}",
            "birth": birth,
            "gender": rng.choices(["f", "m", "x"], [48, 50, 2])[0],
            "postcode": f"{rng.randint(1000, 9999)} XX",
            "municipality": m,
        }
        self.next_bsn += 1
        region = w.region_of_municipality[m]
        start: float | None = t0
        for n in range(length):
            assert start is not None
            start = self.referral(start, youth, region, n, more=n < length - 1)
            if start is None:
                break

    def referral(
        self, t0: float, youth: dict[str, Any], region: int, nth: int, *, more: bool
    ) -> float | None:
        """Simulate one referral from t0; returns when the next of the chain starts (or None)."""
        rng, w, D = self.rng, self.world, DAY
        created = t0 - self.days(1, 10)
        if created > self.now:
            return None
        self.referral_id += 1
        rid = self.referral_id
        coordinator = w.coordinator_of_region[region]
        events: list[tuple[float, str, str, int | None]] = [(created, "", "draft", None)]
        status = "draft"

        def step(t: float, to: str, by: int | None = coordinator) -> None:
            nonlocal status
            events.append((t, status, to, by))
            status = to

        forms = [self.care_form()]
        for _ in range(rng.choice([0, 1, 1, 2])):
            alt = self.care_form()
            if alt not in forms and alt != "secured":
                forms.append(alt)
        secured = forms[0] == "secured"
        expertise = ["youth_parenting"] if rng.random() < 0.7 else []
        if rng.random() < 0.35:
            expertise.append(rng.choice(EXPERTISE))

        referrer = w.referrer_user_of_municipality[youth["municipality"]]
        step(t0, "submitted", referrer)
        t = t0
        needs_info = rng.random() < 0.1
        asked = 0.0
        if needs_info:
            t += self.days(0.5, 3)
            asked = t
            step(t, "needs_info")
            t += self.days(1, 7)
            step(t, "submitted", referrer)
        t += self.days(0.2, 3)
        step(t, "matching")
        placed = rng.random() < 0.8
        refusals = 0
        if placed:
            while rng.random() < 0.72 and refusals < 15:
                refusals += 1
        else:
            refusals = 1
            while rng.random() < 0.75 and refusals < 20:
                refusals += 1
        wait_at = rng.randint(0, refusals) if rng.random() < 0.3 else -1
        offers: list[tuple[Any, ...]] = []
        used: set[int] = set()
        candidates = [
            i for f in forms for i in w.by_region_and_form.get((region, f), [])
        ] or w.by_region[region]
        accepted: tuple[int, float, int] | None = None
        for k in range(refusals + (1 if placed else 0)):
            if k == wait_at:
                t += self.days(0.5, 3)
                step(t, "waiting")
                t += self.days(7, 90)
                step(t, "matching")
            t += self.days(0.1, 4)
            location = rng.choice(candidates)
            for _ in range(3):
                if w.location_provider[location] not in used:
                    break
                location = rng.choice(candidates)
            provider = w.location_provider[location]
            self.offer_id += 1
            sent = t
            step(sent, "offered")
            deadline = sent + 7 * D
            if k < refusals:
                used.add(provider)
                if rng.random() < 0.15:
                    t = deadline
                    offers.append(
                        (
                            self.offer_id,
                            location,
                            provider,
                            "expired",
                            sent,
                            deadline,
                            None,
                            "no_response",
                        )
                    )
                else:
                    t = sent + self.days(0.05, 5)
                    offers.append(
                        (
                            self.offer_id,
                            location,
                            provider,
                            "refused",
                            sent,
                            deadline,
                            t,
                            self.refusal_reason(),
                        )
                    )
                step(t, "matching", None)
            else:
                t = sent + self.days(0.05, 4)
                offers.append(
                    (self.offer_id, location, provider, "accepted", sent, deadline, t, "")
                )
                step(t, "accepted", w.provider_user[provider])
                accepted = (self.offer_id, t, location)
        outcome = ""
        next_start: float | None = None
        placement: tuple[Any, ...] | None = None
        if not placed:
            if wait_at == refusals:
                t += self.days(0.5, 3)
                step(t, "waiting")
            t += self.days(1, 45)
            outcome = self.close_outcome()
            step(t, "closed")
        else:
            assert accepted is not None
            start = t + self.days(1, 14)
            step(start, "placed")
            duration = max(7.0, rng.lognormvariate(math.log(240), 0.8)) * D
            end = start + duration
            reason = "replacement" if more else self.end_reason()
            if end <= self.now:
                step(end, "closed")
                if more:
                    next_start = end - self.days(0, 3)
            placement = (accepted, start, end, reason)

        # --- cut the timeline at now and write the rows ---
        kept = [e for e in events if e[0] <= self.now]
        status = kept[-1][2]
        status_at = kept[-1][0]
        submitted_at = max((e[0] for e in kept if e[2] == "submitted"), default=None)
        closed_at = kept[-1][0] if status == "closed" else None
        is_open = status not in ("draft", "closed")
        for at, from_status, to_status, by in kept:
            self.t_event.add(rid, self.ts(at), by, from_status, to_status)
        self.counts["referral_events"] += len(kept)

        y = youth
        self.t_youth.add(
            rid,
            "Jongere",
            f"Synthetisch {rid}",
            y["bsn"],
            y["birth"],
            y["gender"],
            y["postcode"],
            y["municipality"] + 1,
            y["bsn"] if is_open else "",
        )
        created_day = self.day(created)
        self.t_analysis.add(
            rid,
            rid,
            TEXT,
            TEXT,
            TEXT,
            TEXT,
            forms,
            expertise,
            rng.sample(RISK_FLAGS, rng.choice([0, 0, 1, 1, 2])),
            "" if forms[0] in ("foster_care", "family_home") else rng.choice(INTENSITIES),
            secured,
            f"Auteur {rid % 997}",
            "gedragswetenschapper",
            created_day,
            True,
            self.ts(created),
        )
        year = datetime.fromtimestamp(created, self.tz).year
        self.code_numbers[year] += 1
        asked_kept = needs_info and asked <= self.now
        m = y["municipality"]
        self.t_referral.add(
            rid,
            f"ROP-{year}-{self.code_numbers[year]:05d}",
            rid,
            w.referrer_user_of_municipality[m],
            w.referrer_org_of_municipality[m],
            w.region_of_municipality[m] + 1,
            "secured_authorisation"
            if secured
            else rng.choice(["voluntary", "voluntary", "supervision_with_authorisation"]),
            TEXT,
            nth,
            rng.choice(["vmbo", "praktijkonderwijs", "havo", "speciaal onderwijs"]),
            rng.random() < 0.8,
            self.day(t0 + 14 * D),
            TEXT,
            TEXT,
            TEXT,
            status,
            self.ts(created),
            self.ts(status_at),
            self.ts(status_at),
            self.ts(submitted_at) if submitted_at else None,
            self.ts(closed_at) if closed_at else None,
            TEXT if asked_kept else "",
            self.ts(asked) if asked_kept else None,
            TEXT if asked_kept and status != "needs_info" else "",
            outcome if status == "closed" else "",
            TEXT if wait_at >= 0 else "",
            rid,
            *self.origin(t0, nth),
        )

        for offer_id, location, provider, o_status, sent, deadline, answered, reason in offers:
            if sent > self.now:
                continue
            answer_time = deadline if o_status == "expired" else answered
            if answer_time > self.now:
                o_status, answered, reason = "open", None, ""
            proposal = rng.random() < 0.8
            self.t_offer.add(
                offer_id,
                rid,
                location + 1,
                provider,
                w.location_care_form[location],
                o_status,
                coordinator,
                self.ts(sent),
                self.ts(deadline),
                proposal,
                rng.randint(35, 95),
                "" if proposal else TEXT,
                self.ts(answered) if answered else None,
                w.provider_user[provider] if answered else None,
                reason,
                TEXT if reason == "other" else "",
            )
            self.counts["offers"] += 1

        if placement is not None:
            (offer_id, accepted_at, location), start, end, reason = placement
            if accepted_at <= self.now:
                changes = self.capacity_changes[location]
                changes.append((accepted_at, 1, 0, "hold"))
                if start <= self.now:
                    changes.append((start, -1, 1, "placement_start"))
                    ended = end <= self.now
                    if ended:
                        changes.append((end, 0, -1, "placement_end"))
                    self.placement_id += 1
                    self.t_placement.add(
                        self.placement_id,
                        rid,
                        offer_id,
                        location + 1,
                        w.location_provider[location],
                        "ended" if ended else "active",
                        self.day(start),
                        "Synthetische school",
                        rng.choice(["municipality", "provider", "parents", "not_needed"]),
                        coordinator,
                        self.ts(accepted_at),
                        self.ts(start),
                        self.day(end) if ended else None,
                        reason if ended else "",
                        self.outflow_of(reason) if ended else "",
                        coordinator if ended else None,
                        rid + 1 if ended and reason == "replacement" else None,
                        self.planned_end(start, end),
                    )
                    self.counts["placements"] += 1
        if next_start is not None and next_start > self.now:
            next_start = None
        if next_start is None and more and placement is not None and placement[2] <= self.now:
            raise AssertionError("a replacement needs its next referral")
        return next_start

    # issues 21 and 22 on the rows: origin, horizon, outflow, planned end -----------------
    def origin(self, t0: float, nth: int) -> tuple[Any, ...]:
        """Urgency (about 6 % crisis, 15 % urgent), where the youth comes from, the kind of
        request (a chain's later referrals are transfers), the perspective plan's horizon
        and, for a crisis, when its documents are due; proportions as the demo's."""
        x = self.extra
        draw = x.random()
        urgency = "crisis" if draw < 0.06 else "urgent" if draw < 0.21 else "planned"
        kind = "transfer" if nth else ("readmission" if x.random() < 0.08 else "new")
        horizon = self.horizon = x.choice([None, None, 6, 9, 12])
        crisis = urgency == "crisis"
        # a crisis's documents: most in time, some late, a few not (yet)
        completed = (
            t0 + x.uniform(2, 10) * DAY if x.random() < 0.8 else t0 + x.uniform(11, 25) * DAY
        )
        return (
            urgency,
            "home" if crisis else self.previous_situation(),
            kind,
            horizon,
            self.day(t0 + 10 * DAY) if crisis else None,
            TEXT if crisis else "",
            self.day(completed) if crisis and completed <= self.now else None,
        )

    def outflow_of(self, reason: str) -> str:
        if reason == "returned_home":
            return "home"
        if reason == "turned_18":
            return "adult_care"
        return self.outflow() if reason == "planned_outflow" else ""

    def planned_end(self, start: float, end: float) -> date | None:
        """Most placements have a planned end (issue 22.5): most near the real end, some too
        late (the youth left earlier), some too early (stayed longer)."""
        x = self.extra
        if self.horizon is None and x.random() < 0.3:  # with a horizon it is required
            return None
        draw = x.random()
        if draw < 0.6:
            planned = end + x.uniform(-10, 10) * DAY
        elif draw < 0.8:
            planned = end + x.uniform(30, 120) * DAY
        else:
            planned = end - x.uniform(30, 90) * DAY
        return self.day(max(planned, start + 14 * DAY))

    # locations and their capacity history -------------------------------------------------
    def capacity(self) -> tuple[Table, Table]:
        rng, now = self.rng, self.now_dt
        t_location = Table(
            Location,
            [
                "id",
                "provider_id",
                "name",
                "municipality_id",
                "latitude",
                "longitude",
                "care_form",
                "expertise",
                "age_min",
                "age_max",
                "gender",
                "secured",
                "intensity",
                "school_on_site",
                "contra_indications",
                "total_places",
                "free_places",
                "held_places",
                "occupied_places",
                "last_confirmed_at",
                "is_active",
                "created_at",
            ],
            now,
        )
        t_event = Table(
            CapacityEvent,
            [
                "location_id",
                "at",
                "reason",
                "total_before",
                "free_before",
                "held_before",
                "occupied_before",
                "total_after",
                "free_after",
                "held_after",
                "occupied_after",
            ],
            now,
        )
        w = self.world
        created = self.ts(self.now - (YEARS + 1) * 365.25 * DAY)
        for index, spec in enumerate(self.location_specs):
            changes = sorted(self.capacity_changes.get(index, []))
            outside = rng.choice([0, 0, 1, 1, 2])  # youths placed outside coordination
            held = occupied = 0
            peak = 0
            for _t, dh, do, _r in changes:
                held += dh
                occupied += do
                peak = max(peak, held + occupied)
            total = (
                max(peak, self.size_of[spec["care_form"]]) + outside + rng.choice([0, 0, 1, 1, 2])
            )
            held = 0
            occupied = outside
            for at, dh, do, reason in changes:
                before = (total, total - held - occupied, held, occupied)
                held += dh
                occupied += do
                t_event.add(
                    index + 1,
                    self.ts(at),
                    reason,
                    *before,
                    total,
                    total - held - occupied,
                    held,
                    occupied,
                )
            age_min, age_max = spec["ages"]
            m = spec["municipality"]
            stale = rng.random() < 0.15
            t_location.add(
                index + 1,
                spec["provider"],
                spec["name"],
                m + 1,
                round(w.municipality_lat[m] + rng.uniform(-0.02, 0.02), 5),
                round(w.municipality_lon[m] + rng.uniform(-0.02, 0.02), 5),
                spec["care_form"],
                spec["expertise"],
                age_min,
                age_max,
                spec["gender"],
                spec["care_form"] == "secured",
                spec["intensity"],
                spec["school"],
                spec["contra"],
                total,
                total - held - occupied,
                held,
                occupied,
                self.ts(self.now - self.days(10, 60) if stale else self.now - self.days(0, 10)),
                True,
                created,
            )
        self.counts["capacity_events"] = t_event.rows
        return t_location, t_event


def _skip_row_triggers() -> bool:
    """Load without the per-row foreign-key triggers when allowed (a superuser, as in the
    benchmark's throw-away server): 2-3x faster. The keys are then checked set-wise after
    loading (`_check_foreign_keys`); check and unique constraints are enforced either way."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except Exception:  # not a superuser: load with the triggers on
        return False
    return True


def _check_foreign_keys(models_: list[type[models.Model]]) -> None:
    """Every foreign key of the loaded tables points at an existing row (one anti-join each)."""
    with connection.cursor() as cursor:
        for model in models_:
            for f in model._meta.concrete_fields:
                if not f.is_relation or f.related_model is None:
                    continue
                target = f.related_model._meta  # type: ignore[union-attr]
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" c '  # noqa: S608
                    f'LEFT JOIN "{target.db_table}" p ON p."{target.pk.column}" = c."{f.column}" '
                    f'WHERE c."{f.column}" IS NOT NULL AND p."{target.pk.column}" IS NULL'
                )
                missing = cursor.fetchone()[0]
                if missing:
                    raise RuntimeError(f"{model.__name__}.{f.name}: {missing} dangling keys")


def _bands_and_contracts(*, now: datetime) -> dict[str, int]:
    """Issue 22, set-based after the load: each location with an intensity keeps that band
    for every year of the history; the tariff table of the newest seeded year (the G7 table
    of the migration) is copied to the history's other years; each provider is contracted
    per care form and year for about the places it has (some fewer, so that occupancy and
    contract differ)."""
    year = now.astimezone(ZoneInfo(settings.TIME_ZONE)).year
    first = year - YEARS
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO capacity_intensitytariff (year, band, hours_min, hours_max, "
            "tariff_per_day) SELECT y, t.band, t.hours_min, t.hours_max, t.tariff_per_day "
            "FROM capacity_intensitytariff t CROSS JOIN generate_series(%s::int, %s::int) y "
            "WHERE t.year = (SELECT max(year) FROM capacity_intensitytariff) "
            "ON CONFLICT (year, band) DO NOTHING",
            [first, year],
        )
        cursor.execute(
            "INSERT INTO capacity_locationband (location_id, year, band) "
            "SELECT l.id, y, l.intensity FROM capacity_location l "
            "CROSS JOIN generate_series(%s::int, %s::int) y WHERE l.intensity <> '' "
            "ON CONFLICT (location_id, year) DO NOTHING",
            [first, year],
        )
        bands = cursor.rowcount
        cursor.execute(
            "INSERT INTO capacity_contractedcapacity (provider_id, care_form, year, places, "
            "updated_at) SELECT l.provider_id, l.care_form, y, "
            "GREATEST(0, sum(l.total_places) - (l.provider_id + y) %% 3), %s "
            "FROM capacity_location l CROSS JOIN generate_series(%s::int, %s::int) y "
            "GROUP BY l.provider_id, l.care_form, y "
            "ON CONFLICT (provider_id, care_form, year) DO NOTHING",
            [now, first, year],
        )
        contracts = cursor.rowcount
    return {"location_bands": bands, "contracted_capacity": contracts}


# Issues 21 and 22, set-based after the load (ids and a hash of them pick the rows, so the
# run is repeatable): the forecasts of the planned ends (a quarter replaced once first), care
# outside coordination for the referrals closed so, expert tables, placements at risk and
# announced capacity changes; shares as the demo's.
ISSUE_21_22_SQL = [
    # the planned end's forecast; for a quarter of the placements an earlier one replaced
    """INSERT INTO placement_vacancyforecast (placement_id, location_id, expected_on, made_at,
           superseded_at)
       SELECT p.id, p.location_id, p.planned_end - 21, p.created_at,
              LEAST(p.started_at + interval '30 days', %(now)s)
       FROM placement_placement p WHERE p.planned_end IS NOT NULL AND p.id %% 4 = 0""",
    """INSERT INTO placement_vacancyforecast (placement_id, location_id, expected_on, made_at,
           superseded_at)
       SELECT p.id, p.location_id, p.planned_end,
              CASE WHEN p.id %% 4 = 0 THEN LEAST(p.started_at + interval '30 days', %(now)s)
                   ELSE p.started_at END, NULL
       FROM placement_placement p WHERE p.planned_end IS NOT NULL""",
    # care outside coordination: maatwerk and one-to-one (by name, cost known), or regular
    # care at a provider of the register
    """INSERT INTO placement_outsideplacement (referral_id, provider_id, provider_name,
           contracted, arrangement, cost_per_day, start_date, reason, reason_note,
           recorded_by_id, recorded_at, updated_at)
       SELECT r.id,
              CASE WHEN r.id %% 4 = 3 THEN l.provider_id END,
              CASE WHEN r.id %% 4 = 3 THEN '' ELSE 'Aanbieder buiten contract ' || (r.id %% 97) END,
              r.id %% 4 = 3,
              CASE r.id %% 4 WHEN 2 THEN 'one_to_one' WHEN 3 THEN 'regular' ELSE 'maatwerk' END,
              CASE WHEN r.id %% 4 = 3 THEN NULL ELSE 450 + (r.id * 7) %% 950 END,
              (r.closed_at AT TIME ZONE %(tz)s)::date,
              CASE WHEN r.id %% 10 < 6 THEN 'no_fitting_place' WHEN r.id %% 10 < 8 THEN 'crisis'
                   WHEN r.id %% 10 = 8 THEN 'court_decision' ELSE 'family_choice' END,
              '', c.id, r.closed_at, r.closed_at
       FROM referrals_referral r
       JOIN capacity_location l ON l.id = 1 + r.id %% (SELECT count(*) FROM capacity_location)
       JOIN accounts_user c ON c.username = 'coord_jr' || lpad(r.region_id::text, 2, '0')
       WHERE r.close_outcome = 'placed_outside_coordination'""",
    # the expert table that advised half of those, and an open one for some waiting requests
    """INSERT INTO referrals_experttable (referral_id, convened_by_id, convened_on,
           disciplines, question, advice, outcome, outcome_note, decided_on, created_at,
           updated_at)
       SELECT r.id, c.id, (r.closed_at AT TIME ZONE %(tz)s)::date,
              '["youth_psychiatry", "orthopedagogy", "municipality"]'::jsonb, %(text)s,
              %(text)s, 'special_arrangement', %(text)s,
              (r.closed_at AT TIME ZONE %(tz)s)::date, r.closed_at, r.closed_at
       FROM referrals_referral r
       JOIN accounts_user c ON c.username = 'coord_jr' || lpad(r.region_id::text, 2, '0')
       WHERE r.close_outcome = 'placed_outside_coordination' AND r.id %% 2 = 0
       UNION ALL
       SELECT r.id, c.id, (r.status_changed_at AT TIME ZONE %(tz)s)::date,
              '["orthopedagogy", "municipality"]'::jsonb, %(text)s, '', '', '', NULL,
              r.status_changed_at, r.status_changed_at
       FROM referrals_referral r
       JOIN accounts_user c ON c.username = 'coord_jr' || lpad(r.region_id::text, 2, '0')
       WHERE r.status = 'waiting' AND r.id %% 10 = 0""",
    # placements at risk: open on one in thirty running ones; closed as a re-placement on a
    # third of those ended so, as prevented on one in twenty-five others that ran two months
    """INSERT INTO placement_placementrisk (placement_id, flagged_by_id, flagged_at, reason,
           note, support, support_note, outcome, closed_at, closed_by_id)
       SELECT p.id, u.id, f.at,
              (ARRAY['behaviour', 'safety', 'mismatch', 'family', 'school', 'behaviour'])
                  [1 + p.id %% 6],
              %(text)s, f.support::jsonb, '', f.outcome, f.closed, f.closed_by
       FROM placement_placement p
       JOIN accounts_user u ON u.organisation_id = p.provider_id AND u.role = 'provider'
       JOIN referrals_referral r ON r.id = p.referral_id
       JOIN accounts_user c ON c.username = 'coord_jr' || lpad(r.region_id::text, 2, '0')
       CROSS JOIN LATERAL (SELECT
           CASE WHEN p.status = 'active' THEN GREATEST(p.started_at, %(now)s
                    - (p.id %% 20) * interval '1 day')
                WHEN p.end_reason = 'replacement' THEN GREATEST(p.started_at,
                    (p.end_date - 14)::timestamp AT TIME ZONE %(tz)s)
                ELSE p.started_at + interval '30 days' END AS at,
           CASE WHEN p.status = 'active' THEN '[]' ELSE '["mobile_team", "consultation"]'
               END AS support,
           CASE WHEN p.status = 'active' THEN ''
                WHEN p.end_reason = 'replacement' THEN 'replacement' ELSE 'prevented' END
               AS outcome,
           CASE WHEN p.status = 'active' THEN NULL
                WHEN p.end_reason = 'replacement'
                    THEN (p.end_date::timestamp AT TIME ZONE %(tz)s) + interval '10 hours'
                ELSE p.started_at + interval '45 days' END AS closed,
           CASE WHEN p.status = 'active' THEN NULL ELSE c.id END AS closed_by) f
       WHERE (p.status = 'active' AND p.id %% 30 = 0)
          OR (p.status = 'ended' AND p.end_reason = 'replacement' AND p.id %% 3 = 0)
          OR (p.status = 'ended' AND p.end_reason <> 'replacement' AND p.id %% 25 = 0
              AND p.end_date > p.start_date + 60)""",
    # announced changes: a closure or an enlargement ahead on one location in fifty each,
    # and a resize carried out in the past year on one in fifty
    """INSERT INTO capacity_capacitychange (location_id, kind, new_total, effective_on, reason,
           note, announced_by_id, announced_at, applied_at)
       SELECT l.id, c.kind, c.new_total, c.effective_on, c.reason, '', u.id, c.announced,
              c.applied
       FROM capacity_location l
       JOIN accounts_user u ON u.organisation_id = l.provider_id AND u.role = 'provider'
       CROSS JOIN LATERAL (SELECT
           CASE WHEN l.id %% 50 = 0 THEN 'closure' ELSE 'resize' END AS kind,
           CASE WHEN l.id %% 50 = 0 THEN NULL WHEN l.id %% 50 = 25 THEN l.total_places + 2
                ELSE l.total_places END AS new_total,
           CASE WHEN l.id %% 50 = 10 THEN %(today)s::date - (l.id %% 300)::int - 1
                ELSE %(today)s::date + 7 + (l.id %% 60)::int END AS effective_on,
           CASE l.id %% 50 WHEN 0 THEN 'group_closure' WHEN 25 THEN 'new_group'
                ELSE 'staffing' END AS reason,
           %(now)s - ((l.id %% 300) + 20) * interval '1 day' AS announced,
           CASE WHEN l.id %% 50 = 10 THEN %(now)s - ((l.id %% 300) + 1) * interval '1 day'
               END AS applied) c
       WHERE l.id %% 50 IN (0, 10, 25)""",
]


def _issue_21_22(*, now: datetime) -> dict[str, int]:
    """The set-based rows of issues 21 and 22 (ISSUE_21_22_SQL); their counts."""
    names = [
        "superseded_forecasts",
        "vacancy_forecasts",
        "outside_placements",
        "expert_tables",
        "placement_risks",
        "capacity_changes",
    ]
    params: dict[str, Any] = {
        "now": now,
        "today": now.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
        "tz": settings.TIME_ZONE,
        "text": TEXT,
    }
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name, sql in zip(names, ISSUE_21_22_SQL, strict=True):
            cursor.execute(sql, params)
            counts[name] = cursor.rowcount
    return counts


def generate_national(
    *,
    referrals: int,
    seed: int = 2026,
    password: str | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fill an empty, migrated PostgreSQL database; returns the row counts and timings."""
    if connection.vendor != "postgresql":
        raise RuntimeError("generate_national needs PostgreSQL (COPY).")
    if Region.objects.exists() or Referral.objects.exists() or Location.objects.exists():
        raise RuntimeError("The database is not empty: run generate_national on a fresh database.")
    started = time.monotonic()
    gen = Generator(referrals=referrals, seed=seed, password=password, log=log)
    landscape = gen.landscape()
    gen.simulate()
    t_location, t_capacity = gen.capacity()
    built = time.monotonic() - started
    log(f"simulated in {built:.1f} s; loading with COPY …")
    fast = _skip_row_triggers()
    _copy(landscape)
    _copy([t_location, gen.location_regions])
    _copy([gen.t_youth])
    _copy(
        [gen.t_analysis, gen.t_referral], together=True
    )  # each points at the other: one transaction
    _copy([gen.t_event])
    _copy([gen.t_offer])
    _copy([gen.t_placement])
    _copy([t_capacity])
    issue_22 = _bands_and_contracts(now=gen.now_dt)
    issue_22.update(_issue_21_22(now=gen.now_dt))
    if fast:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        _check_foreign_keys(
            [
                Region,
                Municipality,
                Organisation,
                Organisation.regions.through,
                User,
                Location,
                Location.regions.through,
                YouthIdentity,
                ExplanatoryAnalysis,
                Referral,
                ReferralEvent,
                Offer,
                Placement,
                CapacityEvent,
                # issues 21 and 22 (`_issue_21_22`, loaded with the triggers off as well)
                VacancyForecast,
                OutsidePlacement,
                ExpertTable,
                PlacementRisk,
                CapacityChange,
            ]
        )
    with transaction.atomic():
        for year, number in sorted(gen.code_numbers.items()):
            ReferralCodeCounter.objects.update_or_create(
                year=year, defaults={"last_number": number}
            )
    loaded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    counts = dict(gen.counts)
    counts["referrals"] = gen.referral_id
    counts["youth_identities"] = gen.t_youth.rows
    counts["explanatory_analyses"] = gen.t_analysis.rows
    counts.update(issue_22)
    return {
        "counts": counts,
        "seconds": round(seconds, 2),
        "simulate_seconds": round(built, 2),
        "load_seconds": round(loaded - built, 2),
        "now": gen.now_dt.isoformat(),
        "rows": sum(v for k, v in counts.items()),
    }
