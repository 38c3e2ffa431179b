"""Reports read from the replica alias when one is configured; nothing else does."""

from types import SimpleNamespace
from typing import Any

from pytest_django import Settings

from accounts.models import User
from config.db_router import AnalysesReplicaRouter, report_read_alias


def fake_model(app_label: str) -> Any:
    return SimpleNamespace(_meta=SimpleNamespace(app_label=app_label))


def with_replica(settings: Settings) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_report_reads_go_to_the_replica(settings: Settings) -> None:
    with_replica(settings)
    router = AnalysesReplicaRouter()
    assert router.db_for_read(fake_model("analyses")) == "replica"
    assert report_read_alias() == "replica"


def test_other_apps_and_all_writes_stay_on_the_primary(settings: Settings) -> None:
    with_replica(settings)
    router = AnalysesReplicaRouter()
    assert router.db_for_read(User) is None  # default routing: the primary
    assert router.db_for_read(fake_model("referrals")) is None
    assert router.db_for_write(fake_model("analyses")) == "default"
    assert router.allow_migrate("replica", "analyses") is False


def test_without_a_replica_reports_read_the_primary(settings: Settings) -> None:
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    assert AnalysesReplicaRouter().db_for_read(fake_model("analyses")) == "default"
    assert report_read_alias() == "default"
