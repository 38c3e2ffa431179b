"""Every page of every role in the browser (issue 19, point 6): at 1366 and at 390 px, no
sideways scrolling at 390 px, zero serious or critical axe-core violations, a screenshot each.

The pages come from the URLconf, so a new page cannot be forgotten: a route whose ids no
fixture below can fill fails the test (unless it is in the commented SKIPPED list). Which
routes a role may open is not listed here: a quick test-client GET per role tells (200 HTML
page: browsed and checked; 302/403/404: recorded; 405: a POST-only route, left out).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page

from accounts.models import Notification, Role, User
from accounts.tokens import api_token_create
from agenda.services import calendar_feed_create
from analyses.models import KpiTarget
from capacity.models import Location
from capacity.services import capacity_change_announce
from documents.models import Document
from placement import services as placement_services
from referrals import services as referral_services
from referrals.models import Referral
from referrals.views import STEP_NAMES
from tests.browser.axe import AXE_JS, BLOCKING, axe_violations, format_violations
from tests.browser.conftest import screenshot
from tests.conftest import Cast
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE, PHONE = 1366, 390
# Not pages of the site: the API (its own tests and schema), Django's admin (checked below
# on its index and one changelist only), health and the session pings of session.js.
SKIPPED_PREFIXES = ("api/", "admin/", "healthz", "sessie/")
# Routes not browsed, each with its reason; every other route must be filled by urls_of.
# (None yet: POST-only routes are filled too and drop out by their 405.)
SKIPPED: dict[str, str] = {}
# GET pages no role is shown here (each answers every role with a redirect), with the reason.
NOT_BROWSED = {
    "login": "a signed-in user is sent on; checked signed out, first",
    "two-factor": "the code step shows only while a second factor is pending (REQUIRE_2FA on)",
}
ADMIN_PAGES = (("admin-index", "/admin/"), ("admin-referrals", "/admin/referrals/referral/"))
ROLES = ("coordinator", "referrer", "provider_a", "analyst", "privacy", "admin")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    converters: tuple[str, ...]  # the names of its url arguments


def page_routes() -> list[Route]:
    """Every named route of the URLconf outside SKIPPED_PREFIXES."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                names = tuple(getattr(entry.pattern, "converters", {}).keys())
                found.append(Route(f"{namespace}{entry.name}", names))

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclass
class World:
    """The objects every page with an id is shown for."""

    cast: Cast
    users: dict[str, User]
    matching: Referral  # in matching, with an open offer to provider A
    draft: Referral  # the referrer's draft, for the steps of the guided form
    closed: Referral  # closed: the reopen page
    submitted: Referral  # submitted, no offer: the close page
    open_offer: Any
    accepted_offer: Any  # accepted, not placed yet: place and cancel-acceptance
    planned: Any  # a planned placement: its page and the cancel page
    location: Location
    tokens: dict[str, int]  # an API key of each user, for its revoke page
    notification: int  # one the offers above sent
    change: int  # an announced change of provider A's places
    document: int  # a document of `matching`, shareable with provider A
    expert_table: int  # an expert table of `matching`
    outside: Referral  # closed as placed outside coordination
    feeds: dict[str, str]  # each user's calendar feed secret
    kpi_target: int  # a KPI target of the coordinator's region


