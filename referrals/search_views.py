"""The search page behind the header field (`/zoeken/?q=`) of coordinators and referrers."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.permissions import role_required
from referrals.search import SEARCHING_ROLES, Kind, audit_search, search_referrals

PAGE_SIZE = 25


@require_GET
@role_required(*SEARCHING_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    """Results in the user's scope; an exact code with one hit goes straight to the request.
    Other roles get 404 (role_required), like every page they may not see."""
    user = request.user
    assert isinstance(user, User)
    raw = request.GET.get("q", "")
    context: dict[str, object] = {"q": raw.strip(), "page": None, "error": ""}
    if raw.strip():
        result = search_referrals(user=user, raw=raw)
        context["error"] = result.query.error
        if not result.query.error:
            page = Paginator(result.referrals, PAGE_SIZE).get_page(request.GET.get("page"))
            hits = page.paginator.count
            audit_search(user=user, kind=result.query.kind, hits=hits)
            if hits == 1 and result.query.kind == Kind.CODE:
                return redirect("referrals:detail", pk=page.object_list[0].pk)
            context.update(page=page, kind=result.query.kind, query=urlencode({"q": raw.strip()}))
    return render(
        request,
        "referrals/search.html",
        context,
        status=400 if context["error"] else 200,
    )
