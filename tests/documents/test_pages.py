"""The documents section: upload, list, download, shareable, remove; who may do what."""

import io
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry, Organisation, Role, User
from documents.models import Document
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.documents.conftest import (
    DOCX_BYTES,
    ELF_BYTES,
    ODT_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    signed_in,
    upload,
)
from tests.factories import OrganisationFactory, UserFactory

Add = Callable[..., Document]


def _url(referral: Referral) -> str:
    return f"/documenten/verzoek/{referral.pk}/"


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _outsiders(cast: Cast) -> dict[str, User]:
    other_point = OrganisationFactory(
        name="Coördinatiepunt Flevoland",
        kind=Organisation.Kind.COORDINATION_POINT,
        municipality=cast.municipality,
        regions=[cast.other_region],
    )
    return {
        "referrer2": cast.referrer2,
        "provider_a": cast.provider_a,  # no offer yet
        "provider_b": cast.provider_b,
        "analyst": cast.analyst,
        "admin": cast.admin,
        "privacy_officer": UserFactory(
            username="privacy", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
        ),
        "other_coordinator": UserFactory(
            username="coord_fle", role=Role.COORDINATOR, organisation=other_point
        ),
    }


def test_referrer_uploads_and_downloads_a_document(cast: Cast, referral: Referral) -> None:
    client = signed_in(cast.referrer)
    response = client.post(_url(referral), {"kind": "va", "file": upload("VA.pdf")})
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.original_name, document.content_type, document.size) == (
        "va",
        "VA.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert "VA" not in document.file.name and len(document.file.name) == 32  # a uuid
    listing = client.get(_url(referral))
    assert "VA.pdf" in listing.content.decode()
    download = client.get(f"/documenten/{document.pk}/download/")
    assert download.status_code == 200
    assert _body(download) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="VA.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert (
        AuditEntry.objects.filter(
            action="document.download", referral_id=referral.pk, object_id=str(document.pk)
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="document.upload", object_id=str(document.pk)).exists()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("plan.docx", DOCX_BYTES, "perspective_plan"),
        ("plan.odt", ODT_BYTES, "safety_plan"),
        ("rapport.png", PNG_BYTES, "school_report"),
    ],
)
def test_every_accepted_type_can_be_uploaded(
    cast: Cast, referral: Referral, name: str, data: bytes, kind: str
) -> None:
    response = signed_in(cast.coordinator).post(
        _url(referral), {"kind": kind, "file": upload(name, data)}
    )
    assert response.status_code == 302
    assert Document.objects.get().kind == kind


