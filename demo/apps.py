from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and scale data: the demo region (`seed_demo`) and the national benchmark history
    (`generate_national`). Writes nothing at import or start-up."""

    name = "demo"
    verbose_name = _("Demo")
