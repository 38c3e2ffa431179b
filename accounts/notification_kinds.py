"""The kinds of notification a user can set (issue 20, point 8), with their Dutch labels.

A kind not listed here (a new one) follows the default: in the app and by e-mail.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS: dict[str, Promise] = {
    "referral.submitted": _("Nieuw ingediend verzoek"),
    "referral.resubmitted": _("Verzoek opnieuw ingediend"),
    "referral.duplicate_youth": _("Jongere heeft al een lopend verzoek"),
    "referral.needs_info": _("Vraag van het coördinatiepunt"),
    "referral.reopened": _("Verzoek heropend"),
    "conversation.message": _("Nieuw bericht in een gesprek"),
    "offer.new": _("Nieuw plaatsingsvoorstel"),
    "offer.reminder": _("Herinnering reactietermijn voorstel"),
    "offer.accepted": _("Voorstel geaccepteerd"),
    "offer.refused": _("Voorstel geweigerd"),
    "offer.withdrawn": _("Voorstel ingetrokken"),
    "offer.expired": _("Voorstel verlopen"),
    "offer.acceptance_cancelled": _("Acceptatie geannuleerd"),
    "offer.intake_proposed": _("Intakedatum voorgesteld"),
    "placement.recorded": _("Plaatsing vastgelegd"),
    "placement.cancelled": _("Plaatsing geannuleerd"),
    "placement.replacement": _("Doorplaatsing"),
    "waiting.fitting_place": _("Passende plek voor een wachtend verzoek"),
    "capacity.stale": _("Vrije plaatsen bevestigen"),
    "capacity.change": _("Capaciteitswijziging"),
    "capacity.change_partial": _("Capaciteitswijziging deels uitgevoerd"),
}


def kind_label(kind: str) -> str:
    label = NOTIFICATION_KINDS.get(kind)
    return str(label) if label is not None else kind
