"""Browser pages of the agenda: the user's coming deadlines by week, the secret calendar
link (make, show once, revoke with confirmation), and the feed itself (no session)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from accounts.permissions import role_required
from accounts.tokens import hash_key
from agenda import services
from agenda.feed import calendar_bytes
from agenda.models import CalendarFeed
from agenda.selectors import AGENDA_WEEKS, agenda_for, by_week, default_window

AGENDA_ROLES = (Role.COORDINATOR, Role.REFERRER, Role.PROVIDER)
# Items per page: eight weeks of a large region stay readable.
PER_PAGE = 100


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, *, secret: str = "", status: int = 200) -> HttpResponse:
    user = _user(request)
    start, end = default_window()
    page = Paginator(agenda_for(user=user, start=start, end=end), PER_PAGE).get_page(
        request.GET.get("page")
    )
    feed = CalendarFeed.objects.usable().filter(user=user).first()
    context = {
        "page": page,
        "weeks": by_week(list(page.object_list)),
        "start": start,
        "end": end,
        "agenda_weeks": AGENDA_WEEKS,
        "feed": feed,
        "feed_url": request.build_absolute_uri(f"/agenda/feed/{secret}.ics") if secret else "",
    }
    return render(request, "agenda/agenda.html", context, status=status)


@require_GET
@role_required(*AGENDA_ROLES)
def agenda(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@role_required(*AGENDA_ROLES)
def feed_create(request: HttpRequest) -> HttpResponse:
    """Make a new link (the old one stops working); it is shown on this answer only."""
    _feed, secret = services.calendar_feed_create(user=_user(request))
    return _page(request, secret=secret)


@require_http_methods(["GET", "POST"])
@role_required(*AGENDA_ROLES)
def feed_revoke(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm (no JavaScript needed), POST revokes."""
    user = _user(request)
    if request.method == "GET":
        feed = CalendarFeed.objects.usable().filter(user=user).first()
        if feed is None:
            return redirect("agenda:agenda")
        return render(request, "agenda/feed_revoke.html", {"feed": feed})
    if services.calendar_feed_revoke(user=user):
        messages.success(request, _("De agendakoppeling is ingetrokken."))
    return redirect("agenda:agenda")


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar of the link's owner; 404 for an unknown or revoked link, or an owner
    who is no longer active or no longer has an agenda."""
    found = (
        CalendarFeed.objects.usable()
        .select_related("user", "user__organisation")
        .filter(token_hash=hash_key(token))
        .first()
    )
    if found is None or found.user.role not in AGENDA_ROLES:
        raise Http404
    start, end = default_window()
    body = calendar_bytes(
        agenda_for(user=found.user, start=start, end=end),
        absolute=request.build_absolute_uri,
        host=request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
