"""API of conversations: read and write the messages of a referral or an offer. Thin."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from config.api import Pagination
from conversations import selectors, services
from conversations.models import BODY_MAX_LENGTH, Message, Thread


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    author_role = serializers.CharField()
    body = serializers.CharField()
    sent_at = serializers.DateTimeField()
    read = serializers.BooleanField(help_text="Gelezen door de vrager (eigen berichten: altijd).")


class MessagePageSerializer(serializers.Serializer):
    """One page of a conversation, oldest first (`?page=`, `?page_size=`)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MessageSerializer(many=True)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


class ReadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


def _row(message: Message, user: User, mark: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author_name": selectors.author_name(message.author),
        "author_role": message.author_role,
        "body": message.body,
        "sent_at": message.sent_at,
        "read": message.author_id == user.pk or (mark is not None and message.sent_at <= mark),
    }


def _list(request: Request, view: APIView, thread: Thread | None) -> Response:
    user = _user(request)
    mark = selectors.last_read_at(thread=thread, user=user)
    paginator = Pagination()
    page = paginator.paginate_queryset(selectors.thread_messages(thread=thread), request, view)
    rows = [_row(message, user, mark) for message in page or []]
    return paginator.get_paginated_response(MessageSerializer(rows, many=True).data)


class ReferralMessagesView(APIView):
    """The conversation of the coordinator with the referrer (providers: 404)."""

    permission_classes = [has_role(Role.REFERRER, Role.COORDINATOR)]

    @extend_schema(responses={200: MessagePageSerializer})
    def get(self, request: Request, referral_id: int) -> Response:
        referral = selectors.referral_for_conversation(user=_user(request), referral_id=referral_id)
        return _list(request, self, selectors.referrer_thread(referral=referral))

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, referral_id: int) -> Response:
        user = _user(request)
        referral = selectors.referral_for_conversation(user=user, referral_id=referral_id)
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send_to_referrer(
            referral=referral, by=user, body=data.validated_data["body"]
        )
        return Response(
            MessageSerializer(_row(message, user, None)).data, status=status.HTTP_201_CREATED
        )


class ReferralMessagesReadView(APIView):
    permission_classes = [has_role(Role.REFERRER, Role.COORDINATOR)]

    @extend_schema(request=None, responses={200: ReadSerializer})
    def post(self, request: Request, referral_id: int) -> Response:
        user = _user(request)
        referral = selectors.referral_for_conversation(user=user, referral_id=referral_id)
        thread = selectors.referrer_thread(referral=referral)
        services.thread_mark_read(thread=thread, user=user)
        return Response({"unread": selectors.unread_count(thread=thread, user=user)})


class OfferMessagesView(APIView):
    """The conversation of the coordinator with the provider of one offer (referrers: 404)."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(responses={200: MessagePageSerializer})
    def get(self, request: Request, offer_id: int) -> Response:
        offer = selectors.offer_for_conversation(user=_user(request), offer_id=offer_id)
        return _list(request, self, selectors.offer_thread(offer=offer))

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        user = _user(request)
        offer = selectors.offer_for_conversation(user=user, offer_id=offer_id)
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send_on_offer(
            offer=offer, by=user, body=data.validated_data["body"]
        )
        return Response(
            MessageSerializer(_row(message, user, None)).data, status=status.HTTP_201_CREATED
        )


class OfferMessagesReadView(APIView):
    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(request=None, responses={200: ReadSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        user = _user(request)
        offer = selectors.offer_for_conversation(user=user, offer_id=offer_id)
        thread = selectors.offer_thread(offer=offer)
        services.thread_mark_read(thread=thread, user=user)
        return Response({"unread": selectors.unread_count(thread=thread, user=user)})
