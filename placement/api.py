"""API of placement: candidates, offers and their answers, placements. Thin: services decide."""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from capacity.models import Location
from config.codes import Urgency
from config.errors import NotFound
from placement import services
from placement.models import Offer, Placement, PlacementRisk
from placement.selectors import (
    Candidate,
    accepted_youth_identity_for,
    candidates_for_user,
    identity_access_ends_on,
    offer_for_user,
    offers_for_user,
    placement_at_risk_reason,
    placement_for_user,
    placements_for_user,
)
from referrals.models import Referral
from referrals.selectors import referral_for_user


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- Serializers -------------------------------------------------------------------------


class CandidateSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    location_name = serializers.CharField()
    provider = serializers.CharField()
    municipality = serializers.CharField()
    care_form = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    free_places = serializers.IntegerField()
    excluded_because = serializers.ListField(child=serializers.CharField(), required=False)


class OfferCreateSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=30)
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    refusal_concerns = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=20,
        help_text="Optional (issue 23): codes of the referral's needed expertise or risk flags "
        "(its explanatory analysis) that made the provider refuse; only with reason "
        "`contra_indication`, `group_composition`, `insufficient_expertise` or `safety_risk`. "
        "A code not on the request's analysis is a 400 naming `refusal_concerns`.",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class WaitSerializer(serializers.Serializer):
    interim_support = serializers.CharField(max_length=2000)
    ambulant_support = serializers.BooleanField(required=False, default=False)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ]
    }
)
class SchoolArrangementField(serializers.Field):
    """`school` / `school_transport` as a plain string or an object with named parts."""

    def __init__(self, *, keys: tuple[str, ...], **kwargs: Any) -> None:
        self.keys = keys
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> dict[str, str]:
        if data is None or data == "":
            return {}
        if isinstance(data, str):
            return {self.keys[0]: data[:300]}
        if isinstance(data, dict):
            unknown = set(data) - set(self.keys)
            if unknown:
                raise serializers.ValidationError(
                    _("Onbekende velden: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
                )
            if not all(isinstance(v, str) for v in data.values()):
                raise serializers.ValidationError(_("Elk onderdeel moet tekst zijn."))
            return {k: str(v)[:2000] for k, v in data.items()}
        raise serializers.ValidationError(_("Geef tekst of een object."))

    def to_representation(self, value: object) -> object:
        return value


class PlaceSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    school = SchoolArrangementField(keys=("name", "handover"), required=False, default=dict)
    school_transport = SchoolArrangementField(
        keys=("arrangement", "funded_by"), required=False, default=dict
    )
    intake_contact = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )

    def validate_school_transport(self, value: dict[str, str]) -> dict[str, str]:
        # Named by its path in the body (CONTRACT.md), not by the service's own name for it.
        funded_by = value.get("funded_by", "")
        if funded_by and funded_by not in Placement.TransportFunding.values:
            raise serializers.ValidationError(
                {"funded_by": [_("Kies wie het vervoer betaalt uit de lijst.")]}
            )
        return value


# The destinations before issue 21.5, still accepted from clients written against them.
LEGACY_OUTFLOW = {"lighter_care": "lighter_residential", "independent_living": "supported_living"}


class EndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.ChoiceField(choices=Placement.EndReason.choices)
    outflow = serializers.ChoiceField(
        choices=Placement.Outflow.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Bestemming; verplicht bij planned_outflow en turned_18, bij returned_home "
            "standaard home."
        ),
    )
    ready_to_leave_since = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "get") and data.get("outflow") in LEGACY_OUTFLOW:
            data = {**data, "outflow": LEGACY_OUTFLOW[data["outflow"]]}
        return super().to_internal_value(data)


class PlacementPlansSerializer(serializers.Serializer):
    planned_end = serializers.DateField(required=False, allow_null=True)
    adult_plan_on = serializers.DateField(required=False, allow_null=True)


class RiskFlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PlacementRisk.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RiskUpdateSerializer(serializers.Serializer):
    support = serializers.ListField(
        child=serializers.ChoiceField(choices=PlacementRisk.Support.choices),
        required=False,
        max_length=len(PlacementRisk.Support.values),
    )
    support_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    outcome = serializers.ChoiceField(
        choices=PlacementRisk.Outcome.choices,
        required=False,
        help_text=_("prevented sluit de melding; een doorplaatsing is het beëindigen."),
    )


class RiskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField()
    flagged_at = serializers.DateTimeField()
    support = serializers.ListField(child=serializers.CharField())
    support_note = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: PlacementRisk) -> dict[str, Any]:
        return _risk_payload(instance)