@pytest.mark.parametrize(
    ("data", "kind", "field", "message"),
    [
        (ELF_BYTES, "va", "file", "Dit soort bestand wordt niet aangenomen."),
        (b"", "va", "file", "Het bestand is leeg."),
        (PDF_BYTES, "", "kind", "Kies een soort document."),
        (PDF_BYTES, "passport", "kind", "Kies een soort document."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    cast: Cast, referral: Referral, data: bytes, kind: str, field: str, message: str
) -> None:
    response = signed_in(cast.referrer).post(
        _url(referral), {"kind": kind, "file": upload("x.pdf", data)}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert f'id="id_{field}_error"' in text
    assert not Document.objects.exists()


def test_a_missing_file_is_refused(cast: Cast, referral: Referral) -> None:
    response = signed_in(cast.referrer).post(_url(referral), {"kind": "va"})
    assert response.status_code == 400
    assert "Kies een bestand." in response.content.decode()


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


@pytest.mark.parametrize("path", ["/documenten/verzoek/{pk}/", "/api/v1/referrals/{pk}/documents/"])
def test_a_200_mb_upload_is_refused_from_its_length_unread(
    cast: Cast, referral: Referral, path: str
) -> None:
    client = signed_in(cast.referrer)
    response = client.generic(
        "POST",
        path.format(pk=referral.pk),
        b"-",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 400
    assert "groter dan 20,0 MB" in response.content.decode()
    if path.startswith("/api/"):
        assert list(response.json()["errors"]) == ["file"]
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(cast: Cast, referral: Referral, settings: object) -> None:
    settings.DOCUMENT_MAX_BYTES = 50  # type: ignore[attr-defined]
    response = signed_in(cast.referrer).post(
        _url(referral), {"kind": "va", "file": upload("x.pdf", PDF_BYTES)}
    )
    assert response.status_code == 400
    assert "Het bestand is groter dan 50 bytes." in response.content.decode()
    assert not Document.objects.exists()


def test_a_path_in_the_name_is_dropped(cast: Cast, referral: Referral) -> None:
    response = signed_in(cast.referrer).post(
        _url(referral), {"kind": "va", "file": upload("../../../etc/cron.d/VA.pdf")}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "VA.pdf"
    assert "/" not in document.file.name and ".." not in document.file.name


def test_roles_outside_the_referral_get_404(
    cast: Cast, referral: Referral, add_document: Add
) -> None:
    document = add_document()
    outsiders = _outsiders(cast)
    for who, user in outsiders.items():
        client = signed_in(user)
        for response in (
            client.get(_url(referral)),
            client.post(_url(referral), {"kind": "va", "file": upload()}),
            client.get(f"/documenten/{document.pk}/download/"),
            client.post(f"/documenten/{document.pk}/delen/", {"shareable": "1"}),
            client.get(f"/documenten/{document.pk}/verwijderen/"),
            client.post(f"/documenten/{document.pk}/verwijderen/"),
        ):
            assert response.status_code == 404, (who, response.request["PATH_INFO"])
    assert Document.objects.count() == 1
    document.refresh_from_db()
    assert document.removed_at is None and not document.shareable_anonymised
    assert (
        AuditEntry.objects.filter(
            action="document.download", outcome=AuditEntry.Outcome.REFUSED
        ).count()
        >= len(outsiders) - 3
    )  # the role check refuses admin, analyst, privacy first


def test_provider_with_open_offer_sees_only_shareable_documents_under_a_neutral_name(
    cast: Cast, referral: Referral, add_document: Add, open_offer: Offer
) -> None:
    hidden = add_document(name="Plan Zwaantje.pdf", kind="safety_plan")
    shared = add_document(name="VA Zwaantje Quirijnsdochter.pdf", kind="va", shareable=True)
    client = signed_in(cast.provider_a)
    page = client.get(_url(referral)).content.decode()
    assert "Zwaantje" not in page and "Verklarende Analyse.pdf" in page
    assert client.get(f"/documenten/{hidden.pk}/download/").status_code == 404
    download = client.get(f"/documenten/{shared.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Verklarende Analyse.pdf"'
    # the provider cannot upload, mark or remove
    assert client.post(_url(referral), {"kind": "va", "file": upload()}).status_code == 404
    assert client.post(f"/documenten/{shared.pk}/delen/", {"shareable": "0"}).status_code == 404
    assert client.post(f"/documenten/{shared.pk}/verwijderen/").status_code == 404
    assert signed_in(cast.provider_b).get(f"/documenten/{shared.pk}/download/").status_code == 404


def test_provider_sees_every_document_after_acceptance(
    cast: Cast, referral: Referral, add_document: Add, accepted_offer: Offer
) -> None:
    hidden = add_document(name="Plan.pdf", kind="safety_plan")
    client = signed_in(cast.provider_a)
    assert "Plan.pdf" in client.get(_url(referral)).content.decode()
    assert client.get(f"/documenten/{hidden.pk}/download/").status_code == 200


def test_only_the_coordinator_marks_a_document_shareable(
    cast: Cast, referral: Referral, add_document: Add
) -> None:
    document = add_document()
    assert (
        signed_in(cast.referrer)
        .post(f"/documenten/{document.pk}/delen/", {"shareable": "1"})
        .status_code
        == 404
    )
    response = signed_in(cast.coordinator).post(
        f"/documenten/{document.pk}/delen/", {"shareable": "1"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.shareable_anonymised
    assert AuditEntry.objects.filter(action="document.share", object_id=str(document.pk)).exists()


def test_removal_asks_for_confirmation_and_keeps_the_row_and_the_trail(
    cast: Cast,
    referral: Referral,
    add_document: Add,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    document = add_document()
    storage, stored = document.file.storage, document.file.name
    signed_in(cast.referrer).get(f"/documenten/{document.pk}/download/")
    client = signed_in(cast.referrer)
    confirm = client.get(f"/documenten/{document.pk}/verwijderen/")
    assert confirm.status_code == 200 and 'data-testid="remove-confirm"' in confirm.content.decode()
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documenten/{document.pk}/verwijderen/")
    assert response.status_code == 302
    assert not storage.exists(stored)  # the file is gone from the storage
    document.refresh_from_db()
    assert document.removed_at is not None and document.removed_by == cast.referrer
    assert document.file.name == ""
    actions = set(
        AuditEntry.objects.filter(object_type="document", object_id=str(document.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"document.upload", "document.download", "document.remove"} <= actions
    assert client.get(f"/documenten/{document.pk}/download/").status_code == 404
    assert "VA Zwaantje.pdf" not in client.get(_url(referral)).content.decode()


def test_a_colleague_cannot_remove_what_another_uploaded(
    cast: Cast, referral: Referral, add_document: Add
) -> None:
    document = add_document(by=cast.coordinator)
    remove = f"/documenten/{document.pk}/verwijderen/"
    assert signed_in(cast.referrer).post(remove).status_code == 404
    assert signed_in(cast.coordinator).post(remove).status_code == 302


def test_the_referrer_cannot_upload_to_a_closed_referral(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    closed = make_referral(status=Referral.Status.CLOSED)
    assert (
        signed_in(cast.referrer).post(_url(closed), {"kind": "va", "file": upload()}).status_code
        == 404
    )
    assert (
        signed_in(cast.coordinator).post(_url(closed), {"kind": "va", "file": upload()}).status_code
        == 302
    )


def test_empty_state_and_section_on_the_referral_and_offer_pages(
    cast: Cast, referral: Referral, open_offer: Offer
) -> None:
    page = signed_in(cast.referrer).get(_url(referral)).content.decode()
    assert 'data-testid="documents-empty"' in page and 'data-testid="documents-upload"' in page
    detail = signed_in(cast.referrer).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="documents-section"' in detail
    offer_page = (
        signed_in(cast.provider_a).get(f"/placement/voorstellen/{open_offer.pk}/").content.decode()
    )
    assert 'data-testid="documents-section"' in offer_page
    provider_list = signed_in(cast.provider_a).get(_url(referral), HTTP_HX_REQUEST="true")
    assert "Er zijn (nog) geen documenten met u gedeeld." in provider_list.content.decode()
    assert "<html" not in provider_list.content.decode()


def test_the_list_has_a_fixed_number_of_queries(
    cast: Cast, referral: Referral, add_document: Add
) -> None:
    add_document()
    client = signed_in(cast.coordinator)
    client.get(_url(referral))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(referral))
    for _ in range(12):
        add_document()
    with CaptureQueriesContext(connection) as many:
        client.get(_url(referral))
    assert len(many.captured_queries) == len(few.captured_queries) <= 15


def test_nothing_identifying_is_logged(
    cast: Cast, referral: Referral, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client = signed_in(cast.referrer)
        client.post(_url(referral), {"kind": "va", "file": upload("Zwaantje Quirijnsdochter.pdf")})
        document = Document.objects.get()
        client.get(f"/documenten/{document.pk}/download/")
        client.post(f"/documenten/{document.pk}/verwijderen/")
    assert "Zwaantje" not in caplog.text and "Quirijnsdochter" not in caplog.text
