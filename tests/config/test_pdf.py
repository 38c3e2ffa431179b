"""config/pdf.py: a Dutch PDF with page numbers and printing date, as an uncached download;
a Dutch 503 page when WeasyPrint cannot load."""

import builtins
from typing import Any

import pytest
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from config.pdf import render_pdf, safe_filename
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

TEMPLATE = "print/base.html"


def pdf_text(html: str) -> str:
    """Every text WeasyPrint lays out, margin boxes (page numbers) included: the test's
    'pdftotext' without poppler."""
    import weasyprint
    from django.contrib.staticfiles import finders

    from config.pdf import PRINT_CSS

    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(filename=finders.find(PRINT_CSS))]
    )
    texts: list[str] = []

    def walk(box: Any) -> None:
        if hasattr(box, "text") and isinstance(box.text, str):
            texts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_pdf_is_an_uncached_attachment_with_a_safe_name(cast: Cast) -> None:
    response = render_pdf(
        _request(cast.coordinator), TEMPLATE, {"document_code": "R-2026-0001"}, 'a/b"c é.pdf'
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition == 'attachment; filename="a-b-c.pdf"'


@pytest.mark.parametrize(
    ("given", "expected"),
    [("verzoek R-1.pdf", "verzoek-R-1.pdf"), ("", "document.pdf"), ("../../x", "x.pdf")],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_the_pdf_is_dutch_with_page_numbers_and_the_printing_date(cast: Cast) -> None:
    now = timezone.now()
    html = render_to_string(
        TEMPLATE, {"now": now, "document_code": "R-2026-0001"}, request=_request(cast.coordinator)
    )
    assert '<html lang="nl">' in html
    text = pdf_text(html)
    assert "Pagina 1 van 1" in text
    assert "R-2026-0001" in text
    from config.dates import moment

    assert f"Afgedrukt op {moment(now)}" in text


def test_without_weasyprint_the_answer_is_a_dutch_503(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    response = render_pdf(_request(cast.coordinator), TEMPLATE, {}, "x.pdf")
    assert response.status_code == 503
    assert "Afdrukken tijdelijk niet mogelijk" in response.content.decode()


def test_a_template_cannot_fetch_urls(cast: Cast) -> None:
    """No image, stylesheet or font is loaded over the network or from disk by URL."""
    from config.pdf import _no_fetch

    with pytest.raises(ValueError):
        _no_fetch("http://example.org/x.png")
