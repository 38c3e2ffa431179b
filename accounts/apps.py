from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts en organisaties")

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
