"""Browser views of accounts: the start page of each role and the audit trail page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: each role sees its own work (each app contributes its panel)."""
    user = request.user
    assert isinstance(user, User)
    return render(request, "accounts/home.html", {"user": user})
