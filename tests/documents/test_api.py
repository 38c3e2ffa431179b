"""The documents API: list, multipart upload, download, shareable, delete; 404 outside scope."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from documents.models import Document
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.documents.conftest import ELF_BYTES, PDF_BYTES, upload

Clients = Callable[[User | None], APIClient]


def _post(client: APIClient, referral: Referral, **data: object) -> object:
    return client.post(f"/api/v1/referrals/{referral.pk}/documents/", data, format="multipart")


def test_referrer_uploads_lists_downloads_and_deletes(
    cast: Cast, referral: Referral, api_client_for: Clients
) -> None:
    client = api_client_for(cast.referrer)
    created = _post(client, referral, kind="va", file=upload("../VA.pdf"))
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert (body["name"], body["kind"], body["content_type"], body["size"]) == (
        "VA.pdf",
        "va",
        "application/pdf",
        len(PDF_BYTES),
    )
    listing = client.get(f"/api/v1/referrals/{referral.pk}/documents/").json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="document.download", object_id=str(body["id"])).exists()
    assert client.delete(f"/api/v1/documents/{body['id']}/").status_code == 204
    assert Document.objects.get().removed_at is not None
    assert client.get(body["download_url"]).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "va", "file": upload("x.pdf", ELF_BYTES)}, "file"),
        ({"kind": "va", "file": upload("x.pdf", b"")}, "file"),
        ({"kind": "va"}, "file"),
        ({"kind": "nonsense", "file": upload()}, "kind"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    cast: Cast, referral: Referral, api_client_for: Clients, data: dict[str, object], field: str
) -> None:
    response = _post(api_client_for(cast.referrer), referral, **data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert field in response.json()["errors"]  # type: ignore[attr-defined]
    assert not Document.objects.exists()


def test_outsiders_get_404(cast: Cast, referral: Referral, api_client_for: Clients) -> None:
    document_id = _post(api_client_for(cast.referrer), referral, kind="va", file=upload()).json()[
        "id"
    ]  # type: ignore[attr-defined]
    for user in (cast.referrer2, cast.provider_a, cast.provider_b, cast.analyst, cast.admin):
        client = api_client_for(user)
        assert client.get(f"/api/v1/referrals/{referral.pk}/documents/").status_code == 404
        assert _post(client, referral, kind="va", file=upload()).status_code == 404  # type: ignore[attr-defined]
        assert client.get(f"/api/v1/documents/{document_id}/download/").status_code == 404
        assert client.delete(f"/api/v1/documents/{document_id}/").status_code == 404
        assert (
            client.patch(
                f"/api/v1/documents/{document_id}/", {"shareable_anonymised": True}, format="json"
            ).status_code
            == 404
        )
    assert Document.objects.filter(removed_at__isnull=True, shareable_anonymised=False).count() == 1
    assert api_client_for(None).get(f"/api/v1/documents/{document_id}/download/").status_code == 401


def test_coordinator_shares_and_the_provider_then_sees_it(
    cast: Cast, referral: Referral, api_client_for: Clients, open_offer: Offer
) -> None:
    document_id = _post(
        api_client_for(cast.referrer), referral, kind="va", file=upload("VA Zwaantje.pdf")
    ).json()["id"]  # type: ignore[attr-defined]
    provider = api_client_for(cast.provider_a)
    assert provider.get(f"/api/v1/referrals/{referral.pk}/documents/").json()["results"] == []
    assert provider.get(f"/api/v1/documents/{document_id}/download/").status_code == 404
    shared = api_client_for(cast.coordinator).patch(
        f"/api/v1/documents/{document_id}/", {"shareable_anonymised": True}, format="json"
    )
    assert shared.status_code == 200 and shared.json()["shareable_anonymised"] is True
    rows = provider.get(f"/api/v1/referrals/{referral.pk}/documents/").json()["results"]
    assert [row["name"] for row in rows] == ["Verklarende Analyse.pdf"]
    assert "Zwaantje" not in str(rows)
    assert provider.get(f"/api/v1/documents/{document_id}/download/").status_code == 200


def test_list_queries_do_not_grow_with_rows(
    cast: Cast, referral: Referral, api_client_for: Clients
) -> None:
    client = api_client_for(cast.coordinator)
    _post(client, referral, kind="va", file=upload())
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/v1/referrals/{referral.pk}/documents/")
    for _ in range(8):
        _post(client, referral, kind="other", file=upload())
    with CaptureQueriesContext(connection) as many:
        client.get(f"/api/v1/referrals/{referral.pk}/documents/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_schema_lists_the_endpoints(api_client_for: Clients, cast: Cast) -> None:
    schema = api_client_for(cast.coordinator).get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/referrals/{id}/documents/" in schema["paths"]
    assert "/api/v1/documents/{id}/download/" in schema["paths"]
    assert "delete" in schema["paths"]["/api/v1/documents/{id}/"]
