"""Every write of the capacity register. Counts change here only: under a row lock, in one
transaction, each change leaving a CapacityEvent behind."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Municipality, Organisation, Region, Role, User
from accounts.services import audit_record, notify
from capacity.contract_selectors import providers_for_contracts
from capacity.errors import NoFreePlace
from capacity.models import (
    CapacityChange,
    CapacityEvent,
    ContractedCapacity,
    IntensityTariff,
    Location,
    LocationBand,
)
from capacity.selectors import stale_condition, stale_days
from capacity.signals import free_places_increased
from config.codes import CareForm, Expertise, Intensity, RiskFlag
from config.errors import Conflict, NotFound, ValidationFailed
from config.validators import control_characters_errors

Reason = CapacityEvent.Reason

# What a provider may change in a location's profile (counts go through their own services).
PROFILE_FIELDS = frozenset(
    {
        "name",
        "municipality",
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
        "regions",
        "total_places",
        "is_active",
    }
)
AGE_LIMIT = 27  # youth care reaches to 18, with extensions (supported living) up to 27
# More free places are announced by a background job this many seconds after the commit; rises
# of the same location meanwhile share that job (a provider's system may push every second).
ANNOUNCE_DELAY_SECONDS = 10
# The pending mark outlives a job that is late or lost; a new rise then schedules another.
ANNOUNCE_PENDING_SECONDS = ANNOUNCE_DELAY_SECONDS + 60

logger = logging.getLogger(__name__)


def _lock(location: Location) -> Location:
    """Re-read the row under a row lock: concurrent changes queue here instead of
    overwriting one another (the concurrency tests replace this to show the difference)."""
    return Location.objects.select_for_update().get(pk=location.pk)


def _lock_managed(*, location_id: int, by: User) -> Location:
    """Read and lock in one query, for callers that hold only an id (the API): the row with
    what its answer shows (provider, municipality and `region_codes`). NotFound when the
    caller does not manage it, so no other provider's row is ever locked."""
    provider_id = None
    if not by.is_functional_admin:
        if not by.is_provider or by.organisation_id is None:
            raise NotFound
        provider_id = by.organisation_id
    rows = list(
        Location.objects.raw(LOCK_MANAGED_SQL, {"location": location_id, "provider": provider_id})
    )
    if not rows:
        raise NotFound
    location = rows[0]
    db = location._state.db
    extra = location.__dict__  # the joined columns, as raw() sets them
    location.provider = Organisation.from_db(  # the rest of the row is read when used
        db, ["id", "name"], [location.provider_id, extra["locked_provider_name"]]
    )
    location.municipality = Municipality.from_db(
        db,
        ["id", "code", "name"],
        [
            location.municipality_id,
            extra["locked_municipality_code"],
            extra["locked_municipality_name"],
        ],
    )
    return location


# The locked read of a PATCH as one fixed SQL text: the location, the names its answer shows
# and its region codes, on the busiest write of the API (composing it in the ORM took longer
# than running it).
LOCK_MANAGED_SQL = """
SELECT l.*, p.name AS locked_provider_name, m.code AS locked_municipality_code,
       m.name AS locked_municipality_name,
       ARRAY(SELECT r.code FROM capacity_location_regions lr
               JOIN accounts_region r ON r.id = lr.region_id
              WHERE lr.location_id = l.id) AS region_codes
  FROM capacity_location l
  JOIN accounts_organisation p ON p.id = l.provider_id
  JOIN accounts_municipality m ON m.id = l.municipality_id
 WHERE l.id = %(location)s
   AND (%(provider)s::bigint IS NULL OR l.provider_id = %(provider)s::bigint)
   FOR UPDATE OF l
"""


def _may_manage(*, location: Location, user: User) -> bool:
    """A location is managed by its own provider's staff (and the functional admin)."""
    if user.is_functional_admin:
        return True
    return user.is_provider and user.organisation_id == location.provider_id


def _ensure_may_manage(*, location: Location, user: User) -> None:
    if not _may_manage(location=location, user=user):
        raise NotFound


def _announce_free_places(location_id: int) -> None:
    batch = _announcement_batch.get()
    if batch is not None:
        batch.add(location_id)
        return
    transaction.on_commit(lambda: _schedule_announcement(location_id))


# The locations whose free places rose inside `free_places_announced_once()`, if active.
_announcement_batch: ContextVar[set[int] | None] = ContextVar(
    "capacity_announcement_batch", default=None
)


@contextmanager
def free_places_announced_once() -> Iterator[None]:
    """Inside this block, more free places are announced once per location after the commit,
    not once per change: a bulk load (the demo history) makes hundreds of changes in one
    transaction, and the in-process jobs run each announcement at once (no coalescing)."""
    batch: set[int] = set()
    token = _announcement_batch.set(batch)
    try:
        yield
    finally:
        _announcement_batch.reset(token)
    for location_id in sorted(batch):
        _announce_free_places(location_id)


def _announcement_key(location_id: int) -> str:
    return f"capacity:announce-pending:{location_id}"


def _schedule_announcement(location_id: int) -> None:
    """After the commit: one background announcement per location at a time. A job that is
    pending (not started) reads the figures when it runs, so it covers this rise as well."""
    from capacity.tasks import announce_free_places  # the tasks module imports this one
    from outbox.services import dispatch

    key = _announcement_key(location_id)
    try:
        if not cache.add(key, 1, timeout=ANNOUNCE_PENDING_SECONDS):
            return
    except Exception:  # cache down: schedule without coalescing
        logger.warning("Cache unavailable; announcing location %s uncoalesced", location_id)
    # Through the outbox: with the broker down the job waits there, not in the request.
    dispatch(announce_free_places.name, location_id, countdown=ANNOUNCE_DELAY_SECONDS)


def free_places_announce(*, location_id: int) -> None:
    """Send `free_places_increased` (the job scheduled above). The pending mark goes first: a
    rise committed from now on schedules a new job, one before it is seen by the listeners."""
    try:
        cache.delete(_announcement_key(location_id))
    except Exception:  # cache down: the mark expires by itself
        logger.warning("Cache unavailable; announcement mark of %s left to expire", location_id)
    free_places_increased.send(sender=Location, location_id=location_id)


def _refresh_caller_copy(target: Location, source: Location) -> None:
    """Keep the caller's instance in step, so it never saves stale counts later."""
    if target is source:
        return
    for field in (
        "total_places",
        "free_places",
        "held_places",
        "occupied_places",
        "unstaffed_places",
        "unstaffed_reason",
        "last_confirmed_at",
        "is_active",
    ):
        setattr(target, field, getattr(source, field))


def _change_counts(
    *,
    location: Location,
    locked: Location,
    by: User | None,
    reason: str,
    free: int = 0,
    held: int = 0,
    occupied: int = 0,
    total: int = 0,
    unstaffed: int = 0,
    confirm: bool = False,
    at: datetime | None = None,
) -> Location:
    """Apply deltas to a locked row, write the event (at `at`, default now), announce more
    offerable places. Unstaffed places are a part of the free ones: when the free places
    fall below them, they follow down (a place no longer free is no longer unstaffed)."""
    event = CapacityEvent(
        location=locked,
        at=at or timezone.now(),
        by=by if by is not None and by.pk else None,
        reason=reason,
        total_before=locked.total_places,
        free_before=locked.free_places,
        held_before=locked.held_places,
        occupied_before=locked.occupied_places,
        unstaffed_before=locked.unstaffed_places,
    )
    offerable_before = locked.offerable_places
    locked.total_places += total
    locked.free_places += free
    locked.held_places += held
    locked.occupied_places += occupied
    locked.unstaffed_places = max(0, min(locked.unstaffed_places + unstaffed, locked.free_places))
    if not locked.unstaffed_places:
        locked.unstaffed_reason = ""
    if confirm:
        locked.last_confirmed_at = event.at
    event.total_after = locked.total_places
    event.free_after = locked.free_places
    event.held_after = locked.held_places
    event.occupied_after = locked.occupied_places
    event.unstaffed_after = locked.unstaffed_places
    _write_counts(locked=locked, event=event, confirm=confirm)
    if locked.offerable_places > offerable_before:
        _announce_free_places(locked.pk)
    _refresh_caller_copy(location, locked)
    return locked


# The row and its event in one statement, in one round trip, from a fixed SQL text: the
# busiest write of the application (every PATCH of a provider's system). The values are the
# ones computed above on the locked row, so the database's checks (non-negative counts that
# add up) still refuse a bad change.
COUNTS_WRITE_SQL = """
WITH changed AS (
    UPDATE capacity_location
       SET total_places = %(total_after)s, free_places = %(free_after)s,
           held_places = %(held_after)s, occupied_places = %(occupied_after)s,
           unstaffed_places = %(unstaffed_after)s,
           unstaffed_reason = %(unstaffed_reason)s,
           last_confirmed_at = CASE WHEN %(confirm)s THEN %(confirmed_at)s
                                    ELSE last_confirmed_at END
     WHERE id = %(location)s
 RETURNING id
)
INSERT INTO capacity_capacityevent
       (location_id, at, by_id, reason, total_before, free_before, held_before,
        occupied_before, total_after, free_after, held_after, occupied_after,
        unstaffed_before, unstaffed_after)
SELECT id, %(at)s, %(by)s, %(reason)s, %(total_before)s, %(free_before)s, %(held_before)s,
       %(occupied_before)s, %(total_after)s, %(free_after)s, %(held_after)s, %(occupied_after)s,
       %(unstaffed_before)s, %(unstaffed_after)s
  FROM changed
RETURNING id, at
"""
EVENT_COUNTS = tuple(
    f"{count}_{when}"
    for when in ("before", "after")
    for count in ("total", "free", "held", "occupied", "unstaffed")
)


def _write_counts(*, locked: Location, event: CapacityEvent, confirm: bool) -> None:
    """The event's "after" counts are the row's new counts."""
    params: dict[str, Any] = {name: getattr(event, name) for name in EVENT_COUNTS}
    params.update(
        location=locked.pk,
        confirm=confirm,
        confirmed_at=locked.last_confirmed_at,
        at=event.at,
        by=event.by_id,
        reason=event.reason,
        unstaffed_reason=locked.unstaffed_reason,
    )
    with connections[Location.objects.db].cursor() as cursor:
        cursor.execute(COUNTS_WRITE_SQL, params)
        row = cursor.fetchone()
    if row is None:  # the locked row is gone: cannot happen under the lock
        raise NotFound
    event.pk, event.at = row
    event._state.adding = False


def _ensure_int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed({field: [_("Vul een geheel getal in.")]})
    return value


# --- the provider keeps its figures current -------------------------------------------


