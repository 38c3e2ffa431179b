from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in

        from accounts import schema  # noqa: F401  (registers the OpenAPI auth descriptions)
        from accounts.twofactor import remember_enrolment

        user_logged_in.connect(remember_enrolment, dispatch_uid="accounts.remember_enrolment")

        # Only in the process that serves runserver (with or without the autoreloader),
        # never in migrate, seed_demo, shell or the tests.
        if settings.INPROCESS_SCHEDULER:
            from config import scheduler

            scheduler.start_if_serving()
