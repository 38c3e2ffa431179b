"""CSV as a Dutch spreadsheet reads it, safe to open: every export writes through here.

Two rules, said once: a text cell that a spreadsheet would run as a formula (CSV injection,
a leading = + - @ tab or carriage return) is quoted away with a leading apostrophe, and a
download's file name keeps only [A-Za-z0-9._-] (no quote or line break can leave the
Content-Disposition header).
"""

import csv
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def csv_safe(value: str) -> str:
    """A text as a spreadsheet shows it, never as a formula it runs."""
    return "'" + value if value[:1] in FORMULA_START else value


def attachment(filename: str) -> str:
    """The Content-Disposition of a download, its name reduced to [A-Za-z0-9._-]."""
    return f'attachment; filename="{_UNSAFE_IN_FILENAME.sub("", filename) or "export"}"'


class DutchCsvWriter:
    """`;` between cells, a decimal comma, moments in local time, and every text through
    `csv_safe` (numbers stay numbers: -1,5 is not a formula). Texts such as the suppressed
    "<5" and "x" pass through unchanged. Starts the response with the byte order mark
    (Excel reads UTF-8 only with it, else "coördinatie" arrives garbled)."""

    def __init__(self, response: HttpResponse) -> None:
        response.write("\ufeff")
        self._writer = csv.writer(response, delimiter=";")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([self._cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    @staticmethod
    def _cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
        if isinstance(value, float | Decimal):
            return str(value).replace(".", ",")
        if isinstance(value, bool | int):
            return value
        return csv_safe(str(value))


def csv_response(filename: str) -> tuple[HttpResponse, DutchCsvWriter]:
    """A CSV download named `filename` (made safe) and the writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(filename)
    return response, DutchCsvWriter(response)
