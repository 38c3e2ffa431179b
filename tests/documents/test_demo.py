"""The demo's example documents: uploaded through the services, idempotent."""

import io

from demo.documents import _example_pdf, seed_documents
from documents.models import PDF, Document
from documents.validation import detected_type
from referrals.models import Referral
from tests.conftest import Cast


def test_the_example_is_a_pdf_by_content() -> None:
    assert detected_type(io.BytesIO(_example_pdf("Voorbeeld"))) == PDF


def test_seed_documents_adds_shareable_example_once(cast: Cast, referral: Referral) -> None:
    assert seed_documents() == 1
    document = Document.objects.get()
    assert (document.referral, document.uploaded_by, document.shareable_anonymised) == (
        referral,
        cast.referrer,
        True,
    )
    assert seed_documents() == 0
    assert Document.objects.count() == 1
