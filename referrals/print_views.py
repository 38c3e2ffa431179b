"""The two PDFs of a referral (issue 20, point 5), made by config/pdf.py.

- "Anoniem verzoek": exactly what a provider sees of an offer before acceptance, built by
  `placement.api.anonymised_referral` (the one place that anonymises); the template gets
  only that dict, never the referral or its youth. For the provider with an open or
  accepted offer of the referral, and the coordinator of its region.
- "Volledig verzoek": the whole request with the youth's identity, for the roles that see
  it on the detail page (the referrer's organisation, the coordinator); the identity is read
  through `youth_identity_for`, audited as "youth.print".
Everyone else gets 404 (refusals audited by the selectors and RefusalAuditMiddleware).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from accounts.models import Role, User
from accounts.permissions import role_required
from config.codes import Gender
from config.errors import NotFound
from config.pdf import render_pdf
from placement.api import anonymised_referral
from placement.models import Offer
from referrals.models import Referral
from referrals.selectors import (
    referral_for_user,
    referral_timeline,
    referrals_for_user,
    youth_identity_for,
)

# Offers whose provider may print the anonymised request: the one it is answering, or has
# accepted. After a refusal, withdrawal or cancellation the request is no longer its business.
PRINTABLE_OFFER_STATUSES = (Offer.Status.OPEN, Offer.Status.ACCEPTED)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def anonymised_referral_for_user(*, user: User, pk: int) -> Referral:
    """The referral whose anonymised request the user may print, else NotFound."""
    referrals = Referral.objects.none()
    if user.role == Role.COORDINATOR:
        referrals = referrals_for_user(user=user)
    elif user.role == Role.PROVIDER and user.organisation_id is not None:
        referrals = Referral.objects.filter(
            offers__provider_id=user.organisation_id,
            offers__status__in=PRINTABLE_OFFER_STATUSES,
        )
    referral = (
        referrals.select_related("current_analysis", "youth__municipality")
        .filter(pk=pk)
        .order_by()
        .first()
    )
    if referral is None:
        raise NotFound
    return referral


@require_http_methods(["GET"])
@role_required(Role.PROVIDER, Role.COORDINATOR)
def print_anonymised(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        referral = anonymised_referral_for_user(user=_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    anonymised = anonymised_referral(referral)
    return render_pdf(
        request,
        "print/referral_anonymised.html",
        {
            "anonymised": anonymised,
            "gender_label": Gender(anonymised["gender"]).label if anonymised["gender"] else "",
            "document_code": anonymised["code"],
        },
        f"anoniem-verzoek-{anonymised['code']}.pdf",
    )


@require_http_methods(["GET"])
@role_required(Role.REFERRER, Role.COORDINATOR)
def print_full(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        referral = referral_for_user(user=user, pk=pk, action="referral.print")
        youth = youth_identity_for(referral=referral, user=user, action="youth.print")
    except NotFound:
        raise Http404 from None
    return render_pdf(
        request,
        "print/referral_full.html",
        {
            "referral": referral,
            "youth": youth,
            "analysis": referral.current_analysis,
            "timeline": referral_timeline(referral=referral),
            "document_code": referral.code,
        },
        f"verzoek-{referral.code}.pdf",
    )
