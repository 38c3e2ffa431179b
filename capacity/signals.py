"""Signals of capacity. `free_places_increased` is sent after a commit that raised a
location's free places or created a location, with `location_id` (placement's waiting-list
watcher listens)."""

from django.dispatch import Signal

free_places_increased = Signal()
