"""Browser pages of referrals: the referrer's guided form and list, the coordinator's intake."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import Role, User
from accounts.permissions import role_required
from config.codes import OutsideArrangement, OutsideReason
from config.errors import Conflict, NotFound, ValidationFailed
from config.sorting import sort_from
from placement.models import OutsidePlacement
from referrals import services
from referrals.expert_views import expert_tables_context
from referrals.filters import ReferralListFilters, filtered_rows
from referrals.forms import (
    AnalysisForm,
    CloseForm,
    OutsidePlacementForm,
    PlansForm,
    QuestionForm,
    ReopenForm,
    SituationForm,
    StepForm,
    YouthForm,
    crisis_documents_mark,
)
from referrals.models import InfoRequest, Referral
from referrals.selectors import (
    intake_for_coordinator,
    referral_for_user,
    referral_timeline,
    referrals_for_user,
    youth_identity_for,
)

STEPS: list[tuple[str, Any, type[StepForm]]] = [
    ("youth", gettext_lazy("Jongere"), YouthForm),
    ("situation", gettext_lazy("Situatie en school"), SituationForm),
    ("analysis", gettext_lazy("Verklarende analyse"), AnalysisForm),
    ("plans", gettext_lazy("Plannen en perspectieven"), PlansForm),
]
STEP_NAMES = [name for name, _label, _form in STEPS] + ["review"]

# `?sort=` columns of the list; the coordinator sees the longest-unchanged first by default.
LIST_COLUMNS = {
    "code": ("code", "id"),
    "status": ("status", "id"),
    "since": ("status_changed_at", "id"),
    "start": ("requested_start", "id"),
}
LIST_DEFAULT_SORT = {True: "since", False: "-since"}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _get(request: HttpRequest, pk: int, action: str = "referral.read") -> Referral:
    try:
        return referral_for_user(user=_user(request), pk=pk, action=action)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET"])
@role_required(Role.REFERRER, Role.COORDINATOR)
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrer's own organisation's referrals; the coordinator's intake and the referrals
    in progress. One filter bar (`ReferralListFilters`, kept in the address) narrows both; an
    invalid value answers 400 with the field's error."""
    user = _user(request)
    sort = sort_from(
        request, LIST_COLUMNS, default=LIST_DEFAULT_SORT[user.role == Role.COORDINATOR]
    )
    listed = referrals_for_user(user=user)
    context: dict[str, Any] = {"today": timezone.localdate(), "sort": sort.key}
    status = 200
    if user.role == Role.COORDINATOR:
        # The intake is a queue: oldest first, paged on its own; every filter but the status
        # (the intake's status is "submitted") applies to it too.
        intake_data = request.GET.copy()
        intake_data.pop("status", None)
        intake, status = filtered_rows(
            ReferralListFilters(intake_data, user=user, queryset=intake_for_coordinator(user=user))
        )
        context["intake_page"] = Paginator(intake, 25).get_page(request.GET.get("intake"))
        context["intake"] = context["intake_page"].object_list
        # Named rather than excluded: the region's open referrals come from index
        # `referral_region` instead of a scan of its whole history.
        in_progress = Referral.OPEN_STATUSES - {Referral.Status.SUBMITTED}
        listed = listed.filter(status__in=sorted(in_progress))
    filters = ReferralListFilters(request.GET, user=user, queryset=listed)
    rows, list_status = filtered_rows(filters)
    context["filters"] = filters
    context["filtered"] = filters.active
    context["page"] = Paginator(rows.order_by(*sort.order_by), 50).get_page(request.GET.get("page"))
    context["query"] = urlencode([("sort", sort.key), *filters.query_items()])
    return render(request, "referrals/list.html", context, status=max(status, list_status))


