"""Each settings module loads with the environment it documents."""

import os
import subprocess
import sys

import pytest

SNIPPET = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
    "settings.DEBUG, settings.REQUIRE_2FA)"
)


def load(module: str, snippet: str = SNIPPET, **env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "REQUIRE_2FA", "SECRET_KEY"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    done = subprocess.run(
        [sys.executable, "-c", snippet], env=clean, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_local_defaults_to_the_embedded_postgresql_in_process_tasks_and_no_2fa() -> None:
    """Without DATABASE_URL the demo starts its own PostgreSQL 18 (data in .pgdata/)."""
    snippet = SNIPPET.replace(
        "print(",
        "from django.db import connection; "
        "print(connection.cursor().connection.info.server_version // 10000, "
        "settings.DATABASES['default']['OPTIONS']['host'].endswith('.pgdata'), ",
        1,
    )
    assert load("config.settings.local", snippet=snippet) == (
        "18 True django.db.backends.postgresql True True False"
    )


def test_local_uses_postgres_and_a_real_broker_when_urls_are_set() -> None:
    out = load(
        "config.settings.local",
        DATABASE_URL="postgres://u@127.0.0.1:5/db",
        REDIS_URL="redis://127.0.0.1:6/0",
    )
    assert out == "django.db.backends.postgresql False True False"


def test_production_requires_2fa_and_is_never_debug() -> None:
    out = load(
        "config.settings.production",
        SECRET_KEY="x" * 60,
        DEBUG="true",
        DATABASE_URL="postgres://u@127.0.0.1:5/db",
        REDIS_URL="redis://127.0.0.1:6/0",
    )
    assert out == "django.db.backends.postgresql False False True"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://u@127.0.0.1/db"])
def test_every_settings_module_refuses_a_database_other_than_postgresql(url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=url)
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "PostgreSQL" in done.stderr


def test_test_settings_refuse_to_start_without_a_database() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "PostgreSQL" in done.stderr


@pytest.mark.parametrize("module", ["config.settings.test"])
def test_test_settings_use_the_real_services(module: str) -> None:
    out = load(module, DATABASE_URL=os.environ["DATABASE_URL"], REDIS_URL=os.environ["REDIS_URL"])
    assert out.startswith("django.db.backends.postgresql")