@transaction.atomic
def location_set_free_places(*, location: Location, free_places: int, by: User) -> Location:
    """The provider states how many places are free now (a correction, also "still correct").

    Occupied places are the active placements and held places the accepted offers: neither
    changes here. Free places can grow only into places that are neither (at most
    `Location.max_free_places`); fewer free places leave the rest "niet beschikbaar".
    """
    _ensure_may_manage(location=location, user=by)
    free_places = _ensure_free_places(free_places)
    return _set_free_places(
        location=location, locked=_lock(location), free_places=free_places, by=by
    )


@transaction.atomic
def location_set_free_places_by_id(*, location_id: int, free_places: int, by: User) -> Location:
    """The same for a provider's own system (PATCH /locations/{id}/), which names only an id:
    the locked read is the only read, and the answer is the committed row with its provider
    and municipality loaded (a busy client pushes figures every few seconds)."""
    free_places = _ensure_free_places(free_places)
    locked = _lock_managed(location_id=location_id, by=by)
    return _set_free_places(location=locked, locked=locked, free_places=free_places, by=by)


def _ensure_free_places(value: object) -> int:
    free_places = _ensure_int(value, "free_places")
    if free_places < 0:
        raise ValidationFailed(
            {"free_places": [_("Het aantal vrije plaatsen kan niet negatief zijn.")]}
        )
    return free_places


def too_many_free_places_message(location: Location) -> str:
    """Why no more places can be free: the places occupied and held, and the maximum."""
    return _(
        "Meer dan %(maximum)d vrije plaatsen kan niet: de locatie heeft %(total)d plaatsen, "
        "waarvan %(occupied)d bezet (lopende plaatsingen) en %(held)d gereserveerd."
    ) % {
        "maximum": location.max_free_places,
        "total": location.total_places,
        "occupied": location.occupied_places,
        "held": location.held_places,
    }


def _set_free_places(
    *, location: Location, locked: Location, free_places: int, by: User
) -> Location:
    if free_places > locked.max_free_places:
        raise ValidationFailed({"free_places": [too_many_free_places_message(locked)]})
    delta = free_places - locked.free_places
    if delta == 0:
        _refresh_caller_copy(location, locked)
        return location_confirm(location=location, by=by)
    return _change_counts(
        location=location, locked=locked, by=by, reason=Reason.CORRECTION, free=delta, confirm=True
    )


@transaction.atomic
def location_adjust_free_places(*, location: Location, delta: int, by: User) -> Location:
    """The − / + buttons: a place no longer (−) or again (+) available. Occupied and held
    places never change here: those follow the placements and offers."""
    _ensure_may_manage(location=location, user=by)
    delta = _ensure_int(delta, "delta")
    if delta == 0:
        raise ValidationFailed({"delta": [_("Geef aan hoeveel plaatsen erbij of eraf gaan.")]})
    locked = _lock(location)
    if locked.free_places + delta < 0:
        raise ValidationFailed(
            {"free_places": [_("Er zijn geen vrije plaatsen meer om af te boeken.")]}
        )
    if locked.free_places + delta > locked.max_free_places:
        raise ValidationFailed({"free_places": [too_many_free_places_message(locked)]})
    return _change_counts(
        location=location, locked=locked, by=by, reason=Reason.CORRECTION, free=delta, confirm=True
    )


@transaction.atomic
def location_confirm(*, location: Location, by: User, at: datetime | None = None) -> Location:
    """ "Klopt nog": the figures are still correct; refreshes last_confirmed_at only."""
    _ensure_may_manage(location=location, user=by)
    now = at or timezone.now()
    # A single-column UPDATE: never overwrites counts changed meanwhile by someone else.
    Location.objects.filter(pk=location.pk).update(last_confirmed_at=now)
    location.last_confirmed_at = now
    return location


@transaction.atomic
def provider_confirm_all(*, provider: Organisation, by: User, at: datetime | None = None) -> int:
    """Confirm every active location of the provider at once (at `at`, default now);
    answers how many."""
    if not by.is_functional_admin and not (by.is_provider and by.organisation_id == provider.pk):
        raise NotFound
    return Location.objects.filter(provider=provider, is_active=True).update(
        last_confirmed_at=at or timezone.now()
    )


# --- offers and placements (called by placement/) ------------------------------------


def _ensure_reason(reason: str) -> str:
    if reason not in Reason.values:
        raise ValueError(f"Unknown capacity event reason: {reason!r}")
    return reason


@transaction.atomic
def location_hold_place(
    *, location: Location, by: User | None, reason: str = "hold", at: datetime | None = None
) -> Location:
    """Reserve one free place (an accepted offer): free − 1, held + 1; NoFreePlace if none
    can be offered (free places marked "niet inzetbaar" are not)."""
    locked = _lock(location)
    if locked.offerable_places < 1:
        raise NoFreePlace
    return _change_counts(
        location=location,
        locked=locked,
        by=by,
        reason=_ensure_reason(reason),
        free=-1,
        held=1,
        at=at,
    )


@transaction.atomic
def location_release_hold(
    *, location: Location, by: User | None, reason: str = "release", at: datetime | None = None
) -> Location:
    """Give a reserved place back (offer withdrawn, placement cancelled): held − 1, free + 1."""
    locked = _lock(location)
    if locked.held_places < 1:
        raise Conflict(_("Deze locatie heeft geen gereserveerde plaats om vrij te geven."))
    return _change_counts(
        location=location,
        locked=locked,
        by=by,
        reason=_ensure_reason(reason),
        free=1,
        held=-1,
        at=at,
    )


