"""Named queues (README: Scaling out): a report rebuild never shares a queue with the jobs
that tell people something."""

import pytest

from config.celery_app import app

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("analyses.tasks.rebuild_reports", "reports"),
        ("placement.tasks.watch_waiting_list", "notifications"),
        ("accounts.tasks.send_notification_emails", "notifications"),
        ("capacity.tasks.announce_free_places", "notifications"),
        ("capacity.tasks.send_stale_reminders", "maintenance"),
        ("referrals.tasks.erase_expired_identities", "maintenance"),
    ],
)
def test_tasks_go_to_their_named_queue(task: str, queue: str) -> None:
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue
