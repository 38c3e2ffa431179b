"""Demo documents (issue 20, point 4): a small example PDF on two open demo requests,
uploaded by their referrer and one marked shareable by the coordinator, through the services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from documents.models import Document
from documents.selectors import document_access
from documents.services import document_mark_shareable, document_upload
from referrals.models import Referral


def _example_pdf(title: str) -> bytes:
    """A one-page PDF with one line of text, offsets computed (no PDF library needed)."""
    stream = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out += trailer.encode()
    return bytes(out)


def seed_documents() -> int:
    """Idempotent: nothing when any document exists. Returns how many were added."""
    if Document.objects.exists():
        return 0
    coordinator = User.objects.filter(username="coordinator", role=Role.COORDINATOR).first()
    referrals = Referral.objects.filter(status=Referral.Status.MATCHING).select_related("referrer")
    added = 0
    for referral in referrals.order_by("id")[:2]:
        if referral.referrer is None or referral.referrer.role != Role.REFERRER:
            continue
        access = document_access(
            user=referral.referrer, referral_id=referral.pk, action="document.upload"
        )
        document = document_upload(
            access=access,
            by=referral.referrer,
            kind=Document.Kind.VA,
            upload=SimpleUploadedFile(
                "verklarende-analyse-voorbeeld.pdf",
                _example_pdf("Verklarende analyse (voorbeeld, geanonimiseerd)"),
            ),
        )
        added += 1
        if coordinator is not None and added == 1:
            coordinator_access = document_access(
                user=coordinator, referral_id=referral.pk, action="document.share"
            )
            document_mark_shareable(
                document=document, access=coordinator_access, by=coordinator, shareable=True
            )
    return added
