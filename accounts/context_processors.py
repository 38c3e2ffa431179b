"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Role, User
from accounts.selectors import unread_notification_count


def role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"current_role": "", "Role": Role, "unread_notifications": 0}
    return {
        "current_role": user.role,
        "Role": Role,
        # Lazy: one COUNT query, only on pages that show the header.
        "unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user=user)),
    }
