"""The application's own database role cannot wipe the audit trail (issue 24).

Connects to the test database as the application role itself (rop_app: the site's
DATABASE_URL in production), and tries every way of removing or changing entries.
"""

from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from accounts.models import AuditEntry
from accounts.services import audit_record
from config.settings.base import owner_command
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role() -> Iterator[psycopg.Connection]:
    """A connection of its own as the application role, autocommit: each attempt alone."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["user"] = getattr(settings, "TEST_APP_ROLE", "")
    params.pop("password", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE accounts_auditentry",
        "TRUNCATE accounts_auditentry CASCADE",
        "ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_no_update_delete",
        "ALTER TABLE accounts_auditentry DISABLE TRIGGER ALL",
        "DROP TRIGGER accounts_auditentry_no_update_delete ON accounts_auditentry",
        "DROP FUNCTION accounts_auditentry_append_only() CASCADE",
        "DROP TABLE accounts_auditentry CASCADE",
        "ALTER TABLE accounts_auditentry RENAME TO gone",
        "UPDATE accounts_auditentry SET action = 'tampered'",
        "DELETE FROM accounts_auditentry",
        "GRANT DELETE ON accounts_auditentry TO rop_app; DELETE FROM accounts_auditentry",
        "ALTER TABLE accounts_auditentry OWNER TO rop_app",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_cannot_wipe_or_change_the_trail(
    cast: Cast, app_role: psycopg.Connection, statement: str
) -> None:
    entry = audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_role.execute(statement)
    stored = AuditEntry.objects.get()
    assert (stored.pk, stored.action, stored.hash) == (entry.pk, "identity.read", entry.hash)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'accounts_auditentry_no_update_delete'"
        )
        assert cursor.fetchone() == ("O",)


def test_the_app_role_reads_and_adds_to_the_trail(cast: Cast, app_role: psycopg.Connection) -> None:
    audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    assert app_role.execute("SELECT count(*) FROM accounts_auditentry").fetchone() == (1,)
    role = app_role.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    assert role == (False, False, False, False)
    owned = app_role.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user)"
    ).fetchone()
    assert owned == (0,)


def test_the_tests_query_as_the_app_role(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (getattr(settings, "TEST_APP_ROLE", ""),)


def test_the_app_role_may_change_other_tables(cast: Cast) -> None:
    """Only the trail is read-and-add: the site still updates and deletes elsewhere."""
    cast.referrer.first_name = "Ander"
    cast.referrer.save()
    cast.referrer.notifications.all().delete()


@pytest.mark.parametrize(
    ("argv", "owner"),
    [
        (["manage.py", "migrate", "--noinput"], True),
        (["/app/manage.py", "flush"], True),
        (["manage.py", "runserver"], False),
        (["manage.py", "verify_audit_chain"], False),
        (["gunicorn", "migrate"], False),
        (["celery", "-A", "config", "worker"], False),
    ],
)
def test_only_schema_commands_connect_as_the_owner(argv: list[str], owner: bool) -> None:
    assert owner_command(argv) is owner
