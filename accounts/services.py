"""Writes of the accounts app: the audit trail and notifications (API tokens: tokens.py)."""

import logging
import re
import smtplib
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    AuditEntry,
    Notification,
    NotificationDigest,
    NotificationPreference,
    User,
)
from config.errors import ValidationFailed
from config.validators import strip_control_characters

logger = logging.getLogger(__name__)

BIGINT_MAX = 2**63 - 1
# The key of the advisory lock that puts audit entries in one chain, one writer at a time.
AUDIT_CHAIN_LOCK = 7513_0001


# Referral ids whose refusal was audited in the current request, for RefusalAuditMiddleware
# (None outside a request).
_refusals_recorded: ContextVar[set[int] | None] = ContextVar(
    "accounts_refusals_recorded", default=None
)


@contextmanager
def refusals_tracked() -> Iterator[set[int]]:
    """Collect, while open, the referral ids of the refusals `audit_record` writes."""
    recorded: set[int] = set()
    token = _refusals_recorded.set(recorded)
    try:
        yield recorded
    finally:
        _refusals_recorded.reset(token)


def audit_record(
    *,
    user: User | None,
    action: str,
    referral_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    allowed: bool = True,
    system: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Write one audit entry: who, in which role and organisation, did what, with what outcome.

    Runs inside the caller's transaction, so a change and its audit row commit together.
    A refused attempt is recorded (allowed=False) by the caller after the refused action has
    rolled back, so that the refusal row itself is kept. A background job passes no user and
    names itself in `system` ("retention"), so the trail says which job acted. `at` is the
    moment of the action when it is not now (the demo history, loaded in time order).
    """
    recorded = _refusals_recorded.get()
    if not allowed and referral_id is not None and recorded is not None:
        recorded.add(referral_id)
    anonymous = f"systeem: {system}" if system else "anoniem"
    if referral_id is not None and not 0 < referral_id <= BIGINT_MAX:
        # A probe with an id no referral can have (found by the generated-input test: it
        # made the refusal's own audit row fail with a 500). Keep the attempt, and the id.
        object_type, object_id, referral_id = object_type or "referral", str(referral_id), None
    entry = AuditEntry(
        user=user if user is not None and user.pk else None,
        username=user.get_username() if user is not None and user.pk else anonymous,
        role=getattr(user, "role", "") or "",
        organisation=str(user.organisation) if user is not None and user.organisation_id else "",
        action=action,
        referral_id=referral_id,
        object_type=object_type,
        object_id=str(object_id)[:60],
        outcome=AuditEntry.Outcome.ALLOWED if allowed else AuditEntry.Outcome.REFUSED,
        at=at or timezone.now(),
    )
    # The hash chain: one writer at a time links to the last entry. The advisory lock is
    # held until the caller's transaction ends, so the next writer (waiting for it) reads
    # this entry once it is committed, or the one before if it rolled back. The last entry
    # is read in a statement of its own, after the lock: a statement's snapshot is taken at
    # its start, and would miss an entry committed while it waited.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
        cursor.execute("SELECT hash FROM accounts_auditentry ORDER BY id DESC LIMIT 1")
        last = cursor.fetchone()
        entry.prev_hash = last[0] if last else ""
        entry.hash = entry.chain_hash()
        entry.save(force_insert=True)
    return entry


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    message: str,
    link: str = "",
    dedupe_key: str = "",
    at: datetime | None = None,
) -> list[Notification]:
    """Store an in-app notification per recipient, then email them after commit.

    Stored first, sent after commit: with the broker down the caller's action still
    succeeds, and `notifications_send_pending` sends what is left once it is back. The same
    `dedupe_key` for the same recipient is stored once, so a job that runs twice notifies
    once. `message` must not contain identifying youth data: a fact and a link only.
    Each recipient's NotificationPreference for the kind decides whether it is shown in the
    app and e-mailed at once; with neither, nothing is stored for that recipient.
    """
    active = {r.pk: r for r in recipients if r.is_active}
    preferences = {
        user_id: (in_app, email)
        for user_id, in_app, email in NotificationPreference.objects.filter(
            user_id__in=list(active), kind=kind
        ).values_list("user_id", "in_app", "email")
    }
    rows = []
    for recipient in active.values():
        in_app, email = preferences.get(recipient.pk, (True, True))
        if not in_app and not email:
            continue
        rows.append(
            Notification(
                recipient=recipient,
                kind=kind,
                message=message,
                link=link,
                dedupe_key=dedupe_key,
                created_at=at or timezone.now(),
                show_in_app=in_app,
                send_email=email,
            )
        )
    if not rows:
        return []
    if dedupe_key:
        existing = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=[row.recipient for row in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [row for row in rows if row.recipient_id not in existing]
        created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts leaves pk unset: read back what this call stored.
        created = list(
            Notification.objects.filter(
                dedupe_key=dedupe_key,
                recipient__in=[row.recipient for row in created],
                emailed_at__isnull=True,
            )
        )
    else:
        created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.send_email]
    batch = _email_batch.get()
    if ids and batch is not None:
        batch.extend(ids)
    elif ids:
        _enqueue_emails(ids)
    return created


# The notifications stored inside `notification_emails_batched()`, if active.
_email_batch: ContextVar[list[int] | None] = ContextVar("accounts_email_batch", default=None)


@contextmanager
def notification_emails_batched() -> Iterator[None]:
    """Inside this block, the notifications stored are emailed by one job after the commit,
    not by one job per notification: a bulk load (the demo history) stores thousands."""
    batch: list[int] = []
    token = _email_batch.set(batch)
    try:
        yield
    finally:
        _email_batch.reset(token)
    if batch:
        _enqueue_emails(batch)


def _enqueue_emails(ids: list[int]) -> None:
    # In the outbox with the notifications; sent to the broker after the commit.
    from outbox.services import dispatch

    dispatch("accounts.tasks.send_notification_emails", ids)


# Errors that say the mail server is unreachable, not that this e-mail is wrong: they do
# not count against the e-mail, and they stop the sweep (the next one tries again).
MAIL_SERVER_DOWN = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


def notification_emails_send(*, ids: Iterable[int] | None = None, limit: int = 500) -> int:
    """Email stored notifications not yet emailed (oldest first, at most `limit`); safe to
    run twice and concurrently. Answers the number of e-mails sent.

    One the user has already read in the app is not emailed: its news has arrived.
    Each notification is claimed, sent and marked in its own short transaction, and the
    claim's row lock, skipped by a concurrent sweep, keeps two sweeps from sending the same
    e-mail. An e-mail that fails (a bad header, a refused address) is counted on its own row
    with the reason and the sweep goes on with the next: one bad e-mail never blocks or
    re-sends the others. After `NOTIFICATION_MAIL_MAX_ATTEMPTS` failures it is given up
    (`mail_failed_at`) and listed in the admin. A mail server that is down stops the sweep
    without counting against the e-mail.
    """
    wanted = None if ids is None else list(ids)
    max_attempts = settings.NOTIFICATION_MAIL_MAX_ATTEMPTS
    tried: list[int] = []  # failed in this sweep: not again until the next one
    sent = 0
    for _turn in range(limit):
        with transaction.atomic():
            pending = Notification.objects.select_for_update(skip_locked=True, of=("self",))
            pending = pending.filter(
                emailed_at__isnull=True,
                read_at__isnull=True,
                mail_failed_at__isnull=True,
                send_email=True,
            ).exclude(pk__in=tried)
            if wanted is not None:
                pending = pending.filter(pk__in=wanted)
            notification = pending.select_related("recipient").order_by("created_at", "id").first()
            if notification is None:
                break
            if notification.recipient.email:
                try:
                    _notification_email_send(notification)
                except MAIL_SERVER_DOWN:
                    raise
                except Exception as exc:
                    tried.append(notification.pk)
                    _notification_email_failed(notification, exc, max_attempts)
                    continue
                sent += 1
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return sent


def _notification_email_failed(
    notification: Notification, exc: Exception, max_attempts: int
) -> None:
    notification.mail_attempts += 1
    notification.mail_error = strip_control_characters(f"{type(exc).__name__}: {exc}")[:300]
    if notification.mail_attempts >= max_attempts:
        notification.mail_failed_at = timezone.now()
    notification.save(update_fields=["mail_attempts", "mail_error", "mail_failed_at"])
    logger.warning(
        "Notification %s: e-mail attempt %d failed (%s)",
        notification.pk,
        notification.mail_attempts,
        type(exc).__name__,
    )


def _notification_email_send(notification: Notification) -> None:
    link = notification.link
    if link.startswith("/"):
        link = settings.SITE_URL.rstrip("/") + link
    # A subject is one line: control characters (CR/LF) never reach a header.
    subject = _("Regie op Plaatsing: %(message)s") % {"message": notification.message[:80]}
    send_mail(
        subject=strip_control_characters(subject),
        message=f"{notification.message}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(
    *, user: User, preferences: dict[str, tuple[bool, bool]], digest: str
) -> None:
    """Store how the user wants each kind (in the app, by e-mail at once) and the digest.

    Only the kinds that differ from the default (both on) keep a row."""
    if digest not in User.Digest.values:
        raise ValidationFailed({"digest": [_("Kies of u een dagelijks overzicht wilt.")]})
    NotificationPreference.objects.filter(user=user).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind=kind, in_app=in_app, email=email)
        for kind, (in_app, email) in preferences.items()
        if not (in_app and email)
    )
    if user.digest != digest:
        user.digest = digest
        user.save(update_fields=["digest"])


# A request code inside a notification's message: the digest lists codes, never messages.
_REQUEST_CODE = re.compile(r"\bROP-\d{4}-\d+\b")


def notification_digests_send(*, day: date | None = None) -> int:
    """E-mail each user who chose a daily digest the notifications of `day` (default
    yesterday) that were not e-mailed one by one: a count per kind and the request codes.

    Safe to run twice: the digest of a user and day is recorded in the transaction that
    sends it (a failed mail rolls the record back, so the next run tries again), and the
    unique (user, day) keeps a concurrent run from sending it too. Answers the number sent.
    """
    day = day or timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    users = User.objects.filter(is_active=True, digest=User.Digest.DAILY).exclude(email="")
    users = users.exclude(pk__in=NotificationDigest.objects.filter(day=day).values("user_id"))
    sent = 0
    for user in users.order_by("pk"):
        rows = list(
            Notification.objects.filter(
                recipient=user, send_email=False, created_at__gte=start, created_at__lt=end
            ).values_list("kind", "message")
        )
        if not rows:
            continue
        with transaction.atomic():
            _record, created = NotificationDigest.objects.get_or_create(
                user=user, day=day, defaults={"notification_count": len(rows)}
            )
            if not created:
                continue
            _digest_email_send(user=user, day=day, rows=rows)
        sent += 1
    return sent


def _digest_email_send(*, user: User, day: date, rows: list[tuple[str, str]]) -> None:
    from accounts.notification_kinds import kind_label

    counts: dict[str, int] = {}
    codes: dict[str, set[str]] = {}
    for kind, message in rows:
        counts[kind] = counts.get(kind, 0) + 1
        codes.setdefault(kind, set()).update(_REQUEST_CODE.findall(message))
    lines = [
        _("Uw meldingen van %(day)s:") % {"day": day.strftime("%d-%m-%Y")},
        "",
    ]
    for kind in sorted(counts):
        line = f"- {kind_label(kind)}: {counts[kind]}"
        if codes[kind]:
            line += " (" + ", ".join(sorted(codes[kind])) + ")"
        lines.append(line)
    lines += ["", settings.SITE_URL.rstrip("/") + reverse("notifications")]
    send_mail(
        subject=_("Regie op Plaatsing: dagoverzicht van uw meldingen"),
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
