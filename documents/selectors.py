"""Who may see which documents of a referral; every download is audited.

The scope is the referrals' and offers' own (`referrals_for_user`, `offers_for_user`): the
referrer's organisation and the coordinator's regions see every document; a provider with an
open offer only those a coordinator marked shareable, after acceptance all of them (until its
access to the identity ends after the placement). Everyone else: NotFound.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import audit_record
from config.errors import NotFound
from documents.models import Document
from placement.models import Offer
from placement.selectors import identity_access_ends_on, offers_for_user
from referrals.models import Referral
from referrals.selectors import referrals_for_user


@dataclass(frozen=True)
class DocumentAccess:
    referral: Referral
    sees_all: bool  # False: only the documents marked shareable (a provider before acceptance)
    may_upload: bool
    may_mark_shareable: bool  # the coordinator
    user: User

    def may_remove(self, document: Document) -> bool:
        return self.user.role == Role.COORDINATOR or (
            document.uploaded_by_id == self.user.pk and self.may_upload
        )

    def shown_name(self, document: Document) -> str:
        """The name a viewer sees. Before acceptance the provider gets the kind instead of
        the uploaded name, which may hold the youth's name."""
        if self.sees_all:
            return document.original_name
        return f"{document.get_kind_display()}{document.extension}"


def _provider_access(*, user: User, referral_id: int) -> DocumentAccess | None:
    offers = list(
        offers_for_user(user=user).filter(
            referral_id=referral_id, status__in=[Offer.Status.OPEN, Offer.Status.ACCEPTED]
        )
    )
    if not offers:
        return None
    accepted = [offer for offer in offers if offer.status == Offer.Status.ACCEPTED]
    sees_all = any(
        (ends_on := identity_access_ends_on(offer=offer)) is None or timezone.localdate() <= ends_on
        for offer in accepted
    )
    return DocumentAccess(
        referral=offers[0].referral,
        sees_all=sees_all,
        may_upload=False,
        may_mark_shareable=False,
        user=user,
    )


def document_access(*, user: User, referral_id: object, action: str) -> DocumentAccess:
    """What the user may do with the documents of one referral; outside the scope the
    refusal is audited and NotFound raised."""
    try:
        pk = int(str(referral_id))
    except ValueError:
        raise NotFound from None
    access: DocumentAccess | None = None
    if user.is_authenticated and user.is_active and user.role == Role.PROVIDER:
        access = _provider_access(user=user, referral_id=pk)
    elif user.is_authenticated and user.is_active:
        referral = referrals_for_user(user=user).filter(pk=pk).first()
        if referral is not None:
            coordinator = user.role == Role.COORDINATOR
            access = DocumentAccess(
                referral=referral,
                sees_all=True,
                may_upload=coordinator or referral.status != Referral.Status.CLOSED,
                may_mark_shareable=coordinator,
                user=user,
            )
    if access is None:
        audit_record(
            user=user, action=action, referral_id=pk, object_type="document", allowed=False
        )
        raise NotFound
    return access


def documents_visible(*, access: DocumentAccess) -> QuerySet[Document]:
    """The referral's present (not removed) documents the access allows, newest first."""
    documents = Document.objects.filter(
        referral_id=access.referral.pk, removed_at__isnull=True
    ).select_related("uploaded_by")
    if not access.sees_all:
        documents = documents.filter(shareable_anonymised=True)
    return documents.order_by("-uploaded_at", "-id")


def document_for_user(*, user: User, pk: object, action: str) -> tuple[Document, DocumentAccess]:
    """One present document the user may see, with the access; else NotFound (audited)."""
    try:
        document_id = int(str(pk))
    except ValueError:
        raise NotFound from None
    referral_id = (
        Document.objects.filter(pk=document_id, removed_at__isnull=True)
        .values_list("referral_id", flat=True)
        .first()
    )
    if referral_id is None:
        audit_record(
            user=user, action=action, object_type="document", object_id=document_id, allowed=False
        )
        raise NotFound
    access = document_access(user=user, referral_id=referral_id, action=action)
    document = documents_visible(access=access).filter(pk=document_id).first()
    if document is None:
        audit_record(
            user=user,
            action=action,
            referral_id=referral_id,
            object_type="document",
            object_id=document_id,
            allowed=False,
        )
        raise NotFound
    return document, access


def document_for_download(*, user: User, pk: object) -> tuple[Document, DocumentAccess]:
    """The document to stream, with the download's audit entry (every download, refused too)."""
    document, access = document_for_user(user=user, pk=pk, action="document.download")
    audit_record(
        user=user,
        action="document.download",
        referral_id=document.referral_id,
        object_type="document",
        object_id=document.pk,
    )
    return document, access
