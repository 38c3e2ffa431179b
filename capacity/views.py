"""Browser pages of the capacity register: "Mijn locaties" for providers, the regional
overview for coordinators. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Organisation, Role, User
from accounts.permissions import role_required
from capacity.forms import (
    CapacityChangeForm,
    LocationProfileForm,
    OverviewFilterForm,
    UnstaffedForm,
)
from capacity.models import CapacityChange, Location
from capacity.selectors import (
    LocationFilters,
    change_affected,
    change_for_user,
    changes_for_location,
    location_for_user,
    location_overview,
    provider_locations,
    stale_days,
)
from capacity.services import (
    capacity_change_announce,
    capacity_change_cancel,
    change_summary,
    location_adjust_free_places,
    location_confirm,
    location_set_unstaffed,
    location_update_profile,
    may_announce_change,
    provider_confirm_all,
)
from config.errors import Conflict, ValidationFailed

OVERVIEW_PAGE_SIZE = 100


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _own_location(request: HttpRequest, location_id: int) -> Location:
    """The provider's own location, with freshness; anything else is a 404."""
    user = _user(request)
    if user.organisation_id is None:
        raise Http404
    location = (
        provider_locations(provider=Organisation(pk=user.organisation_id))
        .filter(pk=location_id)
        .first()
    )
    if location is None:
        raise Http404
    return location


def _row(request: HttpRequest, location_id: int, error: str = "", notice: str = "") -> HttpResponse:
    return render(
        request,
        "capacity/my_locations.html#location-row",
        {
            "location": _own_location(request, location_id),
            "row_error": error,
            "row_notice": notice,
            "stale_days": stale_days(),
        },
    )


@require_GET
@login_required
@role_required(Role.PROVIDER)
def my_locations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.organisation_id is None:
        raise Http404
    locations = list(provider_locations(provider=Organisation(pk=user.organisation_id)))
    return render(
        request,
        "capacity/my_locations.html",
        {
            "locations": locations,
            "stale_count": sum(1 for loc in locations if getattr(loc, "is_stale", False)),
            "stale_days": stale_days(),
        },
    )


@require_POST
@login_required
@role_required(Role.PROVIDER)
def adjust_free_places(request: HttpRequest, location_id: int) -> HttpResponse:
    """The − / + buttons: saves at once; htmx swaps only the location's row."""
    location = _own_location(request, location_id)
    error = ""
    try:
        delta = int(request.POST.get("delta", ""))
    except ValueError:
        delta = 0
    try:
        location_adjust_free_places(location=location, delta=delta, by=_user(request))
    except ValidationFailed as exc:
        error = " ".join(message for messages_ in exc.errors.values() for message in messages_)
    notice = (
        ""
        if error
        else ngettext(
            "Opgeslagen: %(name)s heeft nu %(free)d vrije plaats.",
            "Opgeslagen: %(name)s heeft nu %(free)d vrije plaatsen.",
            location.free_places,
        )
        % {"name": location.name, "free": location.free_places}
    )
    if request.htmx:  # type: ignore[attr-defined]
        return _row(request, location_id, error=error, notice=notice)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("capacity:my-locations")


@require_POST
@login_required
@role_required(Role.PROVIDER)
def confirm_location(request: HttpRequest, location_id: int) -> HttpResponse:
    """ "Klopt nog": the figures of one location are still correct."""
    location = _own_location(request, location_id)
    location_confirm(location=location, by=_user(request))
    notice = _("Bevestigd: de cijfers van %(name)s kloppen nog.") % {"name": location.name}
    if request.htmx:  # type: ignore[attr-defined]
        return _row(request, location_id, notice=notice)
    messages.success(request, notice)
    return redirect("capacity:my-locations")


@require_POST
@login_required
@role_required(Role.PROVIDER)
def confirm_all(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.organisation is None:
        raise Http404
    count = provider_confirm_all(provider=user.organisation, by=user)
    messages.success(
        request,
        ngettext(
            "De cijfers van %(count)d locatie zijn bevestigd.",
            "De cijfers van %(count)d locaties zijn bevestigd.",
            count,
        )
        % {"count": count},
    )
    return redirect("capacity:my-locations")


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.PROVIDER)
def edit_profile(request: HttpRequest, location_id: int) -> HttpResponse:
    """The location's profile: a separate form, checked in full before anything is saved."""
    location = _own_location(request, location_id)
    if request.method == "POST":
        form = LocationProfileForm(request.POST)
        if form.is_valid():
            try:
                location_update_profile(location=location, by=_user(request), **form.cleaned_data)
            except ValidationFailed as exc:
                for field, field_messages in exc.errors.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request, _("Het profiel van %(name)s is opgeslagen.") % {"name": location.name}
                )
                return redirect("capacity:my-locations")
    else:
        form = LocationProfileForm(initial=LocationProfileForm.initial_for(location))
    status = 400 if form.is_bound else 200
    return render(
        request,
        "capacity/profile.html",
        {"form": form, "location": location},
        status=status,
    )


