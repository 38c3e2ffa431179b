"""Occupied places are exactly the active placements (issue 18, point 3).

Before, a provider's correction moved places between free and occupied, so `occupied_places`
could drift from the placements (down to 0 with youths still placed). The counts no longer
need to add up to the total: what is neither free, held nor occupied is "niet beschikbaar".
Existing rows are reconciled: occupied := the active placements; more occupied than before
takes unavailable places first, then free ones (the total grows only if nothing is left);
each change leaves a correction event.
"""

from django.db import migrations, models
from django.db.models import Count, F, Q


def occupied_from_placements(apps, schema_editor):  # type: ignore[no-untyped-def]
    Location = apps.get_model("capacity", "Location")
    CapacityEvent = apps.get_model("capacity", "CapacityEvent")
    Placement = apps.get_model("placement", "Placement")
    db = schema_editor.connection.alias
    active = dict(
        Placement.objects.using(db)
        .filter(status="active")
        .order_by()
        .values("location_id")
        .annotate(n=Count("id"))
        .values_list("location_id", "n")
    )
    for location in Location.objects.using(db).select_for_update().order_by("pk"):
        occupied = active.get(location.pk, 0)
        if occupied == location.occupied_places:
            continue
        before = (
            location.total_places,
            location.free_places,
            location.held_places,
            location.occupied_places,
        )
        missing = occupied - location.occupied_places
        if missing > 0:
            unavailable = (
                location.total_places
                - location.free_places
                - location.held_places
                - location.occupied_places
            )
            missing -= min(unavailable, missing)
            from_free = min(location.free_places, missing)
            location.free_places -= from_free
            location.total_places += missing - from_free
        location.occupied_places = occupied
        location.save(update_fields=["total_places", "free_places", "occupied_places"])
        CapacityEvent.objects.using(db).create(
            location=location,
            reason="correction",
            total_before=before[0],
            free_before=before[1],
            held_before=before[2],
            occupied_before=before[3],
            total_after=location.total_places,
            free_after=location.free_places,
            held_after=location.held_places,
            occupied_after=location.occupied_places,
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the events' deferred foreign keys now: ALTER TABLE refuses pending triggers.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("capacity", "0003_past_timestamps"),
        ("placement", "0006_cancel_acceptance_and_placement"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="location", name="location_counts_add_up"),
        migrations.RunPython(occupied_from_placements, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="location",
            constraint=models.CheckConstraint(
                condition=Q(
                    total_places__gte=F("free_places") + F("held_places") + F("occupied_places")
                ),
                name="location_counts_within_total",
            ),
        ),
    ]
