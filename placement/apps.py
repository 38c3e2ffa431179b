from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"

    def ready(self) -> None:
        from capacity.signals import free_places_increased
        from placement.receivers import on_free_places_increased

        free_places_increased.connect(on_free_places_increased, dispatch_uid="waiting-list")
