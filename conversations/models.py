"""A conversation per request: the coordinator with the referrer, and with a provider per offer.

History is kept: a message is never edited or deleted (there is no service that does).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BODY_MAX_LENGTH = 4000


class Thread(models.Model):
    """One conversation of one referral with one audience."""

    class Audience(models.TextChoices):
        REFERRER = "referrer", _("verwijzer")
        PROVIDER = "provider", _("aanbieder")

    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        related_name="threads",
        verbose_name=_("verzoek"),
    )
    audience = models.CharField(_("met"), max_length=10, choices=Audience.choices)
    # The offer of a provider thread: the provider sees only the conversation on its offer.
    offer = models.OneToOneField(
        "placement.Offer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread",
        verbose_name=_("voorstel"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(audience="referrer"),
                name="thread_one_referrer_per_referral",
            ),
            models.CheckConstraint(
                condition=(Q(audience="referrer") & Q(offer__isnull=True))
                | (Q(audience="provider") & Q(offer__isnull=False)),
                name="thread_provider_has_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.audience} {self.offer_id or ''}".strip()


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("gesprek")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("afzender"),
    )
    # The author's role when it wrote: the side of the conversation, whatever happens later.
    author_role = models.CharField(_("rol van de afzender"), max_length=20)
    body = models.TextField(_("bericht"), max_length=BODY_MAX_LENGTH)
    sent_at = models.DateTimeField(_("verstuurd"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        indexes = [models.Index(fields=["thread", "sent_at"], name="message_thread_sent")]

    def __str__(self) -> str:
        return f"{self.thread_id} {self.sent_at:%Y-%m-%d %H:%M}"


class ThreadReadMark(models.Model):
    """Up to when one user has read one thread: what came later (from others) is unread."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="read_marks", verbose_name=_("gesprek")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    last_read_at = models.DateTimeField(_("gelezen tot"))

    class Meta:
        verbose_name = _("leesmarkering")
        verbose_name_plural = _("leesmarkeringen")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} {self.user_id}"
