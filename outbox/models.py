"""One row per piece of background work, written in the transaction of the change that
needs it, and marked dispatched once the broker took it (outbox/services.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task to send. Arguments are ids only: never identifying data."""

    name = models.CharField(_("taak"), max_length=200)
    args = models.JSONField(_("argumenten"), default=list, blank=True)
    kwargs = models.JSONField(_("benoemde argumenten"), default=dict, blank=True)
    # Seconds after `created_at` before the task may run (a coalescing delay).
    countdown = models.PositiveIntegerField(_("vertraging (s)"), default=0)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("verzonden"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("uitgaande taak")
        verbose_name_plural = _("uitgaande taken")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"
