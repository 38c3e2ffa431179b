from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = _("Plaatsing")

    def ready(self) -> None:
        from capacity.signals import free_places_increased
        from placement.receivers import on_free_places_increased

        free_places_increased.connect(on_free_places_increased, dispatch_uid="waiting-list")
