"""Pages of the access audit trail for the privacy officer: one referral's trail, and its CSV
export for the youth's guardian (AVG art. 15: who looked at the file, never what it says)."""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import AuditEntry, Role, User
from accounts.permissions import role_required
from accounts.selectors import audit_trail_for_referral, referrals_by_code
from accounts.services import audit_record
from config.spreadsheet import csv_response

# What a guardian reads in the export: the action in words, the code as it is when unknown.
ACTION_LABELS = {
    "youth.read": "identiteit van de jongere ingezien",
    "youth.erase": "identificerende gegevens verwijderd (bewaartermijn verstreken)",
    "referral.read": "verzoek ingezien",
    "referral.create": "verzoek aangemaakt",
    "referral.update": "verzoek gewijzigd",
    "referral.submit": "verzoek ingediend",
    "referral.start_matching": "matching gestart",
    "referral.request_info": "vraag aan verwijzer gesteld",
    "referral.expert_table": "naar experttafel",
    "referral.close": "verzoek afgesloten",
    "offer.send": "voorstel aan aanbieder gestuurd",
    "offer.accept": "voorstel geaccepteerd",
    "offer.refuse": "voorstel geweigerd",
    "offer.withdraw": "voorstel ingetrokken",
    "placement.record": "plaatsing vastgelegd",
    "placement.end": "plaatsing beëindigd",
    "referral.wait": "op de wachtlijst gezet",
    "referral.create_replacement": "vervolgverzoek aangemaakt (herplaatsing)",
    "audit.read": "audittrail ingezien",
    "api_token.create": "API-sleutel aangemaakt",
    "api_token.replace": "API-sleutel vervangen",
    "api_token.revoke": "API-sleutel ingetrokken",
    "audit.export": "audittrail geëxporteerd",
}

CSV_HEADER = ["wie", "rol", "organisatie", "wanneer", "handeling", "uitkomst"]


def _referral_or_404(referral_id: int) -> object:
    # Looked up by name: accounts sits below referrals and does not import its models.
    referral_model = apps.get_model("referrals", "Referral")
    referral = referral_model.objects.filter(pk=referral_id).only("id", "code").first()
    if referral is None:
        raise Http404
    return referral


def _role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def audit_rows(entries: Iterable[AuditEntry]) -> list[list[str]]:
    """Who, role, organisation, when, action, outcome: the facts of each access, no content.
    In the CSV every text passes `config.spreadsheet.csv_safe` (no formulas)."""
    return [
        [
            entry.username,
            _role_label(entry.role),
            entry.organisation,
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            str(ACTION_LABELS.get(entry.action, entry.action)),
            str(AuditEntry.Outcome(entry.outcome).label),
        ]
        for entry in entries
    ]


@require_GET
@login_required
@role_required(Role.PRIVACY_OFFICER, Role.ADMIN)
def audit_search(request: HttpRequest) -> HttpResponse:
    """Find a referral by its public code (ROP-2026-00191, 2026-00191, 00191 or 191), then show
    its trail; a number without a year that several years have is shown as a choice."""
    query = request.GET.get("verzoek", "").strip()[:30]
    error = ""
    matches: list[tuple[int, str]] = []
    if query:
        matches = referrals_by_code(query=query)
        if len(matches) == 1:
            return redirect("audit-trail", referral_id=matches[0][0])
        if not matches:
            error = _("Geen verzoek gevonden met deze code of dit nummer.")
    return render(
        request,
        "accounts/audit_search.html",
        {"query": query, "error": error, "matches": matches},
    )


@require_GET
@login_required
@role_required(Role.PRIVACY_OFFICER, Role.ADMIN)
def audit_trail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    referral = _referral_or_404(referral_id)
    audit_record(user=user, action="audit.read", referral_id=referral_id, object_type="audit")
    page = Paginator(audit_trail_for_referral(referral_id=referral_id), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/audit_trail.html",
        {"referral": referral, "page": page, "rows": audit_rows(page.object_list)},
    )


@require_GET
@login_required
@role_required(Role.PRIVACY_OFFICER)
def audit_trail_csv(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The trail as CSV for the youth's guardian; the export itself is recorded first."""
    user = request.user
    assert isinstance(user, User)
    referral = _referral_or_404(referral_id)
    audit_record(user=user, action="audit.export", referral_id=referral_id, object_type="audit")
    entries = list(audit_trail_for_referral(referral_id=referral_id).order_by("at", "id"))
    response, writer = csv_response(f"audittrail-{getattr(referral, 'code', referral_id)}.csv")
    writer.writerow(CSV_HEADER)
    writer.writerows(audit_rows(entries))
    return response
