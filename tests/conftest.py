"""Fixtures shared by every test: one region with a user of every role, and API clients."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.backends.base.base import NO_DB_ALIAS, BaseDatabaseWrapper
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.backends.signals import connection_created
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Municipality, Organisation, Region, Role, User
from tests.factories import MunicipalityFactory, OrganisationFactory, RegionFactory, UserFactory


@dataclass
class Cast:
    """The people of one test region: every role, and a second organisation where it matters."""

    region: Region
    other_region: Region
    municipality: Municipality
    coordination_point: Organisation
    referrer_org: Organisation
    referrer2_org: Organisation
    provider_a_org: Organisation
    provider_b_org: Organisation
    coordinator: User
    referrer: User
    referrer_colleague: User
    referrer2: User
    provider_a: User
    provider_b: User
    analyst: User
    admin: User

    def all_users(self) -> dict[str, User]:
        return {
            "coordinator": self.coordinator,
            "referrer": self.referrer,
            "referrer2": self.referrer2,
            "provider_a": self.provider_a,
            "provider_b": self.provider_b,
            "analyst": self.analyst,
            "admin": self.admin,
        }


def local_midday_days_ago(days: int) -> datetime:
    """Noon of the local day `days` days before today: a moment whose day count does not
    depend on the time of day the test runs (a change of summer time in between, or a run
    just before midnight, moves `now - timedelta(days=…)` to another local day)."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def cast(db: None) -> Cast:
    region = RegionFactory(code="JR-EEM", name="Eemland")
    other_region = RegionFactory(code="JR-FLE", name="Flevoland")
    municipality = MunicipalityFactory(
        code="GM0307", name="Amersfoort", region=region, latitude=52.156, longitude=5.387
    )
    MunicipalityFactory(
        code="GM0995", name="Lelystad", region=other_region, latitude=52.518, longitude=5.471
    )

    def org(name: str, kind: str, regions: list[Region]) -> Organisation:
        return OrganisationFactory(name=name, kind=kind, municipality=municipality, regions=regions)

    coordination_point = org("Coördinatiepunt", Organisation.Kind.COORDINATION_POINT, [region])
    referrer_org = org("Wijkteam Noord", Organisation.Kind.REFERRER, [region])
    referrer2_org = org("GI Elders", Organisation.Kind.REFERRER, [other_region])
    provider_a_org = org("Aanbieder A", Organisation.Kind.PROVIDER, [region])
    provider_b_org = org("Aanbieder B", Organisation.Kind.PROVIDER, [region])
    region_office = org("Regiobureau", Organisation.Kind.REGION_OFFICE, [region])

    def user(username: str, role: str, organisation: Organisation) -> User:
        return UserFactory(username=username, role=role, organisation=organisation)

    return Cast(
        region=region,
        other_region=other_region,
        municipality=municipality,
        coordination_point=coordination_point,
        referrer_org=referrer_org,
        referrer2_org=referrer2_org,
        provider_a_org=provider_a_org,
        provider_b_org=provider_b_org,
        coordinator=user("coordinator", Role.COORDINATOR, coordination_point),
        referrer=user("referrer", Role.REFERRER, referrer_org),
        referrer_colleague=user("referrer_colleague", Role.REFERRER, referrer_org),
        referrer2=user("referrer2", Role.REFERRER, referrer2_org),
        provider_a=user("provider_a", Role.PROVIDER, provider_a_org),
        provider_b=user("provider_b", Role.PROVIDER, provider_b_org),
        analyst=user("analyst", Role.ANALYST, region_office),
        admin=user("admin", Role.ADMIN, coordination_point),
    )


@pytest.fixture
def api_client_for() -> Callable[[User | None], APIClient]:
    """An API client authenticated as the given user (None: anonymous)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def as_table_owner(db: None) -> Iterator[None]:
    """The test's connection as the owner of the tables, as `migrate` runs: for the tests
    that migrate backwards and forwards (the application role may not alter tables)."""
    role = getattr(settings, "TEST_APP_ROLE", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role or ""])
        exists = cursor.fetchone() is not None
        cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if exists:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database is created and migrated by the owner of the tables; every test
    then queries as the application role (settings.TEST_APP_ROLE, `rop_app`), as the site
    does: `SET ROLE` on each new connection. Emptying the tables between transactional
    tests (flush: TRUNCATE, the audit trail too) stays with the owner."""
    role = getattr(settings, "TEST_APP_ROLE", "")
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role or ""])
        exists = cursor.fetchone() is not None
    if not exists:
        yield
        return
    quoted = connection.ops.quote_name(role)

    def as_app_role(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        if connection.alias != NO_DB_ALIAS:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {quoted}")

    flush = DatabaseOperations.execute_sql_flush

    def flush_as_owner(self: DatabaseOperations, sql_list: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        try:
            flush(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {quoted}")

    connection_created.connect(as_app_role, dispatch_uid="tests-app-role")
    DatabaseOperations.execute_sql_flush = flush_as_owner  # type: ignore[method-assign, assignment]
    connections.close_all()
    try:
        yield
    finally:
        connection_created.disconnect(dispatch_uid="tests-app-role")
        DatabaseOperations.execute_sql_flush = flush  # type: ignore[method-assign]
        connections.close_all()


@pytest.fixture(autouse=True)
def celery_join_flag() -> Iterator[None]:
    """Eager jobs run in several threads at once (threaded race tests, the live server of
    the browser tests) can leave Celery's process-wide "inside a task" flag set, because
    Task.apply saves and restores it without a lock. Every test starts outside a task, or
    its eager `.apply_async()` fails as if it were called from inside one."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    _set_task_join_will_block(False)