@require_http_methods(["GET", "POST"])
@role_required(Role.REFERRER)
def referral_new(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new referral; saving it creates the draft."""
    form = YouthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(by=_user(request), data=form.to_data())
        except ValidationFailed as failure:
            form.show_errors(failure.errors)
        else:
            messages.success(request, _("Concept %(code)s opgeslagen.") % {"code": referral.code})
            return redirect("referrals:edit", pk=referral.pk, step="situation")
    return render(
        request,
        "referrals/edit.html",
        {"form": form, "step": "youth", "steps": STEPS, "referral": None},
        # An invalid step answers 400, like every other form with errors.
        status=400 if request.method == "POST" else 200,
    )


def _typed_problems(form: Any, problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """The inline check's problems without those of the crisis fields still empty: they
    open when "crisis" is chosen and should not be red before anything was typed (saving
    and submitting still name them)."""
    crisis_fields = getattr(form, "CRISIS_FIELDS", ())
    empty = {name for name in crisis_fields if not form.data.get(name)}
    return {
        path: messages for path, messages in problems.items() if form.paths.get(path) not in empty
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.REFERRER)
@vary_on_headers("HX-Request")
def referral_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the guided form: saves the draft; under htmx it only validates."""
    if step not in STEP_NAMES:
        raise Http404
    user = _user(request)
    referral = _get(request, pk, action="referral.update")
    # A submitted crisis referral still takes its VA and plans until they are complete.
    completing = _completing_documents(referral) and step in COMPLETION_STEPS
    if not referral.is_editable and not completing:
        messages.info(request, _("Dit verzoek is ingediend en kan niet meer worden gewijzigd."))
        return redirect("referrals:detail", pk=referral.pk)
    if step == "review":
        return _review(request, referral, problems=services.submission_problems(referral=referral))
    form_class = next(form for name, _label, form in STEPS if name == step)
    if step == "youth":
        initial = YouthForm.initial_from(youth_identity_for(referral=referral, user=user))
    else:
        initial = form_class.initial_from(referral)  # type: ignore[attr-defined]
    form = form_class(request.POST or None, initial=initial)
    crisis_documents_mark(form, referral)
    context = {"form": form, "step": step, "steps": STEPS, "referral": referral}
    if request.method == "POST" and form.is_valid():
        if request.htmx:  # type: ignore[attr-defined]
            # Inline check: show this step's submission problems as the user types, no save.
            trial = form.to_data()
            if completing:
                trial = {k: v for k, v in trial.items() if k in services.DOCUMENT_KEYS}
            problems = _problems_if_applied(referral=referral, user=user, data=trial)
            form.show_errors(_typed_problems(form, problems))
            return render(request, "referrals/edit.html#step-form", context)
        data = form.to_data()
        if completing:
            data = {key: value for key, value in data.items() if key in services.DOCUMENT_KEYS}
        try:
            services.referral_update(referral=referral, by=user, data=data)
        except ValidationFailed as failure:
            form.show_errors(failure.errors)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("referrals:detail", pk=referral.pk)
        else:
            if completing:
                messages.success(request, _("Documenten opgeslagen."))
                if step == COMPLETION_STEPS[-1]:
                    return redirect("referrals:detail", pk=referral.pk)
                return redirect("referrals:edit", pk=referral.pk, step=COMPLETION_STEPS[-1])
            messages.success(request, _("Concept opgeslagen."))
            next_step = STEP_NAMES[STEP_NAMES.index(step) + 1]
            return redirect("referrals:edit", pk=referral.pk, step=next_step)
    if request.htmx:  # type: ignore[attr-defined]
        # 200 on purpose: htmx swaps no 4xx answer, and this inline check must show its errors.
        return render(request, "referrals/edit.html#step-form", context)
    # Reached by a POST only when the step has errors: 400, like every other invalid form.
    return render(
        request,
        "referrals/edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# The steps that hold the documents a crisis placement sends after submission.
COMPLETION_STEPS = ("analysis", "plans")


def _completing_documents(referral: Referral) -> bool:
    return not referral.is_editable and referral.is_open and referral.documents_outstanding


def _problems_if_applied(*, referral: Referral, user: User, data: Any) -> dict[str, list[str]]:
    """The submission problems the draft would have with this step's data, saved nowhere."""
    from django.db import transaction

    problems: dict[str, list[str]] = {}
    try:
        with transaction.atomic():
            updated = services.referral_update(referral=referral, by=user, data=data)
            updated = Referral.objects.select_related("youth", "current_analysis").get(
                pk=updated.pk
            )
            if _completing_documents(referral):
                problems = services.document_problems(referral=updated)
            else:
                problems = services.submission_problems(referral=updated)
            raise _Rollback
    except _Rollback:
        pass
    except ValidationFailed as failure:
        problems = failure.errors
    return problems


class _Rollback(Exception):
    """Undo the trial update of an inline check."""


def _review(
    request: HttpRequest, referral: Referral, problems: dict[str, list[str]]
) -> HttpResponse:
    step_of = {}
    field_of: dict[str, str] = {}
    for name, label, form_class in STEPS:
        for path, field_name in form_class.paths.items():
            step_of[path] = (name, label)
            field_of[path] = field_name
    listed = []
    for path, texts in problems.items():
        key = path if path in step_of else ".".join(path.split(".")[:2])
        name, label = step_of.get(key, ("youth", STEPS[0][1]))
        # The link lands on the field itself (Django's id_<name>), not just on its step.
        field = field_of.get(key, "")
        # The field itself, not only its step ("Verklarende factoren"); not for a whole step
        # ("explanatory_analysis": the analysis is missing).
        names_field = bool(field) and ("." in path or path == field)
        step_form = next(form for step, _label, form in STEPS if step == name)
        field_label = step_form.base_fields[field].label if names_field else ""
        listed.append(
            {
                "path": path,
                "messages": texts,
                "step": name,
                "step_label": label,
                "field_label": field_label,
                "anchor": f"#id_{field}" if field else "",
            }
        )
    return render(
        request,
        "referrals/edit.html",
        {
            "referral": referral,
            "step": "review",
            "steps": STEPS,
            "problems": listed,
            "analysis": referral.current_analysis,
        },
        status=400 if request.method == "POST" and problems else 200,
    )


@require_http_methods(["POST"])
@role_required(Role.REFERRER)
def referral_submit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get(request, pk, action="referral.submit")
    try:
        services.referral_submit(referral=referral, by=_user(request))
    except ValidationFailed as failure:
        return _review(request, referral, problems=failure.errors)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("referrals:detail", pk=referral.pk)
    messages.success(
        request,
        _("Verzoek %(code)s is ingediend bij het coördinatiepunt.") % {"code": referral.code},
    )
    return redirect("referrals:detail", pk=referral.pk)


@require_http_methods(["GET"])
@role_required(Role.REFERRER, Role.COORDINATOR)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _get(request, pk)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "youth": youth_identity_for(referral=referral, user=user),
            "analysis": referral.current_analysis,
            "timeline": referral_timeline(referral=referral),
            "earlier_questions": _earlier_questions(referral),
            "question_form": QuestionForm(),
            "close_form": CloseForm(),
            # Issue 21: the expert tables and the care outside coordination of the request.
            **expert_tables_context(referral=referral, user=user),
            "outside_placement": OutsidePlacement.objects.filter(referral=referral)
            .select_related("provider")
            .first(),
            "can_coordinate": user.role == Role.COORDINATOR,
            "can_edit": user.role == Role.REFERRER and referral.is_editable,
            "can_complete_documents": user.role == Role.REFERRER
            and _completing_documents(referral),
            "documents_overdue": referral.documents_overdue(),
            "can_close": user.role == Role.COORDINATOR
            and referral.status in services.CLOSABLE_BY_HAND,
            "can_reopen": user.role == Role.COORDINATOR
            and referral.status == Referral.Status.CLOSED
            and bool(referral.close_outcome),
        },
    )


