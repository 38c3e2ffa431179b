"""The API's JSON parser: DRF's, refusing bodies nested deeper than a limit.

Its own module, importing nothing of DRF's views: REST_FRAMEWORK names it, and DRF's APIView
reads that setting while its module loads, so a parser beside views code is a circular import.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 100


class JsonTooDeep(exceptions.ParseError):
    default_detail = gettext_lazy(
        "De inhoud is te diep genest: ten hoogste 100 niveaus van lijsten en objecten."
    )


def json_depth_check(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise JsonTooDeep when lists and objects nest deeper than `limit` (iterative: a deep
    value never recurses in Python)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            raise JsonTooDeep
        stack.extend((child, depth + 1) for child in children)


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing nesting deeper than MAX_JSON_DEPTH with a 400 naming the
    body; JSON so deep that the decoder itself gives up (RecursionError) is refused alike."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JsonTooDeep from None
        json_depth_check(data)
        return data