@pytest.fixture
def world(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
) -> World:
    coordinator = cast.coordinator
    privacy: User = UserFactory(  # type: ignore[assignment]
        username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
    )
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save(update_fields=["is_staff", "is_superuser"])
    users: dict[str, User] = {**cast.all_users(), "privacy": privacy}

    matching = make_referral()
    open_offer = placement_services.offer_send(
        referral=matching, location=location_a, by=coordinator
    )
    accepted_referral = make_referral()
    accepted_offer = placement_services.offer_send(
        referral=accepted_referral, location=location_a, by=coordinator
    )
    placement_services.offer_accept(offer=accepted_offer, by=cast.provider_a)
    planned_referral = make_referral()
    planned_offer = placement_services.offer_send(
        referral=planned_referral, location=location_a, by=coordinator
    )
    placement_services.offer_accept(offer=planned_offer, by=cast.provider_a)
    planned = placement_services.placement_record(
        offer=planned_offer,
        by=coordinator,
        start_date=timezone.localdate() + timedelta(days=7),
        intake_contact="Mevrouw J. de Vries, 033 123 45 67",
    )
    closed = make_referral()
    referral_services.referral_close(referral=closed, by=coordinator, outcome="resolved_at_home")
    draft = make_referral(status=Referral.Status.DRAFT)
    submitted = make_referral(status=Referral.Status.SUBMITTED)
    tokens = {
        role: api_token_create(user=user, name=f"Koppeling {role}")[0].pk
        for role, user in users.items()
        if role in ROLES
    }
    change = capacity_change_announce(
        location=location_a,
        by=cast.provider_a,
        kind="resize",
        effective_on=timezone.localdate() + timedelta(days=14),
        reason="staffing",
        new_total=4,
    )
    uploader = Client()
    uploader.force_login(coordinator)
    uploaded = uploader.post(
        f"/documenten/verzoek/{matching.pk}/",
        {"kind": "va", "file": SimpleUploadedFile("va.pdf", PDF_BYTES, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[:500]
    document = Document.objects.get(referral=matching)
    document.shareable_anonymised = True
    document.save(update_fields=["shareable_anonymised"])
    expert_table = referral_services.expert_table_convene(
        referral=matching,
        by=coordinator,
        data={
            "convened_on": timezone.localdate(),
            "disciplines": ["youth_psychiatry", "municipality"],
            "question": "Past een behandelgroep, of is eerst diagnostiek nodig?",
        },
    )
    outside = make_referral()
    referral_services.referral_close(
        referral=outside,
        by=coordinator,
        outcome="placed_outside_coordination",
        outside_placement={
            "provider_name": "Zorgboerderij De Horst",
            "arrangement": "maatwerk",
            "cost_per_day": Decimal("685.50"),
            "start_date": timezone.localdate() - timedelta(days=2),
            "reason": "no_fitting_place",
        },
    )
    feeds = {
        role: calendar_feed_create(user=user)[1]
        for role, user in users.items()
        if role in ("coordinator", "referrer", "provider_a")
    }
    kpi_target = KpiTarget.objects.create(
        region=cast.region, code="occupancy", year=timezone.localdate().year, target=90
    )
    for offer in (open_offer, accepted_offer):
        offer.refresh_from_db()
    return World(
        cast=cast,
        users=users,
        matching=matching,
        draft=draft,
        closed=closed,
        submitted=submitted,
        open_offer=open_offer,
        accepted_offer=accepted_offer,
        planned=planned,
        location=location_a,
        tokens=tokens,
        notification=Notification.objects.values_list("pk", flat=True)[0],
        change=change.pk,
        document=document.pk,
        expert_table=expert_table.pk,
        outside=outside,
        feeds=feeds,
        kpi_target=kpi_target.pk,
    )


def urls_of(route: Route, world: World, role: str) -> list[tuple[str, str]]:
    """(label, url) of each page the route is shown for; [] when no fixture fills it."""

    def one(**kwargs: Any) -> list[tuple[str, str]]:
        return [(route.name.replace(":", "-"), reverse(route.name, kwargs=kwargs))]

    by_route: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "referrals:edit": lambda: [
            (f"referrals-edit-{step}", reverse(route.name, args=[world.draft.pk, step]))
            for step in STEP_NAMES
        ],
        "referrals:reopen": lambda: one(pk=world.closed.pk),
        "referrals:close": lambda: one(pk=world.submitted.pk),
        "placement:offer-cancel-acceptance": lambda: one(offer_id=world.accepted_offer.pk),
        "placement:placement-record": lambda: one(offer_id=world.accepted_offer.pk),
        "referrals:action": lambda: one(pk=world.matching.pk, action="close"),
        "analyses:export": lambda: one(table="kpis"),
        "referrals:expert-table-edit": lambda: one(
            pk=world.matching.pk, table_id=world.expert_table
        ),
        "referrals:outside-placement-edit": lambda: one(pk=world.outside.pk),
        "documents:download": lambda: one(pk=world.document),
        "documents:share": lambda: one(pk=world.document),
        "documents:remove": lambda: one(pk=world.document),
        "agenda:feed": lambda: one(token=world.feeds[role]) if role in world.feeds else [],
        "analyses:waiting-export": lambda: one(table="steps"),
        "analyses:data-quality-list": lambda: one(check="closed_without_outcome"),
        "analyses:kpi-target-remove": lambda: one(target_id=world.kpi_target),
        "analyses:evaluation-export": lambda: one(fmt="csv"),
    }
    if route.name in by_route:
        return by_route[route.name]()
    by_argument: dict[str, Any] = {
        "pk": world.matching.pk,
        "referral_id": world.matching.pk,
        "offer_id": world.open_offer.pk,
        "placement_id": world.planned.pk,
        "location_id": world.location.pk,
        "token_id": world.tokens[role],
        "notification_id": world.notification,
        "change_id": world.change,
    }
    if all(name in by_argument for name in route.converters):
        return one(**{name: by_argument[name] for name in route.converters})
    return []


@dataclass
class Outcome:
    checked: list[str]
    answers: list[str]  # "<role> <url>: <status>" of every page not browsed
    problems: list[str]
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per step


def session_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[[int], Page]]:
    """One browser context per role and width (locale nl-NL: Dutch date inputs)."""
    opened: list[Any] = []

    def make(width: int) -> Page:
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
        # axe-core present on every page from the start: no 0.5 MB evaluate per page (like
        # axe.py's evaluate, an init script is not governed by the page's CSP).
        context.add_init_script(path=str(AXE_JS))
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in opened:
        context.close()


def check_page(page: Page, url: str, shot: str, width: int, outcome: Outcome) -> None:
    started = time.monotonic()
    page.goto(url)  # waits for "load"
    loaded = time.monotonic()
    if width == PHONE:
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            outcome.problems.append(f"{url} at {width} px: {scroll} px wide, sideways scroll")
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
    if blocking:
        outcome.problems.append(f"at {width} px: " + format_violations(page.url, blocking))
    checked = time.monotonic()
    screenshot(page, f"{shot}-{width}")
    for step, seconds in (
        ("load", loaded - started),
        ("axe", checked - loaded),
        ("screenshot", time.monotonic() - checked),
    ):
        outcome.seconds[step] = outcome.seconds.get(step, 0.0) + seconds
    outcome.checked.append(f"{shot}-{width}")


def test_every_page_of_every_role(
    browser: Browser, live_server: Any, world: World, contexts: Callable[[int], Page]
) -> None:
    routes = page_routes()
    assert len(routes) > 20, routes  # the walk found the URLconf
    unfilled = [
        r.name for r in routes if r.name not in SKIPPED and not urls_of(r, world, "coordinator")
    ]
    assert not unfilled, (
        f"routes no fixture of {__name__} fills: {unfilled}; add their ids to urls_of "
        "(or, with a reason, to SKIPPED)"
    )
    outcome = Outcome([], [], [])
    browsed: set[str] = set()  # routes some role was shown as a page
    offered: set[str] = set()  # routes answering a GET with anything but 405
    base = live_server.url

    anonymous = contexts(PHONE)
    for width in (WIDE, PHONE):
        anonymous.set_viewport_size({"width": width, "height": 900})
        check_page(anonymous, base + reverse("login"), "every-anonymous-login", width, outcome)

    for role in ROLES:
        user = world.users[role]
        client = session_client(user)
        pages: list[tuple[str, str]] = []  # (label, url) of the role's HTML pages
        error_page = ""
        for route in routes:
            if route.name in SKIPPED:
                continue
            for label, url in urls_of(route, world, role):
                answer = client.get(url)
                kind = answer.get("Content-Type", "")
                if answer.status_code == 200 and kind.startswith("text/html"):
                    if b"<html" in answer.content[:500].lower():
                        pages.append((label, url))
                        browsed.add(route.name)
                        continue
                    kind = "a fragment htmx swaps into its page"  # checked there
                if answer.status_code == 200:
                    browsed.add(route.name)  # a CSV download or a fragment: not a page
                elif answer.status_code != 405:
                    offered.add(route.name)
                outcome.answers.append(f"{role} {url}: {answer.status_code} {kind}")
                if answer.status_code in (403, 404) and not error_page:
                    error_page = url
        if role == "admin":
            pages += list(ADMIN_PAGES)
        if error_page:
            pages.append(("error-page", error_page))
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        for width in (WIDE, PHONE):
            page = contexts(width)
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}]
            )
            for label, url in pages:
                check_page(page, base + url, f"every-{role}-{label}", width, outcome)

    print("\n".join(["not browsed (role, url, answer):", *outcome.answers]))
    print(f"{len(outcome.checked)} pages checked; seconds per step: {outcome.seconds}")
    # A GET page that no role gets to see is a page nobody checked: fill its ids differently.
    unseen = sorted(offered - browsed - set(NOT_BROWSED))
    assert not unseen, f"GET pages no role was shown (so not checked): {unseen}"
    assert not outcome.problems, "\n\n".join(outcome.problems)
