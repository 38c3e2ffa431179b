"""Every write on documents: upload, mark shareable, remove. Each audited, none logs a name."""

from typing import IO, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from config.errors import NotFound, ValidationFailed
from documents import scanning
from documents.models import Document
from documents.selectors import DocumentAccess
from documents.validation import detected_type, sanitised_name, sha256_of, size_text


def _stream(upload: UploadedFile) -> IO[bytes]:
    return cast(IO[bytes], upload.file)


def _file_errors(upload: UploadedFile | None) -> tuple[list[str], str]:
    """Problems of the file itself, and its detected type."""
    if upload is None:
        return [_("Kies een bestand.")], ""
    if not upload.size:
        return [_("Het bestand is leeg.")], ""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        limit = size_text(settings.DOCUMENT_MAX_BYTES)
        return [_("Het bestand is groter dan %(limit)s.") % {"limit": limit}], ""
    content_type = detected_type(_stream(upload))
    if content_type is None:
        return [
            _(
                "Dit soort bestand wordt niet aangenomen. Kies een PDF-, DOCX-, ODT-, PNG- of "
                "JPEG-bestand."
            )
        ], ""
    return [], content_type


def document_upload(
    *, access: DocumentAccess, by: User, kind: str, upload: UploadedFile | None
) -> Document:
    """Store one document of the referral: checked by content and size, scanned when a
    scanner is configured, saved under a random name, audited."""
    if not access.may_upload or access.user.pk != by.pk:
        raise NotFound
    errors: dict[str, list[str]] = {}
    if kind not in Document.Kind.values:
        errors["kind"] = [_("Kies een soort document.")]
    file_errors, content_type = _file_errors(upload)
    if file_errors:
        errors["file"] = file_errors
    if errors or upload is None:
        raise ValidationFailed(errors)
    scan_status = Document.ScanStatus.SKIPPED
    if scanning.scanner_configured():
        # ScannerUnavailable propagates: the caller answers 503 and nothing is stored.
        if scanning.is_infected(_stream(upload)):
            audit_record(
                user=by,
                action="document.upload",
                referral_id=access.referral.pk,
                object_type="document",
                allowed=False,
            )
            raise ValidationFailed({"file": [_("Het bestand is geweigerd door de virusscanner.")]})
        scan_status = Document.ScanStatus.CLEAN
    document = Document(
        referral_id=access.referral.pk,
        kind=kind,
        original_name=sanitised_name(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
        sha256=sha256_of(_stream(upload)),
        uploaded_by=by,
        scan_status=scan_status,
    )
    document.file.save("upload", upload.file, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit_record(
                user=by,
                action="document.upload",
                referral_id=document.referral_id,
                object_type="document",
                object_id=document.pk,
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_mark_shareable(
    *, document: Document, access: DocumentAccess, by: User, shareable: bool
) -> Document:
    """The coordinator's decision that a document may be shown to a provider before it
    accepts (the coordinator has checked it holds nothing identifying)."""
    if not access.may_mark_shareable or access.user.pk != by.pk:
        raise NotFound
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.shareable_anonymised = shareable
    document.save(update_fields=["shareable_anonymised"])
    audit_record(
        user=by,
        action="document.share" if shareable else "document.unshare",
        referral_id=document.referral_id,
        object_type="document",
        object_id=document.pk,
    )
    return document


@transaction.atomic
def document_remove(*, document: Document, access: DocumentAccess, by: User) -> Document:
    """Delete the file from the storage; the row and its audit entries stay."""
    if not access.may_remove(document) or access.user.pk != by.pk:
        raise NotFound
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.removed_at is not None:
        raise NotFound
    stored = document.file.name
    document.removed_at = timezone.now()
    document.removed_by = by
    document.file = ""
    document.save(update_fields=["removed_at", "removed_by", "file"])
    audit_record(
        user=by,
        action="document.remove",
        referral_id=document.referral_id,
        object_type="document",
        object_id=document.pk,
    )
    storage = document.file.storage
    transaction.on_commit(lambda: storage.delete(stored))
    return document
