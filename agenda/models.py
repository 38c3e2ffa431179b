"""A user's calendar feed (issue 20 point 6): a secret link to an iCalendar of the coming
deadlines of their work. Only the SHA-256 of the secret is stored (like API keys, see
accounts/tokens.py); the link is shown once, when it is made, and can be revoked."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def usable(self) -> "CalendarFeedQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("gebruiker")
    )
    token_hash = models.CharField(_("geheim (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agendakoppeling")
        verbose_name_plural = _("agendakoppelingen")
        constraints = [
            # One usable link per user: making a new one revokes the old (services).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_usable_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.created_at:%Y-%m-%d})"
