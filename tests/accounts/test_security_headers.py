"""Content-Security-Policy without inline scripts, and the usual security headers."""

import re

from django.test import Client

from accounts.security import swagger_inline_style_hashes
from tests.conftest import Cast


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_page_sends_a_strict_csp_and_the_usual_headers(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_pages_have_no_inline_scripts_or_styles(client: Client, cast: Cast) -> None:
    client.force_login(cast.coordinator)
    for path in ["/accounts/login/", "/", "/accounts/api-sleutels/", "/meldingen/"]:
        page = client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag, (path, tag)
        assert "<style" not in page, path
        assert not re.search(r"\sstyle=", page), path
        assert not re.search(r"\son[a-z]+=", page), path  # no inline event handlers
    page = client.get("/").content.decode()
    # htmx would otherwise add an inline <style> for its indicators.
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_the_enrolment_qr_code_needs_no_inline_style(client: Client, cast: Cast) -> None:
    from accounts.twofactor import qr_code_svg

    svg = qr_code_svg("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith("<svg")
    assert "style" not in svg


def test_the_api_docs_work_under_the_csp(client: Client, cast: Cast) -> None:
    client.force_login(cast.coordinator)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert all("://" not in tag for tag in scripts)  # served here, never from a CDN
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    hashes = swagger_inline_style_hashes()
    assert hashes and all(h in csp["style-src"] for h in hashes)

    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
