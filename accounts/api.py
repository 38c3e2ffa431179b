"""API of accounts: token sign-in."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import api_token_for


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Stuur mee als: Authorization: Token <token>"))


class TokenView(APIView):
    """POST /api/v1/auth/token/ {username, password} → {token}."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponseSerializer})
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        assert isinstance(user, User)
        token = api_token_for(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
