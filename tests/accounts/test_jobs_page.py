"""The background-jobs page: coordinators and admins see each job's schedule and last runs;
every other role gets 404."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from accounts.jobs import JOB_TEXTS
from accounts.models import JobRun, Role
from config import scheduler
from tests.conftest import Cast
from tests.factories import UserFactory

URL = "/achtergrondtaken/"


def page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_every_job_with_its_schedule_and_an_empty_state(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.coordinator)
    html = page(client)
    assert "Er is nog geen taak uitgevoerd" in html
    for text in JOB_TEXTS.values():
        assert str(text.title) in html
    for label in ("elke minuut", "elke 15 minuten", "elke 30 minuten", "elk uur"):
        assert label in html
    assert "dagelijks om 07:00" in html and "dagelijks om 02:30" in html
    assert "na een gebeurtenis" in html
    assert html.count("nog niet uitgevoerd") == len(JOB_TEXTS)


def test_it_shows_the_last_run_of_each_job_and_its_outcome(client: Client, cast: Cast) -> None:
    scheduler.register_tasks()
    scheduler.run_due({})  # every scheduled job once, as the demo's first turn
    JobRun.objects.create(
        name="waiting_list.watch", outcome=JobRun.Outcome.FAILED, detail="OperationalError"
    )
    client.force_login(cast.coordinator)
    html = page(client)
    assert "Er is nog geen taak uitgevoerd" not in html
    assert html.count("nog niet uitgevoerd") == 1  # only capacity.announce_free_places
    assert "geslaagd" in html
    assert "mislukt" in html and "OperationalError" in html
    assert " rijen in " in html  # the detail of the report rebuild
    assert "verstuurde e-mails: 0" in html  # what the sweep's number counts


def test_it_shows_only_the_last_five_runs_of_a_job_newest_first(client: Client, cast: Cast) -> None:
    start = timezone.now() - timedelta(hours=1)
    for index in range(7):
        run = JobRun.objects.create(
            name="offers.expire_overdue", outcome=JobRun.Outcome.OK, detail=f"verlopen-{index}"
        )
        JobRun.objects.filter(pk=run.pk).update(started_at=start + timedelta(minutes=index))
    client.force_login(cast.coordinator)
    html = page(client)
    shown = [index for index in range(7) if f"verlopen-{index}" in html]
    assert shown == [2, 3, 4, 5, 6]
    assert html.index("verlopen-6") < html.index("verlopen-5")


def test_it_tells_where_demo_emails_go(
    client: Client, cast: Cast, settings: SettingsWrapper, tmp_path: Path
) -> None:
    client.force_login(cast.coordinator)
    assert 'data-testid="demo-mail"' not in page(client)  # e-mails are sent (locmem here)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    html = page(client)
    assert 'data-testid="demo-mail"' in html
    assert str(tmp_path / "mail") in html


def test_it_is_in_the_menu_of_coordinators_only(client: Client, cast: Cast) -> None:
    client.force_login(cast.coordinator)
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(cast.referrer)
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_admins_see_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    assert "Achtergrondtaken" in page(client)


@pytest.mark.parametrize("username", ["referrer", "provider_a", "analyst"])
def test_it_requires_the_coordinator_role(client: Client, cast: Cast, username: str) -> None:
    client.force_login(cast.all_users()[username])
    assert client.get(URL).status_code == 404


def test_it_requires_the_coordinator_role_not_privacy_officer(client: Client, cast: Cast) -> None:
    client.force_login(UserFactory(role=Role.PRIVACY_OFFICER, organisation=cast.coordination_point))
    assert client.get(URL).status_code == 404


def test_it_requires_sign_in(client: Client, cast: Cast) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_query_count_does_not_grow_with_the_runs(client: Client, cast: Cast) -> None:
    client.force_login(cast.coordinator)
    page(client)  # the first request of a session also renews it

    def queries_with_runs(per_job: int) -> int:
        JobRun.objects.all().delete()
        JobRun.objects.bulk_create(
            JobRun(name=name, outcome=JobRun.Outcome.OK, duration_ms=12)
            for name in JOB_TEXTS
            for _ in range(per_job)
        )
        with CaptureQueriesContext(connection) as queries:
            page(client)
        return len(queries)

    assert queries_with_runs(1) == queries_with_runs(20)
    assert queries_with_runs(20) <= 6