@transaction.atomic
def location_occupy_held(
    *,
    location: Location,
    by: User | None,
    reason: str = "placement_start",
    at: datetime | None = None,
) -> Location:
    """A placement starts: the reserved place becomes occupied (held − 1, occupied + 1)."""
    locked = _lock(location)
    if locked.held_places < 1:
        raise Conflict(_("Deze locatie heeft geen gereserveerde plaats voor deze plaatsing."))
    return _change_counts(
        location=location,
        locked=locked,
        by=by,
        reason=_ensure_reason(reason),
        held=-1,
        occupied=1,
        at=at,
    )


@transaction.atomic
def location_free_occupied(
    *,
    location: Location,
    by: User | None,
    reason: str = "placement_end",
    at: datetime | None = None,
) -> Location:
    """A placement ends: its place is free again (occupied − 1, free + 1)."""
    locked = _lock(location)
    if locked.occupied_places < 1:
        raise Conflict(_("Deze locatie heeft geen bezette plaats om vrij te maken."))
    return _change_counts(
        location=location,
        locked=locked,
        by=by,
        reason=_ensure_reason(reason),
        free=1,
        occupied=-1,
        at=at,
    )


# --- the location's profile ------------------------------------------------------------


def _codes_errors(value: object, allowed: Iterable[str], label: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return [_("Geef een lijst van codes.")]
    allowed_set = set(allowed)
    unknown = [v for v in value if v not in allowed_set]
    if unknown:
        return [
            _("Onbekende %(label)s: %(codes)s.") % {"label": label, "codes": ", ".join(unknown)}
        ]
    return []


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def profile_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every rule a location's profile must meet, as {field: [Dutch message]}."""
    errors: dict[str, list[str]] = defaultdict(list)
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"].append(_("Vul de naam van de locatie in."))
    elif len(name) > 200:
        errors["name"].append(_("De naam mag hoogstens 200 tekens lang zijn."))
    else:
        errors["name"] += control_characters_errors(name)
    if not isinstance(values.get("municipality"), Municipality):
        errors["municipality"].append(_("Kies een gemeente."))
    for field, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0)):
        value = values.get(field)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not low <= value <= high:  # type: ignore[operator]
            errors[field].append(_("Vul een geldige coördinaat in."))
    care_form = values.get("care_form")
    if care_form not in CareForm.values:
        errors["care_form"].append(_("Onbekende zorgvorm: %(code)s.") % {"code": care_form})
    errors["expertise"] += _codes_errors(values.get("expertise"), Expertise.values, "expertise")
    errors["contra_indications"] += _codes_errors(
        values.get("contra_indications"), RiskFlag.values, "contra-indicatie"
    )
    ages_valid = True
    for field in ("age_min", "age_max"):
        value = values.get(field)
        if not _is_int(value) or not 0 <= value <= AGE_LIMIT:
            ages_valid = False
            errors[field].append(
                _("Vul een leeftijd van 0 tot en met %(limit)d in.") % {"limit": AGE_LIMIT}
            )
    if ages_valid and values["age_min"] > values["age_max"]:
        message = _("De minimumleeftijd ligt boven de maximumleeftijd.")
        errors["age_min"].append(message)
        errors["age_max"].append(message)
    if values.get("gender") not in Location.GenderServed.values:
        errors["gender"].append(
            _("Onbekende doelgroep: %(code)s.") % {"code": values.get("gender")}
        )
    intensity = values.get("intensity")
    if intensity not in ("", *Intensity.values):
        errors["intensity"].append(_("Onbekende intensiteit: %(code)s.") % {"code": intensity})
    for field in ("secured", "school_on_site", "is_active"):
        if not isinstance(values.get(field), bool):
            errors[field].append(_("Kies ja of nee."))
    secured = values.get("secured")
    if secured is True and care_form in CareForm.values and care_form != CareForm.SECURED:
        errors["secured"].append(
            _("Alleen een locatie met zorgvorm JeugdzorgPlus (gesloten) kan gesloten zijn.")
        )
    if secured is False and care_form == CareForm.SECURED:
        errors["secured"].append(
            _("Een locatie met zorgvorm JeugdzorgPlus (gesloten) moet gesloten zijn.")
        )
    total = values.get("total_places")
    if not _is_int(total) or total < 0:
        errors["total_places"].append(_("Vul een aantal plaatsen van 0 of meer in."))
    regions = values.get("regions")
    if regions is not None and not all(isinstance(r, Region) for r in regions):
        errors["regions"].append(_("Kies bestaande regio's."))
    return {field: messages for field, messages in errors.items() if messages}


def _profile_values(location: Location) -> dict[str, Any]:
    values = {field: getattr(location, field) for field in PROFILE_FIELDS if field != "regions"}
    values["municipality"] = location.municipality
    return values


