"""Browser pages of issue 21: the expert table, care outside coordination and the escalation
dossier (page and PDF). Thin: selectors read, services write (referrals.dossier,
referrals.services, placement.services)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role, User
from accounts.permissions import role_required
from accounts.services import audit_record
from config.codes import ExpertTableOutcome
from config.errors import Conflict, NotFound, ValidationFailed
from config.pdf import render_pdf
from placement.models import OutsidePlacement
from placement.services import outside_placement_update
from referrals import services
from referrals.dossier import (
    dossier_referral_for_user,
    escalation_dossier,
    expert_table_for_coordinator,
)
from referrals.forms import ExpertTableConveneForm, ExpertTableDecideForm, OutsidePlacementForm
from referrals.models import ExpertTable, Referral
from referrals.selectors import referral_for_user


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _referral(request: HttpRequest, pk: int, action: str) -> Referral:
    try:
        return referral_for_user(user=_user(request), pk=pk, action=action)
    except NotFound:
        raise Http404 from None


def _detail(referral: Referral, anchor: str = "expert-tables") -> str:
    return reverse("referrals:detail", args=[referral.pk]) + f"#{anchor}"


# --- the expert table ----------------------------------------------------------------------


def _table_data(form: ExpertTableConveneForm, *, deciding: bool) -> dict[str, Any]:
    data = form.cleaned_data
    values: dict[str, Any] = {
        "convened_on": data.get("convened_on"),
        "disciplines": list(data.get("disciplines") or []),
        "question": data.get("question", ""),
    }
    if deciding:
        values.update(
            advice=data.get("advice", ""),
            outcome_note=data.get("outcome_note", ""),
            outcome=data.get("outcome", ""),
            decided_on=data.get("decided_on"),
        )
    return values


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def expert_table_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Convene an expert table: date, disciplines present and the question."""
    referral = _referral(request, pk, "referral.expert_table_convene")
    if not referral.is_open:
        messages.error(
            request, _("Alleen voor een lopend verzoek kan een experttafel worden belegd.")
        )
        return redirect(_detail(referral))
    form = ExpertTableConveneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_table_convene(
                referral=referral, by=_user(request), data=_table_data(form, deciding=False)
            )
        except ValidationFailed as failure:
            form.show_errors(failure.errors)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(_detail(referral))
        else:
            messages.success(request, _("De experttafel is vastgelegd."))
            return redirect(_detail(referral))
    return render(
        request,
        "referrals/partials/expert_table_page.html",
        {"referral": referral, "form": form, "table": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def expert_table_edit(request: HttpRequest, pk: int, table_id: int) -> HttpResponse:
    """Record the advice and the outcome (confirmed first: it sets the referral in motion),
    or correct the texts of an expert table."""
    try:
        table = expert_table_for_coordinator(user=_user(request), pk=table_id)
    except NotFound:
        audit_record(
            user=_user(request),
            action="referral.expert_table_update",
            referral_id=pk,
            allowed=False,
        )
        raise Http404 from None
    if table.referral_id != pk:
        raise Http404
    referral = table.referral
    form = ExpertTableDecideForm(
        request.POST if request.method == "POST" else None,
        initial=ExpertTableDecideForm.initial_from(table),
    )
    context: dict[str, Any] = {"referral": referral, "form": form, "table": table}
    if request.method == "POST" and form.is_valid():
        data = _table_data(form, deciding=True)
        if table.outcome:
            data.pop("outcome")
            data.pop("decided_on")
        if data.get("outcome") and request.POST.get("confirmed") != "1":
            context.update(confirming=True, outcome_label=ExpertTableOutcome(data["outcome"]).label)
            return render(request, "referrals/partials/expert_table_page.html", context)
        try:
            services.expert_table_update(table=table, by=_user(request), data=data)
        except ValidationFailed as failure:
            form.show_errors(failure.errors)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(_detail(referral))
        else:
            messages.success(request, _("De experttafel is bijgewerkt."))
            return redirect(_detail(referral))
    return render(
        request,
        "referrals/partials/expert_table_page.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# --- care outside coordination -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def outside_placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct where the youth went outside coordination (a referral closed that way)."""
    referral = _referral(request, pk, "referral.outside_placement_update")
    outside = OutsidePlacement.objects.filter(referral=referral).select_related("provider").first()
    if outside is None:
        raise Http404
    form = OutsidePlacementForm(
        request.POST if request.method == "POST" else None,
        initial=OutsidePlacementForm.initial_from(outside),
    )
    if request.method == "POST" and form.is_valid():
        try:
            outside_placement_update(referral=referral, by=_user(request), data=form.to_data())
        except ValidationFailed as failure:
            form.show_errors(failure.errors)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(_detail(referral, "outside-placement"))
        else:
            messages.success(request, _("De zorg buiten de coördinatie is bijgewerkt."))
            return redirect(_detail(referral, "outside-placement"))
    return render(
        request,
        "referrals/outside_placement.html",
        {"referral": referral, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- the escalation dossier ----------------------------------------------------------------


def _dossier_referral(request: HttpRequest, pk: int) -> Referral:
    try:
        return dossier_referral_for_user(user=_user(request), pk=pk)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET"])
@role_required(Role.COORDINATOR, Role.REFERRER)
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _dossier_referral(request, pk)
    dossier = escalation_dossier(referral=referral)
    audit_record(user=user, action="referral.dossier", referral_id=referral.pk)
    return render(
        request,
        "referrals/dossier.html",
        {"referral": referral, "dossier": dossier, "full": user.role == Role.COORDINATOR},
    )


@require_http_methods(["GET"])
@role_required(Role.COORDINATOR, Role.REFERRER)
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier as a PDF for the escalation (municipality, court): the referral code, no
    identity of the youth; the download is audited all the same."""
    user = _user(request)
    referral = _dossier_referral(request, pk)
    dossier = escalation_dossier(referral=referral)
    audit_record(
        user=user,
        action="referral.dossier_pdf",
        referral_id=referral.pk,
        object_type="referral",
        object_id=referral.pk,
    )
    return render_pdf(
        request,
        "print/dossier.html",
        {
            "referral": referral,
            "dossier": dossier,
            "full": user.role == Role.COORDINATOR,
            "document_code": referral.code,
        },
        f"escalatiedossier-{referral.code}.pdf",
    )


def expert_tables_context(*, referral: Referral, user: User) -> dict[str, Any]:
    """What the detail page's expert-table section needs (one query)."""
    tables: list[ExpertTable] = list(
        ExpertTable.objects.filter(referral=referral).order_by("convened_on", "id")
    )
    return {
        "expert_tables": tables,
        "expert_full": user.role == Role.COORDINATOR,
        "can_convene": user.role == Role.COORDINATOR and referral.is_open,
    }
