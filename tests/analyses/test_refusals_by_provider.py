"""Issue 23 point 1: who refuses why. Refusals per provider × reason with each provider's
main reason, per care form × reason and per named concern × reason; `?provider=` on the
page, the CSV and the API; suppressed for the analyst through analyses.disclosure."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation
from analyses import refusals
from analyses.disclosure import HIDDEN, SMALL, Disclosure, protect_pivot
from analyses.selectors import Filters
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EXACT = Disclosure(exact=True)
SUPPRESSED = Disclosure(exact=False)


@pytest.fixture
def refuse(cast: Cast, make_referral: Callable[..., Referral]) -> Callable[..., None]:
    """`refuse(location, reason, n, concerns=[...])`: n refusals of that location."""
    referral = make_referral(
        expertise=["youth_parenting", "mental_health"], risk_flags=["aggression"]
    )

    def make(location: Location, reason: str, n: int, concerns: list[str] | None = None) -> None:
        now = timezone.now()
        for _ in range(n):
            Offer.objects.create(
                referral=referral,
                location=location,
                provider=location.provider,
                care_form=location.care_form,
                sent_by=cast.coordinator,
                deadline=now,
                status="expired" if reason == "no_response" else "refused",
                refusal_reason=reason,
                refusal_concerns=concerns or [],
                answered_at=now,
            )

    return make


@pytest.fixture
def two_providers(refuse: Callable[..., None], location_a: Location, location_b: Location) -> None:
    """The case of the issue: A mostly refuses for group composition, B for staffing."""
    refuse(location_a, "group_composition", 6, concerns=["aggression"])
    refuse(location_a, "staffing", 2)
    refuse(location_b, "staffing", 12)
    refuse(location_b, "group_composition", 5, concerns=["aggression", "mental_health"])
    reports_rebuild()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.usefixtures("two_providers")
def test_a_coordinator_reads_each_providers_main_reason(cast: Cast) -> None:
    pivot = refusals.refusals_by_provider(Filters(region=cast.region.code), EXACT)
    # Sorted by refusals, most first: B (17) before A (8).
    assert pivot.pivot.row_keys == ["Aanbieder B", "Aanbieder A"]
    assert pivot.main["Aanbieder A"].codes == ["group_composition"]
    assert pivot.main["Aanbieder A"].share == 75.0
    assert pivot.main["Aanbieder B"].codes == ["staffing"]
    assert pivot.main["Aanbieder B"].share == round(100 * 12 / 17, 1)
    assert pivot.pivot.cells[("Aanbieder A", "staffing")] == 2
    # On the page, in the provider's row.
    html = _client(cast.coordinator).get("/analyses/weigeringen/").content.decode()
    row_a = html.split("Aanbieder A</th>")[1].split("</tr>")[0]
    row_b = html.split("Aanbieder B</th>")[1].split("</tr>")[0]
    assert "<strong>groepssamenstelling</strong> (75" in row_a
    assert "<strong>personeelstekort</strong> (70" in row_b
    # In the CSV and the API.
    rows = _csv(_client(cast.coordinator).get("/analyses/export/refusals-provider-reason.csv"))
    header = rows[2]
    assert header[-3:] == ["Totaal", "Belangrijkste reden", "Aandeel belangrijkste reden (%)"]
    assert rows[3][0] == "Aanbieder B" and rows[3][-2] == "personeelstekort"
    assert rows[4][0] == "Aanbieder A" and rows[4][-2:] == ["groepssamenstelling", "75,0"]
    assert rows[5][0] == "Totaal"
    client = Client()
    client.force_login(cast.coordinator)
    body = client.get("/api/v1/reports/refusals/").json()
    by_provider = {row["key"]: row for row in body["by_provider_reason"]["rows"]}
    assert by_provider["Aanbieder A"]["main_reasons"] == ["group_composition"]
    assert by_provider["Aanbieder B"]["main_reasons"] == ["staffing"]
    assert {"by_reason", "by_provider", "built_at", "filters"} <= set(body)


def test_a_tie_names_both_reasons(
    cast: Cast, refuse: Callable[..., None], location_a: Location
) -> None:
    refuse(location_a, "staffing", 5)
    refuse(location_a, "distance", 5)
    reports_rebuild()
    pivot = refusals.refusals_by_provider(Filters(region=cast.region.code), EXACT)
    main = pivot.main["Aanbieder A"]
    assert main.codes == ["staffing", "distance"]
    assert main.label == "personeelstekort, afstand"
    assert main.share == 50.0


@pytest.mark.usefixtures("two_providers")
def test_care_form_and_concern_pivots(cast: Cast) -> None:
    filters = Filters(region=cast.region.code)
    by_care_form = refusals.refusals_by_care_form(filters, EXACT)
    assert by_care_form.pivot.row_keys == ["small_scale_home", "treatment_group"]
    assert by_care_form.labels["treatment_group"] == "behandelgroep"
    assert by_care_form.main["small_scale_home"].codes == ["staffing"]
    by_concern = refusals.refusals_by_concern(filters, EXACT)
    # A refusal naming two concerns counts for each.
    assert by_concern.pivot.cells[("aggression", "group_composition")] == 11
    assert by_concern.pivot.cells[("mental_health", "group_composition")] == 5
    assert by_concern.pivot.row_keys == ["aggression", "mental_health"]
    assert by_concern.labels["aggression"] == "agressie"


@pytest.mark.usefixtures("two_providers")
def test_the_analyst_sees_the_pivots_suppressed(cast: Cast) -> None:
    filters = Filters(region=cast.region.code)
    pivot = refusals.refusals_by_provider(filters, SUPPRESSED)
    # Every figure as analyses.disclosure shows the exact pivot: no suppression by hand.
    exact = refusals.refusals_by_provider(filters, EXACT).pivot
    values = {key: int(str(value)) for key, value in exact.cells.items()}
    expected = protect_pivot(
        values, row_keys=exact.row_keys, col_keys=exact.col_keys, disclosure=SUPPRESSED
    )
    assert (pivot.pivot.cells, pivot.pivot.row_totals, pivot.pivot.col_totals) == (
        expected.cells,
        expected.row_totals,
        expected.col_totals,
    )
    assert pivot.pivot.grand_total == expected.grand_total
    assert pivot.pivot.cells[("Aanbieder A", "staffing")] == SMALL
    # Each provider's main reason is still readable, from the figures as shown; its share
    # is that of the shown figures (never the exact 75 %).
    assert pivot.main["Aanbieder A"].codes == ["group_composition"]
    assert pivot.main["Aanbieder B"].codes == ["staffing"]
    assert pivot.main["Aanbieder A"].share != 75.0
    assert pivot.main["Aanbieder A"].share == SUPPRESSED.share(6, 8)
    html = _client(cast.analyst).get("/analyses/weigeringen/").content.decode()
    row_a = html.split("Aanbieder A</th>")[1].split("</tr>")[0]
    assert "&lt;5" in row_a
    assert ">2<" not in row_a and ">8<" not in row_a
    body = _client(cast.analyst).get("/api/v1/reports/refusals/").json()
    row = next(r for r in body["by_provider_reason"]["rows"] if r["key"] == "Aanbieder A")
    assert row["reasons"]["staffing"] == SMALL
    assert row["total"] == expected.row_totals["Aanbieder A"]
    assert row["main_reasons"] == ["group_composition"]
    rows = _csv(_client(cast.analyst).get("/analyses/export/refusals-provider-reason.csv"))
    line = next(r for r in rows if r[0] == "Aanbieder A")
    assert line[rows[2].index("personeelstekort")] == SMALL
    assert line[rows[2].index("Totaal")] == str(expected.row_totals["Aanbieder A"])


def test_a_small_main_reason_is_not_named_to_the_analyst(
    cast: Cast, refuse: Callable[..., None], location_a: Location
) -> None:
    refuse(location_a, "staffing", 3)
    refuse(location_a, "distance", 1)
    reports_rebuild()
    pivot = refusals.refusals_by_provider(Filters(region=cast.region.code), SUPPRESSED)
    assert pivot.main["Aanbieder A"].hidden
    assert pivot.main["Aanbieder A"].label == HIDDEN
    exact = refusals.refusals_by_provider(Filters(region=cast.region.code), EXACT)
    assert exact.main["Aanbieder A"].codes == ["staffing"]


@pytest.mark.usefixtures("two_providers")
def test_the_provider_filter_narrows_every_table(cast: Cast) -> None:
    a = cast.provider_a_org.pk
    client = _client(cast.coordinator)
    body = client.get(f"/api/v1/reports/refusals/?provider={a}").json()
    assert body["filters"]["provider"] == a
    assert [row["key"] for row in body["by_provider_reason"]["rows"]] == ["Aanbieder A"]
    assert {row["provider"] for row in body["by_provider"]["rows"]} == {"Aanbieder A"}
    assert {row["reason_code"]: row["refusals"] for row in body["by_reason"]["rows"]} == {
        "group_composition": 6,
        "staffing": 2,
    }
    assert [row["key"] for row in body["by_care_form_reason"]["rows"]] == ["treatment_group"]
    concern = body["by_concern_reason"]["rows"]
    assert [(row["key"], row["total"]) for row in concern] == [("aggression", 6)]
    html = client.get(f"/analyses/weigeringen/?aanbieder={a}").content.decode()
    assert "Aanbieder B</th>" not in html
    assert "Aanbieder A</th>" in html
    rows = _csv(client.get(f"/analyses/export/refusal-reasons.csv?aanbieder={a}"))
    assert rows[1][-2:] == ["Aanbieder", "Aanbieder A"]
    assert {row[0]: row[1] for row in rows[3:-1]} == {
        "groepssamenstelling": "6",
        "personeelstekort": "2",
    }
    # Without the filter: both.
    rows = _csv(client.get("/analyses/export/providers.csv"))
    assert {row[0] for row in rows[3:-1]} == {"Aanbieder A", "Aanbieder B"}


@pytest.fixture
def elsewhere(cast: Cast) -> Organisation:
    """A provider active only in the other region (not the coordinator's)."""
    org = OrganisationFactory(
        name="Aanbieder Elders", kind=Organisation.Kind.PROVIDER, regions=[cast.other_region]
    )
    LocationFactory(provider=org, name="Elders", regions=[cast.other_region])
    assert isinstance(org, Organisation)
    return org


@pytest.mark.parametrize("value", ["nonsense", "999999", "-1", "1.5", "referrer", "elsewhere"])
def test_a_bad_provider_filter_is_400_naming_it(
    cast: Cast, elsewhere: Organisation, value: str
) -> None:
    if value == "referrer":
        value = str(cast.referrer_org.pk)  # an organisation, but not a provider
    if value == "elsewhere":
        value = str(elsewhere.pk)
    client = _client(cast.coordinator)
    api = client.get(f"/api/v1/reports/refusals/?provider={value}")
    assert api.status_code == 400
    assert list(api.json()["errors"]) == ["provider"]
    page = client.get(f"/analyses/weigeringen/?aanbieder={value}")
    assert page.status_code == 400
    assert 'data-testid="filter-errors"' in page.content.decode()
    export = client.get(f"/analyses/export/refusals-provider-reason.csv?aanbieder={value}")
    assert export.status_code == 400
    assert export.content.decode().startswith("provider:")


def test_the_analyst_may_filter_on_any_providers_region(
    cast: Cast, elsewhere: Organisation
) -> None:
    reports_rebuild()
    response = _client(cast.analyst).get(f"/api/v1/reports/refusals/?provider={elsewhere.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["referrer", "provider_a", "admin"])
def test_it_requires_a_report_role(cast: Cast, who: str) -> None:
    client = _client(getattr(cast, who))
    assert client.get("/analyses/weigeringen/").status_code in (403, 404)
    assert client.get("/analyses/export/refusals-provider-reason.csv").status_code in (403, 404)
    assert client.get("/api/v1/reports/refusals/").status_code in (403, 404)


def test_it_requires_login() -> None:
    assert Client().get("/analyses/weigeringen/").status_code == 302


def test_the_page_has_an_empty_state(cast: Cast) -> None:
    reports_rebuild()
    html = _client(cast.coordinator).get("/analyses/weigeringen/").content.decode()
    assert html.count("Geen weigeringen in deze selectie.") == 3


def test_the_page_query_count_is_fixed(
    cast: Cast,
    refuse: Callable[..., None],
    location_a: Location,
    django_assert_max_num_queries: Any,
) -> None:
    refuse(location_a, "staffing", 2)
    reports_rebuild()
    client = _client(cast.analyst)
    with django_assert_max_num_queries(16) as few:
        assert client.get("/analyses/weigeringen/").status_code == 200
    for n in range(12):
        org = OrganisationFactory(
            name=f"Aanbieder {n:02d}", kind=Organisation.Kind.PROVIDER, regions=[cast.region]
        )
        location = LocationFactory(provider=org, name=f"L{n}", regions=[cast.region])
        refuse(location, "distance", 1 + n % 6, concerns=["aggression"])
        refuse(location, "safety_risk", 5)
    reports_rebuild()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/analyses/weigeringen/").status_code == 200


def test_the_schema_documents_the_provider_filter(cast: Cast) -> None:
    schema = _client(cast.coordinator).get("/api/v1/schema/?format=json").json()
    params = schema["paths"]["/api/v1/reports/refusals/"]["get"]["parameters"]
    assert "provider" in {p["name"] for p in params}
