from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings

        from accounts import schema  # noqa: F401  (registers the OpenAPI auth descriptions)

        # Only in the process that serves runserver (with or without the autoreloader),
        # never in migrate, seed_demo, shell or the tests.
        if settings.INPROCESS_SCHEDULER:
            from config import scheduler

            scheduler.start_if_serving()
