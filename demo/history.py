# ruff: noqa: S311
# Seeded pseudo-random numbers for fictional demo data, not for security.
"""A year of fictional demo history for the reports: referrals, offers, refusals, expiries,
waiting, placements, ends and re-placements, and the capacity changes they cause.

Deterministic (seeded random), idempotent (skipped when the history is there), fast (direct
inserts in one transaction: the services' own rules are tested elsewhere, and history has to
carry past timestamps, which the services would set to now). The counts of every location
stay consistent: each placement start and end moves one place and leaves a CapacityEvent.
Afterwards a few referrals are left for the demo users: in `submitted`/`matching` for the
coordinator and open offers for provider_a.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, Role, User
from capacity.models import CapacityEvent, Location
from config.codes import CareForm, Expertise, RefusalReason
from placement.models import Offer, Placement
from referrals.models import (
    ExplanatoryAnalysis,
    Referral,
    ReferralCodeCounter,
    ReferralEvent,
    YouthIdentity,
)

MARKER = "demo-geschiedenis"
SEED = 2026
REFERRALS = 190

GIVEN = [
    "Noor",
    "Daan",
    "Sem",
    "Lotte",
    "Milan",
    "Evi",
    "Jesse",
    "Sara",
    "Luuk",
    "Iris",
    "Bram",
    "Fenna",
    "Thijs",
    "Yara",
    "Ravi",
    "Amira",
    "Kofi",
    "Lina",
    "Mees",
    "Zoë",
]
FAMILY = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Kaya",
    "El Amrani",
]
# Need profiles, weighted: first-choice care forms with what the region often lacks.
PROFILES: list[tuple[list[str], list[str], bool, int]] = [
    ([CareForm.TREATMENT_GROUP, CareForm.SMALL_SCALE_HOME], [Expertise.YOUTH_PARENTING], False, 30),
    ([CareForm.TREATMENT_GROUP], [Expertise.MENTAL_HEALTH, Expertise.YOUTH_PARENTING], False, 22),
    ([CareForm.SMALL_SCALE_HOME, CareForm.FAMILY_HOME], [Expertise.YOUTH_PARENTING], False, 20),
    ([CareForm.FAMILY_HOME, CareForm.FOSTER_CARE], [Expertise.YOUTH_PARENTING], False, 18),
    ([CareForm.SECURED], [Expertise.FORENSIC, Expertise.YOUTH_PARENTING], True, 14),
    (
        [CareForm.THREE_MILIEU, CareForm.TREATMENT_GROUP],
        [Expertise.MENTAL_HEALTH, Expertise.INTELLECTUAL_DISABILITY],
        False,
        10,
    ),
    ([CareForm.SUPPORTED_LIVING], [Expertise.YOUTH_PARENTING], False, 14),
    ([CareForm.SMALL_SCALE_HOME], [Expertise.MENTAL_HEALTH, Expertise.YOUTH_PARENTING], False, 12),
    ([CareForm.TREATMENT_GROUP], [Expertise.ADDICTION, Expertise.MENTAL_HEALTH], False, 8),
    ([CareForm.CLINICAL_ADMISSION], [Expertise.MENTAL_HEALTH], False, 6),
]
REASONS = [
    (RefusalReason.NO_CAPACITY, 30),
    (RefusalReason.CONTRA_INDICATION, 16),
    (RefusalReason.GROUP_COMPOSITION, 18),
    (RefusalReason.INSUFFICIENT_EXPERTISE, 10),
    (RefusalReason.STAFFING, 9),
    (RefusalReason.SAFETY_RISK, 7),
    (RefusalReason.AGE_OR_GENDER, 5),
    (RefusalReason.DISTANCE, 3),
    (RefusalReason.OTHER, 2),
]


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    """auto_now_add fields take `moment` (sent_at, CapacityEvent.at)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


