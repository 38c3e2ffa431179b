"""The waiting list watches capacity: a freed place triggers a background job."""

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_free_places_increased(sender: Any, location_id: int, **kwargs: Any) -> None:
    """Sent after the capacity change committed; the matching runs in a job, not the request."""
    from outbox.services import dispatch

    # Through the outbox: with the broker down the watch waits there until it is back.
    dispatch("placement.tasks.watch_waiting_list", location_id)
