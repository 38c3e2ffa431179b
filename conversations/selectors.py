"""Reads of conversations: who may see which thread, its timeline and what is unread."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import Role, User
from config.errors import NotFound
from conversations.models import Message, Thread, ThreadReadMark
from placement.models import Offer
from placement.selectors import offers_for_user
from referrals.models import InfoRequest, Referral
from referrals.selectors import referral_for_user


def referral_for_conversation(*, user: User, referral_id: object) -> Referral:
    """The referral whose referrer conversation the user may read: the referrer's own
    organisation and the coordinator of its region. Providers and analysts: NotFound (a
    provider speaks only on its offer, and never sees the referrer conversation)."""
    if user.role not in (Role.REFERRER, Role.COORDINATOR):
        raise NotFound
    return referral_for_user(
        user=user, pk=referral_id, action="conversation.read", related=("referrer",)
    )


def offer_for_conversation(*, user: User, offer_id: object) -> Offer:
    """The offer whose provider conversation the user may read: the offer's provider staff
    and the coordinator of the referral's region; anyone else NotFound."""
    if user.role not in (Role.PROVIDER, Role.COORDINATOR):
        raise NotFound
    try:
        pk = int(str(offer_id))
    except ValueError:
        raise NotFound from None
    offer = offers_for_user(user=user).filter(pk=pk).first()
    if offer is None:
        raise NotFound
    return offer


def referrer_thread(*, referral: Referral) -> Thread | None:
    return Thread.objects.filter(referral=referral, audience=Thread.Audience.REFERRER).first()


def offer_thread(*, offer: Offer) -> Thread | None:
    return Thread.objects.filter(offer=offer).first()


def thread_messages(*, thread: Thread | None) -> QuerySet[Message]:
    if thread is None:
        return Message.objects.none()
    return (
        Message.objects.filter(thread=thread)
        .select_related("author", "author__organisation")
        .order_by("sent_at", "id")
    )


def last_read_at(*, thread: Thread | None, user: User) -> datetime | None:
    if thread is None:
        return None
    return (
        ThreadReadMark.objects.filter(thread=thread, user=user)
        .values_list("last_read_at", flat=True)
        .first()
    )


def unread_count(*, thread: Thread | None, user: User) -> int:
    """Messages by others, sent after what the user has read."""
    if thread is None:
        return 0
    unread = Message.objects.filter(thread=thread).exclude(author=user)
    mark = last_read_at(thread=thread, user=user)
    if mark is not None:
        unread = unread.filter(sent_at__gt=mark)
    return unread.count()


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a conversation's timeline: a message, or a question of the needs_info
    flow (and its answer), which stays the InfoRequest of referrals."""

    at: datetime
    kind: str  # "message" | "question" | "answer"
    body: str
    author_name: str
    author_side: str
    unread: bool = False
    open_question: bool = False


def author_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def referrer_timeline(
    *, referral: Referral, thread: Thread | None, user: User
) -> list[TimelineItem]:
    """The referrer conversation: its messages and the coordinator's questions (the
    needs_info flow) with their answers, in time order. Three queries whatever the length."""
    mark = last_read_at(thread=thread, user=user)
    items = [_message_item(message, user, mark) for message in thread_messages(thread=thread)]
    for question in InfoRequest.objects.filter(referral=referral).select_related("asked_by"):
        items.append(
            TimelineItem(
                at=question.asked_at,
                kind="question",
                body=question.question,
                author_name=author_name(question.asked_by) if question.asked_by else "",
                author_side=Role.COORDINATOR,
                open_question=question.answered_at is None,
            )
        )
        if question.answered_at is not None:
            items.append(
                TimelineItem(
                    at=question.answered_at,
                    kind="answer",
                    body=question.answer,
                    author_name=author_name(referral.referrer),
                    author_side=Role.REFERRER,
                )
            )
    return sorted(items, key=lambda item: item.at)


def offer_timeline(*, thread: Thread | None, user: User) -> list[TimelineItem]:
    mark = last_read_at(thread=thread, user=user)
    return [_message_item(message, user, mark) for message in thread_messages(thread=thread)]


def _message_item(message: Message, user: User, mark: datetime | None) -> TimelineItem:
    return TimelineItem(
        at=message.sent_at,
        kind="message",
        body=message.body,
        author_name=author_name(message.author),
        author_side=message.author_role,
        unread=message.author_id != user.pk and (mark is None or message.sent_at > mark),
    )


def provider_threads_of_referral(*, referral: Referral, user: User) -> list[Offer]:
    """For the coordinator: the referral's offers, each annotated with its thread's message
    count (`message_count`) and the messages unread by the user (`unread_count`)."""
    mark = ThreadReadMark.objects.filter(thread=OuterRef("thread"), user=user).values(
        "last_read_at"
    )[:1]
    return list(
        Offer.objects.filter(referral=referral)
        .select_related("location", "provider")
        .annotate(
            read_until=Subquery(mark),
            message_count=Count("thread__messages"),
            unread_count=Count(
                "thread__messages",
                filter=~Q(thread__messages__author=user)
                & (Q(read_until__isnull=True) | Q(thread__messages__sent_at__gt=F("read_until"))),
            ),
        )
        .order_by("-sent_at", "-id")
    )
