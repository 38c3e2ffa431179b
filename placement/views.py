"""Browser pages of placement: matching, offers, the provider inbox, placements, waiting list."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from accounts.permissions import role_required
from capacity.models import Location
from config import dates
from config.errors import Conflict, ValidationFailed
from config.sorting import sort_from
from placement import services
from placement.forms import EndForm, PlaceForm, ReasonForm, RefuseForm, SendOfferForm, WaitForm
from placement.models import Offer, Placement
from placement.selectors import (
    accepted_youth_identity_for,
    candidates_for_referral,
    identity_access_ends_on,
    offer_for_user,
    offers_for_user,
    placement_for_user,
    placements_for_user,
)
from placement.templatetags.placement import whole_days_since
from referrals.models import Referral
from referrals.selectors import board_rows, referral_for_user, referrals_for_user

# `?sort=` columns of the provider's inbox and of the placements list.
INBOX_COLUMNS = {
    "code": ("referral__code", "id"),
    "location": ("location__name", "id"),
    "status": ("status", "id"),
    "deadline": ("deadline", "id"),
    "sent": ("sent_at", "id"),
}
# "waited" runs on days waited: ascending is the shortest wait, so the newest status change.
WAITING_COLUMNS = {
    "code": ("code", "id"),
    "waited": ("-status_changed_at", "id"),
}
PLACEMENT_COLUMNS = {
    "code": ("referral__code", "id"),
    "location": ("location__name", "id"),
    "start": ("start_date", "id"),
    "status": ("status", "id"),
    "end": ("end_date", "id"),
}
# What a row of the placements list shows.
PLACEMENT_LIST_FIELDS = (
    "status",
    "start_date",
    "end_date",
    "end_reason",
    "referral__code",
    "location__name",
    "provider__name",
    "next_referral__code",
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _apply_errors(form: Form, exc: ValidationFailed) -> None:
    """Show a service's field errors on the form (unknown fields as form-wide errors)."""
    for field, errors in exc.errors.items():
        name = field if field in form.fields else None
        for error in errors:
            form.add_error(name, error)


def _matching_context(request: HttpRequest, referral: Referral, **extra: Any) -> dict[str, Any]:
    include_excluded = request.GET.get("uitgesloten") == "1"
    result = candidates_for_referral(referral=referral, include_excluded=include_excluded)
    offers = (
        Offer.objects.filter(referral=referral)
        .select_related("location", "provider")
        .order_by("-sent_at", "-id")
    )
    open_offer = next((o for o in offers if o.status == Offer.Status.OPEN), None)
    return {
        "referral": referral,
        "analysis": referral.current_analysis,
        "result": result,
        "include_excluded": include_excluded,
        "offers": offers,
        "open_offer": open_offer,
        "wait_form": extra.pop("wait_form", WaitForm()),
        "withdraw_form": extra.pop("withdraw_form", ReasonForm()),
        "send_errors": extra.pop("send_errors", None),
        **extra,
    }