def _earlier_questions(referral: Referral) -> list[InfoRequest]:
    """The questions before the current one (that one is shown on top), oldest first."""
    asked = list(InfoRequest.objects.filter(referral=referral).order_by("asked_at", "id"))
    if referral.status == Referral.Status.NEEDS_INFO and asked:
        asked = asked[:-1]
    return asked


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def referral_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close in two steps: choose the outcome, then confirm it; only the second one closes."""
    referral = _get(request, pk, action="referral.close")
    if referral.status not in services.CLOSABLE_BY_HAND:
        messages.error(request, _("Dit verzoek kan nu niet worden afgesloten."))
        return redirect("referrals:detail", pk=referral.pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    # Placed outside coordination asks where, how, at what cost and why (issue 21); the
    # detail page's short form posts the outcome alone, which opens these fields unbound.
    outside_posted = request.method == "POST" and request.POST.get("outside-shown") == "1"
    outside_form = OutsidePlacementForm(request.POST if outside_posted else None)
    context: dict[str, Any] = {
        "referral": referral,
        "form": form,
        "outside_form": outside_form,
        "confirming": False,
    }
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "referrals/close.html", context, status=status)
    outcome = form.cleaned_data["outcome"]
    outside = outcome == Referral.CloseOutcome.PLACED_OUTSIDE_COORDINATION
    if outside and not outside_posted:
        return render(request, "referrals/close.html", context)
    outside_data = None
    if outside:
        if not outside_form.is_valid():
            return render(request, "referrals/close.html", context, status=400)
        outside_data = outside_form.to_data()
        problems = services.outside_placement_problems(referral=referral, data=outside_data)
        if problems:
            outside_form.show_errors(problems)
            return render(request, "referrals/close.html", context, status=400)
    if request.POST.get("confirmed") != "1":
        context.update(
            confirming=True,
            outcome=outcome,
            outcome_label=Referral.CloseOutcome(outcome).label,
            outside=outside,
            outside_labels=_outside_labels(outside_data),
        )
        return render(request, "referrals/close.html", context)
    try:
        services.referral_close(
            referral=referral,
            by=_user(request),
            outcome=outcome,
            outside_placement=outside_data,
        )
    except ValidationFailed as failure:
        if outside:
            outside_form.show_errors(failure.errors, prefix="outside_placement.")
            return render(request, "referrals/close.html", context, status=400)
        for texts in failure.errors.values():
            for text in texts:
                messages.error(request, text)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Het verzoek is afgesloten."))
    return redirect("referrals:detail", pk=referral.pk)


def _outside_labels(data: dict[str, Any] | None) -> dict[str, str]:
    if not data:
        return {}
    return {
        "arrangement": str(OutsideArrangement(data["arrangement"]).label),
        "reason": str(OutsideReason(data["reason"]).label),
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def referral_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The reopen page is its own confirmation: it says what happens and asks why."""
    referral = _get(request, pk, action="referral.reopen")
    if referral.status != Referral.Status.CLOSED or not referral.close_outcome:
        messages.error(request, _("Dit verzoek kan niet worden heropend."))
        return redirect("referrals:detail", pk=referral.pk)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_reopen(
                referral=referral, by=_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as failure:
            for texts in failure.errors.values():
                for text in texts:
                    form.add_error("reason", text)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("referrals:detail", pk=referral.pk)
        else:
            messages.success(request, _("Het verzoek is heropend."))
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/reopen.html",
        {"referral": referral, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["POST"])
@role_required(Role.COORDINATOR)
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The coordinator's one-step actions: start matching, ask, expert table.

    Closing has its own confirmation page (`referral_close`)."""
    user = _user(request)
    referral = _get(request, pk, action=f"referral.{action}")
    try:
        if action == "start-matching":
            services.referral_start_matching(referral=referral, by=user)
            messages.success(request, _("Het verzoek staat nu in matching."))
        elif action == "request-info":
            services.referral_request_info(
                referral=referral, by=user, question=request.POST.get("question", "")
            )
            messages.success(request, _("De vraag is naar de verwijzer gestuurd."))
        elif action == "expert-table":
            services.referral_mark_expert_table(
                referral=referral, by=user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Het verzoek is aangemeld voor de experttafel."))
        else:
            raise Http404
    except ValidationFailed as failure:
        for texts in failure.errors.values():
            for text in texts:
                messages.error(request, text)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    return redirect(reverse("referrals:detail", args=[referral.pk]))
