"""PDFs made on the server with WeasyPrint: `render_pdf` renders an HTML template that
extends `print/base.html` (Dutch, A4, "Pagina X van Y" and the printing date in the page
margin, styles from static/css/print.css) and answers it as a download.

WeasyPrint needs Pango at run time; it is imported only when a PDF is asked for, so the rest
of the site runs without it. When it cannot load, the answer is a Dutch 503 page.
The template gets `now` (the printing moment) next to the caller's context; show it with the
builtin date filters (`{{ now|moment }}`). A PDF never references anything over the network:
the only stylesheet is read from the static files on disk, other URLs are not fetched.
"""

import logging
import re
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

PRINT_CSS = "css/print.css"


def safe_filename(filename: str) -> str:
    """Only letters, digits, dot, dash and underscore; always ending in .pdf."""
    stem = filename.removesuffix(".pdf")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "document"
    return f"{stem[:100]}.pdf"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's url_fetcher: refuse every URL in a template (no network, no files)."""
    raise ValueError(f"PDF templates do not load external resources: {url[:80]}")


def render_pdf(
    request: HttpRequest, template_name: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    """The template as a PDF download (`Content-Disposition: attachment`, never cached).

    The caller decides who may see what (and audits it) before calling this."""
    html = render_to_string(template_name, {"now": timezone.now(), **context}, request=request)
    try:
        import weasyprint
    except (ImportError, OSError):
        logger.exception("WeasyPrint cannot load; no PDF made")
        return render(request, "print/unavailable.html", status=503)
    stylesheets = []
    css_path = finders.find(PRINT_CSS)
    if isinstance(css_path, str):
        stylesheets.append(weasyprint.CSS(filename=css_path, url_fetcher=_no_fetch))
    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf(
        stylesheets=stylesheets
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=True, filename=safe_filename(filename))
    assert disposition is not None  # always, for an attachment
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store, private"
    return response
