"""Browser pages of the KPI catalogue (issue 23 point 6): every KPI with its figure, target
and definition (/analyses/kengetallen/), and the targets the region sets. Thin: selectors
and analyses.catalogue read, analyses.target_services writes."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from accounts.permissions import role_required
from analyses import catalogue, selectors
from analyses.catalogue_forms import KpiTargetForm
from analyses.disclosure import Disclosure
from analyses.target_services import kpi_target_delete, kpi_target_save
from analyses.view_helpers import invalid_filters_context
from config.errors import ValidationFailed

ROLES = (Role.COORDINATOR, Role.ANALYST)
TARGET_ROLES = (Role.COORDINATOR, Role.ADMIN)
TARGETS_PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def catalogue_rows(*, filters: selectors.Filters, disclosure: Disclosure) -> list[dict[str, Any]]:
    """Every KPI of the catalogue in its order, with the figure as shown (None: none built
    for this selection) and the target that applies. Two queries beyond `selectors.kpis`."""
    figures = {row["code"]: row for row in selectors.kpis(filters=filters, disclosure=disclosure)}
    targets = catalogue.targets_for(
        region=filters.region, year=catalogue.period_year(filters.period)
    )
    rows = []
    for kpi in catalogue.CATALOGUE:
        figure = figures.get(kpi.code)
        target = targets.get(kpi.code)
        value = figure["value"] if figure else None
        rows.append(
            {
                "kpi": kpi,
                "value": value,
                "number": isinstance(value, int | float),
                # Issue 23.2: the figure with its previous period and change (or None).
                "figure": figure,
                "target": target,
                "met": None
                if filters.care_form or target is None
                else catalogue.target_met(kpi.code, value, target.target),
            }
        )
    return rows


@require_GET
@login_required
@role_required(*ROLES)
def kpi_catalogue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        scope = selectors.report_scope(user=user, query=request.GET)
    except ValidationFailed as failure:
        context = {
            **invalid_filters_context(request, user, failure),
            "may_keep": catalogue.may_keep_targets(user),
        }
        return render(request, "analyses/kpi_catalogue.html", context, status=400)
    filters = scope.filters
    return render(
        request,
        "analyses/kpi_catalogue.html",
        {
            "filters": filters,
            "options": selectors.filter_options(scope),
            "built_at": selectors.built_at(),
            "exact": scope.disclosure.exact,
            "rows": catalogue_rows(filters=filters, disclosure=scope.disclosure),
            "year": catalogue.period_year(filters.period),
            "period_label": selectors.period_label(filters.period),
            "query": urlencode(
                {"periode": filters.period, "regio": filters.region, "zorgvorm": filters.care_form}
            ),
            "may_keep": catalogue.may_keep_targets(user),
        },
    )


def _apply_errors(form: KpiTargetForm, exc: ValidationFailed) -> None:
    for field, field_messages in exc.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@login_required
@role_required(*TARGET_ROLES)
def kpi_targets(request: HttpRequest) -> HttpResponse:
    """The targets per KPI, region and year: a form and the list (paginated)."""
    user = _user(request)
    regions = list(catalogue.target_regions(user=user).values_list("code", "name"))
    form = KpiTargetForm(
        request.POST or None,
        regions=regions,
        every=user.role == Role.ADMIN,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = kpi_target_save(
                by=user,
                region=data["region"],
                code=data["code"],
                year=data["year"],
                target=data["target"],
                note=data["note"],
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Streefwaarde opgeslagen: %(name)s, %(year)d: %(target)s.")
                % {
                    "name": catalogue.BY_CODE[row.code].name,
                    "year": row.year,
                    "target": f"{row.target:g}".replace(".", ","),
                },
            )
            return redirect("analyses:kpi-targets")
    page = Paginator(catalogue.targets_for_user(user=user), TARGETS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"target": t, "kpi": catalogue.BY_CODE.get(t.code)} for t in page.object_list]
    return render(
        request,
        "analyses/kpi_targets.html",
        {"form": form, "page": page, "rows": rows, "has_regions": bool(regions)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@role_required(*TARGET_ROLES)
def kpi_target_remove(request: HttpRequest, target_id: int) -> HttpResponse:
    """Confirm (GET), then remove (POST) one target the user keeps."""
    user = _user(request)
    target = catalogue.targets_for_user(user=user).filter(pk=target_id).first()
    if target is None:
        raise Http404
    if request.method == "POST":
        kpi_target_delete(target=target, by=user)
        messages.success(request, _("De streefwaarde is verwijderd."))
        return redirect("analyses:kpi-targets")
    kpi = catalogue.BY_CODE.get(target.code)
    # The value as in the list of targets, with its direction and unit ("≥ 80%").
    value = render_to_string(
        "analyses/partials/target_value.html", {"kpi": kpi, "target": target}
    ).strip()
    return render(
        request,
        "analyses/kpi_target_remove.html",
        {"target": target, "kpi": kpi, "target_value": value},
    )
