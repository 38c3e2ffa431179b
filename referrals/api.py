"""API of referrals (CONTRACT.md): serializers check shape, services decide."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from accounts.services import audit_record
from config.api import Pagination
from config.codes import (
    CareForm,
    ExpertDiscipline,
    Expertise,
    ExpertTableOutcome,
    Gender,
    Intensity,
    LegalStatus,
    OutsideArrangement,
    OutsideReason,
    PreviousSituation,
    RequestKind,
    RiskFlag,
    Urgency,
)
from config.errors import NotFound
from placement.models import OutsidePlacement
from placement.services import outside_placement_update
from referrals import services
from referrals.dossier import (
    dossier_out,
    dossier_referral_for_user,
    escalation_dossier,
    expert_table_for_coordinator,
    expert_table_out,
    expert_tables_of,
)
from referrals.models import ExplanatoryAnalysis, Referral
from referrals.search import audit_search, search_referrals
from referrals.selectors import referral_for_user, referrals_for_user, youth_identity_for


def _text() -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=20000)


class GuardianIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    relation = serializers.CharField(required=False, allow_blank=True, max_length=100)


class YouthIn(serializers.Serializer):
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    bsn = serializers.CharField(required=False, allow_blank=True, max_length=20)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    municipality = serializers.CharField(required=False, allow_blank=True, max_length=6)
    guardians = serializers.ListField(child=GuardianIn(), required=False, max_length=10)


class SchoolIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    level = serializers.CharField(required=False, allow_blank=True, max_length=100)
    attending = serializers.BooleanField(required=False, allow_null=True)


class AnalysisIn(serializers.Serializer):
    problems = _text()
    explaining_factors = _text()
    protective_factors = _text()
    needs = _text()
    needed_care_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=CareForm.choices), required=False, max_length=20
    )
    needed_expertise = serializers.ListField(
        child=serializers.ChoiceField(choices=Expertise.choices), required=False, max_length=20
    )
    risk_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskFlag.choices), required=False, max_length=20
    )
    intensity = serializers.ChoiceField(
        choices=Intensity.choices, required=False, allow_null=True, allow_blank=True
    )
    secured_required = serializers.BooleanField(required=False)
    author_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author_role = serializers.CharField(required=False, allow_blank=True, max_length=200)
    completed_on = serializers.DateField(required=False, allow_null=True)
    shared_with_family = serializers.BooleanField(required=False)


class ReferralIn(serializers.Serializer):
    youth = YouthIn(required=False)
    legal_status = serializers.ChoiceField(
        choices=LegalStatus.choices, required=False, allow_blank=True
    )
    current_situation = _text()
    # Issue 21: urgency, coded origin, the responsible municipality and the crisis facts.
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    previous_situation = serializers.ChoiceField(
        choices=PreviousSituation.choices, required=False, allow_blank=True
    )
    request_kind = serializers.ChoiceField(choices=RequestKind.choices, required=False)
    responsible_municipality = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text="CBS code, e.g. GM0307."
    )
    crisis_reason = _text()
    crisis_location = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A location of the register."
    )
    crisis_placed_where = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Another place, by name."
    )
    previous_placements = serializers.IntegerField(required=False, min_value=0, max_value=100)
    school = SchoolIn(required=False)
    requested_start = serializers.DateField(required=False, allow_null=True)
    explanatory_analysis = AnalysisIn(required=False)
    perspective_plan = _text()
    perspective_horizon_months = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=36,
        help_text="The horizon of the perspective plan in months: the default planned end.",
    )
    safety_plan = _text()
    care_question = _text()
    youth_perspective = _text()
    parents_perspective = _text()


class ReferralUpdateIn(ReferralIn):
    # The referrer's answer to the coordinator's question (status needs_info); the browser's
    # plans step sends it to the same service.
    info_answer = _text()


class ReferralListOut(serializers.ModelSerializer[Referral]):
    class Meta:
        model = Referral
        fields = [
            "id",
            "code",
            "status",
            "created_at",
            "submitted_at",
            "status_changed_at",
            "requested_start",
            "expert_table",
            "urgency",
            "documents_due_on",
            "documents_completed_on",
        ]


class AnalysisOut(serializers.ModelSerializer[ExplanatoryAnalysis]):
    class Meta:
        model = ExplanatoryAnalysis
        fields = [
            "version",
            "problems",
            "explaining_factors",
            "protective_factors",
            "needs",
            "needed_care_forms",
            "needed_expertise",
            "risk_flags",
            "intensity",
            "secured_required",
            "author_name",
            "author_role",
            "completed_on",
            "shared_with_family",
        ]


def _youth_out(referral: Referral, user: User) -> dict[str, Any]:
    youth = youth_identity_for(referral=referral, user=user)
    return {
        "given_name": youth.given_name,
        "family_name": youth.family_name,
        "bsn": youth.bsn,
        "birth_date": youth.birth_date,
        "gender": youth.gender,
        "postcode": youth.postcode,
        "municipality": youth.municipality.code if youth.municipality else "",
        "guardians": youth.guardians,
    }


def referral_out(referral: Referral, user: User) -> dict[str, Any]:
    """The full referral for a user in scope; the identity read is audited."""
    analysis = referral.current_analysis
    return {
        "id": referral.pk,
        "code": referral.code,
        "status": referral.status,
        "youth": _youth_out(referral, user),
        "legal_status": referral.legal_status,
        "current_situation": referral.current_situation,
        "urgency": referral.urgency,
        "previous_situation": referral.previous_situation,
        "request_kind": referral.request_kind,
        "responsible_municipality": (
            referral.responsible_municipality.code if referral.responsible_municipality else ""
        ),
        "crisis_reason": referral.crisis_reason,
        "crisis_location": referral.crisis_location_id,
        "crisis_placed_where": referral.crisis_placed_where,
        "documents_due_on": referral.documents_due_on,
        "documents_completed_on": referral.documents_completed_on,
        "documents_outstanding": referral.documents_outstanding,
        "previous_placements": referral.previous_placements,
        "school": {
            "name": referral.school_name,
            "level": referral.school_level,
            "attending": referral.school_attending,
        },
        "requested_start": referral.requested_start,
        "explanatory_analysis": AnalysisOut(analysis).data if analysis else None,
        "perspective_plan": referral.perspective_plan,
        "perspective_horizon_months": referral.perspective_horizon_months,
        "safety_plan": referral.safety_plan,
        "care_question": referral.care_question,
        "youth_perspective": referral.youth_perspective,
        "parents_perspective": referral.parents_perspective,
        "info_question": referral.info_question,
        "info_answer": referral.info_answer,
        "expert_table": referral.expert_table,
        "expert_table_note": referral.expert_table_note,
        "close_outcome": referral.close_outcome,
        "interim_support": referral.interim_support,
        "ambulant_support": referral.ambulant_support,
        "created_at": referral.created_at,
        "submitted_at": referral.submitted_at,
        "closed_at": referral.closed_at,
        "timeline": [
            {"at": e.at, "from": e.from_status, "to": e.to_status, "note": e.note}
            for e in referral.events.all()
        ],
    }


class ReferralShortOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()


def _short(referral: Referral) -> dict[str, Any]:
    return {"id": referral.pk, "code": referral.code, "status": referral.status}


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class ReferralListCreate(generics.GenericAPIView[Referral]):
    """GET /referrals/ (scoped, paginated); POST /referrals/ (referrer: a new draft)."""

    permission_classes = [has_role(Role.REFERRER, Role.COORDINATOR)]
    pagination_class = Pagination
    serializer_class = ReferralListOut

    def get_queryset(self) -> QuerySet[Referral]:
        return referrals_for_user(user=_user(self.request)).order_by("-created_at", "-id")

    @extend_schema(
        operation_id="referrals_list",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=_(
                    "Zoeken: code (met of zonder ROP-), naam of BSN van de jongere, gemeente "
                    "(elke zoekvraag wordt vastgelegd in het toegangslogboek, de zoektekst niet)"
                ),
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        status_filter = request.query_params.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        raw = request.query_params.get("q", "")
        kind = None
        if raw.strip():
            found = search_referrals(user=_user(request), raw=raw)
            if found.query.error:
                raise serializers.ValidationError({"q": [found.query.error]})
            kind = found.query.kind
            queryset = queryset.filter(pk__in=found.referrals.values("pk"))
        page = self.paginate_queryset(queryset)
        if kind is not None:
            paginator = self.paginator
            assert isinstance(paginator, Pagination) and paginator.page is not None
            audit_search(user=_user(request), kind=kind, hits=paginator.page.paginator.count)
        return self.get_paginated_response(ReferralListOut(page, many=True).data)

    @extend_schema(request=ReferralIn, responses={201: ReferralShortOut})
    def post(self, request: Request) -> Response:
        serializer = ReferralIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_create(by=_user(request), data=serializer.validated_data)
        return Response(_short(referral), status=status.HTTP_201_CREATED)


class ReferralDetail(APIView):
    """GET /referrals/{id}/ (with the audited identity); PATCH edits a draft."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk)
        return Response(referral_out(referral, _user(request)))

    @extend_schema(request=ReferralUpdateIn, responses={200: ReferralShortOut})
    def patch(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.update")
        serializer = ReferralUpdateIn(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_update(
            referral=referral, by=_user(request), data=serializer.validated_data
        )
        return Response(_short(referral))


class ReferralSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.submit")
        referral = services.referral_submit(referral=referral, by=_user(request))
        return Response(_short(referral))


class QuestionIn(serializers.Serializer):
    question = serializers.CharField(max_length=2000)


class ReferralRequestInfo(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuestionIn, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.request_info")
        serializer = QuestionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_request_info(
            referral=referral, by=_user(request), question=serializer.validated_data["question"]
        )
        return Response(_short(referral))


class OutsidePlacementIn(serializers.Serializer):
    """Care outside coordination (issue 21): the service checks what is required."""

    provider = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    provider_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contracted = serializers.BooleanField(required=False, allow_null=True, default=None)
    arrangement = serializers.ChoiceField(
        choices=OutsideArrangement.choices, required=False, allow_blank=True
    )
    cost_per_day = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.ChoiceField(
        choices=OutsideReason.choices, required=False, allow_blank=True
    )
    reason_note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class OutsidePlacementOut(serializers.Serializer):
    provider = serializers.IntegerField(source="provider_id", allow_null=True)
    provider_name = serializers.CharField(source="provider_label")
    contracted = serializers.BooleanField()
    arrangement = serializers.CharField()
    cost_per_day = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    start_date = serializers.DateField()
    reason = serializers.CharField()
    reason_note = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CloseIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Referral.CloseOutcome.choices)
    # Required with outcome placed_outside_coordination (the service names each field).
    outside_placement = OutsidePlacementIn(required=False)


class ReferralClose(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CloseIn, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.close")
        serializer = CloseIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_close(
            referral=referral,
            by=_user(request),
            outcome=serializer.validated_data["outcome"],
            outside_placement=serializer.validated_data.get("outside_placement"),
        )
        return Response(_short(referral))


class ReopenIn(serializers.Serializer):
    # Blank passes here so that the service answers with its own message naming `reason`.
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ReferralReopen(APIView):
    """POST /referrals/{id}/reopen/: the coordinator reopens a referral closed by hand."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReopenIn, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.reopen")
        serializer = ReopenIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_reopen(
            referral=referral, by=_user(request), reason=serializer.validated_data["reason"]
        )
        return Response(_short(referral))


class ExpertTableIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ReferralExpertTable(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExpertTableIn, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.expert_table")
        serializer = ExpertTableIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_mark_expert_table(
            referral=referral, by=_user(request), note=serializer.validated_data["note"]
        )
        return Response(_short(referral))


class ReferralStartMatching(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ReferralShortOut})
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.start_matching")
        referral = services.referral_start_matching(referral=referral, by=_user(request))
        return Response(_short(referral))


# --- issue 21: the expert table, care outside coordination, the escalation dossier --------


def _coordinator_only(*, user: User, pk: int, action: str) -> None:
    """A write of the coordinator: anyone else gets 404 (audited) before the body is read."""
    if user.role != Role.COORDINATOR:
        audit_record(user=user, action=action, referral_id=pk, allowed=False)
        raise NotFound


class ExpertTableWriteIn(serializers.Serializer):
    """Convene (POST) or update (PATCH) an expert table; the service checks what is required
    and answers 400 naming the field."""

    convened_on = serializers.DateField(required=False, allow_null=True)
    disciplines = serializers.ListField(
        child=serializers.ChoiceField(choices=ExpertDiscipline.choices),
        required=False,
        max_length=20,
    )
    question = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    advice = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    outcome = serializers.ChoiceField(
        choices=ExpertTableOutcome.choices, required=False, allow_blank=True
    )
    outcome_note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    decided_on = serializers.DateField(required=False, allow_null=True)


class ExpertTableOut(serializers.Serializer):
    """The coordinator sees every field; the referrer of the request only id, convened_on,
    question, outcome and decided_on."""

    id = serializers.IntegerField()
    convened_on = serializers.DateField()
    question = serializers.CharField()
    outcome = serializers.ChoiceField(choices=ExpertTableOutcome.choices, allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    disciplines = serializers.ListField(child=serializers.CharField(), required=False)
    advice = serializers.CharField(required=False)
    outcome_note = serializers.CharField(required=False)


class ReferralExpertTables(APIView):
    """GET /referrals/{id}/expert-tables/ (coordinator; the referrer sees date, question and
    outcome); POST convenes one (coordinator)."""

    permission_classes = [has_role(Role.COORDINATOR, Role.REFERRER)]

    @extend_schema(responses={200: ExpertTableOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        referral = referral_for_user(user=user, pk=pk, action="referral.expert_tables")
        full = user.role == Role.COORDINATOR
        return Response(
            [expert_table_out(t, full=full) for t in expert_tables_of(referral=referral)]
        )

    @extend_schema(request=ExpertTableWriteIn, responses={201: ExpertTableOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        _coordinator_only(user=user, pk=pk, action="referral.expert_table_convene")
        referral = referral_for_user(user=user, pk=pk, action="referral.expert_table_convene")
        serializer = ExpertTableWriteIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        table = services.expert_table_convene(
            referral=referral, by=user, data=serializer.validated_data
        )
        return Response(expert_table_out(table, full=True), status=status.HTTP_201_CREATED)


class ExpertTableDetail(APIView):
    """PATCH /expert-tables/{id}/: the coordinator records the advice and the outcome."""

    permission_classes = [has_role(Role.COORDINATOR)]

    @extend_schema(request=ExpertTableWriteIn, responses={200: ExpertTableOut})
    def patch(self, request: Request, pk: int) -> Response:
        user = _user(request)
        table = expert_table_for_coordinator(user=user, pk=pk)
        serializer = ExpertTableWriteIn(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        table = services.expert_table_update(table=table, by=user, data=serializer.validated_data)
        return Response(expert_table_out(table, full=True))


class ReferralOutsidePlacement(APIView):
    """GET/PATCH /referrals/{id}/outside-placement/: the care outside coordination of a
    referral closed as placed_outside_coordination (the coordinator edits it)."""

    permission_classes = [has_role(Role.COORDINATOR, Role.REFERRER)]

    @extend_schema(responses={200: OutsidePlacementOut})
    def get(self, request: Request, pk: int) -> Response:
        referral = referral_for_user(user=_user(request), pk=pk, action="referral.read")
        outside = (
            OutsidePlacement.objects.filter(referral=referral).select_related("provider").first()
        )
        if outside is None:
            raise NotFound
        return Response(OutsidePlacementOut(outside).data)

    @extend_schema(request=OutsidePlacementIn, responses={200: OutsidePlacementOut})
    def patch(self, request: Request, pk: int) -> Response:
        user = _user(request)
        action = "referral.outside_placement_update"
        _coordinator_only(user=user, pk=pk, action=action)
        referral = referral_for_user(user=user, pk=pk, action=action)
        serializer = OutsidePlacementIn(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        outside = outside_placement_update(
            referral=referral, by=user, data=serializer.validated_data
        )
        return Response(OutsidePlacementOut(outside).data)


class ReferralDossier(APIView):
    """GET /referrals/{id}/dossier/: the escalation dossier as JSON (coordinator of the
    region, the referrer of the request); no identity, the referral by its code."""

    permission_classes = [has_role(Role.COORDINATOR, Role.REFERRER)]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        referral = dossier_referral_for_user(user=user, pk=pk)
        dossier = escalation_dossier(referral=referral)
        audit_record(user=user, action="referral.dossier", referral_id=referral.pk)
        return Response(dossier_out(dossier, user=user))