def _overview_filters(form: OverviewFilterForm) -> LocationFilters:
    if not form.is_valid():
        return LocationFilters()
    data = form.cleaned_data
    return LocationFilters(
        care_form=data["care_form"] or None,
        expertise=data["expertise"] or None,
        age=data["age"],
        region=data["region"].pk if data["region"] is not None else None,
        secured={"1": True, "0": False}.get(data["secured"]),
        only_free=data["only_free"],
    )


@require_GET
@login_required
@role_required(Role.COORDINATOR)
@vary_on_headers("HX-Request")
def overview(request: HttpRequest) -> HttpResponse:
    """The regional overview: every location with counts and freshness, totals per care form."""
    form = OverviewFilterForm(request.GET or None)
    result = location_overview(user=_user(request), filters=_overview_filters(form))
    page = Paginator(result.locations, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "overview": result,
        "page": page,
        "query": query.urlencode(),
        "stale_days": stale_days(),
    }
    template = "capacity/overview.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


# --- announced changes and places without staff ------------------------------------------


def _announcing_location(request: HttpRequest, location_id: int) -> Location:
    """A location the user may announce changes for: its provider's staff or a coordinator
    of one of its regions; anything else is a 404."""
    user = _user(request)
    location = location_for_user(user=user, location_id=location_id)
    if location is None or not may_announce_change(location=location, user=user):
        raise Http404
    return location


def _form_errors(form: Any, exc: ValidationFailed) -> None:
    for field, field_messages in exc.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.PROVIDER, Role.COORDINATOR)
def location_changes(request: HttpRequest, location_id: int) -> HttpResponse:
    """A location's announced changes (history) and the form to announce one; for its
    provider also the places "vrij maar niet inzetbaar"."""
    user = _user(request)
    location = _announcing_location(request, location_id)
    form = CapacityChangeForm(request.POST or None, initial={"kind": CapacityChange.Kind.RESIZE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == CapacityChange.Kind.CLOSURE and not data["confirm_closure"]:
            form.add_error("confirm_closure", _("Bevestig de sluiting van de locatie."))
        else:
            try:
                change = capacity_change_announce(
                    location=location,
                    by=user,
                    kind=data["kind"],
                    new_total=data["new_total"],
                    effective_on=data["effective_on"],
                    reason=data["reason"],
                    note=data["note"],
                )
            except ValidationFailed as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("De wijziging is aangekondigd: %(summary)s")
                    % {"summary": change_summary(change)},
                )
                return redirect("capacity:change", change.pk)
    unstaffed_form = None
    if user.is_provider:
        unstaffed_form = UnstaffedForm(
            initial={
                "unstaffed_places": location.unstaffed_places,
                "unstaffed_reason": location.unstaffed_reason,
            }
        )
    return render(
        request,
        "capacity/changes.html",
        {
            "location": location,
            "form": form,
            "unstaffed_form": unstaffed_form,
            "changes": changes_for_location(location=location),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
@role_required(Role.PROVIDER)
def set_unstaffed(request: HttpRequest, location_id: int) -> HttpResponse:
    location = _own_location(request, location_id)
    form = UnstaffedForm(request.POST)
    if form.is_valid():
        try:
            location_set_unstaffed(
                location=location,
                unstaffed_places=form.cleaned_data["unstaffed_places"],
                reason=form.cleaned_data["unstaffed_reason"],
                by=_user(request),
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
    if form.errors:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    else:
        messages.success(
            request,
            _("Opgeslagen: %(name)s heeft %(n)d vrije plaatsen die niet inzetbaar zijn.")
            % {"name": location.name, "n": form.cleaned_data["unstaffed_places"]},
        )
    return redirect("capacity:changes", location.pk)


@require_GET
@login_required
@role_required(Role.PROVIDER, Role.COORDINATOR)
def change_detail(request: HttpRequest, change_id: int) -> HttpResponse:
    """One announced change and who it affects (request codes only)."""
    user = _user(request)
    change = change_for_user(user=user, change_id=change_id)
    if change is None:
        raise Http404
    return render(
        request,
        "capacity/change.html",
        {
            "change": change,
            "location": change.location,
            "summary": change_summary(change),
            "affected": change_affected(change=change, user=user),
        },
    )


@require_POST
@login_required
@role_required(Role.PROVIDER, Role.COORDINATOR)
def cancel_change(request: HttpRequest, change_id: int) -> HttpResponse:
    change = change_for_user(user=_user(request), change_id=change_id)
    if change is None:
        raise Http404
    try:
        capacity_change_cancel(change=change, by=_user(request))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("De aangekondigde wijziging is ingetrokken."))
    return redirect("capacity:change", change.pk)
