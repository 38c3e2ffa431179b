"""Virus scanning with ClamAV's daemon (clamd) over its INSTREAM protocol.

A small client of our own rather than the `clamd` package from PyPI: that package has had no
release since 2020, and INSTREAM is a few lines (a command, length-prefixed chunks, a zero
length, one reply line). Configured by CLAMAV_SOCKET (unix socket) or CLAMAV_HOST/CLAMAV_PORT.
"""

import socket
import struct
from typing import IO

from django.conf import settings

from config.errors import DomainError

CHUNK_BYTES = 64 * 1024


class ScannerUnavailable(DomainError):
    """A scanner is configured but gave no verdict: the upload is refused (fail closed)."""


def scanner_configured() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    if settings.CLAMAV_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMAV_SOCKET)
        return sock
    return socket.create_connection((settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout=timeout)


def is_infected(stream: IO[bytes]) -> bool:
    """Send the content to clamd; True when it reports a signature ("… FOUND").

    Raises ScannerUnavailable when clamd cannot be reached or answers anything else (an
    error, a size limit), so that no file passes unscanned."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            stream.seek(0)
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from None
    finally:
        stream.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        return True
    if answer.endswith("OK"):
        return False
    raise ScannerUnavailable(answer[:200])
