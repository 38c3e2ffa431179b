"""Browser pages of contracted capacity, occupancy against break-even, cost of bed-days and
the location's band per year (issue 22). Coordinators only (the admin keeps tariffs and
contracts in the Django admin too). Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from accounts.permissions import role_required
from accounts.selectors import regions_for_user
from capacity.contract_forms import ContractForm, LocationBandForm, YearForm
from capacity.contract_selectors import (
    bands_of_location,
    break_even,
    contract_occupancy,
    contracts_for_user,
    cost_report,
    providers_for_contracts,
    tariffs,
    year_choices,
)
from capacity.models import Location
from capacity.services import contracted_capacity_save, location_band_set, may_set_band
from config.errors import ValidationFailed

CONTRACTS_PAGE_SIZE = 25
PROVIDERS_PAGE_SIZE = 10


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _apply_errors(form: ContractForm | LocationBandForm, exc: ValidationFailed) -> None:
    for field, field_messages in exc.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR)
def contracts(request: HttpRequest) -> HttpResponse:
    """The places contracted per provider × care form × year: a form and the list."""
    user = _user(request)
    providers = providers_for_contracts(user=user)
    form = ContractForm(
        request.POST or None, providers=providers, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = contracted_capacity_save(
                by=user,
                provider=data["provider"].pk,
                care_form=data["care_form"],
                year=data["year"],
                places=data["places"],
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Opgeslagen: %(provider)s, %(form)s %(year)d: %(places)d plaatsen.")
                % {
                    "provider": data["provider"].name,
                    "form": row.get_care_form_display(),
                    "year": row.year,
                    "places": row.places,
                },
            )
            return redirect("capacity:contracts")
    page = Paginator(contracts_for_user(user=user), CONTRACTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "capacity/contracts.html",
        {"form": form, "page": page},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@login_required
@role_required(Role.COORDINATOR)
def contract_occupancy_page(request: HttpRequest) -> HttpResponse:
    """ "Contract en bezetting": contracted against available and occupied places per month,
    occupancy per location against break-even, and bed-days and cost."""
    user = _user(request)
    years = year_choices()
    year = timezone.localdate().year
    form = YearForm(request.GET or None, years=years, initial={"jaar": year})
    if form.is_bound and form.is_valid() and form.cleaned_data["jaar"]:
        year = form.cleaned_data["jaar"]
    page = Paginator(
        providers_for_contracts(user=user).order_by("name", "pk"), PROVIDERS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = contract_occupancy(providers=page.object_list, year=year)
    regions = list(regions_for_user(user=user))
    return render(
        request,
        "capacity/contract_occupancy.html",
        {
            "form": form,
            "year": year,
            "page": page,
            "query": f"jaar={year}",
            "rows": rows,
            "month_labels": [MONTHS_3[m] for m in range(1, 13)],
            "break_even_percent": int(break_even() * 100),
            "cost": cost_report(regions=regions, year=year),
            "tariffs": list(tariffs(year=year)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@role_required(Role.COORDINATOR)
def location_bands(request: HttpRequest, location_id: int) -> HttpResponse:
    """A location's intensity band per year, set by a coordinator of one of its regions."""
    user = _user(request)
    location = Location.objects.select_related("provider").filter(pk=location_id).first()
    if location is None or not may_set_band(location=location, user=user):
        raise Http404
    form = LocationBandForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            location_band_set(
                location=location,
                year=form.cleaned_data["year"],
                band=form.cleaned_data["band"],
                by=user,
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("De intensiteitsklasse van %(name)s is opgeslagen.") % {"name": location.name},
            )
            return redirect("capacity:location-bands", location_id=location.pk)
    return render(
        request,
        "capacity/location_bands.html",
        {"form": form, "location": location, "bands": list(bands_of_location(location=location))},
        status=400 if form.is_bound and form.errors else 200,
    )
