"""The content check (type by content, not name) and the sanitised file name."""

import io

import pytest

from documents.models import DOCX, JPEG, ODT, PDF, PNG
from documents.validation import detected_type, sanitised_name
from tests.documents.conftest import (
    DOCX_BYTES,
    ELF_BYTES,
    EXE_BYTES,
    JPEG_BYTES,
    ODT_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (DOCX_BYTES, DOCX),
        (ODT_BYTES, ODT),
        (ELF_BYTES, None),
        (EXE_BYTES, None),
        (b"just some text, named .pdf", None),
        (b"", None),
        (zip_bytes({"evil.exe": EXE_BYTES}), None),  # a zip that is no document
        (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), None),
        (b"PK\x03\x04 broken zip", None),
    ],
)
def test_it_detects_the_type_by_content(data: bytes, expected: str | None) -> None:
    assert detected_type(io.BytesIO(data)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("C:\\Users\\jan\\VA.pdf", "VA.pdf"),
        ("plan\x00\x1b[31m\u202e.pdf", "plan[31m.pdf"),
        ("..", "document"),
        ("", "document"),
        ("   ", "document"),
        ("a" * 300 + ".docx", "a" * 195 + ".docx"),
        ("b" * 300, "b" * 200),
    ],
)
def test_it_keeps_only_a_safe_base_name(name: str, expected: str) -> None:
    assert sanitised_name(name) == expected
    assert len(sanitised_name(name)) <= 200
