"""Domain errors raised by services; config.api maps them to HTTP, views to messages."""

from collections.abc import Mapping, Sequence

from django.http import Http404


class DomainError(Exception):
    """Base of the errors a service raises on purpose."""


class Conflict(DomainError):
    """The action does not fit the object's current state (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError, Http404):
    """The object does not exist or lies outside the caller's scope (HTTP 404).

    An Http404 too, so that browser views answer 404 without translating it."""


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field path to its Dutch messages (HTTP 400)."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
