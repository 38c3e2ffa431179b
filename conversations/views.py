"""Browser pages of conversations: the referrer conversation of a referral and the provider
conversation of an offer; each also loads (htmx) as the "Gesprek" section of its page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import Role, User
from accounts.permissions import role_required
from config.errors import Conflict, ValidationFailed
from conversations import selectors, services
from conversations.forms import MessageForm
from placement.models import Offer

TIMELINE_PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _send(request: HttpRequest, form: MessageForm, send: Any) -> bool:
    """Validate and send; errors land on the form. True when sent."""
    if not form.is_valid():
        return False
    try:
        send(body=form.cleaned_data["body"])
    except ValidationFailed as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return False
    except Conflict as exc:
        form.add_error(None, exc.message)
        return False
    return True


def _page(request: HttpRequest, items: list[selectors.TimelineItem]) -> Any:
    """Newest page first (page 1 holds the latest messages), each page in time order."""
    newest_first = list(reversed(items))
    page = Paginator(newest_first, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(reversed(page.object_list))
    return page


def _render(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    template = "conversations/thread.html"
    if getattr(request, "htmx", False):
        template += "#thread"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.REFERRER, Role.COORDINATOR)
@vary_on_headers("HX-Request")
def referral_conversation(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_for_conversation(user=user, referral_id=referral_id)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def send(body: str) -> None:
            services.message_send_to_referrer(referral=referral, by=user, body=body)

        if _send(request, form, send):
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _sent())
                return redirect("conversations:referral", referral_id=referral.pk)
            form = MessageForm()
        else:
            # htmx swaps no 4xx answer: the section with its errors comes back as 200.
            status = 200 if request.htmx else 400  # type: ignore[attr-defined]
    thread = selectors.referrer_thread(referral=referral)
    page = _page(request, selectors.referrer_timeline(referral=referral, thread=thread, user=user))
    services.thread_mark_read(thread=thread, user=user)
    context: dict[str, Any] = {
        "referral": referral,
        "page": page,
        "form": form,
        "writable": referral.status != referral.Status.DRAFT,
        "post_url": request.path,
        "title_with": Role.REFERRER,
        "accepted_offer": referral.offers.filter(status=Offer.Status.ACCEPTED)
        .select_related("location", "intake_proposed_by")
        .first(),
    }
    if user.role == Role.COORDINATOR:
        context["offers"] = selectors.provider_threads_of_referral(referral=referral, user=user)
    return _render(request, context, status)


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.PROVIDER, Role.COORDINATOR)
@vary_on_headers("HX-Request")
def offer_conversation(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = selectors.offer_for_conversation(user=user, offer_id=offer_id)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def send(body: str) -> None:
            services.message_send_on_offer(offer=offer, by=user, body=body)

        if _send(request, form, send):
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _sent())
                return redirect("conversations:offer", offer_id=offer.pk)
            form = MessageForm()
        else:
            # htmx swaps no 4xx answer: the section with its errors comes back as 200.
            status = 200 if request.htmx else 400  # type: ignore[attr-defined]
    thread = selectors.offer_thread(offer=offer)
    page = _page(request, selectors.offer_timeline(thread=thread, user=user))
    services.thread_mark_read(thread=thread, user=user)
    context = {
        "referral": offer.referral,
        "offer": offer,
        "page": page,
        "form": form,
        "writable": offer.status in services.WRITABLE_OFFER_STATUSES,
        "before_acceptance": offer.status == Offer.Status.OPEN,
        "post_url": request.path,
        "title_with": Role.PROVIDER,
    }
    return _render(request, context, status)


def _sent() -> str:
    return _("Uw bericht is verstuurd.")