@transaction.atomic
def location_update_profile(*, location: Location, by: User, **fields: Any) -> Location:
    """Change the profile (care form, expertise, ages, contra-indications, total…).

    Everything is checked before anything is saved. Added places are free; removed places
    are taken from the unavailable ones first, then from the free ones; the total cannot go
    below the places held and occupied.
    """
    _ensure_may_manage(location=location, user=by)
    unknown = sorted(set(fields) - PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            {field: [_("Dit veld kan hier niet worden gewijzigd.")] for field in unknown}
        )
    locked = _lock(location)
    values = _profile_values(locked) | fields
    errors = profile_errors(values)
    if "total_places" not in errors:
        in_use = locked.held_places + locked.occupied_places
        if values["total_places"] < in_use:
            errors["total_places"] = [
                _(
                    "Minder dan %(in_use)d plaatsen kan niet: zoveel plaatsen zijn bezet "
                    "of gereserveerd."
                )
                % {"in_use": in_use}
            ]
    if errors:
        raise ValidationFailed(errors)
    regions = fields.pop("regions", None)
    total_delta = values["total_places"] - locked.total_places
    changed = [f for f in fields if f != "total_places" and getattr(locked, f) != fields[f]]
    for field in changed:
        setattr(locked, field, fields[field])
        setattr(location, field, fields[field])
    if changed:
        locked.save(update_fields=changed)
    if "intensity" in changed:
        _band_follows_profile(locked)
    if total_delta:
        # New places are free; fewer places take the unavailable ones first, then free ones.
        room = values["total_places"] - locked.held_places - locked.occupied_places
        free_delta = total_delta if total_delta > 0 else min(0, room - locked.free_places)
        _change_counts(
            location=location,
            locked=locked,
            by=by,
            reason=Reason.CORRECTION,
            total=total_delta,
            free=free_delta,
        )
    if regions is not None:
        locked.regions.set(regions)
    return locked


@transaction.atomic
def location_create(
    *,
    provider: Organisation,
    by: User,
    occupied_places: int = 0,
    at: datetime | None = None,
    **fields: Any,
) -> Location:
    """Add a location to a provider; its places start free except those already occupied.
    `at` (default now) is when it was added: the demo history passes a past moment."""
    if provider.kind != Organisation.Kind.PROVIDER:
        raise ValidationFailed({"provider": [_("Kies een zorgaanbieder.")]})
    if not by.is_functional_admin and not (by.is_provider and by.organisation_id == provider.pk):
        raise NotFound
    unknown = sorted(set(fields) - PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            {field: [_("Dit veld kan hier niet worden gewijzigd.")] for field in unknown}
        )
    defaults: dict[str, Any] = {
        "expertise": [],
        "contra_indications": [],
        "gender": Location.GenderServed.ANY,
        "secured": fields.get("care_form") == CareForm.SECURED,
        "intensity": "",
        "school_on_site": False,
        "is_active": True,
    }
    values = defaults | fields
    errors = profile_errors(values)
    if not _is_int(occupied_places) or occupied_places < 0:
        errors["occupied_places"] = [_("Vul een aantal plaatsen van 0 of meer in.")]
    elif "total_places" not in errors and occupied_places > values["total_places"]:
        errors["occupied_places"] = [_("Er kunnen niet meer plaatsen bezet zijn dan er zijn.")]
    if Location.objects.filter(provider=provider, name=values.get("name")).exists():
        errors.setdefault("name", []).append(_("Deze aanbieder heeft al een locatie met die naam."))
    if errors:
        raise ValidationFailed(errors)
    regions = values.pop("regions", None)
    total = values.pop("total_places")
    now = at or timezone.now()
    location = Location.objects.create(
        provider=provider,
        total_places=0,
        free_places=0,
        held_places=0,
        occupied_places=0,
        last_confirmed_at=now,
        created_at=now,
        **values,
    )
    location.regions.set(regions if regions is not None else [values["municipality"].region])
    _band_follows_profile(location)
    return _change_counts(
        location=location,
        locked=_lock(location),
        by=by,
        reason=Reason.CORRECTION,
        total=total,
        free=total - occupied_places,
        occupied=occupied_places,
        at=now,
    )


# --- the daily reminder -----------------------------------------------------------------


@transaction.atomic
def stale_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each provider whose figures are stale: once a day (email and in-app).

    Idempotent: the dedupe key holds the provider and the date, so a second run on the
    same day stores and sends nothing. Answers the number of notifications stored.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    stale_per_provider = dict(
        Location.objects.filter(stale_condition(now=now), is_active=True)
        .order_by()
        .values("provider_id")
        .annotate(n=Count("id"))
        .values_list("provider_id", "n")
    )
    if not stale_per_provider:
        return 0
    staff: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        organisation_id__in=stale_per_provider, role=Role.PROVIDER, is_active=True
    ):
        assert user.organisation_id is not None
        staff[user.organisation_id].append(user)
    link = reverse("capacity:my-locations")
    stored = 0
    for provider_id, count in sorted(stale_per_provider.items()):
        message = ngettext(
            "%(count)d locatie heeft vrije plaatsen die langer dan %(days)d dagen niet zijn "
            "bevestigd. Controleer ze in Mijn locaties.",
            "%(count)d locaties hebben vrije plaatsen die langer dan %(days)d dagen niet zijn "
            "bevestigd. Controleer ze in Mijn locaties.",
            count,
        ) % {"count": count, "days": stale_days()}
        stored += len(
            notify(
                recipients=staff[provider_id],
                kind="capacity.stale",
                message=message,
                link=link,
                dedupe_key=f"capacity-stale:{provider_id}:{today.isoformat()}",
            )
        )
    return stored


# --- free places without staff ("vrij maar niet inzetbaar") ------------------------------


