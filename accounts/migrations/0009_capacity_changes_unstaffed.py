"""The audit trail as a hash chain (issue 24): each entry carries the hash of the one before.

(Named by a `makemigrations` of the capacity change that ran while these fields were added;
capacity 0005 depends on this name.)

Existing entries are chained in id order. The append-only trigger is switched off for that,
inside this migration's transaction: only the owner of the table, who runs the migrations,
may do so.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from accounts.models import audit_chain_hash

TRIGGER = "accounts_auditentry_no_update_delete"
BATCH = 2000


def chain_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    entry_model = apps.get_model("accounts", "AuditEntry")
    schema_editor.execute(f"ALTER TABLE accounts_auditentry DISABLE TRIGGER {TRIGGER}")
    prev_hash = ""
    batch = []
    for entry in entry_model.objects.order_by("id").iterator(chunk_size=BATCH):
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = audit_chain_hash(
            prev_hash,
            at=entry.at,
            user_id=entry.user_id,
            username=entry.username,
            role=entry.role,
            organisation=entry.organisation,
            action=entry.action,
            referral_id=entry.referral_id,
            object_type=entry.object_type,
            object_id=entry.object_id,
            outcome=entry.outcome,
        )
        batch.append(entry)
        if len(batch) >= BATCH:
            entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        entry_model.objects.bulk_update(batch, ["prev_hash", "hash"])
    schema_editor.execute(f"ALTER TABLE accounts_auditentry ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_enrolment_code")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash vorige regel"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
