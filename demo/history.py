# ruff: noqa: S311
# Seeded pseudo-random numbers for fictional demo data, not for security.
"""A year of fictional demo history, made through the services in time order.

A small discrete-event simulation: every step of every referral (draft, VA, submission,
triage, questions, offers one at a time, answers, expiry, waiting, placement, start, end,
re-placement) is an event with its own moment, and the events run in time order, each as a
call of the real service with that moment as `at`. So the history obeys every rule the
services enforce: a VA before each submission, one open offer, deadlines on working days,
counts that add up with an active placement behind every occupied place, a capacity event
for every change, an audit row for every action. The background jobs (expiry, planned
starts, reminders) run on their schedule with the simulated moment.

The region fills in a run-in of a few weeks and then stays around its target occupancy:
new referrals arrive as fast as the free places (minus the referrals already on their way
to one) allow. The three groups the seeds name as missing arrive at their own rate and find
(almost) no fitting place (demo/locations.py), so they wait and end as unmet need. Each
provider answers in its own way (refusal habits, response times).

Deterministic for a given moment (seeded random), idempotent (nothing is loaded when the
demo referrals exist), and ends at the present with work for the demo users: drafts and a
question for `referrer`, submitted and matching referrals for `coordinator`, open offers
for `provider_a`.
"""

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Municipality, Notification, Organisation, Region, Role, User
from accounts.services import notification_emails_batched, notification_mark_read
from capacity.errors import NoFreePlace
from capacity.models import Location
from capacity.services import free_places_announced_once, provider_confirm_all
from config.codes import CareForm, Expertise, LegalStatus, RefusalReason, RiskFlag
from demo.locations import seed_locations
from demo.region import REFERRER_ORGS
from placement.deadlines import add_working_days, is_working_day
from placement.models import Offer, Placement
from placement.selectors import candidates_for_referral
from placement.services import (
    offer_accept,
    offer_refuse,
    offer_send,
    offers_expire_overdue,
    offers_send_reminders,
    placement_end,
    placement_flag_risk,
    placement_record,
    placement_risk_update,
    placement_update_plans,
    placements_start_due,
    referral_wait,
)
from referrals.models import Referral, age_on
from referrals.services import (
    expert_table_convene,
    referral_close,
    referral_create,
    referral_request_info,
    referral_start_matching,
    referral_submit,
    referral_update,
)

SEED = 2026
DAYS = 380  # a year of history plus the run-in in which the places fill
# Providers outside the contract where a long wait ended (issue 21; no real organisations).
OUTSIDE_PROVIDERS = [
    "Zorgboerderij De Horst",
    "Particuliere woonvorm Het Anker",
    "Gezinshuis buiten de regio",
    "Eén-op-één begeleiding Noord",
]
TARGET_OCCUPANCY = 0.925  # of the places not spoken for by referrals on their way
MAX_OFFERS = 5  # after this many refusals the coordinator lets the referral wait
# The present-day work: script, working days back of its steps (create, submit, triage,
# offer), and whose location it is offered to.
PRESENT: list[tuple[str, list[int], str]] = [
    ("draft", [1], ""),
    ("draft_incomplete", [2], ""),
    ("needs_info", [6, 5, 3], ""),
    ("submitted", [3, 1], ""),
    ("submitted", [2, 1], ""),
    ("matching", [5, 4, 1], ""),
    ("matching", [4, 3, 1], ""),
    ("matching", [4, 2, 1], ""),
    ("offer_a", [7, 6, 5, 3], "provider_a"),
    ("offer_a", [6, 5, 4, 2], "provider_a"),
    ("offer_a", [5, 4, 3, 1], "provider_a"),
]
# Crisis placements (issue 21): days before today they happen, and after how many working
# days their VA and plans follow (None: still outstanding today). Two come late.
CRISES: list[tuple[int, int | None]] = [
    (150, 4),
    (110, 13),
    (75, 7),
    (45, 12),
    (25, 9),
    (16, None),  # overdue now: flagged on the board, reminded every day
    (5, None),  # not yet due
]
CRISIS_PLACES = ["Crisisopvang De Haven", "Crisispleeggezin (regio)", "Time-out bij familie"]
# Where the youth comes from (coded) and the explanation that goes with it.
ORIGINS: list[tuple[str, str, int]] = [
    ("home", "Woont thuis; de spanningen nemen toe.", 60),
    ("foster_care", "Woont in een pleeggezin dat de zorg niet meer aankan.", 15),
    ("residential", "Verblijft op een leefgroep die niet meer passend is.", 15),
    ("secured", "Verblijft in een gesloten setting; uitstroom wordt voorbereid.", 4),
    ("other", "Verblijft tijdelijk bij vrienden van de familie.", 6),
]
Status = Referral.Status
CF = CareForm
E = Expertise
R = RiskFlag

GIVEN = [
    "Noor",
    "Daan",
    "Lotte",
    "Milan",
    "Evi",
    "Jesse",
    "Sara",
    "Luuk",
    "Fenna",
    "Thijs",
    "Yara",
    "Ravi",
    "Amira",
    "Kofi",
    "Mees",
    "Zoë",
    "Sanne",
    "Ilias",
]
FAMILY = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Meijer",
    "Mulder",
    "de Boer",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Kaya",
    "El Amrani",
    "van Dijk",
]
# A second care form the referrer would accept when the first is not available.
RELATED: dict[str, list[str]] = {
    CF.TREATMENT_GROUP: [CF.SMALL_SCALE_HOME, CF.THREE_MILIEU],
    CF.SMALL_SCALE_HOME: [CF.FAMILY_HOME, CF.TREATMENT_GROUP],
    CF.FAMILY_HOME: [CF.FOSTER_CARE, CF.SMALL_SCALE_HOME],
    CF.FOSTER_CARE: [CF.FAMILY_HOME],
    CF.SUPPORTED_LIVING: [CF.SMALL_SCALE_HOME],
    CF.RESPITE: [CF.FAMILY_HOME],
    CF.THREE_MILIEU: [CF.TREATMENT_GROUP],
    CF.CLINICAL_ADMISSION: [CF.TREATMENT_GROUP],
    CF.SECURED: [],
}
# How long a placement lasts, in days, per care form.
STAY_DAYS: dict[str, tuple[int, int]] = {
    CF.RESPITE: (120, 400),
    CF.FOSTER_CARE: (365, 1200),
    CF.FAMILY_HOME: (300, 1100),
    CF.SMALL_SCALE_HOME: (220, 800),
    CF.TREATMENT_GROUP: (150, 480),
    CF.SUPPORTED_LIVING: (220, 800),
    CF.THREE_MILIEU: (180, 540),
    CF.SECURED: (90, 270),
    CF.CLINICAL_ADMISSION: (60, 180),
}
LETTERS = "BCDGHJKLNPRTVXZ"
HARD_TO_HOLD = {CF.TREATMENT_GROUP, CF.SMALL_SCALE_HOME, CF.SECURED, CF.THREE_MILIEU}
FLAGS = [
    R.AGGRESSION,
    R.ABSCONDING,
    R.SELF_HARM,
    R.SUBSTANCE_USE,
    R.FIRE_SETTING,
    R.CRIMINAL_EXPLOITATION,
]


