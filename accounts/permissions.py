"""Role checks for browser views and the API."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Browser views: other roles get 404, so a page's existence is not revealed."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def has_role(*roles: str) -> type[BasePermission]:
    """API permission class for the given roles (refusal becomes 404 in config.api)."""

    class HasRole(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            user = request.user
            return isinstance(user, User) and user.is_active and user.role in roles

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole
