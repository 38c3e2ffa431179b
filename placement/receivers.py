"""The waiting list watches capacity: a freed place triggers a background job."""

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_free_places_increased(sender: Any, location_id: int, **kwargs: Any) -> None:
    """Sent after the capacity change committed; the matching runs in a job, not the request."""
    from placement.tasks import watch_waiting_list

    try:
        watch_waiting_list.delay(location_id)
    except Exception:  # broker down: the hourly sweep of waiting referrals catches up
        logger.warning(
            "Broker unavailable; waiting-list watch for location %s deferred",
            location_id,
            exc_info=True,
        )
