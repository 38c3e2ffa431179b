"""Writes of the accounts app: the audit trail and API tokens."""

from rest_framework.authtoken.models import Token

from accounts.models import AuditEntry, User


def audit_record(
    *,
    user: User | None,
    action: str,
    referral_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    allowed: bool = True,
) -> AuditEntry:
    """Write one audit entry: who, in which role and organisation, did what, with what outcome.

    Runs inside the caller's transaction, so a change and its audit row commit together.
    A refused attempt is recorded (allowed=False) by the caller after the refused action has
    rolled back, so that the refusal row itself is kept.
    """
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        username=user.get_username() if user is not None and user.pk else "anoniem",
        role=getattr(user, "role", "") or "",
        organisation=str(user.organisation) if user is not None and user.organisation_id else "",
        action=action,
        referral_id=referral_id,
        object_type=object_type,
        object_id=str(object_id),
        outcome=AuditEntry.Outcome.ALLOWED if allowed else AuditEntry.Outcome.REFUSED,
    )


def api_token_for(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    return token
