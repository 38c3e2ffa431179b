"""Writes of conversations: send a message, mark a thread read. Never edit or delete."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import coordinators_of_region
from accounts.services import audit_record, notify
from config.errors import Conflict, NotFound, ValidationFailed
from config.validators import control_characters_errors
from conversations.models import BODY_MAX_LENGTH, Message, Thread, ThreadReadMark
from placement.models import Offer
from placement.selectors import offers_for_user
from referrals.identifiers import find_identifiers
from referrals.models import Referral, YouthIdentity
from referrals.selectors import referrals_for_user
from referrals.services import identifying_facts

# A provider may write while the offer runs, and after acceptance for the handover.
WRITABLE_OFFER_STATUSES = (Offer.Status.OPEN, Offer.Status.ACCEPTED)


def _body_errors(body: str) -> dict[str, list[str]]:
    if not body:
        return {"body": [_("Schrijf een bericht.")]}
    if len(body) > BODY_MAX_LENGTH:
        return {"body": [_("Het bericht is langer dan 4000 tekens.")]}
    errors = control_characters_errors(body, multiline=True)
    return {"body": errors} if errors else {}


def _thread(*, referral: Referral, offer: Offer | None) -> Thread:
    """The thread, made on the first message (a concurrent first message finds it)."""
    lookup: dict[str, object] = (
        {"offer": offer} if offer is not None else {"audience": Thread.Audience.REFERRER}
    )
    thread = Thread.objects.filter(referral=referral, **lookup).first()
    if thread is not None:
        return thread
    audience = Thread.Audience.PROVIDER if offer is not None else Thread.Audience.REFERRER
    try:
        with transaction.atomic():
            return Thread.objects.create(referral=referral, audience=audience, offer=offer)
    except IntegrityError:
        return Thread.objects.get(referral=referral, **lookup)


def _post(*, thread: Thread, by: User, body: str, now: datetime) -> Message:
    message = Message.objects.create(
        thread=thread, author=by, author_role=by.role, body=body, sent_at=now
    )
    _mark(thread=thread, user=by, at=now)
    audit_record(
        user=by,
        action="message.send",
        referral_id=thread.referral_id,
        object_type="message",
        object_id=message.pk,
        at=now,
    )
    return message


@transaction.atomic
def message_send_to_referrer(
    *, referral: Referral, by: User, body: str, at: datetime | None = None
) -> Message:
    """A message in the conversation of the coordinator with the referrer's organisation."""
    if by.role not in (Role.REFERRER, Role.COORDINATOR):
        raise NotFound
    locked = referrals_for_user(user=by).select_for_update().filter(pk=referral.pk).first()
    if locked is None:
        raise NotFound
    body = body.strip()
    errors = _body_errors(body)
    if errors:
        raise ValidationFailed(errors)
    if locked.status == Referral.Status.DRAFT:
        raise Conflict(_("Een gesprek begint pas als het verzoek is ingediend."))
    now = at or timezone.now()
    thread = _thread(referral=locked, offer=None)
    message = _post(thread=thread, by=by, body=body, now=now)
    if by.role == Role.COORDINATOR:
        recipients = [locked.referrer]
        link = reverse("referrals:detail", args=[locked.pk]) + "#gesprek"
    else:
        recipients = list(coordinators_of_region(region_id=locked.region_id))
        link = reverse("conversations:referral", args=[locked.pk])
    _notify_message(message=message, code=locked.code, recipients=recipients, link=link)
    return message


@transaction.atomic
def message_send_on_offer(
    *, offer: Offer, by: User, body: str, at: datetime | None = None
) -> Message:
    """A message between the coordinator and the provider of one offer.

    While the offer is open the provider has only the anonymised request: the message, in
    both directions, may hold no name, BSN, birth date or postcode of the youth (the check of
    the submitted request). Read-only once the offer was refused, expired or withdrawn.
    """
    if by.role not in (Role.PROVIDER, Role.COORDINATOR):
        raise NotFound
    locked = offers_for_user(user=by).select_for_update(of=("self",)).filter(pk=offer.pk).first()
    if locked is None:
        raise NotFound
    body = body.strip()
    errors = _body_errors(body)
    if not errors and locked.status == Offer.Status.OPEN:
        youth = YouthIdentity.objects.get(pk=locked.referral.youth_id)
        errors = find_identifiers(texts={"body": body}, youth=identifying_facts(youth=youth))
    if errors:
        raise ValidationFailed(errors)
    if locked.status not in WRITABLE_OFFER_STATUSES:
        raise Conflict(_("Dit voorstel loopt niet meer; het gesprek kan alleen worden gelezen."))
    now = at or timezone.now()
    thread = _thread(referral=locked.referral, offer=locked)
    message = _post(thread=thread, by=by, body=body, now=now)
    if by.role == Role.COORDINATOR:
        recipients = list(
            User.objects.filter(role=Role.PROVIDER, is_active=True, organisation=locked.provider_id)
        )
        link = reverse("placement:offer-detail", args=[locked.pk]) + "#gesprek"
    else:
        recipients = list(coordinators_of_region(region_id=locked.referral.region_id))
        link = reverse("conversations:offer", args=[locked.pk])
    _notify_message(message=message, code=locked.referral.code, recipients=recipients, link=link)
    return message


def _notify_message(*, message: Message, code: str, recipients: list[User], link: str) -> None:
    # The code and a link only: never the body, which may hold identifying data.
    notify(
        recipients=recipients,
        kind="conversation.message",
        message=_("Nieuw bericht bij %(code)s") % {"code": code},
        link=link,
        dedupe_key=f"message:{message.pk}",
        at=message.sent_at,
    )


def _mark(*, thread: Thread, user: User, at: datetime) -> None:
    ThreadReadMark.objects.update_or_create(thread=thread, user=user, defaults={"last_read_at": at})


def thread_mark_read(*, thread: Thread | None, user: User, at: datetime | None = None) -> None:
    """The user has read the thread up to now (the caller has checked the scope)."""
    if thread is None:
        return
    _mark(thread=thread, user=user, at=at or timezone.now())
