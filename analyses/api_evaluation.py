"""API of the three-monthly evaluation (issue 23): `GET /api/v1/reports/evaluation/`, the
same figures as the page, the PDF and the CSV (analyses.evaluation)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from analyses import evaluation


class EvaluationView(APIView):
    """A provider's pack (`provider` = its organisation id) or, without it, the region pack.

    A provider reads only its own pack (another id, or the region pack: 404); its own
    figures are exact, the regional ones suppressed as for the analyst. A coordinator reads
    the providers active in its regions and its regions' pack, exactly; the analyst every
    pack, suppressed ("<5" for 1–4, "x" for a figure that would reveal one). Bad input is a
    400 naming the field."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ANALYST, Role.PROVIDER)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "quarter",
                str,
                required=False,
                description="A quarter that has begun, `2026-Q3`; default the last complete "
                "quarter.",
            ),
            OpenApiParameter(
                "provider",
                int,
                required=False,
                description="The provider organisation's id; none = the region pack "
                "(a provider: its own pack).",
            ),
            OpenApiParameter(
                "region",
                str,
                required=False,
                description="The region pack's region code; none = every region (a "
                "coordinator: its first region unless it works for every region).",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        scope = evaluation.evaluation_scope(user=user, query=request.query_params)
        return Response(evaluation.evaluation(scope).as_dict())
