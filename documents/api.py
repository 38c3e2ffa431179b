"""API of a referral's documents: list, upload (multipart), download, mark shareable, remove."""

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.api import Pagination
from documents import services
from documents.models import Document
from documents.scanning import ScannerUnavailable
from documents.selectors import (
    DocumentAccess,
    document_access,
    document_for_download,
    document_for_user,
    documents_visible,
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class DocumentOut(serializers.ModelSerializer[Document]):
    name = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.get_full_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "referral",
            "kind",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "shareable_anonymised",
            "scan_status",
            "download_url",
        ]

    def get_name(self, document: Document) -> str:
        access: DocumentAccess = self.context["access"]
        return access.shown_name(document)

    def get_download_url(self, document: Document) -> str:
        return reverse("api-document-download", args=[document.pk])


class DocumentIn(serializers.Serializer[Any]):
    # Both checked by the service, so that its messages name the field (CONTRACT.md).
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_empty_file=True)


class ShareIn(serializers.Serializer[Any]):
    shareable_anonymised = serializers.BooleanField()


def _scanner_unavailable() -> Response:
    return Response(
        {"detail": _("De virusscanner is nu niet bereikbaar. Probeer het later opnieuw.")},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


class ReferralDocuments(APIView):
    """GET/POST /referrals/{id}/documents/: the documents the caller may see; upload."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentOut(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        access = document_access(user=_user(request), referral_id=pk, action="document.list")
        paginator = Pagination()
        page = paginator.paginate_queryset(documents_visible(access=access), request, view=self)
        data = DocumentOut(page, many=True, context={"access": access}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": DocumentIn},
        responses={
            201: DocumentOut,
            503: OpenApiResponse(description=_("De virusscanner is niet bereikbaar.")),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        access = document_access(user=user, referral_id=pk, action="document.upload")
        serializer = DocumentIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            document = services.document_upload(
                access=access,
                by=user,
                kind=serializer.validated_data["kind"],
                upload=serializer.validated_data.get("file"),
            )
        except ScannerUnavailable:
            return _scanner_unavailable()
        return Response(
            DocumentOut(document, context={"access": access}).data, status=status.HTTP_201_CREATED
        )


class DocumentDetail(APIView):
    """PATCH (coordinator: shareable before acceptance) and DELETE /documents/{id}/."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ShareIn, responses={200: DocumentOut})
    def patch(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document, access = document_for_user(user=user, pk=pk, action="document.share")
        serializer = ShareIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_mark_shareable(
            document=document,
            access=access,
            by=user,
            shareable=serializer.validated_data["shareable_anonymised"],
        )
        return Response(DocumentOut(document, context={"access": access}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document, access = document_for_user(user=user, pk=pk, action="document.remove")
        services.document_remove(document=document, access=access, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentDownload(APIView):
    """GET /documents/{id}/download/: the file itself, audited."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        document, access = document_for_download(user=_user(request), pk=pk)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=access.shown_name(document),
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store, private"
        return response
