"""The application's database role (issue 24, README "Database roles").

The site and the workers connect as a role that owns no table (settings.DATABASE_APP_ROLE,
`rop_app`): it may read and write the application's tables, but on the audit trail only
read and add. As it owns nothing, it can neither TRUNCATE the trail nor switch off or drop
its append-only trigger. The migrations run as the owner; the tables and sequences that
later migrations create get the same privileges through the owner's default privileges.

The role itself is created by the scripts (scripts/with-services.sh, the demo's
config/embedded_db.py, the compose init script), not here: where it does not exist, this
migration does nothing. Run it again (migrate accounts 0009, then migrate) after creating
the role on a database that was migrated without it.
"""

import re

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

AUDIT_TABLE = "accounts_auditentry"


def _role(schema_editor: BaseDatabaseSchemaEditor) -> str | None:
    role = settings.DATABASE_APP_ROLE
    if not role or not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        return None
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return None  # migrating as the application role itself: nothing to grant
    return schema_editor.quote_name(role)


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role = _role(schema_editor)
    if role is None:
        return
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {role}",
        # TRUNCATE: analyses empties its report tables on each rebuild.
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # MAINTAIN (PostgreSQL 17+): the report rebuild ANALYZEs its source tables when their
        # statistics are stale (analyses/services.py).
        f"GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, MAINTAIN ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # The audit trail: read and add only.
        f"REVOKE ALL ON {AUDIT_TABLE} FROM {role}",
        f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {role}",
    ):
        schema_editor.execute(statement)


def revoke(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role = _role(schema_editor)
    if role is None:
        return
    for statement in (
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE, MAINTAIN ON TABLES FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {role}",  # noqa: S608 - a quoted role name
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_capacity_changes_unstaffed")]
    operations = [migrations.RunPython(grant, revoke)]