def anonymised_referral(referral: Referral) -> dict[str, Any]:
    """What a provider may read before acceptance: the need, never who the youth is."""
    analysis = referral.current_analysis
    youth = referral.youth
    municipality = youth.municipality
    return {
        "code": referral.code,
        "age": referral.youth_age(),
        "gender": youth.gender,
        "municipality": (
            {"code": municipality.code, "name": municipality.name} if municipality else None
        ),
        "legal_status": referral.legal_status,
        "urgency": referral.urgency,
        "documents_due_on": referral.documents_due_on
        if not referral.documents_completed_on
        else None,
        "previous_situation": referral.previous_situation,
        "request_kind": referral.request_kind,
        "current_situation": referral.current_situation,
        "previous_placements": referral.previous_placements,
        "school": {"level": referral.school_level, "attending": referral.school_attending},
        "requested_start": referral.requested_start,
        "explanatory_analysis": (
            {
                "problems": analysis.problems,
                "explaining_factors": analysis.explaining_factors,
                "protective_factors": analysis.protective_factors,
                "needs": analysis.needs,
                "needed_care_forms": analysis.needed_care_forms,
                "needed_expertise": analysis.needed_expertise,
                "risk_flags": analysis.risk_flags,
                "intensity": analysis.intensity or None,
                "secured_required": analysis.secured_required,
                "author_role": analysis.author_role,
                "completed_on": analysis.completed_on,
                "shared_with_family": analysis.shared_with_family,
            }
            if analysis
            else None
        ),
        "perspective_plan": referral.perspective_plan,
        "safety_plan": referral.safety_plan,
        "care_question": referral.care_question,
        "youth_perspective": referral.youth_perspective,
        "parents_perspective": referral.parents_perspective,
    }


def offer_payload(offer: Offer, *, identity: Any = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": offer.pk,
        "status": offer.status,
        "location": offer.location_id,
        "location_name": offer.location.name,
        "sent_at": offer.sent_at,
        "deadline": offer.deadline,
        "answered_at": offer.answered_at,
        "refusal_reason": offer.refusal_reason or None,
        "refusal_explanation": offer.refusal_explanation,
        "refusal_concerns": list(offer.refusal_concerns or []),
        "referral": anonymised_referral(offer.referral),
    }
    if identity is not None:
        payload["youth"] = {
            "given_name": identity.given_name,
            "family_name": identity.family_name,
            "bsn": identity.bsn,
            "birth_date": identity.birth_date,
            "gender": identity.gender,
            "postcode": identity.postcode,
            "municipality": identity.municipality.code if identity.municipality else None,
            "guardians": identity.guardians,
        }
    return payload


class MunicipalityOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AnalysisOutSerializer(serializers.Serializer):
    problems = serializers.CharField()
    explaining_factors = serializers.CharField()
    protective_factors = serializers.CharField()
    needs = serializers.CharField()
    needed_care_forms = serializers.ListField(child=serializers.CharField())
    needed_expertise = serializers.ListField(child=serializers.CharField())
    risk_flags = serializers.ListField(child=serializers.CharField())
    intensity = serializers.CharField(allow_null=True)
    secured_required = serializers.BooleanField()
    author_role = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    shared_with_family = serializers.BooleanField()


class SchoolOutSerializer(serializers.Serializer):
    level = serializers.CharField()
    attending = serializers.BooleanField(allow_null=True)


class AnonymisedReferralSerializer(serializers.Serializer):
    """Documentation of `anonymised_referral`: no name, BSN, birth date, postcode, guardian."""

    code = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    gender = serializers.CharField()
    municipality = MunicipalityOutSerializer(allow_null=True)
    legal_status = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    documents_due_on = serializers.DateField(
        allow_null=True, help_text=_("crisis: de dag waarop de VA en de plannen er uiterlijk zijn")
    )
    previous_situation = serializers.CharField()
    request_kind = serializers.CharField()
    current_situation = serializers.CharField()
    previous_placements = serializers.IntegerField()
    school = SchoolOutSerializer()
    requested_start = serializers.DateField(allow_null=True)
    explanatory_analysis = AnalysisOutSerializer(allow_null=True)
    perspective_plan = serializers.CharField()
    safety_plan = serializers.CharField()
    care_question = serializers.CharField()
    youth_perspective = serializers.CharField()
    parents_perspective = serializers.CharField()


class GuardianOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField()


class YouthOutSerializer(serializers.Serializer):
    """Only after acceptance, only to the accepting provider; every read is audited."""

    given_name = serializers.CharField()
    family_name = serializers.CharField()
    bsn = serializers.CharField()
    birth_date = serializers.DateField()
    gender = serializers.CharField()
    postcode = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    guardians = GuardianOutSerializer(many=True)


