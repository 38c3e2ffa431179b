"""API of the access audit trail: GET /api/v1/audit/?referral={id}, read-only, for admins and
the privacy officer."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from accounts.models import AuditEntry, Role
from accounts.permissions import has_role
from accounts.selectors import audit_trail_for_referral
from config.api import Pagination
from config.errors import ValidationFailed


class AuditEntryOut(serializers.ModelSerializer[AuditEntry]):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "username",
            "role",
            "organisation",
            "action",
            "referral_id",
            "object_type",
            "object_id",
            "outcome",
        ]


@extend_schema(parameters=[OpenApiParameter("referral", int, required=True)])
class AuditTrail(generics.ListAPIView[AuditEntry]):
    """The access trail of one referral. No write method exists: entries are append-only."""

    permission_classes = [has_role(Role.ADMIN, Role.PRIVACY_OFFICER)]
    pagination_class = Pagination
    serializer_class = AuditEntryOut

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AuditEntry.objects.none()
        raw = self.request.query_params.get("referral", "")
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationFailed({"referral": [_("Geef het nummer van een verzoek op.")]})
        return audit_trail_for_referral(referral_id=int(raw))
