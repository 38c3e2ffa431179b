"""The audit trail is append-only, in Python and in the database itself."""

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.db.models import ProtectedError
from django.test import Client

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
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == "identity.read"


def test_bulk_writes_through_the_orm_are_refused(cast: Cast) -> None:
    entry = audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    entry.action = "tampered"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(outcome="refused")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "identity.read"


@pytest.mark.parametrize("how", ["update", "raw_delete"])
def test_the_database_refuses_orm_writes_that_bypass_the_python_guards(
    cast: Cast, how: str
) -> None:
    """Even code that goes around AuditEntryQuerySet meets the trigger."""
    audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    queryset = AuditEntry.objects.all()
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        if how == "update":
            models.QuerySet.update(queryset, action="tampered")
        else:
            queryset._raw_delete(queryset.db)
    assert AuditEntry.objects.get().action == "identity.read"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET outcome = 'allowed' WHERE outcome = 'refused'",
        "DELETE FROM accounts_auditentry WHERE action = 'referral.read'",
        "UPDATE accounts_auditentry SET user_id = NULL, username = 'niemand'",
    ],
)
def test_the_database_refuses_targeted_tampering(cast: Cast, statement: str) -> None:
    audit_record(user=cast.referrer2, action="referral.read", referral_id=7, allowed=False)
    with (
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.outcome) == ("referrer2", "refused")


def test_a_user_with_audit_entries_cannot_be_deleted(cast: Cast) -> None:
    """PROTECT: deleting the person would orphan or cascade into the trail."""
    audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    with pytest.raises(ProtectedError):
        cast.referrer.delete()
    assert AuditEntry.objects.count() == 1


def test_the_trail_is_not_editable_in_the_admin(cast: Cast) -> None:
    entry = audit_record(user=cast.referrer, action="identity.read", referral_id=7)
    client = Client()
    client.force_login(cast.admin)
    url = f"/admin/accounts/auditentry/{entry.pk}/"
    client.post(url + "change/", {"action": "tampered"})
    client.post(url + "delete/", {"post": "yes"})
    assert AuditEntry.objects.get().action == "identity.read"