@require_GET
@login_required
@role_required(Role.COORDINATOR)
def referral_matching(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = referral_for_user(user=_user(request), pk=referral_id, action="referral.matching")
    return render(request, "placement/matching.html", _matching_context(request, referral))


@require_POST
@login_required
@role_required(Role.COORDINATOR)
def offer_send(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _user(request)
    referral = referral_for_user(user=user, pk=referral_id)
    form = SendOfferForm(request.POST)
    location = None
    if form.is_valid():
        location = Location.objects.filter(pk=form.cleaned_data["location"]).first()
    if location is None:
        messages.error(request, _("Kies een locatie uit de lijst."))
        return redirect("placement:referral-matching", referral_id=referral.pk)
    try:
        services.offer_send(
            referral=referral, location=location, by=user, choice_reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        context = _matching_context(
            request, referral, send_errors={"location": location.pk, "errors": exc.errors}
        )
        return render(request, "placement/matching.html", context, status=400)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("placement:referral-matching", referral_id=referral.pk)
    messages.success(
        request,
        _("Het voorstel is anoniem verstuurd naar %(location)s.") % {"location": location.name},
    )
    return redirect("placement:referral-matching", referral_id=referral.pk)


@require_POST
@login_required
@role_required(Role.COORDINATOR)
def referral_wait(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _user(request)
    referral = referral_for_user(user=user, pk=referral_id)
    form = WaitForm(request.POST)
    if form.is_valid():
        try:
            services.referral_wait(
                referral=referral,
                by=user,
                interim_support=form.cleaned_data["interim_support"],
                ambulant_support=form.cleaned_data["ambulant_support"],
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("placement:referral-matching", referral_id=referral.pk)
        else:
            messages.success(
                request,
                _(
                    "Het verzoek staat op de wachtlijst. U krijgt bericht als er een passende "
                    "plek vrijkomt."
                ),
            )
            return redirect("placement:waiting-list")
    context = _matching_context(request, referral, wait_form=form)
    return render(request, "placement/matching.html", context, status=400)


@require_POST
@login_required
@role_required(Role.COORDINATOR)
def offer_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = offer_for_user(user=user, pk=offer_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.offer_withdraw(offer=offer, by=user, reason=form.cleaned_data["reason"])
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Het voorstel is ingetrokken."))
        return redirect("placement:referral-matching", referral_id=offer.referral_id)
    context = _matching_context(request, offer.referral, withdraw_form=form)
    return render(request, "placement/matching.html", context, status=400)


def _offer_page(user: User, offer: Offer) -> str:
    """Where an offer's own page is for this user: the provider's offer, the coordinator's
    matching of the referral."""
    if user.role == Role.PROVIDER:
        return reverse("placement:offer-detail", args=[offer.pk])
    return reverse("placement:referral-matching", args=[offer.referral_id])


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def offer_cancel_acceptance(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Confirmation page (GET) and the cancellation itself (POST) of an accepted offer."""
    user = _user(request)
    offer = offer_for_user(user=user, pk=offer_id)
    back = _offer_page(user, offer)
    if offer.status != Offer.Status.ACCEPTED or Placement.objects.filter(offer=offer).exists():
        raise Http404
    return _cancel_page(
        request,
        cancel=lambda reason: services.offer_cancel_acceptance(offer=offer, by=user, reason=reason),
        back=back,
        done=_("De acceptatie is geannuleerd; de plek is vrijgegeven."),
        title=_("Acceptatie annuleren"),
        intro=_(
            "Het voorstel van %(location)s voor verzoek %(code)s is geaccepteerd, maar "
            "gaat niet door. De gereserveerde plek komt vrij en het verzoek gaat terug "
            "naar matching. Dit kan niet ongedaan worden gemaakt."
        )
        % {"location": offer.location.name, "code": offer.referral.code},
        button=_("Ja, acceptatie annuleren"),
    )


def _cancel_page(
    request: HttpRequest,
    *,
    cancel: Callable[[str], object],
    back: str,
    done: str,
    title: str,
    intro: str,
    button: str,
) -> HttpResponse:
    """A cancellation with a reason: the confirmation page (GET, or POST with errors), and
    on a valid POST the service `cancel(reason)` and back to where the user came from."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel(form.cleaned_data["reason"])
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(back)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "placement/cancel_confirm.html",
        {"title": title, "intro": intro, "button": button, "form": form, "back": back},
        status=400 if request.method == "POST" else 200,
    )


# --- provider --------------------------------------------------------------------------------


@require_GET
@login_required
@role_required(Role.PROVIDER)
def offer_inbox(request: HttpRequest) -> HttpResponse:
    # The list shows code, location, status and deadline: only those are read (the scope's
    # eager joins of the analysis and the youth would cost more planning than the rows do).
    offers = (
        offers_for_user(user=_user(request))
        .select_related(None)
        .select_related("referral", "location")
        .only("status", "deadline", "sent_at", "referral__code", "location__name")
    )
    show = request.GET.get("toon", "open")
    if show == "open":
        offers = offers.filter(status=Offer.Status.OPEN)
    sort = sort_from(request, INBOX_COLUMNS, default="deadline" if show == "open" else "-sent")
    page = Paginator(offers.order_by(*sort.order_by), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "placement/inbox.html",
        {
            "page": page,
            "show": show,
            "sort": sort.key,
            "now": timezone.now(),
            "query": urlencode({"toon": show, "sort": sort.key}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.PROVIDER)
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = offer_for_user(user=user, pk=offer_id)
    refuse_form = RefuseForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                services.offer_accept(offer=offer, by=user)
                messages.success(
                    request,
                    _(
                        "U heeft het voorstel geaccepteerd; de plek is gereserveerd. "
                        "De gegevens voor de intake staan hieronder."
                    ),
                )
                return redirect("placement:offer-detail", offer_id=offer.pk)
            refuse_form = RefuseForm(request.POST)
            if refuse_form.is_valid():
                services.offer_refuse(
                    offer=offer,
                    by=user,
                    reason=refuse_form.cleaned_data["reason"],
                    explanation=refuse_form.cleaned_data["explanation"],
                )
                messages.success(request, _("Uw weigering en de reden zijn vastgelegd."))
                return redirect("placement:offer-inbox")
            status = 400
        except ValidationFailed as exc:
            _apply_errors(refuse_form, exc)
            status = 400
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("placement:offer-detail", offer_id=offer.pk)
    identity = None
    identity_ended_on = None
    if offer.status == Offer.Status.ACCEPTED:
        identity = accepted_youth_identity_for(offer=offer, user=user)
        if identity is None:
            identity_ended_on = identity_access_ends_on(offer=offer)
    placement = Placement.objects.filter(offer=offer).first()
    return render(
        request,
        "placement/offer_detail.html",
        {
            "offer": offer,
            "referral": offer.referral,
            "analysis": offer.referral.current_analysis,
            "identity": identity,
            "identity_ended_on": identity_ended_on,
            "refuse_form": refuse_form,
            "placement": placement,
            "now": timezone.now(),
        },
        status=status,
    )


# --- placements ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_record(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = offer_for_user(user=user, pk=offer_id)
    if offer.status != Offer.Status.ACCEPTED:
        raise Http404
    form = PlaceForm(request.POST or None, initial={"school_name": offer.referral.school_name})
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_record(offer=offer, by=user, **form.cleaned_data)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("placement:placement-list")
        else:
            messages.success(request, _("De plaatsing is vastgelegd."))
            return redirect("placement:placement-detail", placement_id=placement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "placement/place_form.html", {"offer": offer, "form": form}, status=status
    )


@require_GET
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_list(request: HttpRequest) -> HttpResponse:
    placements = (
        placements_for_user(user=_user(request))
        .select_related("next_referral")
        .only(*PLACEMENT_LIST_FIELDS)  # not the referrals' long texts, 25 times
    )
    show = request.GET.get("status", "")
    if show in Placement.Status.values:
        placements = placements.filter(status=show)
    sort = sort_from(request, PLACEMENT_COLUMNS, default="-start")
    page = Paginator(placements.order_by(*sort.order_by), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "placement/placements.html",
        {
            "page": page,
            "show": show,
            "sort": sort.key,
            "statuses": Placement.Status.choices,
            "query": urlencode({"status": show, "sort": sort.key}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    user = _user(request)
    placement = placement_for_user(user=user, pk=placement_id)
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_end(placement=placement, by=user, **form.cleaned_data)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            if placement.next_referral is not None:
                messages.success(
                    request,
                    _(
                        "De plaatsing is beëindigd. Nieuw verzoek %(code)s voor de doorplaatsing "
                        "staat klaar bij de verwijzer."
                    )
                    % {"code": placement.next_referral.code},
                )
            else:
                messages.success(request, _("De plaatsing is beëindigd; de plek is vrijgegeven."))
            return redirect("placement:placement-detail", placement_id=placement.pk)
    identity = None
    # A cancelled placement cancelled its offer's acceptance too: no more identity.
    if user.role == Role.PROVIDER and placement.offer.status == Offer.Status.ACCEPTED:
        identity = accepted_youth_identity_for(offer=placement.offer, user=user)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "placement/placement_detail.html",
        {"placement": placement, "form": form, "identity": identity},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_cancel(request: HttpRequest, placement_id: int) -> HttpResponse:
    """Confirmation page (GET) and the cancellation itself (POST) of a planned placement."""
    user = _user(request)
    placement = placement_for_user(user=user, pk=placement_id)
    back = reverse("placement:placement-detail", args=[placement.pk])
    if placement.status != Placement.Status.PLANNED:
        raise Http404
    return _cancel_page(
        request,
        cancel=lambda reason: services.placement_cancel(
            placement=placement, by=user, reason=reason
        ),
        back=back,
        done=_("De plaatsing is geannuleerd; de plek is vrijgegeven."),
        title=_("Geplande plaatsing annuleren"),
        intro=_(
            "De plaatsing van verzoek %(code)s bij %(location)s per %(date)s gaat niet "
            "door. De gereserveerde plek komt vrij en het verzoek gaat terug naar "
            "matching. Dit kan niet ongedaan worden gemaakt."
        )
        % {
            "code": placement.referral.code,
            "location": placement.location.name,
            "date": dates.day(placement.start_date),
        },
        button=_("Ja, plaatsing annuleren"),
    )


# --- coordinator overviews ----------------------------------------------------------------------


@require_GET
@login_required
@role_required(Role.COORDINATOR)
def waiting_list(request: HttpRequest) -> HttpResponse:
    waiting = (
        referrals_for_user(user=_user(request))
        .filter(status=Referral.Status.WAITING)
        .select_related("current_analysis", "youth__municipality")
    )
    sort = sort_from(request, WAITING_COLUMNS, default="-waited")
    page = Paginator(waiting.order_by(*sort.order_by), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "placement/waiting_list.html",
        {
            "page": page,
            "sort": sort.key,
            "now": timezone.now(),
            "query": urlencode({"sort": sort.key}),
        },
    )


BOARD_STATUSES = [
    Referral.Status.SUBMITTED,
    Referral.Status.NEEDS_INFO,
    Referral.Status.MATCHING,
    Referral.Status.OFFERED,
    Referral.Status.WAITING,
    Referral.Status.ACCEPTED,
    Referral.Status.PLACED,
]


# Cards per column: the oldest first; the rest is counted and one click away (the referral
# list filtered by status). At national scale a region has about a thousand open referrals.
BOARD_CARDS_PER_COLUMN = 25


@dataclass(frozen=True)
class BoardCard:
    code: str
    href: str
    days: str  # "3 dagen" in status


def _link_for_id(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` as string formatting: reversed once per page, not per card
    (reverse costs ~0.1 ms; a national board has up to 175 cards)."""
    marker = 987654321
    pattern = reverse(name, args=[marker]).replace(str(marker), "{}")
    return pattern.format


@require_GET
@login_required
@role_required(Role.COORDINATOR)
def board(request: HttpRequest) -> HttpResponse:
    """Every open referral by status, with days in status: the oldest cards of each column and
    each column's count in one query (`board_rows`), whatever the numbers.
    The cards are read as the values they show and composed here: a Referral instance per
    card and a translated, reversed link per card in the template were most of the page."""
    rows = board_rows(
        user=_user(request), statuses=BOARD_STATUSES, per_column=BOARD_CARDS_PER_COLUMN
    )
    detail = _link_for_id("referrals:detail")
    matching = _link_for_id("placement:referral-matching")
    before_matching = {Referral.Status.SUBMITTED, Referral.Status.NEEDS_INFO}
    columns: dict[str, list[BoardCard]] = {status: [] for status in BOARD_STATUSES}
    counts: dict[str, int] = {}
    days_text: dict[int, str] = {}  # "3 dagen", translated once per number of days
    for pk, code, status, changed_at, in_column in rows:
        days = whole_days_since(changed_at)
        if days not in days_text:
            days_text[days] = ngettext("%(days)d dag", "%(days)d dagen", days) % {"days": days}
        columns[status].append(
            BoardCard(
                code=code,
                href=(detail if status in before_matching else matching)(pk),
                days=days_text[days],
            )
        )
        counts[status] = in_column
    return render(
        request,
        "placement/board.html",
        {
            "columns": [
                (Referral.Status(s).label, s, columns[s], counts.get(s, 0)) for s in BOARD_STATUSES
            ]
        },
    )
