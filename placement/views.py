"""Browser pages of placement: matching, offers, the provider inbox, placements, waiting list."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from accounts.permissions import role_required
from capacity.models import Location
from config import dates
from config.codes import CareForm, LegalStatus
from config.errors import Conflict, ValidationFailed
from config.sorting import sort_from
from placement import services
from placement.filters import BoardFilters, PlacementListFilters, WaitingListFilters
from placement.forms import (
    EndForm,
    IntakeForm,
    PlaceForm,
    PlansForm,
    ReasonForm,
    RefuseForm,
    RiskFlagForm,
    RiskUpdateForm,
    SendOfferForm,
    WaitForm,
)
from placement.models import Offer, Placement, PlacementRisk
from placement.selectors import (
    BoardRow,
    accepted_youth_identity_for,
    board_cards,
    candidates_for_referral,
    expected_vacancies_for_referral,
    expected_vacancies_for_referrals,
    identity_access_ends_on,
    offer_for_user,
    offers_for_user,
    placement_for_user,
    placement_open_risk,
    placement_risks,
    placements_for_user,
    turning_18_within,
)
from referrals.filters import filtered_rows
from referrals.models import Referral, age_on
from referrals.selectors import referral_for_user, referrals_for_user

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
        # full fitting locations that expect a place soon (issue 22.5)
        "expected_vacancies": expected_vacancies_for_referral(referral=referral),
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
    # The list shows code (and crisis), location, status and deadline: only those are read
    # (the scope's eager joins of the analysis and the youth would cost more planning than
    # the rows do).
    offers = (
        offers_for_user(user=_user(request))
        .select_related(None)
        .select_related("referral", "location")
        .only(
            "status",
            "deadline",
            "sent_at",
            "referral__code",
            "referral__urgency",
            "location__name",
        )
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
    concern_choices = services.refusal_concern_choices(offer.referral)
    refuse_form = RefuseForm(concern_choices=concern_choices)
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
            refuse_form = RefuseForm(request.POST, concern_choices=concern_choices)
            if refuse_form.is_valid():
                services.offer_refuse(
                    offer=offer,
                    by=user,
                    reason=refuse_form.cleaned_data["reason"],
                    explanation=refuse_form.cleaned_data["explanation"],
                    concerns=refuse_form.cleaned_data.get("refusal_concerns") or [],
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
    return _offer_detail_page(request, offer, user, refuse_form=refuse_form, status=status)


def _offer_detail_page(
    request: HttpRequest,
    offer: Offer,
    user: User,
    *,
    refuse_form: RefuseForm | None = None,
    intake_form: IntakeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The offer page; a rejected refusal or intake proposal is shown again with its
    errors at the fields and what the provider typed (status 400)."""
    if refuse_form is None:
        refuse_form = RefuseForm(concern_choices=services.refusal_concern_choices(offer.referral))
    if intake_form is None:
        intake_form = IntakeForm(
            initial={"intake_date": offer.intake_proposed_on, "note": offer.intake_note}
        )
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
            "concern_reasons": " ".join(sorted(services.CONCERN_REASONS)),
            "placement": placement,
            "now": timezone.now(),
            # The handover (issue 20): the referrer's contact and the intake date form.
            "intake_form": intake_form,
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
    user = _user(request)
    placements = (
        placements_for_user(user=user)
        .select_related("next_referral")
        .only(*PLACEMENT_LIST_FIELDS)  # not the referrals' long texts, 25 times
    )
    filters = PlacementListFilters(request.GET, user=user, queryset=placements)
    rows, status = filtered_rows(filters)
    sort = sort_from(request, PLACEMENT_COLUMNS, default="-start")
    page = Paginator(rows.order_by(*sort.order_by), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "placement/placements.html",
        {
            "page": page,
            "sort": sort.key,
            "filters": filters,
            "filtered": filters.active,
            "query": urlencode([("sort", sort.key), *filters.query_items()]),
        },
        status=status,
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
    return _placement_page(request, placement, form=form)


def _placement_page(request: HttpRequest, placement: Placement, **forms: Form) -> HttpResponse:
    """The placement page; a form that failed (400) is passed in, the others start empty."""
    user = _user(request)
    identity = None
    # A cancelled placement cancelled its offer's acceptance too: no more identity.
    if user.role == Role.PROVIDER and placement.offer.status == Offer.Status.ACCEPTED:
        identity = accepted_youth_identity_for(offer=placement.offer, user=user)
    open_risk = placement_open_risk(placement=placement)
    context = {
        "placement": placement,
        "form": forms.get("form") or EndForm(initial={"end_date": timezone.localdate()}),
        "identity": identity,
        "open_risk": open_risk,
        "risks": placement_risks(placement=placement),
        "plans_form": forms.get("plans_form")
        or PlansForm(
            initial={"planned_end": placement.planned_end, "adult_plan_on": placement.adult_plan_on}
        ),
        "risk_form": forms.get("risk_form") or RiskFlagForm(),
        "risk_update_form": forms.get("risk_update_form")
        or RiskUpdateForm(
            initial={
                "support": open_risk.support if open_risk else [],
                "support_note": open_risk.support_note if open_risk else "",
            }
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "placement/placement_detail.html", context, status=status)


def _placement_action(
    request: HttpRequest,
    placement_id: int,
    form_class: type[Form],
    form_name: str,
    act: Callable[[Placement, User, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """POST of one form on the placement page: on success back to the page with a message,
    on bad input the page again with the form's errors (400)."""
    user = _user(request)
    placement = placement_for_user(user=user, pk=placement_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(placement, user, form.cleaned_data)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("placement:placement-detail", placement_id=placement.pk)
        else:
            messages.success(request, done)
            return redirect("placement:placement-detail", placement_id=placement.pk)
    return _placement_page(request, placement, **{form_name: form})


@require_POST
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_plans(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _placement_action(
        request,
        placement_id,
        PlansForm,
        "plans_form",
        lambda placement, user, data: services.placement_update_plans(
            placement=placement, by=user, **data
        ),
        _("De verwachte einddatum en het 18+-plan zijn opgeslagen."),
    )


@require_POST
@login_required
@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_flag_risk(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _placement_action(
        request,
        placement_id,
        RiskFlagForm,
        "risk_form",
        lambda placement, user, data: services.placement_flag_risk(
            placement=placement, by=user, **data
        ),
        _("De plaatsing is gemeld als in gevaar; de coördinator is op de hoogte gebracht."),
    )


@require_POST
@login_required
@role_required(Role.COORDINATOR)
def placement_risk_update(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _placement_action(
        request,
        placement_id,
        RiskUpdateForm,
        "risk_update_form",
        lambda placement, user, data: services.placement_risk_update(
            placement=placement, by=user, **data
        ),
        _("De ondersteuning is opgeslagen."),
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
    user = _user(request)
    waiting = (
        referrals_for_user(user=user)
        .filter(status=Referral.Status.WAITING)
        .select_related("current_analysis", "youth__municipality")
    )
    filters = WaitingListFilters(request.GET, user=user, queryset=waiting)
    rows, status = filtered_rows(filters)
    sort = sort_from(request, WAITING_COLUMNS, default="-waited")
    page = Paginator(rows.order_by(*sort.order_by), 25).get_page(request.GET.get("page"))
    # "verwacht vrij over N weken bij …" per row: one set-based read for the whole page
    page.object_list = list(page.object_list)
    expected = expected_vacancies_for_referrals(referral_ids=[r.pk for r in page.object_list])
    for referral in page.object_list:
        referral.expected_vacancy = expected.get(referral.pk)
    return render(
        request,
        "placement/waiting_list.html",
        {
            "page": page,
            "sort": sort.key,
            "now": timezone.now(),
            "filters": filters,
            "filtered": filters.active,
            "query": urlencode([("sort", sort.key), *filters.query_items()]),
        },
        status=status,
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
    facts: str = ""  # "15 jaar · gezinshuis · OTS"
    deadline: str = ""  # the open offer's: "reageren vóór 12 dec. 17:00 (nog 2 dagen)"
    flags: tuple[str, ...] = ()  # "18+", "experttafel", "moeilijk plaatsbaar", "VA volgt"
    warnings: tuple[str, ...] = ()  # the flags shown as a warning ("Plaatsing onder druk")


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
    """Every open referral by status, with what a coordinator decides on: the oldest cards of
    each column, each column's count and each card's facts in one query (`board_cards`),
    whatever the numbers. The filters (`BoardFilters`) narrow the columns and the scope.
    The cards are read as the values they show and composed here: a Referral instance per
    card and a translated, reversed link per card in the template were most of the page."""
    user = _user(request)
    filters = BoardFilters(request.GET, user=user, queryset=referrals_for_user(user=user))
    statuses, rows, status = list(BOARD_STATUSES), [], 200
    if filters.is_valid():
        chosen = filters.form.cleaned_data.get("status")
        if chosen:
            statuses = [s for s in BOARD_STATUSES if s == chosen]
        rows = board_cards(
            user=user,
            statuses=statuses,
            per_column=BOARD_CARDS_PER_COLUMN,
            region=filters.form.cleaned_data.get("region"),
            filtered=filters.qs if filters.narrowing else None,
        )
    else:
        status = 400
    columns: dict[str, list[BoardCard]] = {s: [] for s in statuses}
    counts: dict[str, int] = {}
    compose = _BoardCardComposer()
    for row in rows:
        columns[row.status].append(compose(row))
        counts[row.status] = row.in_column
    return render(
        request,
        "placement/board.html",
        {
            "filter_bar": _board_filter_bar(request, filters),
            "columns": [
                (Referral.Status(s).label, s, columns[s], counts.get(s, 0)) for s in statuses
            ],
            "filters": filters,
            "filtered": filters.active,
            "hard_to_place": {
                "refusals": settings.HARD_TO_PLACE_REFUSALS,
                "days": settings.HARD_TO_PLACE_DAYS,
            },
        },
        status=status,
    )


# The board's filter bar as rendered without any filter, per language and set of regions: the
# six fields through the shared field partial cost about as much as the rest of the page, and
# the unfiltered board is the one opened all day. Small: one entry per coordination point.
_UNFILTERED_BAR: dict[tuple[str, tuple[tuple[int, str], ...]], str] = {}


def _board_filter_bar(request: HttpRequest, filters: BoardFilters) -> str:
    def rendered() -> str:
        return render_to_string(
            "partials/filter_bar.html", {"filters": filters, "filtered": filters.active}
        )

    if any(name in request.GET for name in filters.filters) or not filters.is_valid():
        return rendered()
    regions = filters.filters["region"].queryset if "region" in filters.filters else None
    key = (get_language(), tuple(regions.values_list("pk", "name")) if regions is not None else ())
    if key not in _UNFILTERED_BAR:
        if len(_UNFILTERED_BAR) > 256:
            _UNFILTERED_BAR.clear()
        _UNFILTERED_BAR[key] = rendered()
    return _UNFILTERED_BAR[key]


class _BoardCardComposer:
    """Turns board rows into cards; every text that many cards share (days, care form, legal
    frame, flags) is translated once per page, not once per card."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        # Local calendar days from one time zone read once: timezone.localdate() per card
        # looked the zone up each time (two per card, most of the composing).
        self.zone = timezone.get_current_timezone()
        self.age_text: dict[int, str] = {}
        self.detail = _link_for_id("referrals:detail")
        self.matching = _link_for_id("placement:referral-matching")
        self.before_matching = {Referral.Status.SUBMITTED, Referral.Status.NEEDS_INFO}
        self.days_text: dict[int, str] = {}
        self.day_text: dict[date, str] = {}
        self.deadline_text = _("reageren vóór %(moment)s (%(left)s)")
        self.care_forms = {k: str(v) for k, v in CareForm.choices}
        self.legal = {k: str(v) for k, v in LegalStatus.choices}
        self.flag = {
            "turning_18": _("wordt 18"),
            "adult": _("18+"),
            "expert": _("experttafel"),
            "hard": _("moeilijk plaatsbaar"),
            "va": _("VA volgt"),
        }
        # "Plaatsing onder druk: gedrag": an active placement with an open risk, per reason.
        self.at_risk = {
            code: _("Plaatsing onder druk: %(reason)s") % {"reason": label}
            for code, label in PlacementRisk.Reason.choices
        }
        self.window = settings.TURNING_18_WINDOW_DAYS
        self.hard_refusals = settings.HARD_TO_PLACE_REFUSALS
        self.hard_days = settings.HARD_TO_PLACE_DAYS

    def day_of(self, moment: datetime) -> date:
        """The local calendar day of a moment (as `whole_days_since` counts)."""
        return moment.astimezone(self.zone).date()

    def moment(self, deadline: datetime) -> str:
        """'4 dec. 23:59' as `dates.day_short` and `dates.clock` write it, the day's text
        formatted once per day (Django's date_format took ~0.1 ms a card)."""
        local = deadline.astimezone(self.zone)
        day = local.date()
        if day not in self.day_text:
            self.day_text[day] = dates.day_short(day)
        return f"{self.day_text[day]} {local:%H:%M}"

    def days(self, count: int) -> str:
        if count not in self.days_text:
            self.days_text[count] = ngettext("%(days)d dag", "%(days)d dagen", count) % {
                "days": count
            }
        return self.days_text[count]

    def __call__(self, row: BoardRow) -> BoardCard:
        start = row.requested_start or self.today
        facts: list[str] = []
        flags: list[str] = []
        if row.birth_date is not None:
            age = age_on(row.birth_date, start)
            if age not in self.age_text:
                self.age_text[age] = ngettext("%(age)d jaar", "%(age)d jaar", age) % {"age": age}
            facts.append(self.age_text[age])
            if age >= 18:
                flags.append(self.flag["adult"])
            elif turning_18_within(birth_date=row.birth_date, start=start, days=self.window):
                flags.append(self.flag["turning_18"])
        if row.first_care_form:
            facts.append(self.care_forms.get(row.first_care_form, row.first_care_form))
        if row.legal_status:
            facts.append(self.legal.get(row.legal_status, row.legal_status))
        if row.expert_table:
            flags.append(self.flag["expert"])
        waited = (self.today - self.day_of(row.submitted_at)).days if row.submitted_at else 0
        if row.refusals >= self.hard_refusals or waited >= self.hard_days:
            flags.append(self.flag["hard"])
        if row.documents_due_on is not None:
            flags.append(self.flag["va"])
        warnings: tuple[str, ...] = ()
        if row.risk_reason:
            warning = self.at_risk.get(row.risk_reason, row.risk_reason)
            flags.append(warning)
            warnings = (warning,)
        deadline = ""
        if row.offer_deadline is not None:
            deadline = self.deadline_text % {
                "moment": self.moment(row.offer_deadline),
                "left": dates.time_left(row.offer_deadline),
            }
        href = self.detail if row.status in self.before_matching else self.matching
        return BoardCard(
            code=row.code,
            href=href(row.pk),
            days=self.days((self.today - self.day_of(row.status_changed_at)).days),
            facts=" · ".join(facts),
            deadline=deadline,
            flags=tuple(flags),
            warnings=warnings,
        )


# --- the handover (issue 20, point 7) ---------------------------------------------------------


@require_POST
@login_required
@role_required(Role.PROVIDER)
def offer_propose_intake(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The provider proposes an intake date on an accepted offer (before acceptance: 404)."""
    user = _user(request)
    offer = offer_for_user(user=user, pk=offer_id)
    if offer.status != Offer.Status.ACCEPTED:
        raise Http404
    form = IntakeForm(request.POST)
    if form.is_valid():
        try:
            services.offer_propose_intake(
                offer=offer,
                by=user,
                intake_date=form.cleaned_data["intake_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Uw voorstel voor de intakedatum is verstuurd."))
            return redirect("placement:offer-detail", offer_id=offer.pk)
    # Shown again at the field, with the date and note the provider typed (not lost).
    return _offer_detail_page(request, offer, user, intake_form=form, status=400)