@dataclass(frozen=True)
class Habit:
    """How a provider answers offers."""

    accept: float  # chance of accepting a first offer (rises with every earlier refusal)
    hours: tuple[int, int]  # time to answer
    late: float  # chance it does not answer at all (the offer expires)
    reasons: dict[str, int]  # refusal reasons, weighted


HABITS: dict[str, Habit] = {
    # provider_a: refuses mostly because of the group's composition
    "Stichting De Linde Jeugdzorg": Habit(
        0.6,
        (3, 60),
        0.03,
        {"group_composition": 60, "contra_indication": 12, "safety_risk": 12, "no_capacity": 8},
    ),
    # provider_b: refuses mostly for lack of staff
    "Horizonhuis Jeugd & Gezin": Habit(
        0.55,
        (3, 60),
        0.03,
        {"staffing": 60, "group_composition": 14, "insufficient_expertise": 12, "no_capacity": 8},
    ),
    "Kompas Verblijf": Habit(
        0.65,
        (6, 90),
        0.04,
        {"safety_risk": 40, "contra_indication": 25, "group_composition": 20, "no_capacity": 15},
    ),
    # answers late: a good share of its offers expires (no_response)
    "De Waterlelie Jeugdhulp": Habit(
        0.6,
        (48, 150),
        0.3,
        {"no_capacity": 35, "distance": 25, "group_composition": 20, "age_or_gender": 20},
    ),
    "Stichting Heuvelrug Wonen": Habit(
        0.6,
        (6, 96),
        0.05,
        {"insufficient_expertise": 35, "contra_indication": 30, "group_composition": 20},
    ),
    "Rivierzicht Behandelcentrum": Habit(
        0.65,
        (4, 72),
        0.05,
        {"no_capacity": 35, "contra_indication": 25, "staffing": 20, "safety_risk": 20},
    ),
    "Gezinshuizen Het Erf": Habit(
        0.7,
        (12, 110),
        0.08,
        {"age_or_gender": 35, "distance": 30, "group_composition": 20, "other": 15},
    ),
}
EXPLANATIONS: dict[str, str] = {
    "contra_indication": "Het risicogedrag past niet bij de afspraken op de groep.",
    "insufficient_expertise": "Wij hebben nu geen behandelaar met deze expertise.",
    "other": "Het gezinshuis neemt tijdelijk geen nieuwe jongeren op.",
    "group_composition": "De groep is op dit moment te onrustig voor nog een jongere.",
    "staffing": "Door ziekte en vacatures kunnen wij geen goede begeleiding bieden.",
}
OTHER_CHOICE_REASONS = [
    "Dichter bij school en netwerk van de jongere.",
    "Voorkeur van de jongere en de ouders na kennismaking.",
    "Deze aanbieder kent de jongere al uit eerdere ambulante hulp.",
]
QUESTIONS = [
    "Is het veiligheidsplan met de ouders besproken?",
    "Welke hulp is thuis al ingezet en wat was het effect?",
    "Is er een machtiging aangevraagd, en voor welke periode?",
]
TEXTS: dict[str, dict[str, str]] = {
    "regular": {
        "problems": "Ernstige gedragsproblemen thuis en op school; thuis lukt het niet meer.",
        "explaining_factors": "Hechtingsproblematiek en langdurige spanningen in het gezin.",
        "protective_factors": "Betrokken mentor; de jongere wil zelf verder.",
        "needs": "Structuur, een veilige plek en behandeling dichtbij het netwerk.",
        "care_question": "Verblijf met begeleiding en behandeling, met terugkeer als doel.",
    },
    "forensic": {
        "problems": "Delictgedrag, betrokkenheid bij criminele uitbuiting en agressie.",
        "explaining_factors": "Negatieve vriendengroep, schooluitval, weinig toezicht.",
        "protective_factors": "Goede band met een oom; sport als uitlaatklep.",
        "needs": "Forensische behandeling in een open setting met duidelijke grenzen.",
        "care_question": "Open forensische behandelgroep; gesloten is niet nodig.",
    },
    "orthopsychiatry": {
        "problems": "Opvoedproblemen samen met psychiatrische klachten; zelfbeschadiging.",
        "explaining_factors": "Trauma, ontwikkelingsstoornis en overbelaste ouders.",
        "protective_factors": "De ouders blijven betrokken; creatief en muzikaal.",
        "needs": "Orthopsychiatrische behandeling: pedagogisch klimaat en psychiatrie samen.",
        "care_question": "Behandeling van opvoed- en psychiatrische problemen op één plek.",
    },
    "unconditional": {
        "problems": "Veel breuken in de hulp; loopt weg en wordt agressief bij grenzen.",
        "explaining_factors": "Vroege uithuisplaatsing en vele wisselingen van opvoeders.",
        "protective_factors": "Een vaste jeugdbeschermer die al jaren betrokken is.",
        "needs": "Een onvoorwaardelijke woonplek voor lange tijd, die niet opgeeft.",
        "care_question": "Langdurig onvoorwaardelijk wonen, zonder uitplaatsing bij crisis.",
    },
}


@dataclass
class Profile:
    """What a youth needs: the coded part of the explanatory analysis, and who it is."""

    group: str  # regular, forensic, orthopsychiatry, unconditional
    care_forms: list[str]
    expertise: list[str]
    risk_flags: list[str]
    intensity: str
    secured: bool
    age: int
    gender: str