@transaction.atomic
def location_set_unstaffed(
    *, location: Location, unstaffed_places: object, reason: object, by: User
) -> Location:
    """The provider marks some free places "vrij maar niet inzetbaar" (no staff), with a
    reason: they stay free in the register but are never offered. At most the free places."""
    _ensure_may_manage(location=location, user=by)
    count = _ensure_int(unstaffed_places, "unstaffed_places")
    text = reason.strip() if isinstance(reason, str) else ""
    errors: dict[str, list[str]] = {}
    if count < 0:
        errors["unstaffed_places"] = [_("Vul een aantal plaatsen van 0 of meer in.")]
    if count > 0 and not text:
        errors["unstaffed_reason"] = [_("Geef aan waarom deze plaatsen niet inzetbaar zijn.")]
    elif len(text) > 500:
        errors["unstaffed_reason"] = [_("De reden mag hoogstens 500 tekens lang zijn.")]
    elif text and (text_errors := control_characters_errors(text)):
        errors["unstaffed_reason"] = text_errors
    locked = _lock(location)
    if "unstaffed_places" not in errors and count > locked.free_places:
        errors["unstaffed_places"] = [
            _("Meer dan %(free)d kan niet: zoveel plaatsen zijn vrij.")
            % {"free": locked.free_places}
        ]
    if errors:
        raise ValidationFailed(errors)
    locked.unstaffed_reason = text if count else ""
    return _change_counts(
        location=location,
        locked=locked,
        by=by,
        reason=Reason.UNSTAFFED,
        unstaffed=count - locked.unstaffed_places,
        confirm=True,
    )


# --- announced changes of size and closures ----------------------------------------------


def may_announce_change(*, location: Location, user: User) -> bool:
    """The location's own provider, a coordinator of one of its regions, the admin."""
    if not user.is_active:
        return False
    if user.is_functional_admin or _may_manage(location=location, user=user):
        return True
    if user.is_coordinator and user.organisation_id is not None:
        return location.regions.filter(organisations=user.organisation_id).exists()
    return False


def _region_coordinators(location: Location) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.COORDINATOR,
            is_active=True,
            organisation__regions__in=location.regions.all(),
        ).distinct()
    )


def change_summary(change: CapacityChange) -> str:
    """One line naming the change, without anyone's identity."""
    values = {
        "location": change.location.name,
        "date": change.effective_on.strftime("%d-%m-%Y"),
        "total": change.new_total,
        "reason": change.get_reason_display(),
    }
    if change.kind == CapacityChange.Kind.CLOSURE:
        return _("%(location)s sluit per %(date)s (%(reason)s).") % values
    return _("%(location)s heeft per %(date)s %(total)s plaatsen (%(reason)s).") % values


@transaction.atomic
def capacity_change_announce(
    *,
    location: Location,
    by: User,
    kind: object,
    effective_on: object,
    reason: object,
    new_total: object = None,
    note: object = "",
    today: date | None = None,
) -> CapacityChange:
    """Announce a change of the total places or a closure from a date (today or later).
    The region's coordinators are told at once; a change for today applies at once, later
    ones on their date (`capacity_changes_apply_due`). A reduction below the places in use
    may be announced: the change page shows who is affected."""
    if not may_announce_change(location=location, user=by):
        raise NotFound
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in CapacityChange.Kind.values:
        errors["kind"] = [_("Kies een wijziging van het aantal plaatsen of een sluiting.")]
    if not isinstance(effective_on, date) or isinstance(effective_on, datetime):
        errors["effective_on"] = [_("Vul een geldige datum in.")]
    elif effective_on < today:
        errors["effective_on"] = [_("De datum moet vandaag of later zijn.")]
    if reason not in CapacityChange.ReasonCode.values:
        errors["reason"] = [_("Kies een reden.")]
    note_text = note.strip() if isinstance(note, str) else ""
    if reason == CapacityChange.ReasonCode.OTHER and not note_text:
        errors["note"] = [_("Licht de reden toe.")]
    elif len(note_text) > 1000:
        errors["note"] = [_("De toelichting mag hoogstens 1000 tekens lang zijn.")]
    elif note_text and (note_errors := control_characters_errors(note_text)):
        errors["note"] = note_errors
    total: int | None = None
    if kind == CapacityChange.Kind.RESIZE:
        if not _is_int(new_total) or new_total < 0:
            errors["new_total"] = [_("Vul een aantal plaatsen van 0 of meer in.")]
        else:
            total = new_total
    elif kind == CapacityChange.Kind.CLOSURE and new_total not in (None, ""):
        errors["new_total"] = [_("Een sluiting heeft geen nieuw aantal plaatsen.")]
    _lock(location)  # announcements of one location queue here (one pending per date)
    if (
        not errors
        and isinstance(effective_on, date)
        and CapacityChange.objects.filter(
            location=location,
            effective_on=effective_on,
            applied_at__isnull=True,
            cancelled_at__isnull=True,
        ).exists()
    ):
        errors["effective_on"] = [
            _("Voor deze datum is al een wijziging aangekondigd; trek die eerst in.")
        ]
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(effective_on, date) and isinstance(kind, str) and isinstance(reason, str)
    change = CapacityChange.objects.create(
        location=location,
        kind=kind,
        new_total=total,
        effective_on=effective_on,
        reason=reason,
        note=note_text,
        announced_by=by,
    )
    audit_record(
        user=by,
        action="capacity.change.announce",
        object_type="capacity_change",
        object_id=change.pk,
    )
    notify(
        recipients=[u for u in _region_coordinators(location) if u.pk != by.pk],
        kind="capacity.change",
        message=_("Aangekondigd: %(summary)s Bekijk wie erdoor geraakt wordt.")
        % {"summary": change_summary(change)},
        link=reverse("capacity:change", args=[change.pk]),
        dedupe_key=f"capacity-change:{change.pk}",
    )
    if effective_on <= today:
        _apply_change(change=change, by=by)
    return change


