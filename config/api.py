"""API plumbing shared by every app: pagination and the one error format of CONTRACT.md."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import Conflict, NotFound, ValidationFailed
from config.parsers import JsonTooDeep

# DRF's own date message is half translated ("Date heeft het verkeerde formaat") and lists
# strptime codes. DRF has no setting for field messages, so the one place is its DateField
# class: DRF builds a serializer's fields anew for each instance, and this module loads
# with the URLconf (the API modules import it), before any request. The API reads ISO 8601
# dates only.
serializers.DateField.default_error_messages.update(
    {
        "invalid": gettext_lazy("Vul een datum in als jjjj-mm-dd."),
        "datetime": gettext_lazy("Vul een datum in als jjjj-mm-dd, zonder tijd."),
    }
)


def represent(serializer_class: type[serializers.BaseSerializer[Any]], instance: Any) -> Any:
    """The output of a read-only serializer for one object, from one shared instance.

    DRF builds every field anew for each serializer instance (about 1.5 ms for a model of
    24 fields, more than the rest of a small answer); `to_representation` only reads them,
    so one instance per class serves every request. Use it for answers, never for input.
    """
    shared = _SHARED.get(serializer_class)
    if shared is None:
        shared = _SHARED.setdefault(serializer_class, serializer_class())
    return shared.to_representation(instance)


_SHARED: dict[type[serializers.BaseSerializer[Any]], serializers.BaseSerializer[Any]] = {}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.b.0.c": ["message", …]}."""
    result: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name != "non_field_errors" else (prefix or name)
            for sub_path, messages in flatten_errors(value, path).items():
                result.setdefault(sub_path, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            result[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                path = f"{prefix}.{index}" if prefix else str(index)
                for sub_path, messages in flatten_errors(item, path).items():
                    result.setdefault(sub_path, []).extend(messages)
    else:
        result[prefix or "non_field_errors"] = [str(detail)]
    return result


def not_found() -> Response:
    return Response({"detail": _("Niet gevonden.")}, status=status.HTTP_404_NOT_FOUND)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and DRF errors to 400/401/404/409; a refusal never reveals existence."""
    if isinstance(exc, ValidationFailed):
        return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotFound | Http404 | DjangoPermissionDenied | exceptions.PermissionDenied):
        return not_found()
    if isinstance(exc, exceptions.ValidationError):
        return Response({"errors": flatten_errors(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, JsonTooDeep):
        return Response({"errors": {"body": [str(exc.detail)]}}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        return Response(
            {"errors": {"body": [_("De inhoud is geen geldige JSON.")]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