class _History:
    def __init__(self, today: date) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.start = today - timedelta(days=365)
        self.coordinator = User.objects.get(username="coordinator")
        self.referrers = list(User.objects.filter(role=Role.REFERRER).order_by("username"))
        self.provider_users = {
            u.organisation_id: u for u in User.objects.filter(role=Role.PROVIDER)
        }
        self.locations = list(Location.objects.filter(is_active=True).order_by("pk"))
        self.state = {
            loc.pk: [loc.total_places, loc.free_places, loc.held_places, loc.occupied_places]
            for loc in self.locations
        }
        self.municipalities = list(Municipality.objects.order_by("code"))
        self.counter: dict[int, int] = {}
        self.used_bsn: set[str] = set()

    # --- helpers ---------------------------------------------------------------------------

    def moment(self, day: date, hour: int | None = None) -> datetime:
        hour = self.rng.randint(8, 17) if hour is None else hour
        return timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59))))

    def code(self, day: date) -> str:
        counter, _ = ReferralCodeCounter.objects.get_or_create(year=day.year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return f"ROP-{day.year}-{counter.last_number:05d}"

    def event(self, referral: Referral, at: datetime, frm: str, to: str, note: str = "") -> None:
        ReferralEvent.objects.create(
            referral=referral, at=at, by=self.coordinator, from_status=frm, to_status=to, note=note
        )

    def capacity(self, location: Location, at: datetime, reason: str, free: int, occ: int) -> None:
        total, f, held, o = self.state[location.pk]
        with _clock(at):
            CapacityEvent.objects.create(
                location=location,
                reason=reason,
                total_before=total,
                free_before=f,
                held_before=held,
                occupied_before=o,
                total_after=total,
                free_after=f + free,
                held_after=held,
                occupied_after=o + occ,
            )
        self.state[location.pk] = [total, f + free, held, o + occ]

    def fitting(self, care_form: str, secured: bool) -> list[Location]:
        return [
            loc
            for loc in self.locations
            if loc.care_form == care_form
            and (loc.secured or not secured or care_form != CareForm.SECURED)
        ]

    # --- one referral -----------------------------------------------------------------------

    def referral(self, day: date, youth_from: YouthIdentity | None = None) -> Referral:
        rng = self.rng
        care_forms, expertise, secured, _w = rng.choices(
            PROFILES, weights=[p[3] for p in PROFILES]
        )[0]
        if youth_from is None:
            bsn = _bsn(rng)
            while bsn in self.used_bsn:
                bsn = _bsn(rng)
            self.used_bsn.add(bsn)
            age = rng.choices([9, 12, 13, 14, 15, 16, 17], weights=[2, 3, 4, 5, 5, 5, 4])[0]
            if CareForm.SUPPORTED_LIVING in care_forms:
                age = rng.choice([16, 17])
            birth = day - timedelta(days=age * 365 + rng.randint(0, 360))
            youth = YouthIdentity.objects.create(
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                bsn=bsn,
                birth_date=birth,
                gender=rng.choice("fmfmx"),
                postcode=(
                    f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRST')}"
                ),
                municipality=rng.choice(self.municipalities),
                guardians=[
                    {"name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "relation": "ouder"}
                ],
            )
        else:
            youth = YouthIdentity.objects.create(
                **{
                    f: getattr(youth_from, f)
                    for f in (
                        "given_name",
                        "family_name",
                        "bsn",
                        "birth_date",
                        "gender",
                        "postcode",
                        "municipality_id",
                        "guardians",
                    )
                }
            )
        referrer = rng.choice(self.referrers)
        created = self.moment(day)
        referral = Referral.objects.create(
            code=self.code(day),
            youth=youth,
            referrer=referrer,
            organisation=referrer.organisation,  # type: ignore[misc]  # demo referrers have one
            legal_status="voluntary" if not secured else "secured_authorisation",
            current_situation="Woont thuis; de spanningen nemen toe.",
            school_name="Demo College",
            school_level="vmbo",
            school_attending=rng.random() > 0.2,
            requested_start=day + timedelta(days=14),
            perspective_plan="Binnen een jaar terug naar huis of naar een lichtere vorm.",
            safety_plan="Afspraken bij escalatie met ouders en school.",
            care_question="Verblijf met behandeling dichtbij het netwerk.",
            created_at=created,
            status_changed_at=created,
            status=Referral.Status.DRAFT,
        )
        analysis = ExplanatoryAnalysis.objects.create(
            referral=referral,
            problems="Ernstige gedragsproblemen.",
            explaining_factors="Hechting en trauma.",
            protective_factors="Betrokken mentor.",
            needs="Structuur, behandeling, veilige plek.",
            needed_care_forms=[str(c) for c in care_forms],
            needed_expertise=[str(e) for e in expertise],
            secured_required=secured,
            author_name="Demo gedragswetenschapper",
            author_role="gedragswetenschapper",
            completed_on=day - timedelta(days=rng.randint(1, 20)),
            created_at=created,
        )
        referral.current_analysis = analysis
        referral.save(update_fields=["current_analysis"])
        self.event(referral, created, "", "draft", MARKER)
        return referral

    def run_referral(self, referral: Referral, day: date, *, keep_open: str = "") -> None:
        """Walk a referral from submission to where the dice say it ends."""
        rng = self.rng
        submitted = self.moment(day + timedelta(days=rng.randint(0, 2)))
        referral.submitted_at = submitted
        referral.youth.open_bsn = referral.youth.bsn
        referral.youth.save(update_fields=["open_bsn"])
        self.event(referral, submitted, "draft", "submitted")
        status = "submitted"
        if keep_open == "submitted":
            self.close_state(referral, status, submitted)
            return
        now = submitted + timedelta(days=rng.randint(1, 3))
        self.event(referral, now, status, "matching")
        status = "matching"
        analysis = referral.current_analysis
        assert analysis is not None
        first = analysis.needed_care_forms[0]
        hard = first in (CareForm.SECURED, CareForm.THREE_MILIEU, CareForm.CLINICAL_ADMISSION) or (
            Expertise.MENTAL_HEALTH in analysis.needed_expertise
            and first == CareForm.TREATMENT_GROUP
        )
        tried: set[int] = set()
        for attempt in range(rng.choice([1, 1, 2, 3, 4, 5]) if not hard else rng.randint(2, 6)):
            if now.date() >= self.today - timedelta(days=6):
                break
            care_form = first if rng.random() < 0.75 else rng.choice(analysis.needed_care_forms)
            options = [
                loc
                for loc in self.fitting(care_form, analysis.secured_required)
                if loc.pk not in tried
            ]
            if not options:
                options = [loc for loc in self.locations if loc.pk not in tried]
            location = rng.choice(options)
            tried.add(location.pk)
            if keep_open == "offered" and location.provider_id in self.provider_users:
                pass
            with _clock(now):
                offer = Offer.objects.create(
                    referral=referral,
                    location=location,
                    provider_id=location.provider_id,
                    sent_by=self.coordinator,
                    deadline=now + timedelta(days=7),
                    score=rng.randint(40, 95),
                )
            self.event(referral, now, status, "offered")
            answered = now + timedelta(hours=rng.randint(3, 120))
            free = self.state[location.pk][1]
            accept_chance = (0.25 if hard else 0.55) + (0.2 if attempt >= 2 else 0)
            if answered.date() < self.today and free > 0 and rng.random() < accept_chance:
                offer.status, offer.answered_at = Offer.Status.ACCEPTED, answered
                offer.answered_by = self.provider_users.get(location.provider_id)
                offer.save(update_fields=["status", "answered_at", "answered_by"])
                self.event(referral, answered, "offered", "accepted")
                self.place(referral, offer, answered)
                return
            if rng.random() < 0.1:
                offer.status, offer.refusal_reason = Offer.Status.EXPIRED, RefusalReason.NO_RESPONSE
                offer.answered_at = now + timedelta(days=7)
            else:
                offer.status = Offer.Status.REFUSED
                offer.refusal_reason = (
                    RefusalReason.NO_CAPACITY
                    if free == 0 and rng.random() < 0.6
                    else rng.choices([r for r, _ in REASONS], weights=[w for _, w in REASONS])[0]
                )
                offer.refusal_explanation = "Toelichting (demo)."
                offer.answered_at = answered
            offer.save(
                update_fields=["status", "answered_at", "refusal_reason", "refusal_explanation"]
            )
            now = offer.answered_at
            self.event(referral, now, "offered", "matching")
            if now.date() >= self.today:
                break
            now = now + timedelta(days=rng.randint(1, 10))
        # No placement: wait, resolve at home, withdraw, or still matching.
        if rng.random() < 0.6 and now.date() < self.today:
            referral.interim_support = "Ambulante hulp thuis in de tussentijd."
            referral.ambulant_support = True
            referral.save(update_fields=["interim_support", "ambulant_support"])
            self.event(referral, now, "matching", "waiting")
            status = "waiting"
        end_day = now.date() + timedelta(days=rng.randint(10, 90))
        roll = rng.random()
        if end_day < self.today and roll < 0.45:
            self.close(
                referral, status, self.moment(end_day), Referral.CloseOutcome.RESOLVED_AT_HOME
            )
        elif end_day < self.today and roll < 0.6:
            outcome = rng.choice(
                [Referral.CloseOutcome.WITHDRAWN, Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION]
            )
            self.close(referral, status, self.moment(end_day), outcome)
        else:
            self.close_state(referral, status, now)

    def close_state(self, referral: Referral, status: str, at: datetime) -> None:
        referral.status = status
        referral.status_changed_at = at
        referral.save(update_fields=["status", "status_changed_at", "submitted_at"])

    def close(self, referral: Referral, status: str, at: datetime, outcome: str) -> None:
        self.event(referral, at, status, "closed")
        referral.status, referral.close_outcome = Referral.Status.CLOSED, outcome
        referral.closed_at = referral.status_changed_at = at
        referral.save(
            update_fields=[
                "status",
                "close_outcome",
                "closed_at",
                "status_changed_at",
                "submitted_at",
            ]
        )
        YouthIdentity.objects.filter(pk=referral.youth_id).update(open_bsn="")

    def place(self, referral: Referral, offer: Offer, accepted: datetime) -> None:
        rng = self.rng
        start = accepted.date() + timedelta(days=rng.randint(2, 10))
        start = min(start, self.today)
        location = offer.location
        with _clock(accepted):
            placement = Placement.objects.create(
                referral=referral,
                offer=offer,
                location=location,
                provider_id=offer.provider_id,
                status=Placement.Status.ACTIVE,
                start_date=start,
                school_name="Demo College",
                created_by=self.coordinator,
                started_at=self.moment(start, 10),
            )
        self.event(referral, self.moment(start, 9), "accepted", "placed")
        self.capacity(
            location, self.moment(start, 10), CapacityEvent.Reason.PLACEMENT_START, -1, +1
        )
        referral.status = Referral.Status.PLACED
        referral.status_changed_at = self.moment(start, 9)
        referral.save(update_fields=["status", "status_changed_at", "submitted_at"])
        # Does it end, and how?
        length = rng.randint(30, 400)
        end = start + timedelta(days=length)
        if end >= self.today:
            return
        hard_to_hold = location.care_form in (
            CareForm.TREATMENT_GROUP,
            CareForm.SMALL_SCALE_HOME,
            CareForm.SECURED,
        )
        reason = rng.choices(
            [
                Placement.EndReason.PLANNED_OUTFLOW,
                Placement.EndReason.REPLACEMENT,
                Placement.EndReason.RETURNED_HOME,
                Placement.EndReason.TURNED_18,
            ],
            weights=[45, 30 if hard_to_hold else 15, 15, 10],
        )[0]
        placement.status, placement.end_date, placement.end_reason = (
            Placement.Status.ENDED,
            end,
            reason,
        )
        placement.outflow = (
            Placement.Outflow.LIGHTER_CARE if reason == Placement.EndReason.PLANNED_OUTFLOW else ""
        )
        placement.ended_by = self.coordinator
        self.capacity(location, self.moment(end, 12), CapacityEvent.Reason.PLACEMENT_END, +1, -1)
        if reason == Placement.EndReason.REPLACEMENT:
            next_referral = self.referral(end, youth_from=referral.youth)
            placement.next_referral = next_referral
            placement.save()
            self.close(referral, "placed", self.moment(end, 13), "")
            self.run_referral(next_referral, end)
        else:
            placement.save()
            self.close(referral, "placed", self.moment(end, 13), "")

    # --- the demo users' own work ---------------------------------------------------------

    def open_work(self) -> None:
        """Referrals for the coordinator to pick up, and open offers for provider_a."""
        for status in ("submitted", "submitted", "matching", "matching"):
            referral = self.referral(self.today - timedelta(days=self.rng.randint(1, 5)))
            self.run_referral(referral, self.today - timedelta(days=6), keep_open=status)
            if status == "matching":
                Referral.objects.filter(pk=referral.pk).update(status="matching")
        provider_a = User.objects.filter(username="provider_a").first()
        if provider_a is None:
            return
        own = [loc for loc in self.locations if loc.provider_id == provider_a.organisation_id]
        for location in own[:3]:
            referral = self.referral(self.today - timedelta(days=4))
            referral.submitted_at = self.moment(self.today - timedelta(days=4))
            referral.youth.open_bsn = referral.youth.bsn
            referral.youth.save(update_fields=["open_bsn"])
            self.event(referral, referral.submitted_at, "draft", "submitted")
            self.event(
                referral, referral.submitted_at + timedelta(hours=20), "submitted", "matching"
            )
            sent = self.moment(self.today - timedelta(days=2))
            with _clock(sent):
                Offer.objects.create(
                    referral=referral,
                    location=location,
                    provider_id=location.provider_id,
                    sent_by=self.coordinator,
                    deadline=sent + timedelta(days=7),
                    score=80,
                )
            self.event(referral, sent, "matching", "offered")
            referral.status, referral.status_changed_at = Referral.Status.OFFERED, sent
            referral.save(update_fields=["status", "status_changed_at", "submitted_at"])

    def save_counts(self) -> None:
        for location in self.locations:
            total, free, held, occupied = self.state[location.pk]
            Location.objects.filter(pk=location.pk).update(
                total_places=total, free_places=free, held_places=held, occupied_places=occupied
            )


def history_exists() -> bool:
    return ReferralEvent.objects.filter(note=MARKER).exists()


def seed_history(*, today: date | None = None, count: int = REFERRALS) -> dict[str, Any]:
    """Load the year of history unless it is there already, then rebuild the reports."""
    from analyses.services import reports_rebuild

    if not history_exists() and User.objects.filter(username="coordinator").exists():
        with transaction.atomic():
            history = _History(today or timezone.localdate())
            for index in range(count):
                day = history.start + timedelta(
                    days=int(index * 350 / count) + history.rng.randint(0, 3)
                )
                referral = history.referral(day)
                history.run_referral(referral, day)
            history.open_work()
            history.save_counts()
    run = reports_rebuild()
    return {"referrals": Referral.objects.count(), "report_rows": run.rows, "ms": run.duration_ms}
