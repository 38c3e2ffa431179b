"""Canary scan: plant unique identifying values, drive the whole journey, find them nowhere.

Scanned: every answer to a provider before it accepts, every answer to the analyst, every
log line (all loggers, DEBUG), every email, every notification and every Celery task
argument. Zero hits is the bar; the count of scanned texts is printed by `make test`.
"""

from collections.abc import Callable
from typing import Any

import pytest
from celery.app.task import Task
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from capacity.models import Location
from tests.conftest import Cast
from tests.placement.conftest import location_a, location_b  # noqa: F401 - fixtures
from tests.referrals.conftest import complete_payload
from tests.security.conftest import report

pytestmark = pytest.mark.django_db

CANARIES = [
    "Wolkewietje",
    "Zeldenrustvaart",
    "111222333",
    "2011-05-03",
    "03-05-2011",
    "3811 ZQ",
    "3811ZQ",
    "Brechtje",
    "Opsnijderhoeve",
]


def planted_body() -> dict[str, Any]:
    body = complete_payload()
    body["youth"] = {
        **body["youth"],
        "given_name": "Wolkewietje",
        "family_name": "Zeldenrustvaart",
        "bsn": "111222333",
        "birth_date": "2011-05-03",
        "postcode": "3811 ZQ",
        "guardians": [{"name": "Brechtje Opsnijderhoeve", "relation": "moeder"}],
    }
    body["explanatory_analysis"] = {
        **body["explanatory_analysis"],
        "needed_care_forms": ["treatment_group", "small_scale_home"],
        "needed_expertise": [],
        "risk_flags": [],
    }
    return body


def test_no_identifying_value_reaches_providers_analysts_logs_mail_or_tasks(
    cast: Cast,
    api_client_for: Callable[[User | None], APIClient],
    location_a: Location,  # noqa: F811
    location_b: Location,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    caplog.set_level("DEBUG")
    task_args: list[str] = []
    original = Task.apply_async

    def recording_apply_async(self: Task, args: Any = None, kwargs: Any = None, **options: Any):  # type: ignore[no-untyped-def]
        task_args.append(f"{self.name} {args!r} {kwargs!r}")
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", recording_apply_async)
    watched: list[str] = []  # answers to providers before acceptance and to the analyst

    def watch(response: Any) -> Any:
        watched.append(response.content.decode("utf-8", "replace"))
        return response

    referrer = api_client_for(cast.referrer)
    coordinator = api_client_for(cast.coordinator)
    provider_a = api_client_for(cast.provider_a)
    provider_b = api_client_for(cast.provider_b)
    analyst = api_client_for(cast.analyst)
    pages = {}
    for who in ("provider_a", "provider_b", "analyst"):
        pages[who] = Client()
        pages[who].force_login(getattr(cast, who))

    with django_capture_on_commit_callbacks(execute=True):
        created = referrer.post("/api/v1/referrals/", planted_body(), format="json")
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert referrer.post(f"/api/v1/referrals/{pk}/submit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(f"/api/v1/referrals/{pk}/start-matching/").status_code == 200
        coordinator.get(f"/api/v1/referrals/{pk}/candidates/")
        sent = coordinator.post(
            f"/api/v1/referrals/{pk}/offers/",
            {"location": location_b.pk, "reason": "dichter bij school"},
            format="json",
        )
        assert sent.status_code == 201, sent.content
    offer_b = sent.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        watch(provider_b.get("/api/v1/offers/"))
        watch(provider_b.get(f"/api/v1/offers/{offer_b}/"))
        watch(pages["provider_b"].get("/placement/voorstellen/"))
        watch(pages["provider_b"].get(f"/placement/voorstellen/{offer_b}/"))
        refused = provider_b.post(
            f"/api/v1/offers/{offer_b}/refuse/", {"reason": "no_capacity"}, format="json"
        )
        watch(refused)
        assert refused.status_code == 200, refused.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = coordinator.post(
            f"/api/v1/referrals/{pk}/offers/", {"location": location_a.pk}, format="json"
        )
        assert sent.status_code == 201, sent.content
    offer_a = sent.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        watch(provider_a.get("/api/v1/offers/"))
        watch(provider_a.get(f"/api/v1/offers/{offer_a}/"))
        watch(pages["provider_a"].get("/placement/voorstellen/"))
        watch(pages["provider_a"].get(f"/placement/voorstellen/{offer_a}/"))
        watch(pages["provider_a"].get("/"))
        assert provider_a.post(f"/api/v1/offers/{offer_a}/accept/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        placed = provider_a.post(
            f"/api/v1/offers/{offer_a}/place/",
            {"start_date": str(timezone.localdate())},
            format="json",
        )
        assert placed.status_code == 201, placed.content
        placement_id = placed.json()["id"]
        ended = coordinator.post(
            f"/api/v1/placements/{placement_id}/end/",
            {
                "end_date": str(timezone.localdate()),
                "reason": "planned_outflow",
                "outflow": "home",
            },
            format="json",
        )
        assert ended.status_code == 200, ended.content
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post("/api/v1/reports/rebuild/")
        for path in ["unmet-need", "refusals", "replacements", "kpis"]:
            watch(analyst.get(f"/api/v1/reports/{path}/"))
        watch(pages["analyst"].get("/analyses/"))
        watch(pages["analyst"].get("/"))

    texts = (
        watched
        + [record.getMessage() for record in caplog.records]
        + [f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox]
        + [f"{n.message} {n.link}" for n in Notification.objects.all()]
        + task_args
    )
    hits = [(canary, text[:200]) for text in texts for canary in CANARIES if canary in text]
    report(
        "canary scan",
        **{"texts scanned": len(texts), "task calls": len(task_args), "hits": len(hits)},
    )
    assert len(watched) >= 15 and caplog.records and Notification.objects.exists()
    assert not hits, hits
