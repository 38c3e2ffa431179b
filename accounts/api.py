"""API of accounts: token sign-in, who am I, and the caller's own API tokens (list, revoke)."""

from typing import Any

from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import twofactor
from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_revoke


class TokenRequestSerializer(serializers.Serializer):
    # No longer than any username can be (a longer one reached the sign-in log's column).
    username = serializers.CharField(
        label=_("Gebruikersnaam"), max_length=User._meta.get_field("username").max_length or 150
    )
    password = serializers.CharField(
        label=_("Wachtwoord"), style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.CharField(
        label=_("Naam"),
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_(
            "Naam van de sleutel, bijvoorbeeld het systeem dat hem gebruikt (standaard "
            "‘api’). Een nieuwe aanmelding met dezelfde naam vervangt de vorige sleutel met "
            "die naam: die werkt daarna niet meer."
        ),
    )
    otp_code = serializers.CharField(
        label=_("Code"),
        required=False,
        allow_blank=True,
        help_text=_(
            "Alleen als tweestapsverificatie voor het account verplicht of ingesteld is: de "
            "code uit de authenticator-app (of een herstelcode)."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The plain Django request: django-axes marks a lock-out on it for its middleware.
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("Aanmelden is niet gelukt met deze gebruikersnaam en dit wachtwoord."),
                code="authorization",
            )
        assert isinstance(user, User)
        # Required by policy, or linked by the user of their own accord: then too a password
        # alone is not enough, also with REQUIRE_2FA off.
        if twofactor.code_required(user):
            code = attrs.get("otp_code") or ""
            if not code:
                raise serializers.ValidationError(
                    {
                        "otp_code": _(
                            "Voor dit account is tweestapsverificatie verplicht: stuur ook "
                            "otp_code mee, of maak een API-sleutel aan op de pagina "
                            "‘Mijn API-sleutels’."
                        )
                    }
                )
            if twofactor.verify_code(user=user, code=code) is None:
                # A wrong code counts towards the lock-out like a wrong password.
                user_login_failed.send(
                    sender=__name__, credentials={"username": attrs["username"]}, request=request
                )
                raise serializers.ValidationError(
                    {"otp_code": _("Deze code klopt niet of is verlopen.")}
                )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Stuur mee als: Authorization: Token <token>"))


class LockedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenView(APIView):
    """POST /api/v1/auth/token/ {username, password[, name, otp_code]} → {token}.

    One token per user per name (default "api"): signing in again replaces the token of that
    name, so a client that signs in on every run does not pile up valid tokens."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=_("Onjuiste gegevens of ontbrekende velden.")),
            429: OpenApiResponse(
                response=LockedOutSerializer,
                description=_("Te veel mislukte pogingen: tijdelijk geblokkeerd."),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(
            data=request.data, context={"request": request._request}
        )
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        _token, key = api_token_create(user=user, name=serializer.validated_data.get("name", ""))
        return Response({"token": key}, status=status.HTTP_200_OK)


class LogoutView(APIView):
    """POST /api/v1/auth/logout/: sign out. With `Authorization: Token <key>` that token
    stops working (revoked, audited); with a browser session, the session ends."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(description=_("Niet aangemeld of ongeldige API-sleutel.")),
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        if isinstance(request.auth, ApiToken):
            api_token_revoke(user=user, token_id=request.auth.pk)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    is_usable = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_usable",
        ]
        read_only_fields = fields


class ApiTokenListView(generics.ListAPIView[ApiToken]):
    """GET /api/v1/auth/tokens/: the caller's own tokens (never the keys)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        user = self.request.user
        assert isinstance(user, User)
        return ApiToken.objects.filter(user=user)


class ApiTokenRevokeView(APIView):
    """DELETE /api/v1/auth/tokens/{id}/: revoke one of the caller's own tokens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description=_("Niet gevonden."))})
    def delete(self, request: Request, token_id: int) -> Response:
        user = request.user
        assert isinstance(user, User)
        api_token_revoke(user=user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField(help_text=_("referrer, coordinator, provider, analyst of admin"))
    organisation = MeOrganisationSerializer(allow_null=True)


class MeView(APIView):
    """GET /api/v1/auth/me/: who the caller is (user, role, organisation), for a client to
    check its key. One small query at most; the benchmark uses it as its baseline."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        organisation = user.organisation
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "role": user.role,
                "organisation": (
                    {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind}
                    if organisation
                    else None
                ),
            }
        )