class OfferSerializer(serializers.Serializer):
    """Read-only: the anonymised offer (`youth` added by the detail view after acceptance)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Offer.Status.choices)
    location = serializers.IntegerField()
    location_name = serializers.CharField()
    sent_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    refusal_reason = serializers.CharField(allow_null=True)
    refusal_explanation = serializers.CharField()
    refusal_concerns = serializers.ListField(child=serializers.CharField())
    referral = AnonymisedReferralSerializer()
    youth = YouthOutSerializer(required=False)

    def to_representation(self, instance: Offer) -> dict[str, Any]:
        return offer_payload(instance)


def placement_payload(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "status": placement.status,
        "referral": placement.referral.code,
        "offer": placement.offer_id,
        "location": placement.location_id,
        "location_name": placement.location.name,
        "start_date": placement.start_date,
        "school": {"name": placement.school_name, "handover": placement.school_handover},
        "school_transport": {
            "arrangement": placement.school_transport,
            "funded_by": placement.transport_funding or None,
        },
        "intake_contact": placement.intake_contact,
        "end_date": placement.end_date,
        "end_reason": placement.end_reason or None,
        "outflow": placement.outflow or None,
        "ready_to_leave_since": placement.ready_to_leave_since,
        "planned_end": placement.planned_end,
        "adult_plan_on": placement.adult_plan_on,
        "next_referral": placement.next_referral.code if placement.next_referral else None,
        **_at_risk(placement),
    }


def _at_risk(placement: Placement) -> dict[str, Any]:
    """ "Plaatsing onder druk": active with an open risk, and that risk's reason code."""
    reason = placement_at_risk_reason(placement)
    return {"at_risk": reason is not None, "at_risk_reason": reason}


class PlacementSchoolSerializer(serializers.Serializer):
    name = serializers.CharField()
    handover = serializers.CharField()


class PlacementTransportSerializer(serializers.Serializer):
    arrangement = serializers.CharField()
    funded_by = serializers.CharField(allow_null=True)


class PlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Placement.Status.choices)
    referral = serializers.CharField(help_text=_("Code van het verzoek"))
    offer = serializers.IntegerField()
    location = serializers.IntegerField()
    location_name = serializers.CharField()
    start_date = serializers.DateField()
    school = PlacementSchoolSerializer()
    school_transport = PlacementTransportSerializer()
    intake_contact = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_null=True)
    outflow = serializers.CharField(allow_null=True)
    ready_to_leave_since = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    adult_plan_on = serializers.DateField(allow_null=True)
    next_referral = serializers.CharField(allow_null=True)
    at_risk = serializers.BooleanField(
        help_text=_("Plaatsing onder druk: actief, met een open melding van dreigende uitval")
    )
    at_risk_reason = serializers.ChoiceField(
        choices=PlacementRisk.Reason.choices,
        allow_null=True,
        help_text=_("Reden van de open melding; null zonder open melding"),
    )

    def to_representation(self, instance: Placement) -> dict[str, Any]:
        return placement_payload(instance)


class ReferralStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()


# --- Coordinator: candidates, offers, waiting ---------------------------------------------


def _candidate_row(candidate: Candidate) -> dict[str, Any]:
    """A candidate row in the answer's key order, as an excluded location shows it (no score,
    no reasons); a fitting one fills in its score and reasons."""
    location = candidate.location
    return {
        "location": location.pk,
        "location_name": location.name,
        "provider": location.provider_name,
        "municipality": location.municipality_name,
        "care_form": location.care_form,
        "score": None,
        "reasons": [],
        "free_places": location.free_places,
    }


class CandidatesView(APIView):
    permission_classes = [has_role(Role.COORDINATOR)]

    @extend_schema(
        parameters=[OpenApiParameter("include_excluded", bool, required=False)],
        responses={200: CandidateSerializer(many=True)},
    )
    def get(self, request: Request, referral_id: int) -> Response:
        include_excluded = request.query_params.get("include_excluded") in ("1", "true", "yes")
        result = candidates_for_user(
            user=_user(request), referral_id=referral_id, include_excluded=include_excluded
        )
        rows: list[dict[str, Any]] = [
            {**_candidate_row(c), "score": c.score, "reasons": c.assessment.reasons}
            for c in result.candidates
        ]
        rows += [
            {**_candidate_row(c), "excluded_because": c.assessment.excluded_because}
            for c in result.excluded
        ]
        headers = {"X-Turning-18-Soon": "1"} if result.turning_18_soon else {}
        return Response(rows, headers=headers)


