"""The header search (`/zoeken/?q=`): code, name (accents folded), BSN and municipality,
within the user's scope; one audit entry per search, without what was typed."""

import itertools
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Role, User
from referrals.models import ExplanatoryAnalysis, Referral, YouthIdentity
from referrals.search import Kind, classify
from tests.conftest import Cast
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(300)
VALID_BSN = "111222333"
OTHER_BSN = "123456782"


@pytest.fixture
def make(cast: Cast) -> Callable[..., Referral]:
    def build(
        *,
        given: str = "Sanne",
        family: str = "de Vries",
        bsn: str = VALID_BSN,
        municipality: object = None,
        referrer: object = None,
        status: str = Referral.Status.MATCHING,
        code: str | None = None,
    ) -> Referral:
        municipality = municipality or cast.municipality
        referrer = referrer or cast.referrer
        youth = YouthIdentity.objects.create(
            given_name=given,
            family_name=family,
            bsn=bsn,
            birth_date=date(2011, 5, 1),
            gender="f",
            municipality=municipality,
        )
        referral = Referral.objects.create(
            code=code or f"ROP-2026-{next(_numbers):05d}",
            youth=youth,
            region=municipality.region,  # type: ignore[attr-defined]
            referrer=referrer,
            organisation=referrer.organisation,  # type: ignore[attr-defined]
            status=status,
            submitted_at=timezone.now(),
        )
        referral.current_analysis = ExplanatoryAnalysis.objects.create(
            referral=referral, needed_care_forms=["family_home", "treatment_group"]
        )
        referral.save(update_fields=["current_analysis"])
        return referral

    return build


def link(referral: Referral) -> str:
    """A referral's link in the results (its code alone could be the page's example)."""
    return f'href="/referrals/{referral.pk}/"'


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("typed", "kind", "year", "number"),
    [
        ("ROP-2026-00012", Kind.CODE, "2026", 12),
        ("rop 2026 00012", Kind.CODE, "2026", 12),
        ("R-2026-0012", Kind.CODE, "2026", 12),
        ("2026-0012", Kind.CODE, "2026", 12),
        ("r20260012", Kind.CODE, "2026", 12),
        ("12", Kind.CODE, "", 12),
        ("7", Kind.CODE, "", 7),
        ("111222333", Kind.BSN, "", 0),
        ("Sanne", Kind.TEXT, "", 0),
    ],
)
def test_classify_reads_codes_in_every_way_they_are_typed(
    typed: str, kind: Kind, year: str, number: int
) -> None:
    query = classify(typed)
    assert (query.kind, query.year, query.number, query.error) == (kind, year, number, "")


