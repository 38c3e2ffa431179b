"""Fixtures of the documents tests: files of every kind, a referral, offers to provider A."""

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from capacity.models import Location
from documents.models import Document
from placement import services as placement_services
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import (  # noqa: F401 - fixtures
    location_a,
    location_b,
    make_referral,
    referral,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
# An ELF executable's header (what a renamed program starts with).
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT_BYTES = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
)


def upload(name: str = "analyse.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def add_document(cast: Cast, referral: Referral) -> Callable[..., Document]:  # noqa: F811
    """A document uploaded through the page by the referrer (or `by`)."""

    def add(
        *,
        by: User | None = None,
        name: str = "VA Zwaantje.pdf",
        kind: str = "va",
        shareable: bool = False,
    ) -> Document:
        response = signed_in(by or cast.referrer).post(
            f"/documenten/verzoek/{referral.pk}/", {"kind": kind, "file": upload(name)}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        document = Document.objects.order_by("-id").first()
        assert document is not None
        if shareable:
            document.shareable_anonymised = True
            document.save(update_fields=["shareable_anonymised"])
        return document

    return add


@pytest.fixture
def open_offer(cast: Cast, referral: Referral, location_a: Location) -> Offer:  # noqa: F811
    return placement_services.offer_send(
        referral=referral, location=location_a, by=cast.coordinator
    )


@pytest.fixture
def accepted_offer(cast: Cast, open_offer: Offer) -> Offer:
    return placement_services.offer_accept(offer=open_offer, by=cast.provider_a)