class OfferCreateView(APIView):
    permission_classes = [has_role(Role.COORDINATOR)]

    @extend_schema(request=OfferCreateSerializer, responses={201: OfferSerializer})
    def post(self, request: Request, referral_id: int) -> Response:
        user = _user(request)
        referral = referral_for_user(user=user, pk=referral_id)
        data = OfferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = Location.objects.filter(pk=data.validated_data["location"]).first()
        if chosen is None:
            raise serializers.ValidationError({"location": [_("Onbekende locatie.")]})
        offer = services.offer_send(
            referral=referral, location=chosen, by=user, choice_reason=data.validated_data["reason"]
        )
        return Response(offer_payload(offer), status=status.HTTP_201_CREATED)


class WaitView(APIView):
    permission_classes = [has_role(Role.COORDINATOR)]

    @extend_schema(request=WaitSerializer, responses={200: ReferralStatusSerializer})
    def post(self, request: Request, referral_id: int) -> Response:
        user = _user(request)
        referral = referral_for_user(user=user, pk=referral_id)
        data = WaitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_wait(
            referral=referral,
            by=user,
            interim_support=data.validated_data["interim_support"],
            ambulant_support=data.validated_data["ambulant_support"],
        )
        # The service moves the status on a row of its own: answer what is stored now.
        referral.refresh_from_db(fields=["status"])
        return Response({"id": referral.pk, "code": referral.code, "status": referral.status})


# --- Provider: offers ----------------------------------------------------------------------


class OfferListView(ListAPIView):
    permission_classes = [has_role(Role.PROVIDER)]
    serializer_class = OfferSerializer
    queryset = Offer.objects.none()  # for the schema; get_queryset scopes per user

    def get_queryset(self) -> Any:
        return offers_for_user(user=_user(self.request)).order_by("deadline", "id")


