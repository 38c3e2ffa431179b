"""Browser views of accounts: the start page of each role and the audit trail page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.notification_kinds import NOTIFICATION_KINDS
from accounts.selectors import notification_preferences_for_user, notifications_for_user
from accounts.services import notification_mark_read, notification_preferences_set
from config.errors import ValidationFailed


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: each role sees its own work (each app contributes its panel)."""
    user = request.user
    assert isinstance(user, User)
    return render(request, "accounts/home.html", {"user": user})


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    notifications = notifications_for_user(user=user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int | None = None) -> HttpResponse:
    """Mark one notification (or all) read, then follow its link when asked to."""
    user = request.user
    assert isinstance(user, User)
    notification_mark_read(user=user, notification_id=notification_id)
    if notification_id is not None and request.htmx and not request.POST.get("follow"):  # type: ignore[attr-defined]
        notification = get_object_or_404(notifications_for_user(user=user), pk=notification_id)
        return render(
            request, "accounts/notifications.html#notification", {"notification": notification}
        )
    if notification_id is not None and request.POST.get("follow"):
        link = (
            notifications_for_user(user=user)
            .filter(pk=notification_id)
            .values_list("link", flat=True)
            .first()
        )
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
            return redirect(link)
    if notification_id is None:
        messages.success(request, _("Alle meldingen zijn als gelezen gemarkeerd."))
    return redirect("notifications")


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """ "Meldingen instellen": per kind in the app and/or e-mail at once; a daily digest."""
    user = request.user
    assert isinstance(user, User)
    current = notification_preferences_for_user(user=user)
    if request.method == "POST":
        chosen = {
            kind: (
                request.POST.get(f"{kind}:in_app") == "on",
                request.POST.get(f"{kind}:email") == "on",
            )
            for kind in NOTIFICATION_KINDS
        }
        try:
            notification_preferences_set(
                user=user, preferences=chosen, digest=request.POST.get("digest", "")
            )
        except ValidationFailed as exc:
            messages.error(request, " ".join(exc.errors.get("digest", [])))
        else:
            messages.success(request, _("Uw meldingsinstellingen zijn opgeslagen."))
            return redirect("notification-settings")
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": current.get(kind, (True, True))[0],
            "email": current.get(kind, (True, True))[1],
        }
        for kind, label in NOTIFICATION_KINDS.items()
    ]
    return render(
        request,
        "accounts/notification_settings.html",
        {"rows": rows, "digest_choices": User.Digest.choices, "digest": user.digest},
    )