def test_an_exact_code_with_one_hit_goes_to_the_request(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    referral = make(code="ROP-2026-00012")
    make(code="ROP-2026-00120")
    for typed in ("ROP-2026-00012", "r-2026-0012", "2026-12", "r20260012"):
        response = signed_in(cast.coordinator).get("/zoeken/", {"q": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"/referrals/{referral.pk}/"


def test_a_bare_number_can_match_several_years(cast: Cast, make: Callable[..., Referral]) -> None:
    make(code="ROP-2026-00012")
    make(code="ROP-2025-00012")
    response = signed_in(cast.coordinator).get("/zoeken/", {"q": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ROP-2026-00012" in html and "ROP-2025-00012" in html


def test_name_search_ignores_case_and_accents(cast: Cast, make: Callable[..., Referral]) -> None:
    found = make(given="Zoë", family="Çelik")
    make(given="Piet", family="Jansen", bsn=OTHER_BSN)
    for typed in ("zoe", "ZOË celik", "çelik", "zoe cel"):
        html = signed_in(cast.coordinator).get("/zoeken/", {"q": typed}).content.decode()
        assert link(found) in html, typed
        assert "Jansen" not in html


def test_bsn_search_finds_exactly_that_youth(cast: Cast, make: Callable[..., Referral]) -> None:
    found = make(bsn=VALID_BSN)
    other = make(given="Piet", bsn=OTHER_BSN)
    html = signed_in(cast.coordinator).get("/zoeken/", {"q": VALID_BSN}).content.decode()
    assert link(found) in html and link(other) not in html


def test_a_wrong_bsn_gives_a_message_and_no_search(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    make()
    response = signed_in(cast.coordinator).get("/zoeken/", {"q": "111222334"})
    assert response.status_code == 400
    assert "elfproef" in response.content.decode()
    assert not AuditEntry.objects.filter(action="referral.search").exists()


@pytest.mark.parametrize("typed", ["a", " é ", "x"])
def test_a_query_needs_two_characters(cast: Cast, typed: str) -> None:
    response = signed_in(cast.coordinator).get("/zoeken/", {"q": typed})
    assert response.status_code == 400
    assert "minimaal 2 tekens" in response.content.decode()


def test_municipality_search_by_name(cast: Cast, make: Callable[..., Referral]) -> None:
    here = make()
    elsewhere = MunicipalityFactory(
        code="GM0327", name="Leusden", region=cast.region, latitude=52.13, longitude=5.43
    )
    there = make(given="Piet", bsn=OTHER_BSN, municipality=elsewhere)
    html = signed_in(cast.coordinator).get("/zoeken/", {"q": "leusden"}).content.decode()
    assert link(there) in html and link(here) not in html


def test_the_result_shows_code_status_care_form_municipality_and_name(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    referral = make()
    html = signed_in(cast.coordinator).get("/zoeken/", {"q": "sanne"}).content.decode()
    for shown in (referral.code, "matching", "gezinshuis", "Amersfoort", "Sanne de Vries"):
        assert shown in html


def test_referrer_searches_only_its_own_organisation(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    own = make()
    # Another organisation's youth of the same name, in the same region.
    other_org = make(bsn=OTHER_BSN, referrer=cast.referrer2)
    html = signed_in(cast.referrer).get("/zoeken/", {"q": "sanne"}).content.decode()
    assert link(own) in html and link(other_org) not in html
    # Its code does not lead there either.
    response = signed_in(cast.referrer).get("/zoeken/", {"q": other_org.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="search-empty"' in html and f'href="/referrals/{other_org.pk}/"' not in html


def test_coordinator_finds_nothing_outside_its_regions_or_in_drafts(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    lelystad = cast.other_region.municipalities.get()  # type: ignore[attr-defined]
    outside = make(municipality=lelystad, referrer=cast.referrer2)
    draft = make(bsn="", status=Referral.Status.DRAFT)
    html = signed_in(cast.coordinator).get("/zoeken/", {"q": "sanne"}).content.decode()
    assert link(outside) not in html and link(draft) not in html
    assert 'data-testid="search-empty"' in html


@pytest.mark.parametrize("who", ["provider_a", "analyst", "admin", "privacy_officer"])
def test_roles_without_identity_search_get_404(cast: Cast, who: str) -> None:
    if who == "privacy_officer":
        user = UserFactory(
            username="po", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
        )
    else:
        user = getattr(cast, who)
    assert signed_in(user).get("/zoeken/", {"q": "sanne"}).status_code == 404
    assert not AuditEntry.objects.filter(action="referral.search").exists()


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/zoeken/", {"q": "sanne"})
    assert response.status_code in (302, 404)
    assert AuditEntry.objects.filter(action="referral.search").count() == 0


def test_every_search_writes_one_audit_entry_without_the_query(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    make()
    client = signed_in(cast.coordinator)
    client.get("/zoeken/", {"q": "Sanne"})
    client.get("/zoeken/", {"q": VALID_BSN})
    entries = list(AuditEntry.objects.filter(action="referral.search").order_by("id"))
    assert [(e.object_type, e.object_id, e.username) for e in entries] == [
        ("search", "text:1", "coordinator"),
        ("search", "bsn:1", "coordinator"),
    ]
    for entry in AuditEntry.objects.all():
        assert "Sanne" not in str(entry.__dict__) and VALID_BSN not in str(entry.__dict__)


def test_the_privacy_officers_search_by_code_still_works(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    referral = make(code="ROP-2026-00191")
    officer = UserFactory(
        username="po", role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point
    )
    response = signed_in(officer).get("/audit/", {"verzoek": "191"})
    assert response.status_code == 302
    assert response["Location"] == f"/audit/verzoek/{referral.pk}/"


def test_results_are_paged_and_the_page_keeps_the_query(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    for index in range(30):
        make(bsn="", family=f"Vries{index}")
    html = signed_in(cast.coordinator).get("/zoeken/", {"q": "sanne"}).content.decode()
    assert "30 verzoeken gevonden" in html
    assert "?q=sanne&amp;page=2" in html
    second = signed_in(cast.coordinator).get("/zoeken/", {"q": "sanne", "page": 2})
    assert second.status_code == 200


def test_search_keeps_a_fixed_number_of_queries(
    cast: Cast,
    make: Callable[..., Referral],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    client = signed_in(cast.coordinator)
    make(bsn="")
    with django_assert_max_num_queries(14) as few:  # type: ignore[operator]
        assert client.get("/zoeken/", {"q": "sanne"}).status_code == 200
    for index in range(20):
        make(bsn="", family=f"Vries{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[attr-defined,operator]
        assert client.get("/zoeken/", {"q": "sanne"}).status_code == 200


def test_header_has_the_search_field_for_coordinators_and_referrers_only(cast: Cast) -> None:
    for user, shown in ((cast.coordinator, True), (cast.referrer, True), (cast.provider_a, False)):
        html = signed_in(user).get("/").content.decode()
        assert ('data-testid="header-search"' in html) is shown


def test_the_page_without_a_query_shows_only_the_form(cast: Cast) -> None:
    response = signed_in(cast.coordinator).get("/zoeken/")
    assert response.status_code == 200
    assert 'data-testid="search-results"' not in response.content.decode()
    assert not AuditEntry.objects.filter(action="referral.search").exists()


def test_the_sql_and_python_folding_agree_letter_for_letter(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    from referrals.search import _ACCENTED, _PLAIN, fold

    assert _PLAIN.isascii() and len(_PLAIN) == len(_ACCENTED)
    found = make(given="Łucja", family="Søren-Müñoz")
    for typed in ("lucja", "SOREN", "munoz", "søren müñoz"):
        html = signed_in(cast.coordinator).get("/zoeken/", {"q": typed}).content.decode()
        assert link(found) in html, (typed, fold(typed))


# --- the API: GET /api/v1/referrals/?q= (a referrer's own system) ---------------------


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_list_searches_by_code_within_scope_and_audits(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    referral = make()
    other = make(bsn=OTHER_BSN)
    number = referral.code.rsplit("-", 1)[1]
    answer = _api(cast.referrer).get("/api/v1/referrals/", {"q": referral.code.lower()})
    assert answer.status_code == 200
    assert [row["code"] for row in answer.json()["results"]] == [referral.code]
    assert other.code not in answer.content.decode()
    entry = AuditEntry.objects.filter(action="referral.search", user=cast.referrer).get()
    assert entry.object_id == "code:1"
    assert number not in entry.object_id


def test_the_api_list_refuses_a_wrong_bsn_naming_q(cast: Cast) -> None:
    answer = _api(cast.referrer).get("/api/v1/referrals/", {"q": "123456789"})
    assert answer.status_code == 400
    assert "q" in answer.json()["errors"]
    assert not AuditEntry.objects.filter(action="referral.search").exists()


def test_the_api_search_of_another_organisation_finds_nothing(
    cast: Cast, make: Callable[..., Referral]
) -> None:
    referral = make()
    answer = _api(cast.referrer2).get("/api/v1/referrals/", {"q": referral.code})
    assert answer.status_code == 200
    assert answer.json()["results"] == []