class OfferDetailView(RetrieveAPIView):
    permission_classes = [has_role(Role.PROVIDER)]
    serializer_class = OfferSerializer
    queryset = Offer.objects.none()  # for the schema; get_queryset scopes per user

    def get_queryset(self) -> Any:
        return offers_for_user(user=_user(self.request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        offer = self.get_object()
        payload: dict[str, Any] = offer_payload(offer)
        if offer.status == Offer.Status.ACCEPTED:
            identity = accepted_youth_identity_for(offer=offer, user=_user(request))
            payload = offer_payload(offer, identity=identity)
            # The last day `youth` is shown (null while the placement runs).
            payload["youth_visible_until"] = identity_access_ends_on(offer=offer)
        return Response(payload)


def _provider_offer(request: Request, offer_id: int) -> Offer:
    return offer_for_user(user=_user(request), pk=offer_id)


class OfferAcceptView(APIView):
    permission_classes = [has_role(Role.PROVIDER)]

    @extend_schema(request=None, responses={200: OfferSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        offer = services.offer_accept(offer=_provider_offer(request, offer_id), by=_user(request))
        return Response(offer_payload(offer))


class OfferRefuseView(APIView):
    permission_classes = [has_role(Role.PROVIDER)]

    @extend_schema(request=RefuseSerializer, responses={200: OfferSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        offer = _provider_offer(request, offer_id)
        data = RefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_refuse(
            offer=offer,
            by=_user(request),
            reason=data.validated_data["reason"],
            explanation=data.validated_data["explanation"],
            concerns=data.validated_data["refusal_concerns"],
        )
        return Response(offer_payload(offer))


class OfferWithdrawView(APIView):
    permission_classes = [has_role(Role.COORDINATOR)]

    @extend_schema(request=ReasonSerializer, responses={200: OfferSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        user = _user(request)
        offer = offer_for_user(user=user, pk=offer_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_withdraw(offer=offer, by=user, reason=data.validated_data["reason"])
        return Response(offer_payload(offer))


class OfferCancelAcceptanceView(APIView):
    """The accepted offer fell through before a placement: release the held place."""

    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(request=ReasonSerializer, responses={200: OfferSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        user = _user(request)
        offer = offer_for_user(user=user, pk=offer_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_cancel_acceptance(
            offer=offer, by=user, reason=data.validated_data["reason"]
        )
        return Response(offer_payload(offer))


# --- Placements ------------------------------------------------------------------------------


class OfferPlaceView(APIView):
    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(request=PlaceSerializer, responses={201: PlacementSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        user = _user(request)
        offer = offer_for_user(user=user, pk=offer_id)
        data = PlaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = data.validated_data["school"]
        transport = data.validated_data["school_transport"]
        placement = services.placement_record(
            offer=offer,
            by=user,
            start_date=data.validated_data["start_date"],
            school_name=school.get("name", ""),
            school_handover=school.get("handover", ""),
            school_transport=transport.get("arrangement", ""),
            transport_funding=transport.get("funded_by", ""),
            intake_contact=data.validated_data["intake_contact"],
        )
        return Response(placement_payload(placement), status=status.HTTP_201_CREATED)


class PlacementListView(ListAPIView):
    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]
    serializer_class = PlacementSerializer
    queryset = Placement.objects.none()  # for the schema; get_queryset scopes per user

    def get_queryset(self) -> Any:
        return placements_for_user(user=_user(self.request)).select_related("next_referral")


class PlacementEndView(APIView):
    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(request=EndSerializer, responses={200: PlacementSerializer})
    def post(self, request: Request, placement_id: int) -> Response:
        user = _user(request)
        placement = placement_for_user(user=user, pk=placement_id)
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        end_date: date = data.validated_data["end_date"]
        placement = services.placement_end(
            placement=placement,
            by=user,
            end_date=end_date,
            reason=data.validated_data["reason"],
            outflow=data.validated_data["outflow"],
            ready_to_leave_since=data.validated_data["ready_to_leave_since"],
            note=data.validated_data["note"],
        )
        return Response(placement_payload(placement))


class PlacementCancelView(APIView):
    """A planned placement that will not start: release the held place."""

    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(request=ReasonSerializer, responses={200: PlacementSerializer})
    def post(self, request: Request, placement_id: int) -> Response:
        user = _user(request)
        placement = placement_for_user(user=user, pk=placement_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.placement_cancel(
            placement=placement, by=user, reason=data.validated_data["reason"]
        )
        return Response(placement_payload(placement))


class PlacementDetailView(APIView):
    """One placement; PATCH sets its planned end and whether an 18+ plan is there."""

    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(responses={200: PlacementSerializer})
    def get(self, request: Request, placement_id: int) -> Response:
        return Response(placement_payload(placement_for_user(user=_user(request), pk=placement_id)))

    @extend_schema(request=PlacementPlansSerializer, responses={200: PlacementSerializer})
    def patch(self, request: Request, placement_id: int) -> Response:
        user = _user(request)
        placement = placement_for_user(user=user, pk=placement_id)
        data = PlacementPlansSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.placement_update_plans(
            placement=placement, by=user, **data.validated_data
        )
        return Response(placement_payload(placement))


def _risk_payload(risk: PlacementRisk) -> dict[str, Any]:
    return {
        "id": risk.pk,
        "placement": risk.placement_id,
        "reason": risk.reason,
        "note": risk.note,
        "flagged_at": risk.flagged_at,
        "support": risk.support,
        "support_note": risk.support_note,
        "outcome": risk.outcome or None,
        "closed_at": risk.closed_at,
    }


class PlacementRiskView(APIView):
    """POST: the provider or the coordinator flags the active placement as at risk.
    PATCH: the coordinator records the support deployed and, with `prevented`, closes it."""

    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(request=RiskFlagSerializer, responses={201: RiskSerializer})
    def post(self, request: Request, placement_id: int) -> Response:
        user = _user(request)
        placement = placement_for_user(user=user, pk=placement_id)
        data = RiskFlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk = services.placement_flag_risk(placement=placement, by=user, **data.validated_data)
        return Response(_risk_payload(risk), status=status.HTTP_201_CREATED)

    @extend_schema(request=RiskUpdateSerializer, responses={200: RiskSerializer})
    def patch(self, request: Request, placement_id: int) -> Response:
        user = _user(request)
        placement = placement_for_user(user=user, pk=placement_id)
        if user.role != Role.COORDINATOR:  # the provider flags; support is the coordinator's
            raise NotFound
        data = RiskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk = services.placement_risk_update(placement=placement, by=user, **data.validated_data)
        return Response(_risk_payload(risk))


# --- The handover (issue 20) -------------------------------------------------------------


class IntakeProposalSerializer(serializers.Serializer):
    intake_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class IntakeProposalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    intake_proposed_on = serializers.DateField()
    intake_proposed_at = serializers.DateTimeField()
    intake_note = serializers.CharField()


class OfferIntakeProposalView(APIView):
    """After acceptance the provider proposes an intake date (before it: 400)."""

    permission_classes = [has_role(Role.PROVIDER)]

    @extend_schema(request=IntakeProposalSerializer, responses={200: IntakeProposalOutSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        offer = _provider_offer(request, offer_id)
        data = IntakeProposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_propose_intake(
            offer=offer,
            by=_user(request),
            intake_date=data.validated_data["intake_date"],
            note=data.validated_data["note"],
        )
        return Response(IntakeProposalOutSerializer(offer).data)