@transaction.atomic
def capacity_change_cancel(*, change: CapacityChange, by: User) -> CapacityChange:
    """Withdraw an announced change before it is (fully) applied; audited."""
    locked = CapacityChange.objects.select_for_update().select_related("location").get(pk=change.pk)
    if not may_announce_change(location=locked.location, user=by):
        raise NotFound
    if locked.applied_at is not None or locked.cancelled_at is not None:
        raise Conflict(_("Deze wijziging is al doorgevoerd of ingetrokken."))
    if locked.partial_since is not None:
        raise Conflict(
            _("Deze wijziging is al deels doorgevoerd en kan niet meer worden ingetrokken.")
        )
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = by
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_record(
        user=by, action="capacity.change.cancel", object_type="capacity_change", object_id=locked.pk
    )
    notify(
        recipients=[u for u in _region_coordinators(locked.location) if u.pk != by.pk],
        kind="capacity.change",
        message=_("Ingetrokken: %(summary)s") % {"summary": change_summary(locked)},
        link=reverse("capacity:change", args=[locked.pk]),
        dedupe_key=f"capacity-change-cancel:{locked.pk}",
    )
    change.cancelled_at, change.cancelled_by = locked.cancelled_at, by
    return locked


def _apply_change(*, change: CapacityChange, by: User | None) -> bool:
    """Bring the locked location as close to the change as the places in use allow; answers
    whether the change is now fully applied. Inside the caller's transaction."""
    location = change.location
    locked = _lock(location)
    target = change.target_total
    in_use = locked.held_places + locked.occupied_places
    reached = max(target, in_use)
    total_delta = reached - locked.total_places
    # Added places are free; fewer places take the unavailable ones first, then free ones.
    free_delta = total_delta if total_delta > 0 else min(0, reached - in_use - locked.free_places)
    if total_delta or free_delta:
        _change_counts(
            location=location,
            locked=locked,
            by=by,
            reason=Reason.PLANNED_CHANGE,
            total=total_delta,
            free=free_delta,
        )
    if change.kind == CapacityChange.Kind.CLOSURE and locked.is_active:
        Location.objects.filter(pk=locked.pk).update(is_active=False)
        locked.is_active = location.is_active = False
    now = timezone.now()
    done = reached == target
    if done:
        change.applied_at = now
        change.save(update_fields=["applied_at"])
    elif change.partial_since is None:
        change.partial_since = now
        change.save(update_fields=["partial_since"])
        notify(
            recipients=_region_coordinators(locked),
            kind="capacity.change_partial",
            message=_(
                "Deels doorgevoerd: %(summary)s Er zijn nog %(in_use)d plaatsen bezet of "
                "gereserveerd; het aantal plaatsen daalt verder zodra die vrijkomen."
            )
            % {"summary": change_summary(change), "in_use": in_use},
            link=reverse("capacity:change", args=[change.pk]),
            dedupe_key=f"capacity-change-partial:{change.pk}",
        )
    # An older change of this location still open is overtaken by this one.
    CapacityChange.objects.filter(
        location_id=locked.pk,
        effective_on__lt=change.effective_on,
        applied_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)
    return done


def capacity_changes_apply_due(*, today: date | None = None) -> int:
    """The daily job: apply every open change whose date has come, each in its own
    transaction under the location's lock (partly applied ones again, until complete).
    Idempotent; answers how many changes were fully applied."""
    today = today or timezone.localdate()
    due = list(
        CapacityChange.objects.filter(
            effective_on__lte=today, applied_at__isnull=True, cancelled_at__isnull=True
        )
        .order_by("effective_on", "id")
        .values_list("pk", flat=True)
    )
    applied = 0
    for pk in due:
        with transaction.atomic():
            change = (
                CapacityChange.objects.select_for_update()
                .select_related("location")
                .filter(pk=pk, applied_at__isnull=True, cancelled_at__isnull=True)
                .first()
            )
            if change is not None and _apply_change(change=change, by=None):
                applied += 1
    return applied


# --- intensity bands, tariffs and contracted capacity --------------------------------------

YEAR_MIN, YEAR_MAX = 2000, 2100


def _year_errors(value: object) -> list[str]:
    if not _is_int(value) or not YEAR_MIN <= value <= YEAR_MAX:
        message = _("Vul een jaar tussen %(min)d en %(max)d in.")
        return [message % {"min": YEAR_MIN, "max": YEAR_MAX}]
    return []


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _band_follows_profile(location: Location) -> None:
    """A band set in the profile (or the admin's location form) is the band of this year."""
    year = timezone.localdate().year
    if location.intensity:
        LocationBand.objects.update_or_create(
            location=location, year=year, defaults={"band": location.intensity}
        )
    else:
        LocationBand.objects.filter(location=location, year=year).delete()


def intensity_tariff_check(
    *,
    year: object,
    band: object,
    hours_min: object,
    hours_max: object,
    tariff_per_day: object,
    tariff: IntensityTariff | None = None,
) -> tuple[int, str, Decimal, Decimal, Decimal]:
    """The values of one tariff row, checked all at once: a ValidationFailed names each bad
    field (a negative tariff, hours out of order, a band the year already has)."""
    errors: dict[str, list[str]] = defaultdict(list)
    errors["year"] += _year_errors(year)
    if band not in Intensity.values:
        errors["band"].append(_("Onbekende intensiteitsklasse: %(code)s.") % {"code": band})
    low, high, per_day = _decimal(hours_min), _decimal(hours_max), _decimal(tariff_per_day)
    if low is None or not Decimal(0) <= low <= Decimal(24):
        errors["hours_min"].append(_("Vul een aantal uren tussen 0 en 24 in."))
    if high is None or not Decimal(0) <= high <= Decimal(24):
        errors["hours_max"].append(_("Vul een aantal uren tussen 0 en 24 in."))
    elif low is not None and low > high:
        errors["hours_max"].append(_("De uren tot mogen niet lager zijn dan de uren vanaf."))
    if per_day is None:
        errors["tariff_per_day"].append(_("Vul een bedrag in euro's in, bijvoorbeeld 582.27."))
    elif per_day < 0:
        errors["tariff_per_day"].append(_("Een tarief kan niet negatief zijn."))
    elif per_day >= Decimal("10000000") or per_day != per_day.quantize(Decimal("0.01")):
        errors["tariff_per_day"].append(_("Vul een bedrag met hoogstens twee decimalen in."))
    errors = {field: messages for field, messages in errors.items() if messages}
    if not errors:
        duplicate = IntensityTariff.objects.filter(year=year, band=band)  # type: ignore[misc]
        if tariff is not None:
            duplicate = duplicate.exclude(pk=tariff.pk)
        if duplicate.exists():
            errors["band"] = [_("Voor dit jaar is er al een tarief voor deze klasse.")]
    if errors:
        raise ValidationFailed(errors)
    assert low is not None and high is not None and per_day is not None
    return int(year), str(band), low, high, per_day  # type: ignore[call-overload]


@transaction.atomic
def intensity_tariff_save(
    *,
    by: User,
    year: object,
    band: object,
    hours_min: object,
    hours_max: object,
    tariff_per_day: object,
    tariff: IntensityTariff | None = None,
) -> IntensityTariff:
    """Add or change one row of the tariff table (the administrator only); nothing is saved
    when a value is bad."""
    if not (by.is_active and by.is_functional_admin):
        raise NotFound
    checked = intensity_tariff_check(
        year=year,
        band=band,
        hours_min=hours_min,
        hours_max=hours_max,
        tariff_per_day=tariff_per_day,
        tariff=tariff,
    )
    row = tariff or IntensityTariff()
    row.year, row.band, row.hours_min, row.hours_max, row.tariff_per_day = checked
    row.save()
    return row


def may_set_band(*, location: Location, user: User) -> bool:
    """The region sets the band: a coordinator of one of the location's regions, the admin."""
    if not user.is_active:
        return False
    if user.is_functional_admin:
        return True
    if user.is_coordinator and user.organisation_id is not None:
        return location.regions.filter(organisations=user.organisation_id).exists()
    return False


@transaction.atomic
def location_band_set(*, location: Location, year: object, band: object, by: User) -> Location:
    """Set (or with band "" remove) the location's band for a year. The band of the current
    year is also the location's `intensity`, which matching reads."""
    if not may_set_band(location=location, user=by):
        raise NotFound
    errors: dict[str, list[str]] = defaultdict(list)
    errors["year"] += _year_errors(year)
    if band not in ("", *Intensity.values):
        errors["band"].append(_("Onbekende intensiteitsklasse: %(code)s.") % {"code": band})
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(year, int)
    locked = _lock(location)
    if band:
        LocationBand.objects.update_or_create(location=locked, year=year, defaults={"band": band})
    else:
        LocationBand.objects.filter(location=locked, year=year).delete()
    if year == timezone.localdate().year and locked.intensity != band:
        locked.intensity = str(band)
        locked.save(update_fields=["intensity"])
    location.intensity = locked.intensity
    return locked


def location_bands_follow_year(*, today: date | None = None) -> int:
    """Daily (and at the turn of the year): each location's `intensity` becomes its band of
    the current year, where one is set; locations without a band for the year keep theirs.
    Returns the number of locations changed."""
    year = (today or timezone.localdate()).year
    with connections[Location.objects.db].cursor() as cursor:
        cursor.execute(
            "UPDATE capacity_location l SET intensity = b.band FROM capacity_locationband b "
            "WHERE b.location_id = l.id AND b.year = %s AND l.intensity <> b.band",
            [year],
        )
        return int(cursor.rowcount)


@transaction.atomic
def contracted_capacity_save(
    *, by: User, provider: object, care_form: object, year: object, places: object
) -> ContractedCapacity:
    """Record (or change) the places contracted with a provider for a care form and year."""
    errors: dict[str, list[str]] = defaultdict(list)
    provider_id = provider.pk if isinstance(provider, Organisation) else provider
    scoped = providers_for_contracts(user=by)
    if not scoped.exists():
        raise NotFound
    if not _is_int(provider_id) or not scoped.filter(pk=provider_id).exists():
        errors["provider"].append(_("Kies een zorgaanbieder uit uw regio."))
    if care_form not in CareForm.values:
        errors["care_form"].append(_("Onbekende zorgvorm: %(code)s.") % {"code": care_form})
    errors["year"] += _year_errors(year)
    if not _is_int(places) or places < 0:
        errors["places"].append(_("Vul een aantal plaatsen van 0 of meer in."))
    elif places > 100000:
        errors["places"].append(_("Vul hoogstens 100.000 plaatsen in."))
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationFailed(errors)
    row, _created = ContractedCapacity.objects.update_or_create(
        provider_id=provider_id,
        care_form=care_form,
        year=year,
        defaults={"places": places, "updated_by": by, "updated_at": timezone.now()},
    )
    return row


@transaction.atomic
def contracted_capacity_delete(*, contract: ContractedCapacity, by: User) -> None:
    if not providers_for_contracts(user=by).filter(pk=contract.provider_id).exists():
        raise NotFound
    ContractedCapacity.objects.filter(pk=contract.pk).delete()