@dataclass
class Case:
    """One referral as the simulation follows it."""

    profile: Profile
    script: str = ""  # present-day work left open for the demo users
    referral_id: int = 0
    referrer: User | None = None
    birth_date: date | None = None
    offers: int = 0
    asked: bool = False
    match_pending: bool = False
    waiting_since: datetime | None = None
    # Crisis: working days after submission that the documents follow (-1: not yet).
    crisis_documents_after: int | None = None
    # A random stream of the case's own (crisis cases): its draws leave the others' alone.
    own_rng: random.Random | None = None
    events: list[str] = field(default_factory=list)


def _bsn(rng: random.Random) -> str:
    """A random BSN that passes the eleven-test."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


def _own_stream(arg: Any) -> bool:
    """An action's argument that brings a random stream of its own (crisis cases)."""
    return isinstance(arg, random.Random) or (isinstance(arg, Case) and arg.own_rng is not None)


class _History:
    def __init__(self, *, now: datetime, locations: list[Location]) -> None:
        self.rng = random.Random(SEED)
        # Urgency and origin draw from their own stream, so the history itself is unchanged.
        self.origin_rng = random.Random(SEED + 21)
        # The perspective plan's horizon and the planned ends (issue 22.5): their own stream.
        self.plan_rng = random.Random(SEED + 22)
        self.now = now
        self.today = timezone.localdate(now)
        self.start = self.today - timedelta(days=DAYS)
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = 0
        self.coordinator = User.objects.get(username="coordinator")
        self.referrers = {
            org: User.objects.filter(role=Role.REFERRER, organisation__name=org)
            .order_by("username")
            .first()
            for org, _municipality, _regions in REFERRER_ORGS
        }
        self.referrer_regions = {
            code: self.referrers[org] for org, _m, codes in REFERRER_ORGS for code in codes
        }
        self.staff: dict[int, User] = {}
        for user in User.objects.filter(role=Role.PROVIDER).order_by("username"):
            if user.organisation_id is not None:
                self.staff.setdefault(user.organisation_id, user)
        self.providers = {
            org.pk: org for org in Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
        }
        self.provider_names = {pk: org.name for pk, org in self.providers.items()}
        self.provider_a = User.objects.get(username="provider_a").organisation_id
        self.locations = {location.pk: location for location in locations}
        self.total_places = sum(location.total_places for location in locations)
        self.municipalities = list(Municipality.objects.select_related("region").order_by("code"))
        self.by_region: dict[int, list[Municipality]] = {}
        for municipality in self.municipalities:
            self.by_region.setdefault(municipality.region_id, []).append(municipality)
        self.regions = dict(Region.objects.values_list("id", "code"))
        self.cases: dict[int, Case] = {}
        self.waiting: list[Case] = []
        self.used_bsn: set[str] = set()

    # --- time ---------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def working_moment(self, day: date, *, after: datetime | None = None) -> datetime:
        """A moment in office hours on `day`, or the first working day after it."""
        while not is_working_day(day):
            day += timedelta(days=1)
        moment = self.at(day, self.rng.randint(8, 16), self.rng.randint(0, 59))
        if after is not None and moment <= after:
            moment = after + timedelta(minutes=self.rng.randint(20, 120))
        return moment

    def later(self, moment: datetime, working_days: int) -> datetime:
        """Office hours, `working_days` working days after `moment` (0: later that day)."""
        if working_days == 0:
            return self.working_moment(timezone.localdate(moment), after=moment)
        return self.working_moment(add_working_days(timezone.localdate(moment), working_days))

    def back(self, working_days: int, hour: int) -> datetime:
        """A moment `working_days` working days before today (for the present-day work)."""
        day = self.today
        for _ in range(working_days):
            day -= timedelta(days=1)
            while not is_working_day(day):
                day -= timedelta(days=1)
        return self.at(day, hour, self.rng.randint(0, 59))

    def schedule(self, moment: datetime, action: Callable[..., None], *args: Any) -> None:
        if moment <= self.now:
            self.seq += 1
            heapq.heappush(self.queue, (moment, self.seq, action, args))

    def run(self) -> None:
        while self.queue:
            moment, _seq, action, args = heapq.heappop(self.queue)
            own = next(
                (a.own_rng if isinstance(a, Case) else a for a in args if _own_stream(a)), None
            )
            if own is None:
                action(moment, *args)
                continue
            main, self.rng = self.rng, own
            try:
                action(moment, *args)
            finally:
                self.rng = main

    # --- the year's rhythm --------------------------------------------------------------

    def plan(self) -> None:
        day = self.start
        while day <= self.today:
            self.schedule(self.at(day, 0, 10), self.expire_job)
            self.schedule(self.at(day, 7, 0), self.start_job)
            if is_working_day(day):
                self.schedule(self.at(day, 7, 30), self.reminder_job)
                self.schedule(self.at(day, 8, 0), self.inflow)
            day += timedelta(days=1)
        for provider_id in sorted(self.staff):
            self.schedule(self.at(self.start, 9, 30), self.confirm, provider_id)
        self.plan_present()
        self.plan_crises()

    def expire_job(self, moment: datetime) -> None:
        offers_expire_overdue(now=moment)

    def start_job(self, moment: datetime) -> None:
        placements_start_due(at=moment)

    def reminder_job(self, moment: datetime) -> None:
        offers_send_reminders(now=moment)

    def confirm(self, moment: datetime, provider_id: int) -> None:
        """The provider's weekly "still correct" for each of its locations."""
        provider_confirm_all(
            provider=self.providers[provider_id], by=self.staff[provider_id], at=moment
        )
        sloppy = self.provider_names[provider_id] == "De Waterlelie Jeugdhulp"
        gap = self.rng.randint(10, 20) if sloppy else 7
        self.schedule(
            self.working_moment(timezone.localdate(moment) + timedelta(days=gap)),
            self.confirm,
            provider_id,
        )

    def free_places(self) -> dict[int, int]:
        return dict(Location.objects.filter(pk__in=self.locations).values_list("pk", "free_places"))

    def inflow(self, moment: datetime) -> None:
        """New referrals of the day: as many as the free places not yet spoken for allow,
        and the missing groups at their own pace."""
        free = self.free_places()
        on_the_way = (
            Referral.objects.filter(
                status__in=[Status.DRAFT, Status.SUBMITTED, Status.NEEDS_INFO, Status.MATCHING]
            ).count()
            + Referral.objects.filter(status=Status.OFFERED).count()
        )
        spare = sum(free.values()) - on_the_way / 2 - self.total_places * (1 - TARGET_OCCUPANCY)
        rate = min(8.0, max(0.3, 0.4 * spare))
        for _ in range(self._poisson(rate)):
            self.new_case(moment, self.profile_from(self.pick_location(free)))
        for group, rate in (("forensic", 0.08), ("orthopsychiatry", 0.06), ("unconditional", 0.05)):
            if self.rng.random() < rate:
                self.new_case(moment, self.missing_profile(group))

    def _poisson(self, rate: float) -> int:
        limit, product, count = math.exp(-rate), self.rng.random(), 0
        while product > limit:
            product *= self.rng.random()
            count += 1
        return count

    def pick_location(self, free: dict[int, int], provider_id: int | None = None) -> Location:
        options = [
            loc
            for loc in self.locations.values()
            if provider_id is None or loc.provider_id == provider_id
        ]
        if provider_id is not None and any(free.get(loc.pk, 0) for loc in options):
            options = [loc for loc in options if free.get(loc.pk, 0)]
        weights = [free.get(loc.pk, 0) + 0.4 for loc in options]
        return self.rng.choices(options, weights=weights)[0]

    # --- profiles -----------------------------------------------------------------------

    def profile_from(self, location: Location) -> Profile:
        """A need that this location (and others like it) can meet."""
        rng = self.rng
        care_forms = [location.care_form]
        if RELATED[location.care_form] and rng.random() < 0.5:
            care_forms.append(rng.choice(RELATED[location.care_form]))
        expertise = [location.expertise[0]] + [
            code for code in location.expertise[1:] if rng.random() < 0.3
        ]
        allowed = [flag for flag in FLAGS if flag not in location.contra_indications]
        flags = rng.sample(allowed, rng.choices([0, 1, 2], weights=[50, 40, 10])[0])
        low = 16 if location.care_form == CF.SUPPORTED_LIVING else max(location.age_min, 2)
        age = rng.randint(min(low, 17), max(min(location.age_max, 17), min(low, 17)))
        gender = {"girls": "f", "boys": "m"}.get(
            location.gender, rng.choices("fmx", weights=[48, 48, 4])[0]
        )
        return Profile(
            group="regular",
            care_forms=[str(code) for code in care_forms],
            expertise=[str(code) for code in expertise],
            risk_flags=[str(code) for code in flags],
            intensity=location.intensity,
            secured=location.secured,
            age=age,
            gender=gender,
        )

    def missing_profile(self, group: str) -> Profile:
        rng = self.rng
        if group == "forensic":
            return Profile(
                group=group,
                care_forms=[CF.TREATMENT_GROUP, CF.SMALL_SCALE_HOME],
                expertise=[E.FORENSIC, E.YOUTH_PARENTING],
                risk_flags=[str(R.CRIMINAL_EXPLOITATION)]
                + ([str(R.AGGRESSION)] if rng.random() < 0.5 else []),
                intensity="T",
                secured=False,
                age=rng.randint(14, 17),
                gender="m" if rng.random() < 0.75 else "f",
            )
        if group == "orthopsychiatry":
            return Profile(
                group=group,
                care_forms=[CF.THREE_MILIEU, CF.TREATMENT_GROUP],
                expertise=[E.MENTAL_HEALTH, E.YOUTH_PARENTING],
                risk_flags=[R.SELF_HARM, R.AGGRESSION],
                intensity="V",
                secured=False,
                age=rng.randint(10, 16),
                gender=rng.choice("fm"),
            )
        return Profile(
            group=group,
            care_forms=[CF.SMALL_SCALE_HOME],
            expertise=[E.YOUTH_PARENTING, E.MENTAL_HEALTH],
            risk_flags=[R.AGGRESSION, R.ABSCONDING],
            intensity="T",
            secured=False,
            age=rng.randint(14, 17),
            gender=rng.choice("fm"),
        )

    # --- a referral, step by step -------------------------------------------------------

    def new_case(self, moment: datetime, profile: Profile, script: str = "") -> Case:
        case = Case(profile=profile, script=script)
        self.schedule(
            self.working_moment(timezone.localdate(moment), after=moment), self.create, case
        )
        return case

    def referral(self, case: Case) -> Referral:
        """The referral with what the candidates read."""
        return Referral.objects.select_related("youth__municipality", "current_analysis").get(
            pk=case.referral_id
        )

    def handle(self, case: Case) -> Referral:
        """The referral for a service, which reads it again under its lock."""
        return Referral(pk=case.referral_id)

    def status(self, case: Case) -> str:
        return Referral.objects.values_list("status", flat=True).get(pk=case.referral_id)

    def youth_data(self, case: Case, requested_start: date) -> dict[str, Any]:
        rng = self.rng
        profile = case.profile
        bsn = _bsn(rng)
        while bsn in self.used_bsn:
            bsn = _bsn(rng)
        self.used_bsn.add(bsn)
        birth = requested_start - timedelta(days=round(profile.age * 365.25) + rng.randint(5, 350))
        while age_on(birth, requested_start) > profile.age:
            birth += timedelta(days=7)
        while age_on(birth, requested_start) < profile.age:
            birth -= timedelta(days=7)
        case.birth_date = birth
        if case.script in ("draft", "draft_incomplete", "needs_info"):
            municipality = self.rng.choice(self.by_region[self._region_id("JR-EEM")])
        else:
            municipality = rng.choice(self.municipalities)
        return {
            "given_name": rng.choice(GIVEN),
            "family_name": rng.choice(FAMILY),
            "bsn": bsn,
            "birth_date": birth,
            "gender": profile.gender,
            "postcode": f"{rng.randint(1000, 9999)} {rng.choice(LETTERS)}{rng.choice(LETTERS)}",
            "municipality": municipality.code,
            "guardians": [
                {"name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "relation": "ouder"}
            ],
        }

    def _region_id(self, code: str) -> int:
        return next(pk for pk, region_code in self.regions.items() if region_code == code)

    def analysis_data(self, case: Case, completed_on: date | None) -> dict[str, Any]:
        profile = case.profile
        texts = TEXTS[profile.group if profile.group in TEXTS else "regular"]
        data: dict[str, Any] = {
            "problems": texts["problems"],
            "explaining_factors": texts["explaining_factors"],
            "protective_factors": texts["protective_factors"],
            "needs": texts["needs"],
            "needed_care_forms": profile.care_forms,
            "needed_expertise": profile.expertise,
            "risk_flags": profile.risk_flags,
            "intensity": profile.intensity,
            "secured_required": profile.secured,
            "author_name": "Gedragswetenschapper (demo)",
            "author_role": "gedragswetenschapper",
            "completed_on": completed_on,
            "shared_with_family": self.rng.random() < 0.8,
        }
        if completed_on is None:  # a draft whose VA is not finished yet
            data["needs"] = ""
            data["protective_factors"] = ""
        return data

    def create(self, moment: datetime, case: Case) -> None:
        rng = self.rng
        profile = case.profile
        requested_start = timezone.localdate(moment) + timedelta(days=rng.randint(10, 30))
        youth = self.youth_data(case, requested_start)
        region = next(m.region for m in self.municipalities if m.code == youth["municipality"])
        referrer = self.referrer_regions.get(region.code) or self.referrers[REFERRER_ORGS[1][0]]
        if case.script in ("draft", "draft_incomplete", "needs_info"):
            referrer = self.referrers[REFERRER_ORGS[0][0]]
        assert referrer is not None
        case.referrer = referrer
        unfinished = case.script == "draft_incomplete" or (not case.script and rng.random() < 0.2)
        completed_on = (
            None if unfinished else timezone.localdate(moment) - timedelta(days=rng.randint(0, 10))
        )
        if profile.secured:
            legal = rng.choice(
                [LegalStatus.SECURED_AUTHORISATION, LegalStatus.EMERGENCY_SECURED_AUTHORISATION]
            )
        else:
            legal = rng.choice([LegalStatus.VOLUNTARY, LegalStatus.SUPERVISION_WITH_AUTHORISATION])
        texts = TEXTS[profile.group if profile.group in TEXTS else "regular"]
        previous_placements = rng.choice([0, 0, 1, 2])
        data: dict[str, Any] = {
            "youth": youth,
            "legal_status": str(legal),
            **self.origin_data(case, previous_placements),
            "previous_placements": previous_placements,
            "school": {
                "name": "Demo College",
                "level": rng.choice(["vmbo", "praktijkonderwijs", "havo", "speciaal onderwijs"]),
                "attending": rng.random() < 0.8,
            },
            "requested_start": requested_start,
            "explanatory_analysis": self.analysis_data(case, completed_on),
            "perspective_plan": "Binnen een jaar terug naar huis of naar een lichtere vorm.",
            # About half of the plans name a horizon: the placement's planned end follows.
            "perspective_horizon_months": self.plan_rng.choice([None, None, 6, 9, 12]),
            "safety_plan": "Afspraken bij escalatie met ouders, school en wijkteam.",
            "care_question": texts["care_question"],
            "youth_perspective": "Wil graag dicht bij vrienden en school blijven.",
            "parents_perspective": "Willen betrokken blijven bij de behandeling.",
        }
        if case.crisis_documents_after is not None:
            # Placed first: no VA and no plans yet (DESIGN.md rule 1), they follow.
            del data["explanatory_analysis"]
            data.update(
                perspective_plan="",
                perspective_horizon_months=None,
                safety_plan="",
                care_question="",
            )
        referral = referral_create(by=referrer, at=moment, data=data)
        case.referral_id = referral.pk
        self.cases[referral.pk] = case
        if case.crisis_documents_after is not None:
            self.schedule(self.later(moment, 0), self.submit, case)
            return
        if case.script:
            return  # plan_present schedules its steps
        if unfinished:
            self.schedule(self.later(moment, rng.randint(1, 4)), self.finish_analysis, case)
        else:
            self.schedule(self.later(moment, rng.choice([0, 1, 1, 2])), self.submit, case)

    def origin_data(self, case: Case, previous_placements: int) -> dict[str, Any]:
        """Urgency, where the youth comes from and the kind of request (issue 21)."""
        rng = self.origin_rng
        if case.crisis_documents_after is not None:
            return {
                "urgency": "crisis",
                "current_situation": "Thuis was het acuut onveilig.",
                "previous_situation": "home",
                "request_kind": "new",
                "crisis_reason": "Acute onveiligheid thuis na een escalatie; politie betrokken.",
                "crisis_placed_where": rng.choice(CRISIS_PLACES),
            }
        code, text, _weight = rng.choices(ORIGINS, weights=[w for _c, _t, w in ORIGINS])[0]
        kind = "readmission" if previous_placements and rng.random() < 0.3 else "new"
        return {
            "urgency": "urgent" if rng.random() < 0.15 else "planned",
            "current_situation": text,
            "previous_situation": code,
            "request_kind": kind,
        }

    def plan_crises(self) -> None:
        for number, (days_back, documents_after) in enumerate(CRISES):
            day = self.today - timedelta(days=days_back)
            stream = random.Random(SEED * 100 + number)
            self.schedule(self.working_moment(day), self.crisis_case, documents_after, stream)

    def crisis_case(
        self, moment: datetime, documents_after: int | None, stream: random.Random
    ) -> None:
        """A crisis placement: registered at once, its VA and plans follow (or not yet).
        Every draw of a crisis case comes from its own stream (`run`)."""
        location = self.pick_location(self.free_places())
        case = Case(profile=self.profile_from(location), own_rng=stream)
        case.crisis_documents_after = -1 if documents_after is None else documents_after
        self.create(moment, case)

    def follow_documents(self, moment: datetime, case: Case) -> None:
        """The VA and plans of a crisis placement arrive; then the search for a place starts."""
        texts = TEXTS[case.profile.group if case.profile.group in TEXTS else "regular"]
        referral_update(
            referral=self.handle(case),
            by=self._referrer(case),
            at=moment,
            data={
                "explanatory_analysis": self.analysis_data(case, timezone.localdate(moment)),
                "perspective_plan": "Na de crisisopvang naar een passende plek in de regio.",
                "safety_plan": "Afspraken bij escalatie met ouders, school en wijkteam.",
                "care_question": texts["care_question"],
            },
        )
        case.crisis_documents_after = None
        self.schedule(self.later(moment, 1), self.triage, case)

    def finish_analysis(self, moment: datetime, case: Case) -> None:
        """The referrer completes the VA before submitting."""
        referral_update(
            referral=self.handle(case),
            by=self._referrer(case),
            at=moment,
            data={"explanatory_analysis": self.analysis_data(case, timezone.localdate(moment))},
        )
        self.schedule(self.later(moment, self.rng.choice([0, 1])), self.submit, case)

    def _referrer(self, case: Case) -> User:
        assert case.referrer is not None
        return case.referrer

    def submit(self, moment: datetime, case: Case) -> None:
        referral_submit(referral=self.handle(case), by=self._referrer(case), at=moment)
        if case.crisis_documents_after is not None:
            if case.crisis_documents_after >= 0:
                self.schedule(
                    self.later(moment, case.crisis_documents_after), self.follow_documents, case
                )
            return
        if case.script:
            return
        self.schedule(self.later(moment, self.rng.choice([1, 1, 2])), self.triage, case)

    def triage(self, moment: datetime, case: Case) -> None:
        referral = self.handle(case)
        if case.script == "needs_info" or (
            not case.script and not case.asked and self.rng.random() < 0.08
        ):
            case.asked = True
            referral_request_info(
                referral=referral,
                by=self.coordinator,
                question=self.rng.choice(QUESTIONS),
                at=moment,
            )
            if case.script != "needs_info":
                self.schedule(self.later(moment, self.rng.randint(1, 4)), self.answer, case)
            return
        referral_start_matching(referral=referral, by=self.coordinator, at=moment)
        if case.script:
            return
        self.schedule_match(self.later(moment, self.rng.choice([0, 0, 1])), case)

    def answer(self, moment: datetime, case: Case) -> None:
        referral_update(
            referral=self.handle(case),
            by=self._referrer(case),
            at=moment,
            data={"info_answer": "Besproken met ouders en school; zie het bijgewerkte plan."},
        )
        self.schedule(self.later(moment, 0), self.submit, case)

    def schedule_match(self, moment: datetime, case: Case) -> None:
        if not case.match_pending:
            case.match_pending = True
            self.schedule(moment, self.match, case)

    def match(self, moment: datetime, case: Case) -> None:
        """The coordinator reads the candidates and offers the referral to one provider."""
        case.match_pending = False
        referral = self.referral(case)
        if referral.status not in (Status.MATCHING, Status.WAITING):
            return
        if Offer.objects.filter(referral=referral, status=Offer.Status.OPEN).exists():
            return
        if case.offers >= MAX_OFFERS:
            self.wait(moment, case, referral)
            return
        result = candidates_for_referral(referral=referral)
        candidates = result.candidates
        if not candidates:
            self.wait(moment, case, referral)
            return
        chosen, reason = result.proposal or candidates[0], ""
        if result.proposal is None:
            # Staleness is judged against today, not the simulated moment: every figure of
            # months ago looks unconfirmed, so the coordinator phoned the provider.
            reason = "Vrije plek telefonisch bevestigd bij de aanbieder."
        if case.script == "offer_a":
            own = [
                c
                for c in candidates
                if self.locations[c.location.pk].provider_id == self.provider_a
            ]
            if own and own[0] is not chosen:
                chosen, reason = own[0], "Voorkeur van de jongere en de ouders na kennismaking."
        elif len(candidates) > 1 and self.rng.random() < 0.12:
            chosen, reason = candidates[1], self.rng.choice(OTHER_CHOICE_REASONS)
        location = self.locations[chosen.location.pk]
        offer = offer_send(
            referral=referral,
            location=location,
            by=self.coordinator,
            choice_reason=reason,
            at=moment,
        )
        case.offers += 1
        if case.script == "offer_a":
            return  # provider_a answers it in the demo
        habit = HABITS[self.provider_names[location.provider_id]]
        if self.rng.random() < habit.late:
            # No answer: the expiry job ends it; the coordinator picks it up the next day.
            self.schedule(self.later(offer.deadline, 1), self.after_expiry, case, offer.pk)
        else:
            hours = self.rng.randint(*habit.hours)
            self.schedule(
                self.working_moment(
                    timezone.localdate(moment + timedelta(hours=hours)), after=moment
                ),
                self.provider_answer,
                case,
                offer.pk,
            )

    def after_expiry(self, moment: datetime, case: Case, offer_id: int) -> None:
        if Offer.objects.filter(pk=offer_id, status=Offer.Status.EXPIRED).exists():
            self.schedule_match(moment, case)

    def provider_answer(self, moment: datetime, case: Case, offer_id: int) -> None:
        offer = Offer.objects.select_related("location", "referral").get(pk=offer_id)
        if offer.status == Offer.Status.EXPIRED:
            self.schedule_match(self.later(moment, 0), case)
            return
        if offer.status != Offer.Status.OPEN:
            return
        staff = self.staff[offer.provider_id]
        habit = HABITS[self.provider_names[offer.provider_id]]
        accept = habit.accept + 0.12 * (case.offers - 1)
        if case.profile.group != "regular":
            accept -= 0.15
        if self.rng.random() < accept:
            try:
                offer_accept(offer=offer, by=staff, at=moment)
            except NoFreePlace:
                offer_refuse(offer=offer, by=staff, reason=RefusalReason.NO_CAPACITY, at=moment)
            else:
                self.schedule(
                    self.later(moment, self.rng.choice([1, 1, 2])), self.record, case, offer.pk
                )
                return
        else:
            reasons = list(habit.reasons)
            reason = self.rng.choices(reasons, weights=[habit.reasons[r] for r in reasons])[0]
            offer_refuse(
                offer=offer,
                by=staff,
                reason=reason,
                explanation=EXPLANATIONS.get(reason, ""),
                at=moment,
            )
        self.schedule_match(self.later(moment, self.rng.choice([0, 1, 1, 2])), case)

    def wait(self, moment: datetime, case: Case, referral: Referral) -> None:
        """No fitting place: wait with help at home, until one frees up."""
        if referral.status == Status.WAITING:
            return
        referral_wait(
            referral=referral,
            by=self.coordinator,
            interim_support="Ambulante hulp thuis via het wijkteam in de tussentijd.",
            ambulant_support=True,
            at=moment,
        )
        case.waiting_since = moment
        self.waiting.append(case)
        days = (
            self.rng.randint(45, 150)
            if case.profile.group != "regular"
            else self.rng.randint(40, 110)
        )
        self.schedule(
            self.working_moment(timezone.localdate(moment) + timedelta(days=days)),
            self.give_up,
            case,
        )

    def give_up(self, moment: datetime, case: Case) -> None:
        """A long wait ends outside the coordination point, or goes on."""
        if self.status(case) != Status.WAITING:
            return
        if self.rng.random() < 0.3:
            self.schedule(
                self.working_moment(
                    timezone.localdate(moment) + timedelta(days=self.rng.randint(30, 60))
                ),
                self.give_up,
                case,
            )
            return
        outcome = self.rng.choices(
            [
                Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION,
                Referral.CloseOutcome.RESOLVED_AT_HOME,
                Referral.CloseOutcome.WITHDRAWN,
            ],
            weights=[45, 30, 25] if case.profile.group != "regular" else [30, 45, 25],
        )[0]
        outside = None
        if outcome == Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION:
            outside = self.outside_care(moment, case)
        referral_close(
            referral=self.handle(case),
            by=self.coordinator,
            outcome=outcome,
            outside_placement=outside,
            at=moment,
        )
        self.waiting.remove(case)

    def outside_care(self, moment: datetime, case: Case) -> dict[str, Any]:
        """Issue 21: where a long wait ended outside coordination, and for some the expert
        table that advised it first. A stream of its own per case, so the history's random
        draws stay as they were."""
        rng = random.Random(SEED * 1000 + case.referral_id)
        day = timezone.localdate(moment)
        arrangement = rng.choices(["maatwerk", "one_to_one", "regular"], weights=[50, 25, 25])[0]
        if rng.random() < 0.5:
            convened = day  # the same moment as the closure: the timeline stays in order
            expert_table_convene(
                referral=self.handle(case),
                by=self.coordinator,
                data={
                    "convened_on": convened,
                    "disciplines": ["youth_psychiatry", "orthopedagogy", "municipality"],
                    "question": "Er is na lang wachten geen passende plek; welk arrangement "
                    "past bij de zorgbehoefte?",
                    "advice": "Een maatwerkarrangement buiten het gecontracteerde aanbod, met "
                    "behandeling op de locatie.",
                    "outcome": "special_arrangement",
                    "outcome_note": "Maatwerk bij een aanbieder buiten het contract.",
                    "decided_on": convened,
                },
                at=moment,
            )
        by_name = arrangement != "regular"
        return {
            "provider": None if by_name else self.rng_provider(rng),
            "provider_name": rng.choice(OUTSIDE_PROVIDERS) if by_name else "",
            "arrangement": arrangement,
            "cost_per_day": (Decimal(rng.randint(450, 1400)) if arrangement != "regular" else None),
            "start_date": day,
            "reason": rng.choices(
                ["no_fitting_place", "crisis", "court_decision", "family_choice"],
                weights=[60, 20, 10, 10],
            )[0],
        }

    def rng_provider(self, rng: random.Random) -> int:
        return int(rng.choice(sorted(self.providers)))

    def record(self, moment: datetime, case: Case, offer_id: int) -> None:
        """The coordinator records the placement; it starts now or on a planned day."""
        rng = self.rng
        offer = Offer.objects.select_related("location").get(pk=offer_id)
        location = offer.location
        day = timezone.localdate(moment)
        start = day if rng.random() < 0.6 else day + timedelta(days=rng.randint(3, 10))
        placement = placement_record(
            offer=offer,
            by=self.coordinator,
            start_date=start,
            school_name="School op de locatie" if location.school_on_site else "Demo College",
            school_handover="Warme overdracht door mentor en intern begeleider.",
            school_transport=rng.choice(["Taxi leerlingenvervoer", "Fiets", "Openbaar vervoer"]),
            transport_funding=rng.choice(list(Placement.TransportFunding.values)),
            intake_contact="Intakecoördinator van de locatie",
            at=moment,
        )
        if case in self.waiting:
            self.waiting.remove(case)
        low, high = STAY_DAYS[location.care_form]
        end = start + timedelta(days=rng.randint(low, high))
        self.plan_end(moment, placement, end)
        self.schedule(self.working_moment(end), self.end, case, placement.pk)

    def plan_end(self, moment: datetime, placement: Placement, end: date) -> None:
        """The provider writes down the planned end (issue 22.5, through the service, so a
        forecast is recorded), on a stream of its own: most placements get one, most near
        the day the placement will really end; some too late (the youth leaves earlier),
        some too early (the youth stays longer), so the forecast check has figures."""
        rng = self.plan_rng
        if placement.planned_end is None and rng.random() < 0.15:
            return  # the plan names no end
        draw = rng.random()
        if draw < 0.6:
            planned = end + timedelta(days=rng.randint(-10, 10))
        elif draw < 0.8:
            planned = end + timedelta(days=rng.randint(30, 120))
        else:
            planned = end - timedelta(days=rng.randint(30, 90))
        planned = max(planned, placement.start_date + timedelta(days=14))
        if planned != placement.planned_end:
            placement_update_plans(
                placement=placement,
                by=self.staff.get(placement.provider_id, self.coordinator),
                planned_end=planned,
                at=moment,
            )

    def end(self, moment: datetime, case: Case, placement_id: int) -> None:
        rng = self.rng
        placement = Placement.objects.select_related("location", "offer").get(pk=placement_id)
        if placement.status != Placement.Status.ACTIVE:
            return
        day = timezone.localdate(moment)
        location = placement.location
        assert case.birth_date is not None
        outflow, note = "", ""
        if age_on(case.birth_date, day) >= 18:
            reason = Placement.EndReason.TURNED_18
        else:
            reason = rng.choices(
                [
                    Placement.EndReason.PLANNED_OUTFLOW,
                    Placement.EndReason.RETURNED_HOME,
                    Placement.EndReason.REPLACEMENT,
                    Placement.EndReason.OTHER,
                ],
                weights=[55, 20, 14 if location.care_form in HARD_TO_HOLD else 6, 3],
            )[0]
        if reason == Placement.EndReason.PLANNED_OUTFLOW:
            outflow = rng.choice(list(Placement.Outflow.values))
        elif reason == Placement.EndReason.TURNED_18:  # an outflow: the destination is required
            outflow = Placement.Outflow.ADULT_CARE
        if reason == Placement.EndReason.OTHER:
            note = "De jongere is met het gezin verhuisd naar een andere regio."
        placement = placement_end(
            placement=placement,
            by=self.coordinator,
            end_date=day,
            reason=reason,
            outflow=outflow,
            note=note,
            at=moment,
        )
        if placement.next_referral_id is not None:
            follow = Case(
                profile=case.profile,
                referral_id=placement.next_referral_id,
                referrer=case.referrer,
                birth_date=case.birth_date,
            )
            self.cases[follow.referral_id] = follow
            self.schedule(self.later(moment, rng.randint(1, 5)), self.revise_replacement, follow)
        self.place_freed(moment, location)

    def revise_replacement(self, moment: datetime, case: Case) -> None:
        """The referrer brings the copied request up to date and submits it."""
        day = timezone.localdate(moment)
        referral_update(
            referral=self.handle(case),
            by=self._referrer(case),
            at=moment,
            data={
                "current_situation": "De vorige plaatsing is vastgelopen; tijdelijk thuis.",
                "requested_start": day + timedelta(days=self.rng.randint(7, 21)),
                "explanatory_analysis": self.analysis_data(case, day),
            },
        )
        self.schedule(self.later(moment, self.rng.choice([0, 1])), self.submit, case)

    def place_freed(self, moment: datetime, location: Location) -> None:
        """A place came free: the coordinator looks at the waiting list first (the job that
        tells it so runs after the commit, so the history does its work here)."""
        for case in [c for c in self.waiting if location.care_form in c.profile.care_forms][:3]:
            referral = self.referral(case)
            if referral.status != Status.WAITING:
                continue
            candidates = candidates_for_referral(referral=referral).candidates
            if any(c.location.pk == location.pk for c in candidates):
                self.schedule_match(self.later(moment, self.rng.choice([0, 1])), case)
                return

    # --- the present: work left for the demo users ------------------------------------

    def plan_present(self) -> None:
        """Referrals that stop where a demo user takes over. Their needs fit a location
        with free places when they are written, so the candidates are there."""
        for script, steps, provider_id in PRESENT:
            self.schedule(
                self.back(steps[0], 9),
                self.present_case,
                script,
                steps,
                self.provider_a if provider_id == "provider_a" else None,
            )

    def present_case(
        self, moment: datetime, script: str, steps: list[int], provider_id: int | None
    ) -> None:
        location = self.pick_location(self.free_places(), provider_id)
        case = Case(profile=self.profile_from(location), script=script)
        self.create(moment, case)
        for action, days_back, hour in zip(
            (self.submit, self.triage, self.match), steps[1:], (10, 11, 14), strict=False
        ):
            self.schedule(self.back(days_back, hour), action, case)

    def placements_at_risk(self) -> None:
        """Two placements at risk (issue 21.4), after the history and without its random
        streams: on the longest-running one the mobile team prevented a re-placement; on the
        next the provider flagged it three days ago and the outreach team is on it."""
        active = Placement.objects.filter(status=Placement.Status.ACTIVE).order_by(
            "start_date", "id"
        )[:2]
        for number, placement in enumerate(active):
            staff = (
                User.objects.filter(organisation_id=placement.provider_id, role=Role.PROVIDER)
                .order_by("id")
                .first()
            )
            prevented = number == 0
            flagged = self.now - timedelta(days=21 if prevented else 3)
            placement_flag_risk(
                placement=placement,
                by=staff or self.coordinator,
                reason="behaviour" if prevented else "mismatch",
                note="Escalaties op de groep; de groep vraagt om doorplaatsing."
                if prevented
                else "De zorg sluit niet meer aan bij wat de jongere nodig heeft.",
                at=flagged,
            )
            placement_risk_update(
                placement=placement,
                by=self.coordinator,
                support=["mobile_team", "consultation"] if prevented else ["outreach_team"],
                outcome="prevented" if prevented else None,
                at=flagged + timedelta(days=10 if prevented else 1),
            )


def history_exists() -> bool:
    """The demo history is there when the demo referrers have referrals."""
    return Referral.objects.filter(
        organisation__name__in=[name for name, _m, _r in REFERRER_ORGS]
    ).exists()


def seed_history(*, regions: dict[str, Region], now: datetime | None = None) -> dict[str, Any]:
    """Create the locations and walk the history up to `now`, unless the history is there;
    then rebuild the reports. Answers what was loaded."""
    from analyses.services import reports_rebuild

    now = now or timezone.now()
    admin = User.objects.get(username="admin")
    if history_exists():
        locations = seed_locations(regions=regions, by=admin, at=now)
        return {"loaded": False, "locations": len(locations), "referrals": Referral.objects.count()}
    start = timezone.make_aware(
        datetime.combine(timezone.localdate(now) - timedelta(days=DAYS), time(8, 0))
    )
    with transaction.atomic():
        locations = seed_locations(regions=regions, by=admin, at=start)
        history = _History(now=now, locations=locations)
        with free_places_announced_once(), notification_emails_batched():
            history.plan()
            history.run()
            history.placements_at_risk()
        # The demo users have read the news of the past; what is new starts from here.
        unread = Notification.objects.filter(read_at__isnull=True).values("recipient_id")
        for user in User.objects.filter(pk__in=unread):
            notification_mark_read(user=user)
    run = reports_rebuild()
    totals = Location.objects.aggregate(total=Sum("total_places"), occupied=Sum("occupied_places"))
    return {
        "loaded": True,
        "locations": len(locations),
        "referrals": Referral.objects.count(),
        "occupancy": round(100 * (totals["occupied"] or 0) / max(totals["total"] or 1, 1), 1),
        "report_rows": run.rows,
        "ms": run.duration_ms,
    }
