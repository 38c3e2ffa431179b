import os
import sys

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings

        from accounts import schema  # noqa: F401  (registers the OpenAPI auth descriptions)

        # Only in the serving child of runserver (RUN_MAIN), never in migrate or tests.
        if (
            settings.INPROCESS_SCHEDULER
            and os.environ.get("RUN_MAIN") == "true"
            and "runserver" in sys.argv
        ):
            from config import scheduler

            scheduler.start()
