"""The clamd INSTREAM client against a small fake clamd on a real unix socket, and the
upload's answers: infected (400 naming `file`), unreachable (503, fail closed), unset."""

import os
import socket
import struct
import tempfile
import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from documents import scanning
from documents.models import Document
from referrals.models import Referral
from tests.conftest import Cast
from tests.documents.conftest import PDF_BYTES, signed_in, upload

EICAR_MARK = b"EICAR-MARK"


class FakeClamd:
    """Speaks clamd's INSTREAM: reads the length-prefixed chunks, answers FOUND when the
    content holds EICAR_MARK, else OK (or the fixed `reply`). Records what it received."""

    def __init__(self, path: str, reply: bytes | None = None) -> None:
        self.path = path
        self.reply = reply
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                content = b""
                while True:
                    (length,) = struct.unpack(">I", self._read(conn, 4))
                    if length == 0:
                        break
                    content += self._read(conn, length)
                self.received.append(content)
                if self.reply is not None:
                    conn.sendall(self.reply)
                elif EICAR_MARK in content:
                    conn.sendall(b"stream: Eicar-Test-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def socket_dir() -> Iterator[str]:
    # A short path: unix socket paths are limited to ~100 bytes.
    with tempfile.TemporaryDirectory(prefix="clamd-") as directory:
        yield directory


@pytest.fixture
def clamd(socket_dir: str) -> Iterator[FakeClamd]:
    fake = FakeClamd(os.path.join(socket_dir, "clamd.sock"))
    with override_settings(CLAMAV_SOCKET=fake.path):
        yield fake
    fake.close()


def test_it_reports_a_clean_file(clamd: FakeClamd) -> None:
    import io

    assert scanning.is_infected(io.BytesIO(PDF_BYTES * 5000)) is False
    assert clamd.received == [PDF_BYTES * 5000]  # every chunk arrived, in order


def test_it_reports_an_infected_file(clamd: FakeClamd) -> None:
    import io

    assert scanning.is_infected(io.BytesIO(PDF_BYTES + EICAR_MARK)) is True


def test_it_fails_closed_on_an_error_reply(socket_dir: str) -> None:
    import io

    fake = FakeClamd(
        os.path.join(socket_dir, "err.sock"), reply=b"INSTREAM size limit exceeded. ERROR\0"
    )
    try:
        with override_settings(CLAMAV_SOCKET=fake.path), pytest.raises(scanning.ScannerUnavailable):
            scanning.is_infected(io.BytesIO(PDF_BYTES))
    finally:
        fake.close()


def test_upload_of_a_clean_file_is_marked_clean(
    cast: Cast, referral: Referral, clamd: FakeClamd
) -> None:
    response = signed_in(cast.referrer).post(
        f"/documenten/verzoek/{referral.pk}/", {"kind": "va", "file": upload()}
    )
    assert response.status_code == 302
    assert Document.objects.get().scan_status == Document.ScanStatus.CLEAN
    assert clamd.received == [PDF_BYTES]


def test_an_infected_upload_is_refused_naming_file(
    cast: Cast, referral: Referral, clamd: FakeClamd, api_client_for
) -> None:
    response = api_client_for(cast.referrer).post(
        f"/api/v1/referrals/{referral.pk}/documents/",
        {"kind": "va", "file": upload(data=PDF_BYTES + EICAR_MARK)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["Het bestand is geweigerd door de virusscanner."]}
    assert not Document.objects.exists()
    page = signed_in(cast.referrer).post(
        f"/documenten/verzoek/{referral.pk}/",
        {"kind": "va", "file": upload(data=PDF_BYTES + EICAR_MARK)},
    )
    assert page.status_code == 400
    assert "Het bestand is geweigerd door de virusscanner." in page.content.decode()
    assert not Document.objects.exists()


def test_an_unreachable_scanner_refuses_the_upload(
    cast: Cast, referral: Referral, socket_dir: str, api_client_for
) -> None:
    with override_settings(CLAMAV_SOCKET=os.path.join(socket_dir, "nobody.sock")):
        response = api_client_for(cast.referrer).post(
            f"/api/v1/referrals/{referral.pk}/documents/",
            {"kind": "va", "file": upload()},
            format="multipart",
        )
        page = signed_in(cast.referrer).post(
            f"/documenten/verzoek/{referral.pk}/", {"kind": "va", "file": upload()}
        )
    assert response.status_code == 503
    assert "virusscanner" in response.json()["detail"]
    assert page.status_code == 503
    assert not Document.objects.exists()


def test_without_a_scanner_the_upload_is_marked_skipped(cast: Cast, referral: Referral) -> None:
    response = signed_in(cast.referrer).post(
        f"/documenten/verzoek/{referral.pk}/", {"kind": "va", "file": upload()}
    )
    assert response.status_code == 302
    assert Document.objects.get().scan_status == Document.ScanStatus.SKIPPED
