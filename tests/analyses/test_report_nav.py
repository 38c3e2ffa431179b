"""The tab list of the report pages (templates/analyses/partials/report_nav.html): on every
report page of coordinator and analyst, with the tab of the page marked as current."""

import re

import pytest
from django.test import Client

from tests.conftest import Cast

PAGES = [
    ("/analyses/", "Overzicht"),
    ("/analyses/evaluatie/", "Evaluatie"),
    ("/analyses/kengetallen/", "Kengetallen"),
    ("/analyses/weigeringen/", "Weigeringen"),
    ("/analyses/wachttijden/", "Wachttijden"),
    ("/analyses/datakwaliteit/", "Datakwaliteit"),
]
# Pages only the coordinator reaches, under the tab they belong to.
COORDINATOR_PAGES = [
    ("/analyses/kengetallen/streefwaarden/", "Kengetallen"),
    ("/analyses/datakwaliteit/closed_without_outcome/", "Datakwaliteit"),
]
CURRENT = re.compile(r'<a class="utrecht-link" href="[^"]*" aria-current="page">([^<]*)</a>')


def _current_tabs(html: str) -> list[str]:
    nav = html.split('class="rop-report-nav"', 1)
    assert len(nav) == 2, "no report tab list on the page"
    return CURRENT.findall(nav[1].split("</nav>", 1)[0])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "analyst"])
@pytest.mark.parametrize(("url", "tab"), PAGES)
def test_every_report_page_shows_the_tabs_and_marks_its_own(
    cast: Cast, role: str, url: str, tab: str
) -> None:
    client = Client()
    client.force_login(getattr(cast, role))
    response = client.get(url)
    assert response.status_code == 200
    assert _current_tabs(response.content.decode()) == [tab]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "tab"), COORDINATOR_PAGES)
def test_the_coordinators_sub_pages_keep_the_tabs(cast: Cast, url: str, tab: str) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert _current_tabs(response.content.decode()) == [tab]


@pytest.mark.django_db
def test_the_administrators_target_page_has_no_report_tabs(cast: Cast) -> None:
    """The administrator keeps targets but reads no reports: no tabs to pages it cannot open."""
    client = Client()
    client.force_login(cast.admin)
    response = client.get("/analyses/kengetallen/streefwaarden/")
    assert response.status_code == 200
    assert 'class="rop-report-nav"' not in response.content.decode()
