"""API tokens: made, listed and revoked by their owner; only a hash is stored; they expire."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import ApiToken, User

logger = logging.getLogger("accounts.security")

# Writing last_used_at on every call would make each API read a write; once a minute is
# precise enough to see which keys are still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its key, which is never shown again."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100]
        or _("API-sleutel %(date)s") % {"date": date_format(timezone.localtime(now), "j F Y")},
        key_hash=hash_key(key),
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    logger.info("api token %s created by user %s", token.pk, user.pk)
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's token is 'not found'."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
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
