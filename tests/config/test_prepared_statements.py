"""On PostgreSQL a statement that runs again and again on one connection is prepared, so the
server stops planning it anew (`DB_SERVER_SIDE_BINDING`, on by default)."""

import pytest
from django.db import connection

from accounts.models import Region

pytestmark = pytest.mark.django_db


def test_a_repeated_query_is_prepared_on_the_connection() -> None:
    for _ in range(6):  # psycopg prepares on the fifth run of the same text
        list(Region.objects.filter(code="prepared-probe").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"accounts_region"."code" = $1%'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == 1
