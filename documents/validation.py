"""What an upload must be: a known type by its content (not its name), within the size limit."""

import hashlib
import re
import unicodedata
import zipfile
from typing import IO

import filetype
from django.template.defaultfilters import filesizeformat

from documents.models import DOCX, JPEG, ODT, PDF, PNG

MAX_NAME_LENGTH = 200
_PLAIN_TYPES = {PDF, PNG, JPEG}
_SEPARATORS = re.compile(r"[\\/]")


def detected_type(stream: IO[bytes]) -> str | None:
    """The type of the content: PDF, PNG or JPEG by their signature (filetype); DOCX and ODT
    are zip archives, recognised by what they hold. None for anything else (an executable
    named "x.pdf" included)."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in _PLAIN_TYPES:
        return str(kind.mime)
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return None
    finally:
        stream.seek(0)
    return None


def sha256_of(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def sanitised_name(name: str) -> str:
    """The file's own name only: no directories (`../`, `C:\\`), no control or format
    characters, at most MAX_NAME_LENGTH characters with the extension kept."""
    base = _SEPARATORS.split(name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".").strip()
    if not base:
        return "document"
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            base = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            base = base[:MAX_NAME_LENGTH]
    return base


def size_text(size: int) -> str:
    """A size for messages, "20,0 MB" (filesizeformat's no-break space would reach JSON
    answers as \\u00a0)."""
    return str(filesizeformat(size)).replace("\xa0", " ")
