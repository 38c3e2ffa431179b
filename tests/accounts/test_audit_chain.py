"""The audit trail is a hash chain: a removed or changed entry is found (issue 24)."""

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from accounts.models import AuditEntry
from accounts.services import audit_record
from tests.conftest import Cast


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", "--batch-size", "2", stdout=out)
    return out.getvalue()


@contextmanager
def as_owner_without_trigger() -> Iterator[None]:
    """What only the owner of the table can do: switch the append-only trigger off."""
    quoted = connection.ops.quote_name(getattr(settings, "TEST_APP_ROLE", ""))
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
        cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER USER")
        try:
            yield
        finally:
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER USER")
            cursor.execute(f"SET ROLE {quoted}")


def record_some(cast: Cast, count: int = 5) -> list[AuditEntry]:
    return [
        audit_record(user=cast.coordinator, action="identity.read", referral_id=n)
        for n in range(1, count + 1)
    ]


def test_each_entry_carries_the_hash_of_the_one_before(cast: Cast) -> None:
    entries = record_some(cast)
    stored = list(AuditEntry.objects.order_by("id"))
    assert [e.hash for e in stored] == [e.hash for e in entries]
    assert stored[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))
    assert all(len(e.hash) == 64 and e.hash == e.chain_hash() for e in stored)


def test_the_chain_verifies_after_normal_use(cast: Cast, api_client_for) -> None:  # type: ignore[no-untyped-def]
    record_some(cast)
    audit_record(user=None, action="retention.run", system="retention")
    audit_record(user=cast.provider_a, action="identity.read", referral_id=3, allowed=False)
    api_client_for(cast.coordinator).get("/api/v1/referrals/")
    output = verify()
    count = AuditEntry.objects.count()
    assert f"{count} auditregels" in output
    assert AuditEntry.objects.order_by("-id").first().hash in output  # type: ignore[union-attr]


def test_an_empty_trail_verifies(db: None) -> None:
    assert "0 auditregels" in verify()


def test_a_removed_entry_is_found(cast: Cast) -> None:
    entries = record_some(cast)
    with as_owner_without_trigger(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entries[2].pk])
    with pytest.raises(CommandError, match=f"auditregel {entries[3].pk}: de regel ervoor"):
        verify()


@pytest.mark.parametrize(
    "change",
    [
        "action = 'referral.list'",
        "outcome = 'refused'",
        "username = 'iemand anders'",
        "at = at + interval '1 second'",
        "referral_id = NULL",
    ],
)
def test_a_changed_entry_is_found(cast: Cast, change: str) -> None:
    entries = record_some(cast)
    with as_owner_without_trigger(), connection.cursor() as cursor:
        cursor.execute(  # a fixed statement of the test
            f"UPDATE accounts_auditentry SET {change} WHERE id = %s",  # noqa: S608
            [entries[1].pk],
        )
    with pytest.raises(CommandError, match=f"auditregel {entries[1].pk}: de regel is gewijzigd"):
        verify()


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(cast: Cast) -> None:
    entries = record_some(cast)
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.action = "referral.list"
    with as_owner_without_trigger(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditentry SET action = %s, hash = %s WHERE id = %s",
            [forged.action, forged.chain_hash(), forged.pk],
        )
    with pytest.raises(CommandError, match=f"auditregel {entries[2].pk}: de regel ervoor"):
        verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(cast: Cast) -> None:
    """Many transactions add entries at once; each still links to the one committed before
    it (without the lock, two writers read the same last hash and the chain forks)."""
    threads_count, per_thread = 8, 6
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(user=cast.coordinator, action="identity.read", referral_id=i + 1)
                    # Some more work of the same transaction after the audit row.
                    AuditEntry.objects.filter(referral_id=n).exists()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == threads_count * per_thread
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)
    verify()
