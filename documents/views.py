"""Browser pages of a referral's documents: list and upload, download, shareable, remove."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import Role, User
from accounts.permissions import role_required
from accounts.services import audit_record
from config.errors import NotFound, ValidationFailed
from documents import services
from documents.forms import UploadForm
from documents.scanning import ScannerUnavailable
from documents.selectors import (
    DocumentAccess,
    document_access,
    document_for_download,
    document_for_user,
    documents_visible,
)

ROLES = (Role.REFERRER, Role.COORDINATOR, Role.PROVIDER)
PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _back_url(access: DocumentAccess) -> str:
    """After a change: the referral's page, at its documents section."""
    return reverse("referrals:detail", args=[access.referral.pk]) + "#documents-heading"


def _section_context(
    request: HttpRequest, access: DocumentAccess, form: UploadForm
) -> dict[str, Any]:
    page = Paginator(documents_visible(access=access), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "access": access,
        "referral": access.referral,
        "page": page,
        "rows": [
            (document, access.shown_name(document), access.may_remove(document))
            for document in page
        ],
        "form": form,
    }


@require_http_methods(["GET", "POST"])
@role_required(*ROLES)
@vary_on_headers("HX-Request")
def referral_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents of one referral; on POST an upload (referrer and coordinator)."""
    user = _user(request)
    action = "document.upload" if request.method == "POST" else "document.list"
    access = document_access(user=user, referral_id=pk, action=action)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationFailed({})
            services.document_upload(
                access=access,
                by=user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationFailed as failure:
            for field, texts in failure.errors.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
            status = 400
        except ScannerUnavailable:
            messages.error(
                request,
                _("De virusscanner is nu niet bereikbaar. Probeer het later opnieuw."),
            )
            status = 503
        else:
            messages.success(request, _("Het document is toegevoegd."))
            return redirect(_back_url(access))
    template = "documents/referral_documents.html"
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        template = "documents/partials/list.html"
    return render(request, template, _section_context(request, access, form), status=status)


@require_http_methods(["GET"])
@role_required(*ROLES)
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream the file as an attachment under its sanitised name; the read is audited."""
    document, access = document_for_download(user=_user(request), pk=pk)
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        document.file.open("rb"),
        as_attachment=True,
        filename=access.shown_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["POST"])
@role_required(Role.COORDINATOR)
def document_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document, access = document_for_user(user=user, pk=pk, action="document.share")
    shareable = request.POST.get("shareable") == "1"
    services.document_mark_shareable(document=document, access=access, by=user, shareable=shareable)
    if shareable:
        messages.success(request, _("Het document is deelbaar gemaakt met de aanbieder."))
    else:
        messages.success(request, _("Het document wordt niet meer gedeeld vóór acceptatie."))
    return redirect(_back_url(access))


@require_http_methods(["GET", "POST"])
@role_required(Role.REFERRER, Role.COORDINATOR)
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove in two steps: a confirmation page, then the removal (not undoable)."""
    user = _user(request)
    document, access = document_for_user(user=user, pk=pk, action="document.remove")
    if not access.may_remove(document):
        audit_record(
            user=user,
            action="document.remove",
            referral_id=document.referral_id,
            object_type="document",
            object_id=document.pk,
            allowed=False,
        )
        raise NotFound
    if request.method == "POST":
        services.document_remove(document=document, access=access, by=user)
        messages.success(request, _("Het document is verwijderd."))
        return redirect(_back_url(access))
    return render(
        request,
        "documents/remove_confirm.html",
        {"document": document, "access": access, "referral": access.referral},
    )
