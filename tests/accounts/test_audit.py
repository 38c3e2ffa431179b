"""The audit trail is append-only, in Python and in the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import AuditEntry
from accounts.services import audit_record
from tests.conftest import Cast


def test_it_records_who_role_organisation_and_outcome(cast: Cast) -> None:
    entry = audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    entry.refresh_from_db()
    assert (entry.username, entry.role, entry.organisation) == (
        "referrer",
        "referrer",
        "Wijkteam Noord",
    )
    assert entry.referral_id == 7
    assert entry.outcome == AuditEntry.Outcome.ALLOWED


def test_it_refuses_changes_through_the_orm(cast: Cast) -> None:
    entry = audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    entry.action = "something.else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET action = 'tampered'",
        "DELETE FROM accounts_auditentry",
    ],
)
def test_the_database_refuses_update_and_delete_by_direct_sql(cast: Cast, statement: str) -> None:
    audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == "identity.read"
