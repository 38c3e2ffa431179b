"""Browser views of accounts: the start page of each role and the audit trail page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import notifications_for_user
from accounts.services import notification_mark_read


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
    page = Paginator(notifications_for_user(user=user), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int | None = None) -> HttpResponse:
    """Mark one notification (or all) read, then follow its link when asked to."""
    user = request.user
    assert isinstance(user, User)
    notification_mark_read(user=user, notification_id=notification_id)
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
