"""Send the report reads of `analyses` to a PostgreSQL replica when one is configured.

Only analyses' own models are routed; report builders read the event tables of other apps
with `.using(report_read_alias())` explicitly, so no other app ever reads from the replica
(where it could see slightly old data).
"""

from typing import Any

from django.conf import settings
from django.db.models import Model

REPLICA_ALIAS = "replica"


def report_read_alias() -> str:
    return REPLICA_ALIAS if REPLICA_ALIAS in settings.DATABASES else "default"


class AnalysesReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if model._meta.app_label == "analyses":
            return report_read_alias()
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the replica is a copy of default: relations are the same

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
