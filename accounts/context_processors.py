"""Template context shared by every page."""

from django.http import HttpRequest

from accounts.models import Role


def role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    current = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return {"current_role": current, "Role": Role}
