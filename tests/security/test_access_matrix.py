"""Object-level access matrix, generated from the URL configuration.

Every route of the project (API and pages) × every method it may take × every role ×
objects inside and outside the role's scope. A cell either is on the allow-list below, or
must be refused: API 401/404 (405 for a method the route lacks), pages 302-to-sign-in/404/405.
A 400 or 409 is not a refusal: outside scope the answer is 404 before any validation. Each
probe runs in a savepoint that is rolled back, so every cell sees the same data.
List answers are checked for foreign ids. The count of probes is printed by `make test`.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, Organisation, Role, User
from accounts.tokens import api_token_create
from capacity.models import Location
from placement import services as placement_services
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory, UserFactory
from tests.placement.conftest import location_a, location_b, make_referral  # noqa: F401
from tests.security.conftest import report

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "referrer",
    "referrer2",
    "coordinator",
    "coordinator_other",
    "provider_a",
    "provider_b",
    "analyst",
    "admin",
    "privacy",
]
API_REFUSED = {401, 404, 405}
PAGE_REFUSED = {404, 405}
SKIP_PREFIXES = ("admin/", "static/")  # Django's own admin: its own permission system


@dataclass
class Route:
    pattern: str  # e.g. "api/v1/referrals/<int:pk>/submit/"
    name: str
    callback: Any

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def id_params(self) -> list[str]:
        return re.findall(r"<int:(\w+)>", self.pattern)


def walk(patterns: list[Any], prefix: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), entry.name or "", entry.callback)


def all_routes() -> list[Route]:
    return [r for r in walk(get_resolver().url_patterns) if not r.pattern.startswith(SKIP_PREFIXES)]


def methods_of(route: Route) -> list[str]:
    view_class = getattr(route.callback, "cls", None) or getattr(route.callback, "view_class", None)
    if view_class is not None:
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
    return ["get", "post"]


# Which object an id in a route stands for, by the words around it.
KIND_BY_WORD = [
    ("audit/verzoek", "referral"),
    ("referrals", "referral"),
    ("verzoeken", "referral"),
    ("offers", "offer"),
    ("voorstellen", "offer"),
    ("placements", "placement"),
    ("plaatsingen", "placement"),
    ("locations", "location"),
    ("locaties", "location"),
    ("meldingen", "notification"),
    ("tokens", "token"),
    ("api-sleutels", "token"),
]


def kind_of(route: Route) -> str:
    before_id = route.pattern.split("<int:")[0]
    for word, kind in KIND_BY_WORD:
        if word in before_id:
            return kind
    return "unknown"


def fill(route: Route, object_id: int) -> str:
    path = re.sub(r"<int:\w+>", str(object_id), route.pattern)
    path = path.replace("<str:step>", "youth").replace("<str:action>", "close")
    return "/" + path


@pytest.fixture
def world(
    cast: Cast,
    make_referral: Callable[..., Referral],  # noqa: F811
    location_a: Location,  # noqa: F811
    location_b: Location,  # noqa: F811
) -> dict[str, Any]:
    other_point = Organisation.objects.create(
        name="Coördinatiepunt Flevoland", kind=Organisation.Kind.COORDINATION_POINT
    )
    other_point.regions.set([cast.other_region])
    users: dict[str, User | None] = {
        "anonymous": None,
        **cast.all_users(),
        "coordinator_other": UserFactory(
            username="coordinator_other", role=Role.COORDINATOR, organisation=other_point
        ),
        "privacy": UserFactory(
            username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
        ),
    }
    lelystad = cast.other_region.municipalities.get()
    LocationFactory(
        provider=cast.provider_b_org, municipality=lelystad, regions=[cast.other_region]
    )
    referral_in = make_referral()  # referrer's organisation, youth in the coordinator's region
    referral_out = make_referral(referrer=cast.referrer2, municipality=lelystad)
    offer_a = placement_services.offer_send(
        referral=referral_in, location=location_a, by=cast.coordinator
    )
    placed = make_referral()
    placed_offer = placement_services.offer_send(
        referral=placed, location=location_a, by=cast.coordinator
    )
    placement_services.offer_accept(offer=placed_offer, by=cast.provider_a)
    placement_a = placement_services.placement_record(
        offer=placed_offer, by=cast.coordinator, start_date=timezone.localdate() + timedelta(1)
    )
    notification = Notification.objects.create(
        recipient=cast.referrer, kind="test", message="Er is een vraag.", link="/"
    )
    token, _key = api_token_create(user=cast.referrer, name="matrix")
    # (kind, label) -> (object id, roles whose scope holds it)
    objects = {
        ("referral", "in"): (referral_in.pk, {"referrer", "coordinator"}),
        ("referral", "out"): (referral_out.pk, {"referrer2", "coordinator_other"}),
        ("offer", "a"): (offer_a.pk, {"provider_a", "coordinator"}),
        ("placement", "a"): (placement_a.pk, {"provider_a", "coordinator"}),
        ("location", "a"): (location_a.pk, {"provider_a", "coordinator", "coordinator_other"}),
        ("location", "b"): (location_b.pk, {"provider_b", "coordinator", "coordinator_other"}),
        ("notification", "referrer"): (notification.pk, {"referrer"}),
        ("token", "referrer"): (token.pk, {"referrer"}),
        ("unknown", "none"): (987654, set()),
    }
    return {"users": users, "objects": objects, "cast": cast}


# Answered alike for every id, own or not: the service only touches the caller's own rows
# (`recipient=user`), so nothing changes and existence is not revealed. Reviewed, allowed.
NO_OP_FOR_OTHERS = {"notification-read"}
# Reached by a provider through its open offer on the referral (offer_a, referral "in"):
# the documents the coordinator marked shareable and the anonymised print (issue 20).
THROUGH_OFFER = {"api-referral-documents", "print-anonymised"}
# The functional administrator keeps every location's intensity band per year (issue 22.4).
ADMIN_KEEPS = {"api-location-bands"}


def route_roles(route: Route) -> set[str] | None:
    """Routes whose own role rule narrows the object scope (None: the object scope decides)."""
    if "audit" in route.pattern:
        return {"privacy"} if route.pattern.endswith("csv/") else {"admin", "privacy"}
    return None


def audit_scope(route: Route, label: str) -> bool:
    # The audit trail of any existing referral, for the roles that read trails.
    return "audit" in route.pattern and label in ("in", "out")


def client_for(user: User | None, api: bool) -> Any:
    client: Any = APIClient() if api else Client()
    if user is not None:
        if api:
            client.force_authenticate(user=user)
        else:
            client.force_login(user)
    return client


def refused(route: Route, status: int, location: str) -> bool:
    if route.is_api:
        return status in API_REFUSED
    return status in PAGE_REFUSED or (status == 302 and location.startswith("/accounts/login/"))


def probe(client: Any, method: str, path: str, api: bool) -> tuple[int, str]:
    with transaction.atomic():
        kwargs: dict[str, Any] = {"format": "json"} if api and method != "get" else {}
        response = getattr(client, method)(path, {}, **kwargs)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


def test_object_level_access_matrix(world: dict[str, Any]) -> None:
    probes = 0
    # Allowed cells that did succeed: the matrix is not passing by refusing everyone. Many
    # allowed cells still answer 4xx (an empty body, a GET on a POST-only action, an action
    # of another role on an object in scope): those are refusals too, never leaks.
    granted = 0
    granted_kinds: set[str] = set()
    leaks: list[str] = []
    for route in all_routes():
        if not route.id_params:
            continue
        kind = kind_of(route)
        for (obj_kind, label), (object_id, in_scope) in world["objects"].items():
            if obj_kind != kind:
                continue
            path = fill(route, object_id)
            for role in ROLES:
                narrowed = route_roles(route)
                if narrowed is not None:
                    allowed = role in narrowed and audit_scope(route, label)
                elif route.name in NO_OP_FOR_OTHERS:
                    allowed = role != "anonymous"
                else:
                    allowed = (
                        role in in_scope
                        or (route.name in THROUGH_OFFER and label == "in" and role == "provider_a")
                        or (route.name in ADMIN_KEEPS and role == "admin")
                    )
                client = client_for(world["users"][role], route.is_api)
                for method in methods_of(route):
                    status, location = probe(client, method, path, route.is_api)
                    probes += 1
                    assert status < 500, f"{method.upper()} {path} as {role}: {status}"
                    if not allowed and not refused(route, status, location):
                        leaks.append(
                            f"{method.upper()} {path} ({kind} {label}) as {role}: {status}"
                        )
                    if allowed and status < 400 and not refused(route, status, location):
                        granted += 1
                        granted_kinds.add(obj_kind)
    report("access matrix", probes=probes, **{"refused cells allowed": len(leaks)})
    assert granted >= 30, granted
    assert granted_kinds == {kind for kind, _ in world["objects"]} - {"unknown"}, granted_kinds
    assert not leaks, "\n".join(leaks)


PUBLIC = {"login", "api-token", "healthz", "two-factor", "logout", "api-schema", "api-docs"}
# The page script's question how long the session runs: anonymous gets {"seconds_left": 0}.
PUBLIC |= {"session-status"}


def test_role_matrix_of_routes_without_an_object(world: dict[str, Any]) -> None:
    """Routes without an id: anonymous is refused everywhere but the public routes; no 5xx."""
    probes = 0
    leaks: list[str] = []
    for route in all_routes():
        if route.id_params or "<" in route.pattern:
            continue
        path = "/" + route.pattern
        for role in ROLES:
            client = client_for(world["users"][role], route.is_api)
            for method in methods_of(route):
                status, location = probe(client, method, path, route.is_api)
                probes += 1
                assert status < 500, f"{method.upper()} {path} as {role}: {status}"
                public = route.name in PUBLIC
                if role == "anonymous" and not public and not refused(route, status, location):
                    leaks.append(f"{method.upper()} {path} as anonymous: {status}")
    report("role matrix", probes=probes, **{"refused cells allowed": len(leaks)})
    assert not leaks, "\n".join(leaks)


LISTS = {
    "/api/v1/referrals/": "referral",
    "/api/v1/offers/": "offer",
    "/api/v1/placements/": "placement",
    "/api/v1/locations/": "location",
}


def test_list_answers_hold_no_foreign_ids(world: dict[str, Any]) -> None:
    checked = 0
    leaks: list[str] = []
    for path, kind in LISTS.items():
        for role in ROLES[1:]:
            response = client_for(world["users"][role], api=True).get(path)
            if response.status_code != 200:
                continue
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            ids = {row["id"] for row in rows}
            checked += 1
            for (obj_kind, label), (object_id, in_scope) in world["objects"].items():
                if obj_kind == kind and role not in in_scope and object_id in ids:
                    leaks.append(f"GET {path} as {role} lists {kind} {label}")
    report("list answers", checked=checked, **{"foreign ids": len(leaks)})
    assert checked >= 6
    assert not leaks, "\n".join(leaks)
