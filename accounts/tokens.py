"""API tokens: made, listed and revoked by their owner; only a hash is stored; they expire.

One usable token per user per name: a new token (a sign-in at the token endpoint, or a key
made on the page) replaces the user's usable token of the same name, which stops working.
A user holds at most `API_TOKEN_MAX_PER_USER` usable tokens; beyond that the oldest go.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import ApiToken, User
from accounts.services import audit_record

logger = logging.getLogger("accounts.security")

# Writing last_used_at on every call would make each API read a write; once a minute is
# precise enough to see which keys are still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# The name of a token when the caller gives none (the token endpoint without `name`).
DEFAULT_TOKEN_NAME = "api"  # noqa: S105 - a name, not a secret


def max_tokens_per_user() -> int:
    return max(1, int(getattr(settings, "API_TOKEN_MAX_PER_USER", 5)))


def usable_tokens_for_user(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.usable().filter(user=user).order_by("-created_at", "-id"))


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its key, which is never shown again.

    The user's usable token of the same name is revoked (replaced), and so are the oldest
    ones beyond `API_TOKEN_MAX_PER_USER`; each replacement is audited."""
    name = " ".join(name.split())[:100] or DEFAULT_TOKEN_NAME
    # One creation per user at a time: two sign-ins at once must not both keep their token.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    usable = usable_tokens_for_user(user=user)
    same_name = [t for t in usable if t.name.casefold() == name.casefold()]
    others = [t for t in usable if t not in same_name]
    # The new token counts towards the limit: keep the newest max-1 of the others.
    replaced = same_name + others[max_tokens_per_user() - 1 :]
    now = timezone.now()
    for old in replaced:
        ApiToken.objects.filter(pk=old.pk, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            user=user, action="api_token.replace", object_type="api_token", object_id=old.pk
        )
        logger.info("api token %s replaced for user %s", old.pk, user.pk)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_key(key),
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(user=user, action="api_token.create", object_type="api_token", object_id=token.pk)
    logger.info("api token %s created by user %s", token.pk, user.pk)
    return token, key


def api_token_for_owner(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; someone else's token is 'not found'."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    return token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (audited); someone else's token is 'not found'."""
    token = api_token_for_owner(user=user, token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            user=user, action="api_token.revoke", object_type="api_token", object_id=token.pk
        )
        logger.info("api token %s revoked by user %s", token.pk, user.pk)
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`: a key that is known, not revoked, not expired."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel."))
        try:
            key = auth[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel.")) from error
        token = (
            ApiToken.objects.usable()
            .select_related("user", "user__organisation")
            .filter(key_hash=hash_key(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ongeldige of verlopen API-sleutel."))
        now = timezone.now()
        # Checked on the row just read first, so a busy client costs no write per call; the
        # condition in SQL keeps concurrent requests from writing more than once.
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
            ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
